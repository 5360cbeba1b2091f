package dynamo_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/filetype"
	"github.com/openpayer/provider-portal/shared/portal"
)

// lostResponse plays a write whose response was lost on the way back: the
// write is applied, then sent again, as the SDK retries it.
type lostResponse struct {
	*dynamodb.Client
	first []error // what each first attempt returned
}

func (l *lostResponse) PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error) {
	_, err := l.Client.PutItem(ctx, in, opts...)
	l.first = append(l.first, err)
	return l.Client.PutItem(ctx, in, opts...)
}

func (l *lostResponse) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	_, err := l.Client.UpdateItem(ctx, in, opts...)
	l.first = append(l.first, err)
	return l.Client.UpdateItem(ctx, in, opts...)
}

// A write the SDK retried after it was applied is the caller's own: an
// upload is created, a verdict recorded (so that its event is sent) and an
// idempotency key claimed, not refused as if someone else had got there first.
func TestAWriteRetriedAfterItWasAppliedIsTheCallersOwn(t *testing.T) {
	ctx := context.Background()
	db := &lostResponse{Client: local.Clients.DynamoDB}
	uploads := &dynamo.AttachmentStore{DB: db, Table: table("AttachmentsTable"), Now: time.Now}
	a := &portal.Attachment{ID: portal.NewID(), Provider: "111111111", DeclaredType: filetype.PDF, Status: portal.UploadPending,
		CreatedAt: time.Now().UTC()}
	a.ObjectKey = "uploads/" + a.ID
	if err := uploads.CreateUpload(ctx, a); err != nil {
		t.Fatalf("create: %v", err)
	}
	got, changed, err := uploads.RecordCheck(ctx, a.ID, portal.Attachment{Status: portal.UploadAccepted, Size: 9, DetectedType: filetype.PDF,
		DeclaredType: filetype.PDF})
	if err != nil || !changed || got.Status != portal.UploadAccepted {
		t.Errorf("record check: %+v changed=%v err=%v", got, changed, err)
	}
	idem := &dynamo.IdempotencyStore{DB: db, Table: table("IdempotencyTable"), Now: time.Now, TTL: time.Hour}
	key := "retried-" + portal.NewID()
	if saved, err := idem.Begin(ctx, key, "fp"); saved != nil || err != nil {
		t.Errorf("begin: %v %v", saved, err)
	}
	// And someone else's request is still told apart.
	if _, err := (&dynamo.IdempotencyStore{DB: local.Clients.DynamoDB, Table: table("IdempotencyTable"), Now: time.Now, TTL: time.Hour}).
		Begin(ctx, key, "fp"); portal.ErrorCode(err) != portal.CodeIdempotencyInProgress {
		t.Errorf("another request with the key: %v", err)
	}
	for i, err := range db.first {
		if err != nil {
			t.Errorf("first attempt %d: %v", i, err)
		}
	}
	if len(db.first) != 3 {
		t.Errorf("%d writes were retried, want 3", len(db.first))
	}
}
