package e2e_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"maps"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	documentsfn "github.com/openpayer/provider-portal/shared/attachments"
	"github.com/openpayer/provider-portal/shared/claimsingest"
	"github.com/openpayer/provider-portal/shared/documentevents"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/filetype/filetypetest"
	"github.com/openpayer/provider-portal/shared/httpapi/httpapitest"
	"github.com/openpayer/provider-portal/shared/outbox"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// The three ways a documents_attached event used to be lost, each with its
// fault injected against the local stack's DynamoDB and SQS.

// env is a copy of a function's environment in the local stack, with set
// applied.
func env(id string, set map[string]string) func(string) string {
	e := maps.Clone(local.Wired.Env[id])
	maps.Copy(e, set)
	return func(k string) string { return e[k] }
}

// sweep runs the document-events function once, with no grace period.
func sweep(t *testing.T) outbox.Result {
	t.Helper()
	s, err := documentevents.FromEnv(context.Background(), env("DocumentEventsFunction", map[string]string{"EVENT_SWEEP_GRACE": "1ms"}))
	if err != nil {
		t.Fatal(err)
	}
	s.Metrics = io.Discard
	time.Sleep(5 * time.Millisecond)
	res, err := s.Sweep(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func TestEventWhoseSendFailedAfterTheCommitIsSwept(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	claimDocEvents(t)
	id := upload(t, a, "consent.pdf", filetypetest.PDF(0))
	waitChecked(t, a, id)
	// The documents function, with SQS unreachable: the submission commits,
	// the send after it fails.
	h, err := documentsfn.FromEnv(context.Background(), env("AttachmentsFunction", map[string]string{"AWS_ENDPOINT_URL_SQS": "http://127.0.0.1:1"}))
	if err != nil {
		t.Fatal(err)
	}
	send := httpapitest.NewWithBody(t, h)
	resp := send("POST", "/claims/C10000000002/document-submissions", `{"contactEmail":"billing@example.org","uploadIds":["`+id+`"]}`,
		map[string]string{"custom:tin": sampledata.ProviderA.TIN, "sub": "user-a"})
	if resp.StatusCode != 201 {
		t.Fatalf("submission: %d %s", resp.StatusCode, resp.Body)
	}
	if n := claimDocEvents(t)["C10000000002/"+id]; n != 0 {
		t.Fatalf("sent %d events with SQS down?", n)
	}
	if res := sweep(t); res.Delivered < 1 || res.Failed != 0 {
		t.Errorf("sweep: %+v", res)
	}
	if n := claimDocEvents(t)["C10000000002/"+id]; n != 1 {
		t.Errorf("core claims told %d times after the sweep, want once", n)
	}
	if res := sweep(t); res.Delivered != 0 {
		t.Errorf("a second sweep delivered %d more", res.Delivered)
	}
}

// waitingDates gives each waiting document a service date of its own, so
// that one test's claim never takes another test's document.
var waitingDates atomic.Int32

// waitingForClaim uploads and submits a checked file without a claim
// number, and returns its ID and a claim, not yet fed, that will take it.
func waitingForClaim(t *testing.T) (string, portal.Claim) {
	t.Helper()
	a := token(t, sampledata.ProviderA.TIN)
	today := portal.DateOf(time.Now())
	dos := today.AddDate(0, 0, -40-int(waitingDates.Add(1)))
	id := upload(t, a, "op-report.pdf", filetypetest.PDF(0))
	waitChecked(t, a, id)
	status, body := call(t, a, "POST", "/claim-attachments", map[string]any{
		"memberId": sampledata.MemberCasey, "serviceDate": dos.String(), "submissionReason": "operative_report",
		"contactEmail": "billing@example.org", "uploadIds": []string{id}})
	if status != 201 || !strings.Contains(string(body), "waiting_for_claim") {
		t.Fatalf("submission: %d %s", status, body)
	}
	c := set.Claims[3] // provider A's claim for Casey
	c.ServiceFrom, c.ServiceTo, c.Version, c.DateReceived = dos, dos, 1, today
	c.Lines = []portal.ClaimLine{{LineNumber: 1, ServiceFrom: dos, ServiceTo: dos, ProcedureCode: "27447", Units: 1}}
	c.PatientAccountNumber, c.CheckNumber, c.ExternalReferenceNumber = "PA-O", "", ""
	c.Number = "C4-" + strings.ToUpper(portal.NewID()[:8]) // fresh claims each run
	return id, c
}

func feedMessage(t *testing.T, c portal.Claim) events.SQSEvent {
	b, err := json.Marshal(map[string]any{"type": "claim", "claim": c})
	if err != nil {
		t.Fatal(err)
	}
	return events.SQSEvent{Records: []events.SQSMessage{{MessageId: "feed-" + c.Number, Body: string(b)}}}
}

// ingest is the claims-ingest function on the local stack's tables and
// queues, with its attachments store's client given by db.
func ingest(db dynamo.TxAPI, waiting func(claimsingest.Waiting) claimsingest.Waiting) *claimsingest.Handler {
	store := &dynamo.AttachmentStore{DB: db, Table: local.Res.Tables["AttachmentsTable"], Now: time.Now}
	var w claimsingest.Waiting = store
	if waiting != nil {
		w = waiting(store)
	}
	return claimsingest.New(claimsingest.Deps{
		Log:         slog.New(slog.NewJSONHandler(io.Discard, nil)),
		Claims:      &dynamo.ClaimStore{DB: db, Table: local.Res.Tables["ClaimsTable"], Now: time.Now},
		Members:     &dynamo.MemberStore{DB: db, Table: local.Res.Tables["MembersTable"], Now: time.Now},
		Attachments: w,
		Events: &documentevents.Publisher{Store: store,
			Sender: &sqs.DocumentEvents{SQS: local.Clients.SQS, URL: local.Res.Queues["ClaimDocumentsQueue"]}},
		DeadLetters: &sqs.DeadLetters{SQS: local.Clients.SQS, URL: local.Res.Queues["ClaimsFeedDLQ"]},
	})
}

// staleIndex answers the waiting list as an eventually consistent index
// may, just after the processor accepted the file: still pending.
type staleIndex struct{ store claimsingest.Waiting }

func (s staleIndex) Waiting(ctx context.Context, p portal.ProviderID, m string, dos, by portal.Date) ([]portal.Attachment, error) {
	list, err := s.store.Waiting(ctx, p, m, dos, by)
	for i := range list {
		list[i].Status, list[i].CheckedAt = portal.UploadPending, nil
	}
	return list, err
}

func (s staleIndex) AttachWaiting(ctx context.Context, p portal.ProviderID, id, claim string) (bool, error) {
	return s.store.AttachWaiting(ctx, p, id, claim)
}

func TestFileAcceptedWhileTheIndexSaysPendingIsAnnounced(t *testing.T) {
	claimDocEvents(t)
	id, c := waitingForClaim(t)
	h := ingest(local.Clients.DynamoDB, func(w claimsingest.Waiting) claimsingest.Waiting { return staleIndex{w} })
	if resp, err := h.Handle(context.Background(), feedMessage(t, c)); err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("claim event: %+v %v", resp, err)
	}
	if n := claimDocEvents(t)[c.Number+"/"+id]; n != 1 {
		t.Errorf("core claims told %d times, want once", n)
	}
}

// failUpdateOnce fails the first UpdateItem, after which the client works.
type failUpdateOnce struct {
	dynamo.TxAPI
	failed atomic.Bool
}

func (f *failUpdateOnce) UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error) {
	if f.failed.CompareAndSwap(false, true) {
		return nil, errors.New("injected: ProvisionedThroughputExceededException")
	}
	return f.TxAPI.UpdateItem(ctx, in, opts...)
}

func TestClaimEventRedeliveredAfterStoringTheClaimAttachesItsDocuments(t *testing.T) {
	claimDocEvents(t)
	id, c := waitingForClaim(t)
	h := ingest(&failUpdateOnce{TxAPI: local.Clients.DynamoDB}, nil)
	// First delivery: the claim is stored, attaching its document fails.
	if resp, err := h.Handle(context.Background(), feedMessage(t, c)); err != nil || len(resp.BatchItemFailures) != 1 {
		t.Fatalf("first delivery: %+v %v; want it reported for retry", resp, err)
	}
	if docs := documents(t, token(t, sampledata.ProviderA.TIN), c.Number); len(docs) != 0 {
		t.Fatalf("attached despite the fault: %v", docs)
	}
	// SQS delivers it again: the same version is stored, the rest is done.
	if resp, err := h.Handle(context.Background(), feedMessage(t, c)); err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("redelivery: %+v %v", resp, err)
	}
	docs := documents(t, token(t, sampledata.ProviderA.TIN), c.Number)
	if len(docs) != 1 || docs[0]["uploadId"] != id {
		t.Errorf("claim documents after redelivery: %v, want %s", docs, id)
	}
	if n := claimDocEvents(t)[c.Number+"/"+id]; n != 1 {
		t.Errorf("core claims told %d times, want once", n)
	}
}
