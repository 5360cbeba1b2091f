package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/openpayer/provider-portal/shared/portal"
)

// AuthorizationStore keeps retro authorization requests in the
// Authorizations table, one table for three kinds of item, by key:
//   - a request: pk "AUTH#<id>", sk "AUTH"; its byMember index key is
//     "<TIN>#<member>", sorted by "<start date>#<submitted at>#<id>"
//     (listKey); its byProvider key is the TIN and its byStatus key
//     "<TIN>#<status>", both sorted by "<submitted at>#<id>" (workKey);
//   - the guard of an open request: pk "OPEN#<TIN>#<member>#<type>#<start
//     date>#<services>", sk "OPEN", naming the request, so that a second open
//     request for the same member, type, date and services cannot be written;
//   - other insurance a provider reported: pk "COB#<member>", sk "<reported
//     at>#<random>";
//   - an event not delivered yet: pk "EVENT#<id>", sk "EVENT", in the sparse
//     byOutbox index by when it was recorded. It is written in the same
//     transaction as the change it reports, and deleted once delivered.
type AuthorizationStore struct {
	DB    TxAPI
	Table string
	Now   func() time.Time
	// Attachments holds the uploads: a request's documents are submitted in
	// the same transaction as the request, all or none.
	Attachments *AttachmentStore
	// Cursors sign list cursors (CURSOR_KEY_SECRET_ARN).
	Cursors CursorKeys
}

type authItem struct {
	PK string `json:"pk"`
	SK string `json:"sk"`
	portal.Authorization
	MemberKey string `json:"memberKey"`
	ListKey   string `json:"listKey"`
	StatusKey string `json:"statusKey"`
	WorkKey   string `json:"workKey"`
}

type openItem struct {
	PK              string `json:"pk"`
	SK              string `json:"sk"`
	AuthorizationID string `json:"authorizationId"`
}

// events is the table's outbox.
func (s *AuthorizationStore) events() outboundEvents {
	return outboundEvents{DB: s.DB, Table: s.Table, Name: "authorizations"}
}

// eventPut is the transaction item that records ev.
func (s *AuthorizationStore) eventPut(ev portal.OutboundEvent) (types.TransactWriteItem, error) {
	return s.events().put(ev)
}

type cobItem struct {
	PK string `json:"pk"`
	SK string `json:"sk"`
	portal.ReportedCOB
}

func authKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": str("AUTH#" + id), "sk": str("AUTH")}
}

func openKey(a *portal.Authorization) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": str("OPEN#" + a.OpenKey()), "sk": str("OPEN")}
}

func newAuthItem(a *portal.Authorization) authItem {
	return authItem{PK: "AUTH#" + a.ID, SK: "AUTH", Authorization: *a,
		MemberKey: IndexKey(a.Provider, a.Request.MemberID),
		ListKey:   a.Request.StartDate.String() + "#" + a.SubmittedAt.UTC().Format(stampLayout) + "#" + a.ID,
		StatusKey: IndexKey(a.Provider, string(a.Status)),
		WorkKey:   a.SubmittedAt.UTC().Format(stampLayout) + "#" + a.ID}
}

// CreateAuthorization writes a new request and its open guard in one
// transaction. If an open request for the same member, type, start date and
// services exists, it writes nothing and returns that request's ID.
func (s *AuthorizationStore) CreateAuthorization(ctx context.Context, a *portal.Authorization, ev portal.OutboundEvent) (string, error) {
	item, err := marshal(newAuthItem(a))
	if err != nil {
		return "", fmt.Errorf("encode authorization: %w", err)
	}
	guard, err := marshal(openItem{PK: "OPEN#" + a.OpenKey(), SK: "OPEN", AuthorizationID: a.ID})
	if err != nil {
		return "", fmt.Errorf("encode guard: %w", err)
	}
	record, err := s.eventPut(ev)
	if err != nil {
		return "", err
	}
	tx := []types.TransactWriteItem{
		{Put: &types.Put{TableName: &s.Table, Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")}},
		{Put: &types.Put{TableName: &s.Table, Item: guard, ConditionExpression: aws.String("attribute_not_exists(pk)")}},
		record,
	}
	uploads := a.Request.UploadIDs
	if len(uploads) > 0 {
		docs, err := s.Attachments.submitItems(a.Provider, uploads, a.DocumentSubmission(a.SubmittedBy, a.SubmittedAt), "")
		if err != nil {
			return "", err
		}
		tx = append(tx, docs...)
	}
	_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{
		// The same token on the SDK's retry: DynamoDB answers it as the
		// first attempt instead of failing its conditions.
		ClientRequestToken: aws.String(a.ID),
		TransactItems:      tx,
	})
	var tce *types.TransactionCanceledException
	if errors.As(err, &tce) {
		var g openItem
		found, gerr := getItem(ctx, s.DB, s.Table, openKey(a), &g)
		if gerr != nil {
			return "", wrap("read open request", gerr)
		}
		if found {
			if g.AuthorizationID == a.ID {
				return "", nil // this call's own write, retried
			}
			return g.AuthorizationID, nil
		}
		if len(uploads) > 0 {
			// No open request: a document stopped it. Say which.
			stored, gerr := s.Attachments.getMany(ctx, uploads)
			if gerr != nil {
				return "", gerr
			}
			return "", portal.WhyNotSubmittable(a.Provider, uploads, stored)
		}
		return "", fmt.Errorf("create authorization: %w", err)
	}
	if err != nil {
		return "", fmt.Errorf("create authorization: %w", err)
	}
	return "", nil
}

func (s *AuthorizationStore) get(ctx context.Context, id string) (*authItem, error) {
	if !strings.HasPrefix(id, "RA-") || len(id) != 12 {
		return nil, nil
	}
	var it authItem
	found, err := getItem(ctx, s.DB, s.Table, authKey(id), &it)
	if err != nil || !found {
		return nil, wrap("get authorization", err)
	}
	return &it, nil
}

// owned reads the provider's request with that ID; nil if there is none of
// theirs (see getOwned).
func (s *AuthorizationStore) owned(ctx context.Context, provider portal.ProviderID, id string) (*authItem, error) {
	if !portal.ValidAuthorizationID(id) || provider == "" {
		return nil, nil
	}
	var it authItem
	found, err := getOwned(ctx, s.DB, s.Table, authKey(id), ownerTIN, string(provider), &it)
	if err != nil || !found || it.Provider != provider {
		return nil, wrap("get authorization", err)
	}
	return &it, nil
}

// Authorization returns one of the provider's requests; another
// provider's is not found, by the same read as one that does not exist.
func (s *AuthorizationStore) Authorization(ctx context.Context, provider portal.ProviderID, id string) (*portal.Authorization, error) {
	it, err := s.owned(ctx, provider, id)
	if err != nil {
		return nil, err
	}
	if it == nil {
		return nil, portal.ErrAuthorizationNotFound()
	}
	return &it.Authorization, nil
}

func listFingerprint(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(h[:8])
}

func decodeAuth(item map[string]types.AttributeValue) (portal.Authorization, string, string, error) {
	var it authItem
	if err := unmarshal(item, &it); err != nil {
		return portal.Authorization{}, "", "", fmt.Errorf("decode authorization: %w", err)
	}
	return it.Authorization, it.ID, it.ListKey, nil
}

// Authorizations lists the provider's requests for a member whose start
// date falls from from to to, newest first, limit at a time.
func (s *AuthorizationStore) Authorizations(ctx context.Context, provider portal.ProviderID, memberID string, from, to portal.Date, limit int, cur string) ([]portal.Authorization, string, error) {
	memberKey := IndexKey(provider, memberID)
	return pageOf(ctx, s.DB, s.Cursors, indexPage{
		Table: s.Table, Index: "byMember", Hash: "memberKey", HashValue: memberKey,
		Sort: "listKey", From: from.String(), To: to.String(),
		Limit: limit, Cursor: cur, Query: listFingerprint(memberKey, from.String(), to.String()),
		Key: authKey, ValidID: portal.ValidAuthorizationID,
	}, decodeAuth)
}

// Worklist lists the provider's requests of q.Status (empty: every
// status) submitted in q's window, newest first: by status from the
// byStatus index, all from byProvider.
func (s *AuthorizationStore) Worklist(ctx context.Context, q portal.WorkQuery) ([]portal.Authorization, string, error) {
	p := worklistPage(s.Table, "workKey", q, authKey, portal.ValidAuthorizationID)
	return pageOf(ctx, s.DB, s.Cursors, p, func(item map[string]types.AttributeValue) (portal.Authorization, string, string, error) {
		var it authItem
		if err := unmarshal(item, &it); err != nil {
			return portal.Authorization{}, "", "", fmt.Errorf("decode authorization: %w", err)
		}
		return it.Authorization, it.ID, it.WorkKey, nil
	})
}

// CountByStatus counts the provider's requests of a status.
func (s *AuthorizationStore) CountByStatus(ctx context.Context, provider portal.ProviderID, status string) (int, error) {
	return countOf(ctx, s.DB, s.Table, "byStatus", "statusKey", IndexKey(provider, status))
}

// ApplyDecision applies a decision from utilization management, once: the
// request is read, decided in memory and written back only if no other
// write came between (its version), with the event that tells the systems
// that subscribed. A final decision removes the open guard in the same
// transaction, so that a new request may follow.
func (s *AuthorizationStore) ApplyDecision(ctx context.Context, d portal.AuthDecision) (*portal.Authorization, bool, error) {
	for attempt := 0; ; attempt++ {
		it, err := s.get(ctx, d.AuthorizationID)
		if err != nil {
			return nil, false, err
		}
		if it == nil {
			return nil, false, portal.ErrAuthorizationNotFound()
		}
		a := it.Authorization
		seen := a.Version
		changed, err := a.Decide(d, s.Now().UTC())
		if err != nil || !changed {
			return &a, false, err
		}
		a.Version++
		item, err := marshal(newAuthItem(&a))
		if err != nil {
			return nil, false, fmt.Errorf("encode authorization: %w", err)
		}
		tx := []types.TransactWriteItem{{Put: &types.Put{TableName: &s.Table, Item: item,
			ConditionExpression:       aws.String("#v = :seen"),
			ExpressionAttributeNames:  map[string]string{"#v": "version"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":seen": &types.AttributeValueMemberN{Value: fmt.Sprint(seen)}},
		}}}
		// The systems that subscribed hear of it: an event recorded with
		// the decision, one per version.
		record, err := s.eventPut(portal.DecidedEvent(&a, s.Now()))
		if err != nil {
			return nil, false, err
		}
		tx = append(tx, record)
		if a.Status.Final() {
			tx = append(tx, types.TransactWriteItem{Delete: &types.Delete{TableName: &s.Table, Key: openKey(&a),
				ConditionExpression:       aws.String("attribute_not_exists(pk) OR authorizationId = :id"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":id": str(a.ID)},
			}})
		}
		_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
		var tce *types.TransactionCanceledException
		if errors.As(err, &tce) && attempt < 3 {
			continue // another write came between: read again and decide again
		}
		if err != nil {
			return nil, false, fmt.Errorf("apply decision: %w", err)
		}
		return &a, true, nil
	}
}

// ReportCOB keeps other insurance a provider reported, as reported, with
// the event that tells the plan's COB unit.
func (s *AuthorizationStore) ReportCOB(ctx context.Context, r portal.ReportedCOB, ev portal.OutboundEvent) error {
	item, err := marshal(cobItem{PK: "COB#" + r.MemberID, SK: r.ReportedAt.UTC().Format(stampLayout) + "#" + ev.ID, ReportedCOB: r})
	if err != nil {
		return fmt.Errorf("encode reported COB: %w", err)
	}
	record, err := s.eventPut(ev)
	if err != nil {
		return err
	}
	_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{ClientRequestToken: aws.String(ev.ID),
		TransactItems: []types.TransactWriteItem{{Put: &types.Put{TableName: &s.Table, Item: item}}, record}})
	if err != nil {
		return fmt.Errorf("report COB: %w", err)
	}
	return nil
}

// AddDocuments attaches documents and a note to one of the provider's open
// requests, with the event that tells utilization management, in one
// transaction conditional on the request's version.
func (s *AuthorizationStore) AddDocuments(ctx context.Context, provider portal.ProviderID, id string, uploadIDs []string, note string, ev portal.OutboundEvent) (*portal.Authorization, error) {
	for attempt := 0; ; attempt++ {
		it, err := s.owned(ctx, provider, id)
		if err != nil {
			return nil, err
		}
		if it == nil {
			return nil, portal.ErrAuthorizationNotFound()
		}
		a := it.Authorization
		seen := a.Version
		if err := a.AddDocuments(uploadIDs, note, s.Now().UTC()); err != nil {
			return nil, err
		}
		a.Version++
		item, err := marshal(newAuthItem(&a))
		if err != nil {
			return nil, fmt.Errorf("encode authorization: %w", err)
		}
		record, err := s.eventPut(ev)
		if err != nil {
			return nil, err
		}
		tx := []types.TransactWriteItem{
			{Put: &types.Put{TableName: &s.Table, Item: item, ConditionExpression: aws.String("#v = :seen"),
				ExpressionAttributeNames:  map[string]string{"#v": "version"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":seen": &types.AttributeValueMemberN{Value: fmt.Sprint(seen)}}}},
			record,
		}
		if len(uploadIDs) > 0 {
			docs, err := s.Attachments.submitItems(provider, uploadIDs, a.DocumentSubmission(a.SubmittedBy, a.UpdatedAt), "")
			if err != nil {
				return nil, err
			}
			tx = append(tx, docs...)
		}
		_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: tx})
		var tce *types.TransactionCanceledException
		if errors.As(err, &tce) {
			now, gerr := s.get(ctx, id)
			if gerr != nil {
				return nil, gerr
			}
			if now != nil && now.Version != seen && attempt < 3 {
				continue // another write came between: read again
			}
			if len(uploadIDs) > 0 {
				stored, gerr := s.Attachments.getMany(ctx, uploadIDs)
				if gerr != nil {
					return nil, gerr
				}
				return nil, portal.WhyNotSubmittable(provider, uploadIDs, stored)
			}
		}
		if err != nil {
			return nil, fmt.Errorf("add documents: %w", err)
		}
		return &a, nil
	}
}

// DueOutbound lists up to limit events not delivered yet, recorded from
// from to to, oldest first.
func (s *AuthorizationStore) DueOutbound(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error) {
	return s.events().due(ctx, from, to, limit)
}

// Outbound returns an event not delivered yet; nil if delivered or none.
func (s *AuthorizationStore) Outbound(ctx context.Context, id string) (*portal.OutboundEvent, error) {
	return s.events().get(ctx, id)
}

// OutboundDelivered forgets a delivered event.
func (s *AuthorizationStore) OutboundDelivered(ctx context.Context, id string) error {
	return s.events().delivered(ctx, id)
}

// ReportedCOB lists the other insurance reported for a member, in the
// order it was reported.
func (s *AuthorizationStore) ReportedCOB(ctx context.Context, memberID string) ([]portal.ReportedCOB, error) {
	var out []portal.ReportedCOB
	p := dynamodb.NewQueryPaginator(s.DB, &dynamodb.QueryInput{
		TableName: &s.Table, KeyConditionExpression: aws.String("pk = :p"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": str("COB#" + memberID)},
		ConsistentRead:            aws.Bool(true),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return nil, fmt.Errorf("list reported COB: %w", err)
		}
		for _, item := range page.Items {
			var it cobItem
			if err := unmarshal(item, &it); err != nil {
				return nil, fmt.Errorf("decode reported COB: %w", err)
			}
			out = append(out, it.ReportedCOB)
		}
	}
	return out, nil
}
