package dynamo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/openpayer/provider-portal/shared/portal"
)

// IdempotencyStore keeps the first response to each Idempotency-Key in the Idempotency
// table. A key is claimed for IdempotencyInProgressTTL, then kept TTL once
// its response is stored; DynamoDB's TTL removes expired keys.
type IdempotencyStore struct {
	DB    TxAPI
	Table string
	Now   func() time.Time
	TTL   time.Duration
}

type idempotencyItem struct {
	Key         string `json:"idempotencyKey"`
	State       string `json:"state"` // in_progress or done
	Fingerprint string `json:"fingerprint"`
	// Owner is a token of the call that claimed the key, so that the SDK's
	// retry of that same write is told from another request's.
	Owner       string `json:"owner,omitempty"`
	Status      int    `json:"status,omitempty"`
	ContentType string `json:"contentType,omitempty"`
	Body        []byte `json:"body,omitempty"`
	ExpiresAt   int64  `json:"expiresAt"`
}

func (s *IdempotencyStore) expires() int64 { return s.Now().Add(s.TTL).Unix() }

func (s *IdempotencyStore) Begin(ctx context.Context, key, fingerprint string) (*portal.SavedResponse, error) {
	owner := portal.NewID()
	inProgressUntil := s.Now().Add(portal.IdempotencyInProgressTTL).Unix()
	item, err := marshal(idempotencyItem{Key: key, State: "in_progress", Fingerprint: fingerprint, Owner: owner, ExpiresAt: inProgressUntil})
	if err != nil {
		return nil, err
	}
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.Table, Item: item,
		ConditionExpression: aws.String("attribute_not_exists(idempotencyKey) OR expiresAt < :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":now": &types.AttributeValueMemberN{Value: strconv.FormatInt(s.Now().Unix(), 10)}},
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
	})
	if err == nil {
		return nil, nil
	}
	if old := failedItem(err); old != nil {
		var it idempotencyItem
		if unmarshal(old, &it) == nil && it.Owner == owner {
			return nil, nil // this call's own claim, retried by the SDK
		}
	}
	if !conditionFailed(err) {
		return nil, fmt.Errorf("begin idempotent request: %w", err)
	}
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: &s.Table, ConsistentRead: aws.Bool(true),
		Key: map[string]types.AttributeValue{"idempotencyKey": str(key)}})
	if err != nil {
		return nil, fmt.Errorf("read idempotent response: %w", err)
	}
	var it idempotencyItem
	if err := unmarshal(out.Item, &it); err != nil {
		return nil, err
	}
	switch {
	case it.Fingerprint != fingerprint:
		return nil, portal.ErrIdempotencyKeyReused()
	case it.State != "done":
		return nil, portal.ErrIdempotencyInProgress()
	}
	return &portal.SavedResponse{Status: it.Status, ContentType: it.ContentType, Body: it.Body}, nil
}

func (s *IdempotencyStore) Complete(ctx context.Context, key string, r portal.SavedResponse) error {
	update := "SET #state = :done, #status = :status, expiresAt = :exp"
	values := map[string]types.AttributeValue{
		":done": str("done"), ":status": &types.AttributeValueMemberN{Value: strconv.Itoa(r.Status)},
		":exp": &types.AttributeValueMemberN{Value: strconv.FormatInt(s.expires(), 10)},
	}
	// An empty body or content type is left out rather than written empty:
	// it reads back the same, and the local emulator fails on empty values.
	if r.ContentType != "" {
		update += ", contentType = :ct"
		values[":ct"] = str(r.ContentType)
	}
	if len(r.Body) > 0 {
		update += ", body = :body"
		values[":body"] = &types.AttributeValueMemberB{Value: r.Body}
	}
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.Table,
		Key:                       map[string]types.AttributeValue{"idempotencyKey": str(key)},
		UpdateExpression:          aws.String(update),
		ExpressionAttributeNames:  map[string]string{"#state": "state", "#status": "status"},
		ExpressionAttributeValues: values,
	})
	if err != nil {
		return fmt.Errorf("complete idempotent request: %w", err)
	}
	return nil
}

func (s *IdempotencyStore) Abandon(ctx context.Context, key string) error {
	_, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &s.Table,
		Key: map[string]types.AttributeValue{"idempotencyKey": str(key)}})
	return err
}

// SearchAllowance counts a provider's member searches by name and date of
// birth per clock hour, in the idempotency table (whose TTL removes the
// counts): one item per provider and hour, keyed "member-searches#<TIN>#<hour>",
// raised by one conditional update, so concurrent searches never count past
// the allowance.
type SearchAllowance struct {
	DB    TxAPI
	Table string
}

// SearchAllowanceKeyPrefix begins the keys of the counts: the functions'
// roles may write only those items of the table (dynamodb:LeadingKeys).
const SearchAllowanceKeyPrefix = "member-searches#"

// TakeMemberSearch counts one search in the provider's hour, unless perHour
// were counted already. A retry by the SDK of an update whose answer was
// lost counts twice: the allowance is a ceiling, not a bill.
func (s *SearchAllowance) TakeMemberSearch(ctx context.Context, provider portal.ProviderID, hour time.Time, perHour int) (bool, error) {
	key := SearchAllowanceKeyPrefix + string(provider) + "#" + hour.UTC().Format("2006-01-02T15")
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.Table,
		Key:                 map[string]types.AttributeValue{"idempotencyKey": str(key)},
		UpdateExpression:    aws.String("ADD searches :one SET expiresAt = if_not_exists(expiresAt, :expires)"),
		ConditionExpression: aws.String("attribute_not_exists(searches) OR searches < :max"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one":     &types.AttributeValueMemberN{Value: "1"},
			":max":     &types.AttributeValueMemberN{Value: strconv.Itoa(perHour)},
			":expires": &types.AttributeValueMemberN{Value: strconv.FormatInt(hour.Add(2*time.Hour).Unix(), 10)},
		}})
	if conditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("count member search: %w", err)
	}
	return true, nil
}
