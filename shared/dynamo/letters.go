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

// LetterStore keeps the letters under Provider Documents, one item each:
// pk "LETTER#<id>", sk "LETTER"; its byProvider index key is the TIN,
// sorted by "<created at>#<id>". Until its PDF is stored, a letter is
// marked in the sparse byOutbox index ("letters"), which the letters sweep
// reads.
type LetterStore struct {
	DB    TxAPI
	Table string
	// Cursors sign list cursors (CURSOR_KEY_SECRET_ARN).
	Cursors CursorKeys
}

const lettersOutbox = "letters"

type letterItem struct {
	PK string `json:"pk"`
	SK string `json:"sk"`
	portal.Letter
	ListKey  string `json:"listKey"`
	Outbox   string `json:"outbox,omitempty"`
	OutboxAt string `json:"outboxAt,omitempty"`
}

func letterKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": str("LETTER#" + id), "sk": str("LETTER")}
}

func letterListKey(l *portal.Letter) string {
	return l.CreatedAt.UTC().Format(stampLayout) + "#" + l.ID
}

// put is the transaction item that records a new letter, due to be stored.
func (s *LetterStore) put(l *portal.Letter) (types.TransactWriteItem, error) {
	item, err := marshal(letterItem{PK: "LETTER#" + l.ID, SK: "LETTER", Letter: *l, ListKey: letterListKey(l),
		Outbox: lettersOutbox, OutboxAt: l.CreatedAt.UTC().Format(stampLayout)})
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("encode letter: %w", err)
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: &s.Table, Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")}}, nil
}

// Get returns a letter, whoever's it is; nil if there is none.
func (s *LetterStore) Get(ctx context.Context, id string) (*portal.Letter, error) {
	if !portal.ValidIdentifier(id) {
		return nil, nil
	}
	var it letterItem
	found, err := getItem(ctx, s.DB, s.Table, letterKey(id), &it)
	if err != nil || !found {
		return nil, wrap("get letter", err)
	}
	return &it.Letter, nil
}

// Letter returns one of the provider's letters; another provider's is not
// found, by the same read as one that does not exist.
func (s *LetterStore) Letter(ctx context.Context, provider portal.ProviderID, id string) (*portal.Letter, error) {
	if !portal.ValidIdentifier(id) || provider == "" {
		return nil, portal.ErrLetterNotFound()
	}
	var it letterItem
	found, err := getOwned(ctx, s.DB, s.Table, letterKey(id), ownerTIN, string(provider), &it)
	if err != nil {
		return nil, wrap("get letter", err)
	}
	if !found || it.Provider != provider {
		return nil, portal.ErrLetterNotFound()
	}
	return &it.Letter, nil
}

// Letters lists the provider's letters written from q.From to q.To, newest
// first, of q.Type if given, q.Limit at a time.
func (s *LetterStore) Letters(ctx context.Context, q portal.LetterQuery) ([]portal.Letter, string, error) {
	return pageOf(ctx, s.DB, s.Cursors, indexPage{
		Table: s.Table, Index: "byProvider", Hash: "providerTin", HashValue: string(q.Provider),
		Sort: "listKey", From: q.From.String(), To: q.To.String(), FilterName: "type", FilterValue: string(q.Type),
		Limit: q.Limit, Cursor: q.Cursor, Query: listFingerprint(string(q.Provider), string(q.Type), q.From.String(), q.To.String()),
		Key: letterKey, ValidID: portal.ValidIdentifier,
	}, func(item map[string]types.AttributeValue) (portal.Letter, string, string, error) {
		var it letterItem
		if err := unmarshal(item, &it); err != nil {
			return portal.Letter{}, "", "", fmt.Errorf("decode letter: %w", err)
		}
		return it.Letter, it.ID, it.ListKey, nil
	})
}

// DueLetters lists up to limit letters whose PDF is not stored yet,
// written from from to to, oldest first.
func (s *LetterStore) DueLetters(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error) {
	return dueMarks(ctx, s.DB, s.Table, lettersOutbox, from, to, limit, byPK("LETTER#"))
}

// LetterStored records that a letter's PDF is stored, and takes it off the
// sweep's list.
func (s *LetterStore) LetterStored(ctx context.Context, id string, size int64, at time.Time) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.Table, Key: letterKey(id),
		UpdateExpression:         aws.String("SET storedAt = :at, #size = :n REMOVE outbox, outboxAt"),
		ConditionExpression:      aws.String("attribute_exists(pk)"),
		ExpressionAttributeNames: map[string]string{"#size": "size"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":at": str(at.UTC().Format(time.RFC3339Nano)), ":n": &types.AttributeValueMemberN{Value: fmt.Sprint(size)}},
	})
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return portal.ErrLetterNotFound()
	}
	if err != nil {
		return fmt.Errorf("letter stored: %w", err)
	}
	return nil
}
