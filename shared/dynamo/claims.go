package dynamo

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
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
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{
		TableName:      &s.Table,
		Key:            map[string]types.AttributeValue{"claimNumber": str(number)},
		ConsistentRead: aws.Bool(true),
	})
	if err != nil {
		return nil, fmt.Errorf("get claim: %w", err)
	}
	if out.Item == nil {
		return nil, notFound
	}
	var it claimItem
	if err := unmarshal(out.Item, &it); err != nil {
		return nil, fmt.Errorf("decode claim: %w", err)
	}
	if it.Claim.Provider() != provider {
		return nil, notFound
	}
	return &it.Claim, nil
}

func (s *ClaimStore) UpsertClaim(ctx context.Context, c *portal.Claim) (bool, error) {
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
		return false, fmt.Errorf("encode claim: %w", err)
	}
	return putIfNewer(ctx, s.DB, s.Table, "claimNumber", item, c.Version)
}

// putIfNewer writes item unless the stored item's version is at least
// version: the feed may deliver twice or out of order, and an older event must
// never overwrite a newer one.
func putIfNewer(ctx context.Context, db API, table, hashKey string, item map[string]types.AttributeValue, version int64) (bool, error) {
	_, err := db.PutItem(ctx, &dynamodb.PutItemInput{
		TableName:           &table,
		Item:                item,
		ConditionExpression: aws.String("attribute_not_exists(#k) OR #v < :v"),
		ExpressionAttributeNames: map[string]string{
			"#k": hashKey, "#v": "version",
		},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":v": &types.AttributeValueMemberN{Value: strconv.FormatInt(version, 10)},
		},
	})
	if conditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("put %s item: %w", hashKey, err)
	}
	return true, nil
}

// cursor is where a search stopped: the position in its keys and
// DynamoDB's last evaluated key. Query ties it to the query it was issued
// for, so that it cannot be replayed against another.
type cursor struct {
	Key   int               `json:"i"`
	Last  map[string]string `json:"k,omitempty"`
	Query string            `json:"q"`
}

func queryFingerprint(q portal.ClaimQuery) string {
	h := sha256.Sum256([]byte(string(q.Provider) + "\x00" + string(q.Index) + "\x00" + strings.Join(q.Keys, "\x00") + "\x00" + q.ReceivedFrom.String()))
	return hex.EncodeToString(h[:8])
}

var errCursor = portal.ErrInvalidCursor()

func decodeCursor(s, fingerprint string, keys int) (cursor, error) {
	if s == "" {
		return cursor{Query: fingerprint}, nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, errCursor
	}
	var c cursor
	if err := json.Unmarshal(b, &c); err != nil || c.Query != fingerprint || c.Key < 0 || c.Key >= keys {
		return cursor{}, errCursor
	}
	return c, nil
}

func (c cursor) encode() string {
	b, _ := json.Marshal(c)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *ClaimStore) SearchClaims(ctx context.Context, q portal.ClaimQuery) (portal.ClaimPage, error) {
	idx, ok := claimIndexes[q.Index]
	if !ok {
		return portal.ClaimPage{}, fmt.Errorf("search claims: unknown index %q", q.Index)
	}
	if len(q.Keys) == 0 {
		return portal.ClaimPage{}, nil
	}
	fp := queryFingerprint(q)
	cur, err := decodeCursor(q.Cursor, fp, len(q.Keys))
	if err != nil {
		return portal.ClaimPage{}, err
	}
	var page portal.ClaimPage
	for i := cur.Key; i < len(q.Keys); i++ {
		in := &dynamodb.QueryInput{
			TableName:              &s.Table,
			IndexName:              aws.String(idx.name),
			KeyConditionExpression: aws.String("#pk = :pk AND dateReceived >= :from"),
			ExpressionAttributeNames: map[string]string{
				"#pk": idx.key,
			},
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk":   str(IndexKey(q.Provider, q.Keys[i])),
				":from": str(q.ReceivedFrom.String()),
			},
			ScanIndexForward: aws.Bool(false),
			Limit:            aws.Int32(int32(q.Limit - len(page.Claims))),
		}
		if i == cur.Key && cur.Last != nil {
			// The last evaluated key must be this query's: same index key.
			if cur.Last[idx.key] != IndexKey(q.Provider, q.Keys[i]) {
				return portal.ClaimPage{}, errCursor
			}
			in.ExclusiveStartKey = map[string]types.AttributeValue{}
			for k, v := range cur.Last {
				in.ExclusiveStartKey[k] = str(v)
			}
		}
		out, err := s.DB.Query(ctx, in)
		if err != nil {
			return portal.ClaimPage{}, fmt.Errorf("query claims %s: %w", idx.name, err)
		}
		for _, item := range out.Items {
			var it claimItem
			if err := unmarshal(item, &it); err != nil {
				return portal.ClaimPage{}, fmt.Errorf("decode claim: %w", err)
			}
			if it.Claim.Provider() == q.Provider { // defence in depth: the key already says so
				page.Claims = append(page.Claims, it.Claim)
			}
		}
		if len(out.LastEvaluatedKey) > 0 {
			next := cursor{Key: i, Last: map[string]string{}, Query: fp}
			for k, v := range out.LastEvaluatedKey {
				sv, ok := v.(*types.AttributeValueMemberS)
				if !ok {
					return portal.ClaimPage{}, fmt.Errorf("query claims: non-string key attribute %s", k)
				}
				next.Last[k] = sv.Value
			}
			page.Next = next.encode()
			return page, nil
		}
		if len(page.Claims) >= q.Limit && i+1 < len(q.Keys) {
			page.Next = cursor{Key: i + 1, Query: fp}.encode()
			return page, nil
		}
	}
	return page, nil
}
