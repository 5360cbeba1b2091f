package dynamo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/openpayer/provider-portal/shared/portal"
)

// CursorKeys are the keys cursors are signed with, current first: the
// current signs, any verifies (a rotation leaves the previous key's cursors
// in providers' open pages).
type CursorKeys interface {
	CursorKeys(ctx context.Context) ([][]byte, error)
}

// StaticCursorKey is one key that never rotates, for tests.
type StaticCursorKey []byte

// CursorKeys returns the one key.
func (k StaticCursorKey) CursorKeys(context.Context) ([][]byte, error) { return [][]byte{k}, nil }

// MinCursorKeyLength is the shortest key a cursor is signed with.
const MinCursorKeyLength = 32

// cursorRing reads the keys, and refuses none or a short one.
func cursorRing(ctx context.Context, c CursorKeys) ([][]byte, error) {
	if c == nil {
		return nil, errors.New("cursor keys: none given to a store that hands out cursors")
	}
	ring, err := c.CursorKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("cursor keys: %w", err)
	}
	if len(ring) == 0 {
		return nil, errors.New("cursor keys: none")
	}
	for _, k := range ring {
		if len(k) < MinCursorKeyLength {
			return nil, fmt.Errorf("cursor keys: a key of %d bytes, want %d or more", len(k), MinCursorKeyLength)
		}
	}
	return ring, nil
}

// indexPage asks for one page of one partition of an index, newest first:
// the one way this package lists a provider's items (its letters, a
// member's requests, its worklists).
type indexPage struct {
	Table, Index string
	// Hash is the partition: its key attribute's name and value.
	Hash, HashValue string
	// Sort is the sort key's name; an item's sort key ends in "#<its ID>".
	// From and To bound it, both included, To with every suffix.
	Sort, From, To string
	// FilterName and FilterValue, when a value is given, keep only the items whose
	// attribute of that name has that value.
	FilterName, FilterValue string
	Limit                   int
	// Cursor is where the last page stopped; Query fingerprints the query,
	// so that a cursor of another query is refused.
	Cursor, Query string
	// Key is the table key of the item with an ID; ValidID checks an ID
	// read from a cursor before it reaches DynamoDB as a key.
	Key     func(id string) map[string]types.AttributeValue
	ValidID func(id string) bool
}

// listCursor is where a list stopped: the last item's ID and sort key,
// tied to the query it was issued for.
type listCursor struct {
	Query string `json:"q"`
	ID    string `json:"i"`
	List  string `json:"l"`
}

// pageOf reads one page as p asks, decoding each item with decode (which
// returns the item and its ID and sort key), and the cursor of the next
// page, signed with the current cursor key; empty on the last page.
func pageOf[T any](ctx context.Context, db API, cursors CursorKeys, p indexPage,
	decode func(item map[string]types.AttributeValue) (T, string, string, error)) ([]T, string, error) {
	in := &dynamodb.QueryInput{
		TableName: &p.Table, IndexName: &p.Index, ScanIndexForward: aws.Bool(false),
		KeyConditionExpression:    aws.String("#h = :h AND #s BETWEEN :a AND :b"),
		ExpressionAttributeNames:  map[string]string{"#h": p.Hash, "#s": p.Sort},
		ExpressionAttributeValues: map[string]types.AttributeValue{":h": str(p.HashValue), ":a": str(p.From), ":b": str(p.To + "~")},
	}
	if p.FilterValue != "" {
		in.FilterExpression = aws.String("#f = :f")
		in.ExpressionAttributeNames["#f"] = p.FilterName
		in.ExpressionAttributeValues[":f"] = str(p.FilterValue)
	}
	ring, err := cursorRing(ctx, cursors)
	if err != nil {
		return nil, "", err
	}
	if p.Cursor != "" {
		b, err := openSigned(ring, p.Cursor)
		var c listCursor
		if err != nil || json.Unmarshal(b, &c) != nil || c.Query != p.Query || !strings.HasSuffix(c.List, "#"+c.ID) || !p.ValidID(c.ID) {
			return nil, "", errCursor
		}
		in.ExclusiveStartKey = p.Key(c.ID)
		in.ExclusiveStartKey[p.Hash] = str(p.HashValue)
		in.ExclusiveStartKey[p.Sort] = str(c.List)
	}
	// A filter applies after the limit: read on until the page is full or
	// the partition has no more.
	var list []T
	var lastID, lastSort string
	for {
		in.Limit = aws.Int32(int32(p.Limit - len(list)))
		out, err := db.Query(ctx, in)
		if err != nil {
			return nil, "", fmt.Errorf("list %s: %w", p.Index, err)
		}
		for _, item := range out.Items {
			v, id, sort, err := decode(item)
			if err != nil {
				return nil, "", err
			}
			list, lastID, lastSort = append(list, v), id, sort
		}
		if out.LastEvaluatedKey == nil {
			return list, "", nil
		}
		if len(list) >= p.Limit {
			b, _ := json.Marshal(listCursor{Query: p.Query, ID: lastID, List: lastSort}) // strings: always marshal
			return list, signed(ring[0], b), nil
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
}

// worklistPage is the page a worklist query asks for: every item of the
// provider's, from the byProvider index, or those of one status, from
// byStatus ("<TIN>#<status>"), both sorted by sort.
func worklistPage(table, sort string, q portal.WorkQuery, key func(string) map[string]types.AttributeValue, valid func(string) bool) indexPage {
	p := indexPage{
		Table: table, Index: "byProvider", Hash: "providerTin", HashValue: string(q.Provider),
		Sort: sort, From: q.From.String(), To: q.To.String(), Limit: q.Limit, Cursor: q.Cursor,
		Query: listFingerprint(string(q.Provider), q.Status, q.From.String(), q.To.String()),
		Key:   key, ValidID: valid,
	}
	if q.Status != "" {
		p.Index, p.Hash, p.HashValue = "byStatus", "statusKey", IndexKey(q.Provider, q.Status)
	}
	return p
}

// countOf counts the items of one partition of an index.
func countOf(ctx context.Context, db API, table, index, hash, value string) (int, error) {
	p := dynamodb.NewQueryPaginator(db, &dynamodb.QueryInput{
		TableName: &table, IndexName: &index, Select: types.SelectCount,
		KeyConditionExpression:    aws.String("#h = :h"),
		ExpressionAttributeNames:  map[string]string{"#h": hash},
		ExpressionAttributeValues: map[string]types.AttributeValue{":h": str(value)},
	})
	n := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx)
		if err != nil {
			return 0, fmt.Errorf("count %s: %w", index, err)
		}
		n += int(page.Count)
	}
	return n, nil
}
