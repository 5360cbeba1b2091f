package dynamo

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Index names and key attributes of the Claims table; template.yaml declares
// the same. Every search index is keyed by provider first, so a query can
// only ever read the calling provider's claims.
var claimIndexes = map[portal.ClaimIndex]struct{ name, key string }{
	portal.IndexMember:         {"byMember", "memberKey"},
	portal.IndexPatientAccount: {"byPatientAccount", "patientAccountKey"},
	portal.IndexCheck:          {"byCheck", "checkKey"},
	portal.IndexExternalRef:    {"byExternalReference", "externalReferenceKey"},
}

// ClaimStore keeps claims in the Claims table.
type ClaimStore struct {
	DB    API
	Table string
	Now   func() time.Time
	// Cursors sign search cursors, so that only a cursor this deployment
	// issued is read at all (CURSOR_KEY_SECRET_ARN).
	Cursors CursorKeys
}

type claimItem struct {
	portal.Claim
	MemberKey            string `json:"memberKey,omitempty"`
	PatientAccountKey    string `json:"patientAccountKey,omitempty"`
	CheckKey             string `json:"checkKey,omitempty"`
	ExternalReferenceKey string `json:"externalReferenceKey,omitempty"`
	UpdatedAt            string `json:"updatedAt"`
}

// IndexKey is the value a claim carries in an index's key attribute.
func IndexKey(p portal.ProviderID, value string) string { return string(p) + "#" + value }

func (s *ClaimStore) Claim(ctx context.Context, provider portal.ProviderID, number string) (*portal.Claim, error) {
	notFound := portal.ErrClaimNotFound(number)
	if !portal.ValidIdentifier(number) {
		return nil, notFound
	}
	var it claimItem
	found, err := getOwned(ctx, s.DB, s.Table, map[string]types.AttributeValue{"claimNumber": str(number)},
		[]string{"billingProvider", "tin"}, string(provider), &it)
	if err != nil {
		return nil, fmt.Errorf("get claim: %w", err)
	}
	if !found || it.Claim.Provider() != provider {
		return nil, notFound
	}
	return &it.Claim, nil
}

func (s *ClaimStore) UpsertClaim(ctx context.Context, c *portal.Claim) (portal.Upserted, error) {
	p := c.Provider()
	it := claimItem{Claim: *c, MemberKey: IndexKey(p, c.MemberID), UpdatedAt: s.Now().UTC().Format(time.RFC3339)}
	if c.PatientAccountNumber != "" {
		it.PatientAccountKey = IndexKey(p, c.PatientAccountNumber)
	}
	if c.CheckNumber != "" {
		it.CheckKey = IndexKey(p, c.CheckNumber)
	}
	if c.ExternalReferenceNumber != "" {
		it.ExternalReferenceKey = IndexKey(p, c.ExternalReferenceNumber)
	}
	item, err := marshal(it)
	if err != nil {
		return portal.Stale, fmt.Errorf("encode claim: %w", err)
	}
	return putIfNewer(ctx, s.DB, s.Table, "claimNumber", item, c.Version)
}

// putIfNewer writes item unless the stored item's version is at least
// version: the feed may deliver twice or out of order, and an older event must
// never overwrite a newer one.
func putIfNewer(ctx context.Context, db API, table, hashKey string, item map[string]types.AttributeValue, version int64) (portal.Upserted, error) {
	_, err := db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:                           &table,
		Item:                                item,
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		ConditionExpression:                 aws.String("attribute_not_exists(#k) OR #v < :v"),
		ExpressionAttributeNames: map[string]string{
			"#k": hashKey, "#v": "version",
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":v": &types.AttributeValueMemberN{Value: strconv.FormatInt(version, 10)},
		},
	})
	if conditionFailed(err) {
		// The same version stored already (a redelivery, or this call's own
		// write retried by the SDK) is told apart from a newer one.
		var old struct {
			Version int64 `json:"version"`
		}
		if item := failedItem(err); item != nil && unmarshal(item, &old) == nil && old.Version == version {
			return portal.Repeated, nil
		}
		return portal.Stale, nil
	}
	if err != nil {
		return portal.Stale, fmt.Errorf("put %s item: %w", hashKey, err)
	}
	return portal.Applied, nil
}

// position is where one key of a search stands: not started (zero), done,
// or after the claim last returned, by its sort key and claim number, which
// with the index key make DynamoDB's ExclusiveStartKey.
type position struct {
	Done     bool   `json:"d,omitempty"`
	Received string `json:"r,omitempty"`
	Number   string `json:"n,omitempty"`
}

// cursor is where a search stopped: a position per key, tied to the query
// it was issued for, so that it cannot be replayed against another.
type cursor struct {
	Query string     `json:"q"`
	At    []position `json:"p"`
}

func queryFingerprint(q portal.ClaimQuery) string {
	h := sha256.Sum256([]byte(string(q.Provider) + "\x00" + string(q.Index) + "\x00" + strings.Join(q.Keys, "\x00") + "\x00" + q.ReceivedFrom.String()))
	return hex.EncodeToString(h[:8])
}

var errCursor = portal.ErrInvalidCursor()

// decodeCursor checks a cursor's signature, then every value in it, so
// that nothing a caller forged reaches DynamoDB as a key.
func decodeCursor(ring [][]byte, s, fingerprint string, keys int) (cursor, error) {
	if s == "" {
		return cursor{Query: fingerprint, At: make([]position, keys)}, nil
	}
	b, err := openSigned(ring, s)
	if err != nil {
		return cursor{}, errCursor
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.Query != fingerprint || len(c.At) != keys {
		return cursor{}, errCursor
	}
	for _, p := range c.At {
		switch {
		case p.Done && p.Received == "" && p.Number == "":
		case !p.Done && p.Received == "" && p.Number == "":
		case !p.Done && portal.ValidIdentifier(p.Number):
			if _, err := portal.ParseDate(p.Received); err != nil {
				return cursor{}, errCursor
			}
		default:
			return cursor{}, errCursor
		}
	}
	return c, nil
}

// cursorMAC is the first 16 bytes of the payload's HMAC-SHA256.
func cursorMAC(key []byte, payload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(payload))
	return m.Sum(nil)[:16]
}

// encode signs the cursor.
func (c cursor) encode(key []byte) string {
	b, _ := json.Marshal(c) // positions are strings and booleans: always marshal
	return signed(key, b)
}

// signed is b and its MAC, each in URL-safe base64, joined by a dot: the
// form of every cursor a store hands out.
func signed(key, b []byte) string {
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(cursorMAC(key, payload))
}

// openSigned checks a signed token's MAC against each key of the ring (the
// current key, and the previous one during a rotation) and returns what it
// signs.
func openSigned(ring [][]byte, s string) ([]byte, error) {
	payload, sig, ok := strings.Cut(s, ".")
	if !ok {
		return nil, errCursor
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !slices.ContainsFunc(ring, func(key []byte) bool { return hmac.Equal(got, cursorMAC(key, payload)) }) {
		return nil, errCursor
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return nil, errCursor
	}
	return b, nil
}

// summaryItem is what a search reads of a claim item: the row it shows and
// whose claim it is.
type summaryItem struct {
	portal.ClaimSummary
	BillingProvider struct {
		TIN string `json:"tin"`
	} `json:"billingProvider"`
}

// summaryProjection names the attributes of summaryItem: a search reads
// and decodes a row's worth of each claim, not its lines.
var summaryProjection, summaryNames = func() (string, map[string]string) {
	attrs := []string{"claimNumber", "claimType", "memberId", "patient", "patientAccountNumber", "serviceFrom",
		"serviceTo", "dateReceived", "processedDate", "status", "totalCharged", "totalPaid", "checkNumber", "billingProvider"}
	names := map[string]string{}
	paths := make([]string, len(attrs))
	for i, a := range attrs {
		n := fmt.Sprintf("#p%d", i)
		names[n], paths[i] = a, n // placeholders: status and others are reserved words
	}
	paths[len(paths)-1] += ".tin"
	return strings.Join(paths, ", "), names
}()

// searchConcurrency bounds the queries one search runs at once.
const searchConcurrency = 8

// SearchClaims runs one query per key, concurrently, each from where the
// cursor says that key stands, and merges them newest first into a page.
func (s *ClaimStore) SearchClaims(ctx context.Context, q portal.ClaimQuery) (portal.ClaimPage, error) {
	idx, ok := claimIndexes[q.Index]
	if !ok {
		return portal.ClaimPage{}, fmt.Errorf("search claims: unknown index %q", q.Index)
	}
	if len(q.Keys) == 0 {
		return portal.ClaimPage{}, nil
	}
	if len(q.Keys) > portal.MaxSearchKeys {
		return portal.ClaimPage{}, fmt.Errorf("search claims: %d keys, at most %d", len(q.Keys), portal.MaxSearchKeys)
	}
	fp := queryFingerprint(q)
	ring, err := cursorRing(ctx, s.Cursors)
	if err != nil {
		return portal.ClaimPage{}, err
	}
	cur, err := decodeCursor(ring, q.Cursor, fp, len(q.Keys))
	if err != nil {
		return portal.ClaimPage{}, err
	}
	type result struct {
		items []summaryItem
		more  bool
		err   error
	}
	results := make([]result, len(q.Keys))
	var wg sync.WaitGroup
	slots := make(chan struct{}, searchConcurrency)
	for i, key := range q.Keys {
		if cur.At[i].Done {
			continue
		}
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			r := &results[i]
			r.items, r.more, r.err = s.queryKey(ctx, idx.name, idx.key, IndexKey(q.Provider, key), q, cur.At[i])
		})
	}
	wg.Wait()
	for _, r := range results {
		if r.err != nil {
			return portal.ClaimPage{}, r.err
		}
	}
	// Merge: each key's results are newest first; take the newest head
	// until the page is full, and move that key's position past it.
	next := cursor{Query: fp, At: slices.Clone(cur.At)}
	taken := make([]int, len(q.Keys))
	var page portal.ClaimPage
	for len(page.Claims) < q.Limit {
		best := -1
		for i := range results {
			if taken[i] < len(results[i].items) &&
				(best < 0 || results[i].items[taken[i]].DateReceived.After(results[best].items[taken[best]].DateReceived)) {
				best = i
			}
		}
		if best < 0 {
			break
		}
		it := results[best].items[taken[best]]
		taken[best]++
		page.Claims = append(page.Claims, it.ClaimSummary)
		next.At[best] = position{Received: it.DateReceived.String(), Number: it.Number}
	}
	more := false
	for i, r := range results {
		if !cur.At[i].Done && taken[i] == len(r.items) && !r.more {
			next.At[i] = position{Done: true}
		}
		more = more || !next.At[i].Done
	}
	if more {
		page.Next = next.encode(ring[0])
	}
	return page, nil
}

// queryKey reads up to q.Limit claim rows of one index key, newest first,
// after position at; more reports that DynamoDB has more.
func (s *ClaimStore) queryKey(ctx context.Context, index, keyAttr, key string, q portal.ClaimQuery, at position) ([]summaryItem, bool, error) {
	names := maps.Clone(summaryNames)
	names["#pk"], names["#received"] = keyAttr, "dateReceived"
	in := &dynamodb.QueryInput{
		TableName:                &s.Table,
		IndexName:                aws.String(index),
		KeyConditionExpression:   aws.String("#pk = :pk AND #received >= :from"),
		ProjectionExpression:     aws.String(summaryProjection),
		ExpressionAttributeNames: names,
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk":   str(key),
			":from": str(q.ReceivedFrom.String()),
		},
		ScanIndexForward: aws.Bool(false),
		Limit:            aws.Int32(int32(q.Limit)),
	}
	if at.Number != "" {
		in.ExclusiveStartKey = map[string]types.AttributeValue{
			"claimNumber": str(at.Number), keyAttr: str(key), "dateReceived": str(at.Received),
		}
	}
	out, err := s.DB.Query(ctx, in)
	if err != nil {
		return nil, false, fmt.Errorf("query claims %s: %w", index, err)
	}
	items := make([]summaryItem, len(out.Items))
	for i, item := range out.Items {
		if err := unmarshal(item, &items[i]); err != nil {
			return nil, false, fmt.Errorf("decode claim: %w", err)
		}
		if portal.ProviderID(items[i].BillingProvider.TIN) != q.Provider {
			// The index key starts with the provider's TIN: this cannot
			// happen, and must not pass quietly if it does.
			return nil, false, fmt.Errorf("query claims %s: a claim of another provider under this provider's key", index)
		}
	}
	return items, len(out.LastEvaluatedKey) > 0, nil
}
