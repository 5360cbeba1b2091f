package dynamo

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/openpayer/provider-portal/shared/portal"
)

// TxAPI adds transactions to API, for writes that must be all or nothing.
type TxAPI interface {
	API
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(ctx context.Context, in *dynamodb.DeleteItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	TransactWriteItems(ctx context.Context, in *dynamodb.TransactWriteItemsInput, opts ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
	BatchGetItem(ctx context.Context, in *dynamodb.BatchGetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
}

// AttachmentStore keeps uploads and their submissions in the Attachments
// table: one item per uploaded file. Its byClaim index lists a claim's
// documents; its sparse byWaiting index holds documents sent without a claim
// number until their claim arrives.
type AttachmentStore struct {
	DB    TxAPI
	Table string
	Now   func() time.Time
}

type attachmentItem struct {
	portal.Attachment
	ClaimKey        string `json:"claimKey,omitempty"`        // TIN#claimNumber
	WaitingKey      string `json:"waitingKey,omitempty"`      // TIN#memberId#serviceDate
	WaitingReceived string `json:"waitingReceived,omitempty"` // receipt date of a waiting document
	// Outbox and OutboxAt mark an item whose state change core claims may
	// need to hear about (the byOutbox index): the event type and when the
	// mark was written, which is also the mark's token.
	Outbox   string `json:"outbox,omitempty"`
	OutboxAt string `json:"outboxAt,omitempty"`
	// Cleanup puts an unsubmitted upload in the byExpiry index, by its
	// ExpiresAt (whole seconds, so the strings sort as the times do).
	Cleanup string `json:"cleanup,omitempty"`
}

const cleanupUpload = "upload"

// markEvent is the SET clause that marks an item as having an event due,
// with its values added to values. The mark's time is stampLayout,
// fixed-width UTC, so that marks sort by time as strings do.
func markEvent(values map[string]types.AttributeValue, at time.Time) string {
	values[":ob"], values[":obAt"] = str(portal.EventDocumentsAttached), str(at.UTC().Format(stampLayout))
	return "outbox = :ob, outboxAt = :obAt"
}

func waitingKey(p portal.ProviderID, member string, serviceDate portal.Date) string {
	return string(p) + "#" + member + "#" + serviceDate.String()
}

func (s *AttachmentStore) CreateUpload(ctx context.Context, a *portal.Attachment) error {
	it := attachmentItem{Attachment: *a}
	if a.ExpiresAt != nil {
		t := a.ExpiresAt.UTC().Truncate(time.Second)
		it.ExpiresAt, it.Cleanup = &t, cleanupUpload
	}
	item, err := marshal(it)
	if err != nil {
		return fmt.Errorf("encode upload: %w", err)
	}
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{
		TableName: &s.Table, Item: item, ConditionExpression: aws.String("attribute_not_exists(uploadId)"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if old := failedItem(err); old != nil {
		var it attachmentItem
		if unmarshal(old, &it) == nil && it.Provider == a.Provider && it.CreatedAt.Equal(a.CreatedAt) && it.ObjectKey == a.ObjectKey {
			return nil // this call's own write, retried by the SDK
		}
	}
	if err != nil {
		return fmt.Errorf("put upload: %w", err)
	}
	return nil
}

func (s *AttachmentStore) get(ctx context.Context, id string) (*attachmentItem, error) {
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName: &s.Table, Key: map[string]types.AttributeValue{"uploadId": str(id)}, ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("get upload: %w", err)
	}
	if out.Item == nil {
		return nil, nil
	}
	var it attachmentItem
	if err := unmarshal(out.Item, &it); err != nil {
		return nil, fmt.Errorf("decode upload: %w", err)
	}
	return &it, nil
}

func (s *AttachmentStore) Upload(ctx context.Context, provider portal.ProviderID, id string) (*portal.Attachment, error) {
	if !portal.ValidIdentifier(id) {
		return nil, portal.ErrUploadNotFound()
	}
	var it attachmentItem
	found, err := getOwned(ctx, s.DB, s.Table, map[string]types.AttributeValue{"uploadId": str(id)}, ownerTIN, string(provider), &it)
	if err != nil {
		return nil, fmt.Errorf("get upload: %w", err)
	}
	if !found || it.Provider != provider || it.Status == portal.UploadRemoved {
		return nil, portal.ErrUploadNotFound()
	}
	return &it.Attachment, nil
}

// Uploads returns the provider's uploads with those IDs, in their order, in
// one round trip: nil where there is none or it is another provider's.
func (s *AttachmentStore) Uploads(ctx context.Context, provider portal.ProviderID, ids []string) ([]*portal.Attachment, error) {
	all, err := s.getMany(ctx, ids)
	if err != nil {
		return nil, err
	}
	for i, a := range all {
		if a != nil && (a.Provider != provider || a.Status == portal.UploadRemoved) {
			all[i] = nil
		}
	}
	return all, nil
}

// getMany reads uploads with strongly consistent BatchGetItem calls of at
// most 100 keys, retrying the keys DynamoDB leaves unprocessed.
func (s *AttachmentStore) getMany(ctx context.Context, ids []string) ([]*portal.Attachment, error) {
	byID := map[string]*portal.Attachment{}
	var unique []string // a batch may not name a key twice
	for _, id := range ids {
		if _, seen := byID[id]; !seen && portal.ValidIdentifier(id) {
			byID[id] = nil
			unique = append(unique, id)
		}
	}
	for start := 0; start < len(unique); start += 100 {
		var keys []map[string]types.AttributeValue
		for _, id := range unique[start:min(start+100, len(unique))] {
			keys = append(keys, map[string]types.AttributeValue{"uploadId": str(id)})
		}
		req := map[string]types.KeysAndAttributes{s.Table: {Keys: keys, ConsistentRead: aws.Bool(true)}}
		for attempt := 0; len(keys) > 0 && len(req) > 0; attempt++ {
			if attempt == 5 {
				return nil, fmt.Errorf("get uploads: keys still unprocessed after %d attempts", attempt)
			}
			if attempt > 0 {
				select {
				case <-ctx.Done():
					return nil, ctx.Err()
				case <-time.After(time.Duration(25<<attempt) * time.Millisecond):
				}
			}
			out, err := s.DB.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: req})
			if err != nil {
				return nil, fmt.Errorf("get uploads: %w", err)
			}
			for _, item := range out.Responses[s.Table] {
				var it attachmentItem
				if err := unmarshal(item, &it); err != nil {
					return nil, fmt.Errorf("decode upload: %w", err)
				}
				byID[it.ID] = &it.Attachment
			}
			req = out.UnprocessedKeys
		}
	}
	out := make([]*portal.Attachment, len(ids))
	for i, id := range ids {
		out[i] = byID[id]
	}
	return out, nil
}

func (s *AttachmentStore) Get(ctx context.Context, id string) (*portal.Attachment, error) {
	it, err := s.get(ctx, id)
	if err != nil {
		return nil, err
	}
	if it == nil {
		return nil, portal.ErrUploadNotFound()
	}
	return &it.Attachment, nil
}

// DeleteUpload marks an upload of the provider's that was not submitted as
// removed, due for removal now: from then on nothing can submit it or see
// it. ForgetUpload drops the record once its file is gone; if that never
// happens, the expiry sweep finishes it.
func (s *AttachmentStore) DeleteUpload(ctx context.Context, provider portal.ProviderID, id string) error {
	if !portal.ValidIdentifier(id) {
		return portal.ErrUploadNotFound()
	}
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.Table, Key: map[string]types.AttributeValue{"uploadId": str(id)},
		UpdateExpression:         aws.String("SET #status = :removed, expiresAt = :now, cleanup = :c"),
		ConditionExpression:      aws.String("providerTin = :p AND attribute_not_exists(submission) AND #status <> :removed"),
		ExpressionAttributeNames: map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":p": str(string(provider)), ":removed": str(string(portal.UploadRemoved)), ":c": str(cleanupUpload),
			":now": str(s.Now().UTC().Truncate(time.Second).Format(time.RFC3339)),
		},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if !conditionFailed(err) {
		if err != nil {
			return fmt.Errorf("delete upload: %w", err)
		}
		return nil
	}
	var it attachmentItem
	if old := failedItem(err); old == nil || unmarshal(old, &it) != nil || it.Provider != provider || it.Status == portal.UploadRemoved {
		return portal.ErrUploadNotFound()
	}
	return portal.ErrUploadSubmitted()
}

// ExpiredUploads lists up to limit unsubmitted uploads due for removal from
// from to to (both included), soonest first.
func (s *AttachmentStore) ExpiredUploads(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error) {
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{
		TableName: &s.Table, IndexName: aws.String("byExpiry"),
		KeyConditionExpression: aws.String("cleanup = :c AND expiresAt BETWEEN :a AND :b"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":c": str(cleanupUpload),
			":a": str(from.UTC().Format(time.RFC3339)), ":b": str(to.UTC().Format(time.RFC3339)),
		},
		Limit: aws.Int32(int32(limit)),
	})
	if err != nil {
		return nil, fmt.Errorf("query expired uploads: %w", err)
	}
	due := make([]portal.Due, 0, len(out.Items))
	for _, item := range out.Items {
		var it attachmentItem
		if err := unmarshal(item, &it); err != nil {
			return nil, fmt.Errorf("decode expired upload: %w", err)
		}
		d := portal.Due{UploadID: it.ID}
		if it.ExpiresAt != nil {
			d.Since = *it.ExpiresAt
		}
		due = append(due, d)
	}
	return due, nil
}

// RemoveUpload marks an unsubmitted upload as removed, so that nothing can
// submit it any more, and returns it; nil if it was submitted or is gone.
func (s *AttachmentStore) RemoveUpload(ctx context.Context, id string) (*portal.Attachment, error) {
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.Table, Key: map[string]types.AttributeValue{"uploadId": str(id)},
		UpdateExpression:          aws.String("SET #status = :removed"),
		ConditionExpression:       aws.String("attribute_exists(uploadId) AND attribute_not_exists(submission)"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":removed": str(string(portal.UploadRemoved))},
		ReturnValues:              types.ReturnValueAllNew,
	})
	if conditionFailed(err) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("remove upload: %w", err)
	}
	var it attachmentItem
	if err := unmarshal(out.Attributes, &it); err != nil {
		return nil, fmt.Errorf("decode upload: %w", err)
	}
	return &it.Attachment, nil
}

// ForgetUpload drops the record of a removed upload.
func (s *AttachmentStore) ForgetUpload(ctx context.Context, id string) error {
	_, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{
		TableName: &s.Table, Key: map[string]types.AttributeValue{"uploadId": str(id)},
		ConditionExpression:       aws.String("#status = :removed"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":removed": str(string(portal.UploadRemoved))},
	})
	if err != nil && !conditionFailed(err) {
		return fmt.Errorf("forget upload: %w", err)
	}
	return nil
}

func (s *AttachmentStore) RecordCheck(ctx context.Context, id string, a portal.Attachment) (*portal.Attachment, bool, error) {
	now := s.Now().UTC()
	values := map[string]types.AttributeValue{
		":pending": str(string(portal.UploadPending)), ":status": str(string(a.Status)),
		":size": &types.AttributeValueMemberN{Value: strconv.FormatInt(a.Size, 10)},
		":read": &types.AttributeValueMemberN{Value: strconv.FormatInt(a.BytesRead, 10)},
		":at":   str(now.Format(time.RFC3339Nano)),
		":type": str(string(a.DetectedType)), ":code": str(a.RejectCode), ":why": str(a.RejectReason),
		":ver": str(a.ObjectVersion),
	}
	update := "SET #status = :status, #size = :size, bytesRead = :read, checkedAt = :at, detectedType = :type, rejectCode = :code, rejectReason = :why, objectVersion = :ver"
	if a.Status == portal.UploadAccepted {
		// If it is on a claim already, core claims must hear of it.
		update += ", " + markEvent(values, now)
	}
	if a.Status == portal.UploadRejected {
		// A refused file no longer waits for a claim.
		update += " REMOVE waitingKey, waitingReceived"
	}
	condition := "#status = :pending"
	if a.DeclaredType != "" {
		condition += " AND declaredType = :declared"
		values[":declared"] = str(string(a.DeclaredType))
	}
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.Table, Key: map[string]types.AttributeValue{"uploadId": str(id)},
		UpdateExpression:                    aws.String(update),
		ConditionExpression:                 aws.String(condition),
		ExpressionAttributeNames:            map[string]string{"#status": "status", "#size": "size"},
		ExpressionAttributeValues:           values,
		ReturnValues:                        types.ReturnValueAllNew,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if conditionFailed(err) {
		old := failedItem(err)
		if old == nil {
			return nil, false, portal.ErrUploadNotFound()
		}
		var it attachmentItem
		if err := unmarshal(old, &it); err != nil {
			return nil, false, fmt.Errorf("decode upload: %w", err)
		}
		// This call's own verdict, written by an attempt the SDK retried.
		mine := it.CheckedAt != nil && it.CheckedAt.Equal(now) && it.Status == a.Status
		return &it.Attachment, mine, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("record check: %w", err)
	}
	var it attachmentItem
	if err := unmarshal(out.Attributes, &it); err != nil {
		return nil, false, fmt.Errorf("decode upload: %w", err)
	}
	return &it.Attachment, true, nil
}

// Submit attaches the provider's uploads to sub, all or none, and returns the
// submission in effect: sub, or the earlier one if this is the same form sent
// again for the same files.
func (s *AttachmentStore) Submit(ctx context.Context, provider portal.ProviderID, ids []string, sub portal.Submission, claim string) (portal.Submission, error) {
	items, err := s.submitItems(provider, ids, sub, claim)
	if err != nil {
		return portal.Submission{}, err
	}
	_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		return s.whyNotSubmittable(ctx, provider, ids, sub)
	}
	if err != nil {
		return portal.Submission{}, fmt.Errorf("submit uploads: %w", err)
	}
	return sub, nil
}

// submitItems are the conditional updates that submit the provider's
// uploads: each only if it is the provider's, not submitted, and pending or
// accepted (inline documents: any verdict but removal). Another store's
// transaction may carry them.
func (s *AttachmentStore) submitItems(provider portal.ProviderID, ids []string, sub portal.Submission, claim string) ([]types.TransactWriteItem, error) {
	if s == nil {
		return nil, errors.New("dynamo: this store was built without the uploads table (see Stores)")
	}
	subAV, err := marshal(struct {
		S portal.Submission `json:"s"`
	}{sub})
	if err != nil {
		return nil, fmt.Errorf("encode submission: %w", err)
	}
	at := s.Now().UTC()
	now := str(at.Format(time.RFC3339Nano))
	var items []types.TransactWriteItem
	for _, id := range ids {
		set := "SET submission = :sub"
		const kept = " REMOVE cleanup, expiresAt" // a submitted file is kept
		values := map[string]types.AttributeValue{
			":sub": subAV["s"], ":p": str(string(provider)),
			":pending": str(string(portal.UploadPending)), ":accepted": str(string(portal.UploadAccepted)),
		}
		switch {
		case sub.Kind.KeptWithRequest():
			// Kept with their request: they wait for no claim.
		case claim != "":
			set += ", claimNumber = :claim, claimKey = :ck, attachedAt = :now, " + markEvent(values, at)
			values[":claim"], values[":ck"], values[":now"] = str(claim), str(IndexKey(provider, claim)), now
		default:
			set += ", waitingKey = :wk, waitingReceived = :wr"
			values[":wk"], values[":wr"] = str(waitingKey(provider, sub.MemberID, sub.ServiceDate)), str(sub.ReceivedDate.String())
		}
		condition := "providerTin = :p AND attribute_not_exists(submission) AND #status IN (:pending, :accepted)"
		if sub.Inline {
			// Any verdict but removal (portal.Attachment.Joins).
			condition = "providerTin = :p AND attribute_not_exists(submission) AND #status <> :removed"
			delete(values, ":pending")
			delete(values, ":accepted")
			values[":removed"] = str(string(portal.UploadRemoved))
		}
		items = append(items, types.TransactWriteItem{Update: &types.Update{
			TableName: &s.Table, Key: map[string]types.AttributeValue{"uploadId": str(id)},
			UpdateExpression:          aws.String(set + kept),
			ConditionExpression:       aws.String(condition),
			ExpressionAttributeNames:  map[string]string{"#status": "status"},
			ExpressionAttributeValues: values,
		}})
	}
	return items, nil
}

// whyNotSubmittable reads the uploads of a refused submission: the same form
// sent again is answered with the earlier submission; otherwise it says which
// upload stopped it.
func (s *AttachmentStore) whyNotSubmittable(ctx context.Context, provider portal.ProviderID, ids []string, sub portal.Submission) (portal.Submission, error) {
	stored, err := s.getMany(ctx, ids)
	if err != nil {
		return portal.Submission{}, err
	}
	if prev, ok := portal.Resubmitted(provider, ids, stored, sub); ok {
		return *prev, nil
	}
	return portal.Submission{}, portal.WhyNotSubmittable(provider, ids, stored)
}

func (s *AttachmentStore) queryAll(ctx context.Context, in *dynamodb.QueryInput) ([]portal.Attachment, error) {
	var out []portal.Attachment
	p := dynamodb.NewQueryPaginator(s.DB, in)
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("query attachments: %w", err)
		}
		for _, item := range page.Items {
			var it attachmentItem
			if err := unmarshal(item, &it); err != nil {
				return nil, fmt.Errorf("decode attachment: %w", err)
			}
			out = append(out, it.Attachment)
		}
	}
	return out, nil
}

func (s *AttachmentStore) ClaimDocuments(ctx context.Context, provider portal.ProviderID, claimNumber string) ([]portal.Attachment, error) {
	return s.queryAll(ctx, &dynamodb.QueryInput{
		TableName: &s.Table, IndexName: aws.String("byClaim"),
		KeyConditionExpression:    aws.String("claimKey = :k"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":k": str(IndexKey(provider, claimNumber))},
	})
}

func (s *AttachmentStore) Waiting(ctx context.Context, provider portal.ProviderID, memberID string, serviceDate, receivedBy portal.Date) ([]portal.Attachment, error) {
	return s.queryAll(ctx, &dynamodb.QueryInput{
		TableName: &s.Table, IndexName: aws.String("byWaiting"),
		KeyConditionExpression: aws.String("waitingKey = :k AND waitingReceived <= :r"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":k": str(waitingKey(provider, memberID, serviceDate)), ":r": str(receivedBy.String()),
		},
	})
}

func (s *AttachmentStore) AttachWaiting(ctx context.Context, provider portal.ProviderID, id, claimNumber string) (bool, error) {
	now := s.Now().UTC()
	values := map[string]types.AttributeValue{
		":c": str(claimNumber), ":ck": str(IndexKey(provider, claimNumber)),
		":now": str(now.Format(time.RFC3339Nano)), ":rejected": str(string(portal.UploadRejected)),
		":p": str(string(provider)),
	}
	// Whether the file is accepted yet is not read here, where the index
	// may be stale: the mark lets the publisher decide from the record.
	update := "SET claimNumber = :c, claimKey = :ck, attachedAt = :now, " + markEvent(values, now) + " REMOVE waitingKey, waitingReceived"
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.Table, Key: map[string]types.AttributeValue{"uploadId": str(id)},
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("attribute_exists(waitingKey) AND providerTin = :p AND #status <> :rejected"),
		ExpressionAttributeNames:  map[string]string{"#status": "status"},
		ExpressionAttributeValues: values,
	})
	if conditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("attach waiting document: %w", err)
	}
	return true, nil
}

// DueEvents lists up to limit uploads marked as having an event due, marked
// from from to to (both included), oldest first. An upload is marked again
// by each write that may complete its event: the mark's time is its token.
func (s *AttachmentStore) DueEvents(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error) {
	return dueMarks(ctx, s.DB, s.Table, portal.EventDocumentsAttached, from, to, limit, func(it markedItem, since time.Time) portal.Due {
		return portal.Due{UploadID: it.UploadID, Token: it.OutboxAt, Since: since}
	})
}

// EventState reads an upload for its publisher, strongly consistent: the
// record and the token of its event mark ("" if unmarked); nil if there is
// no such upload.
func (s *AttachmentStore) EventState(ctx context.Context, id string) (*portal.Attachment, string, error) {
	it, err := s.get(ctx, id)
	if err != nil || it == nil {
		return nil, "", err
	}
	return &it.Attachment, it.OutboxAt, nil
}

// EventHandled clears an upload's event mark if it is still token, and,
// with sent set, records when the event was sent. It reports false if a
// later write marked the upload again (or it is gone): that mark stays.
func (s *AttachmentStore) EventHandled(ctx context.Context, id, token string, sent time.Time) (bool, error) {
	update := "REMOVE outbox, outboxAt"
	values := map[string]types.AttributeValue{":t": str(token)}
	if !sent.IsZero() {
		update = "SET eventSentAt = :sent " + update
		values[":sent"] = str(sent.UTC().Format(time.RFC3339Nano))
	}
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{
		TableName: &s.Table, Key: map[string]types.AttributeValue{"uploadId": str(id)},
		UpdateExpression:          aws.String(update),
		ConditionExpression:       aws.String("outboxAt = :t"),
		ExpressionAttributeValues: values,
	})
	if conditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("clear event mark: %w", err)
	}
	return true, nil
}
