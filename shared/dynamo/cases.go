package dynamo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/openpayer/provider-portal/shared/portal"
)

// CaseStore keeps disputes or appeals, one table each, three kinds of item:
//   - a case: pk "CASE#<id>", sk "CASE"; its byClaim index key is
//     "<TIN>#C#<claim>" (or "#A#<authorization>"), its byProvider key the
//     TIN, its byStatus key "<TIN>#<status>", each sorted by "<created
//     at>#<id>" (listKey);
//   - the guard of an open case: pk "OPEN#<TIN>#<subject>#<kind>", sk
//     "OPEN", naming the case, so that a second open case of the same kind
//     on a claim cannot be written;
//   - an event not delivered yet (see outboundEvents).
//
// Every change is one transaction: the case, conditional on the version
// read, with its guard, event, letter (in the letters table) and uploads
// (in the attachments table). All or none is written.
type CaseStore struct {
	DB    TxAPI
	Table string
	// Outbox names the table's outbox in its byOutbox index.
	Outbox      string
	Now         func() time.Time
	Attachments *AttachmentStore
	Letters     *LetterStore
	// Cursors sign list cursors (CURSOR_KEY_SECRET_ARN).
	Cursors CursorKeys
}

type caseItem struct {
	PK string `json:"pk"`
	SK string `json:"sk"`
	portal.Case
	SubjectKey string `json:"subjectKey"`
	StatusKey  string `json:"statusKey"`
	ListKey    string `json:"listKey"`
}

type caseGuard struct {
	PK     string `json:"pk"`
	SK     string `json:"sk"`
	CaseID string `json:"caseId"`
}

func caseKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": str("CASE#" + id), "sk": str("CASE")}
}

func guardKey(c *portal.Case) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": str("OPEN#" + c.OpenKey()), "sk": str("OPEN")}
}

func (s *CaseStore) events() outboundEvents {
	return outboundEvents{DB: s.DB, Table: s.Table, Name: s.Outbox}
}

// items are the transaction items that write c (new if seen is 0, else
// conditional on version seen) and what w carries with it.
func (s *CaseStore) items(c *portal.Case, seen int64, w portal.CaseWrite, by string) ([]types.TransactWriteItem, error) {
	item, err := marshal(caseItem{PK: "CASE#" + c.ID, SK: "CASE", Case: *c, SubjectKey: IndexKey(c.Provider, c.SubjectKey()),
		StatusKey: IndexKey(c.Provider, string(c.Status)), ListKey: c.CreatedAt.UTC().Format(stampLayout) + "#" + c.ID})
	if err != nil {
		return nil, fmt.Errorf("encode case: %w", err)
	}
	put := &types.Put{TableName: &s.Table, Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")}
	if seen > 0 {
		put.ConditionExpression = aws.String("#v = :seen")
		put.ExpressionAttributeNames = map[string]string{"#v": "version"}
		put.ExpressionAttributeValues = map[string]types.AttributeValue{":seen": &types.AttributeValueMemberN{Value: fmt.Sprint(seen)}}
	}
	tx := []types.TransactWriteItem{{Put: put}}
	switch {
	case w.Take:
		guard, err := marshal(caseGuard{PK: "OPEN#" + c.OpenKey(), SK: "OPEN", CaseID: c.ID})
		if err != nil {
			return nil, fmt.Errorf("encode guard: %w", err)
		}
		tx = append(tx, types.TransactWriteItem{Put: &types.Put{TableName: &s.Table, Item: guard,
			ConditionExpression:       aws.String("attribute_not_exists(pk) OR caseId = :id"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":id": str(c.ID)}}})
	case w.Release:
		tx = append(tx, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.Table, Key: guardKey(c),
			ConditionExpression:       aws.String("attribute_not_exists(pk) OR caseId = :id"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":id": str(c.ID)}}})
	}
	if w.Event != nil {
		ev, err := s.events().put(*w.Event)
		if err != nil {
			return nil, err
		}
		tx = append(tx, ev)
	}
	if w.Letter != nil {
		l, err := s.Letters.put(w.Letter)
		if err != nil {
			return nil, err
		}
		tx = append(tx, l)
	}
	if len(w.Uploads) > 0 {
		docs, err := s.Attachments.submitItems(c.Provider, w.Uploads, c.DocumentSubmission(by, c.UpdatedAt), "")
		if err != nil {
			return nil, err
		}
		tx = append(tx, docs...)
	}
	return tx, nil
}

// whyCanceled reads what stopped a transaction that wrote c: another open
// case of its kind, or an upload; nil if neither did.
func (s *CaseStore) whyCanceled(ctx context.Context, c *portal.Case, w portal.CaseWrite) error {
	if w.Take {
		var g caseGuard
		found, err := getItem(ctx, s.DB, s.Table, guardKey(c), &g)
		if err != nil {
			return wrap("read open case", err)
		}
		if found && g.CaseID != c.ID {
			return portal.ErrCaseOpen(g.CaseID)
		}
	}
	if len(w.Uploads) > 0 {
		stored, err := s.Attachments.getMany(ctx, w.Uploads)
		if err != nil {
			return err
		}
		return portal.WhyNotSubmittable(c.Provider, w.Uploads, stored)
	}
	return nil
}

// CreateCase writes a new case, a draft or a submitted one, with what w
// carries. A second open case of its kind on the claim answers
// CASE_ALREADY_OPEN with the open one's ID, and nothing is written.
func (s *CaseStore) CreateCase(ctx context.Context, c *portal.Case, w portal.CaseWrite) error {
	tx, err := s.items(c, 0, w, c.CreatedBy)
	if err != nil {
		return err
	}
	_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{ClientRequestToken: aws.String(c.ID), TransactItems: tx})
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		if why := s.whyCanceled(ctx, c, w); why != nil {
			return why
		}
		if got, gerr := s.get(ctx, c.ID); gerr == nil && got != nil && got.Version == c.Version {
			return nil // this call's own write, retried
		}
	}
	if err != nil {
		return fmt.Errorf("create case: %w", err)
	}
	return nil
}

func (s *CaseStore) get(ctx context.Context, id string) (*portal.Case, error) {
	if !portal.ValidCaseID(id) {
		return nil, nil
	}
	var it caseItem
	found, err := getItem(ctx, s.DB, s.Table, caseKey(id), &it)
	if err != nil || !found {
		return nil, wrap("get case", err)
	}
	return &it.Case, nil
}

// Case returns one of the provider's cases; another provider's is not
// found, by the same read as one that does not exist.
func (s *CaseStore) Case(ctx context.Context, provider portal.ProviderID, id string) (*portal.Case, error) {
	c, err := s.owned(ctx, provider, id)
	if err != nil {
		return nil, err
	}
	if c == nil {
		return nil, portal.ErrCaseNotFound()
	}
	return c, nil
}

// owned reads the provider's case with that ID; nil if there is none of
// theirs (see getOwned).
func (s *CaseStore) owned(ctx context.Context, provider portal.ProviderID, id string) (*portal.Case, error) {
	if !portal.ValidCaseID(id) || provider == "" {
		return nil, nil
	}
	var it caseItem
	found, err := getOwned(ctx, s.DB, s.Table, caseKey(id), ownerTIN, string(provider), &it)
	if err != nil || !found || it.Provider != provider {
		return nil, wrap("get case", err)
	}
	return &it.Case, nil
}

// Cases lists a page of the provider's cases about a subject
// (portal.Case's SubjectKey), newest first, from the byClaim index.
func (s *CaseStore) Cases(ctx context.Context, q portal.SubjectQuery) ([]portal.Case, string, error) {
	p := indexPage{
		Table: s.Table, Index: "byClaim", Hash: "subjectKey", HashValue: IndexKey(q.Provider, q.Subject),
		// listKey is "<created at, RFC 3339>#<ID>": every one of them sorts
		// between "0" and "9~".
		Sort: "listKey", From: "0", To: "9", Limit: q.Limit, Cursor: q.Cursor,
		Query: listFingerprint(string(q.Provider), "subject", q.Subject),
		Key:   caseKey, ValidID: portal.ValidCaseID,
	}
	return pageOf(ctx, s.DB, s.Cursors, p, decodeCase)
}

func decodeCase(item map[string]types.AttributeValue) (portal.Case, string, string, error) {
	var it caseItem
	if err := unmarshal(item, &it); err != nil {
		return portal.Case{}, "", "", fmt.Errorf("decode case: %w", err)
	}
	return it.Case, it.ID, it.ListKey, nil
}

// Worklist lists the provider's cases of q.Status (empty: every status)
// created in q's window, newest first: by status from the byStatus index,
// all from byProvider.
func (s *CaseStore) Worklist(ctx context.Context, q portal.WorkQuery) ([]portal.Case, string, error) {
	p := worklistPage(s.Table, "listKey", q, caseKey, portal.ValidCaseID)
	return pageOf(ctx, s.DB, s.Cursors, p, decodeCase)
}

// CountByStatus counts the provider's cases of a status.
func (s *CaseStore) CountByStatus(ctx context.Context, provider portal.ProviderID, status string) (int, error) {
	return countOf(ctx, s.DB, s.Table, "byStatus", "statusKey", IndexKey(provider, status))
}

// UpdateCase changes one of the provider's cases: change decides, on the
// case as stored, what to write (nil: nothing). The write is conditional
// on the version read; if another came between, it reads and decides again.
func (s *CaseStore) UpdateCase(ctx context.Context, provider portal.ProviderID, id string, by string, change portal.CaseChange) (*portal.Case, bool, error) {
	if provider == "" {
		return nil, false, portal.ErrCaseNotFound()
	}
	return s.update(ctx, provider, id, by, change)
}

// ApplyToCase changes a case for the plan (a decision from the appeals
// system), whoever's it is.
func (s *CaseStore) ApplyToCase(ctx context.Context, id string, change portal.CaseChange) (*portal.Case, bool, error) {
	return s.update(ctx, "", id, "plan", change)
}

func (s *CaseStore) update(ctx context.Context, provider portal.ProviderID, id, by string, change portal.CaseChange) (*portal.Case, bool, error) {
	for attempt := 0; ; attempt++ {
		var c *portal.Case
		var err error
		if provider != "" {
			c, err = s.owned(ctx, provider, id)
		} else {
			c, err = s.get(ctx, id)
		}
		if err != nil {
			return nil, false, err
		}
		if c == nil {
			return nil, false, portal.ErrCaseNotFound()
		}
		seen := c.Version
		w, err := change(c)
		if err != nil || w == nil {
			return c, false, err
		}
		c.Version++
		tx, err := s.items(c, seen, *w, by)
		if err != nil {
			return nil, false, err
		}
		_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
		var tce *types.TransactionCanceledException
		if errors.As(err, &tce) {
			now, gerr := s.get(ctx, id)
			if gerr != nil {
				return nil, false, gerr
			}
			if now != nil && now.Version != seen && attempt < 3 {
				continue // another write came between: read again
			}
			if why := s.whyCanceled(ctx, c, *w); why != nil {
				return nil, false, why
			}
		}
		if err != nil {
			return nil, false, fmt.Errorf("update case: %w", err)
		}
		return c, true, nil
	}
}

// DueOutbound lists up to limit events not delivered yet, recorded from
// from to to, oldest first.
func (s *CaseStore) DueOutbound(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error) {
	return s.events().due(ctx, from, to, limit)
}

// Outbound returns an event not delivered yet; nil if delivered or none.
func (s *CaseStore) Outbound(ctx context.Context, id string) (*portal.OutboundEvent, error) {
	return s.events().get(ctx, id)
}

// OutboundDelivered forgets a delivered event.
func (s *CaseStore) OutboundDelivered(ctx context.Context, id string) error {
	return s.events().delivered(ctx, id)
}
