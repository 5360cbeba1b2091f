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

// SystemClientStore keeps the registered system clients in their table,
// one item per client_id, which the plan's people edit in the console (the
// README's runbook): a client's TINs and keys change without a deploy.
type SystemClientStore struct {
	DB    API
	Table string
}

// SystemClient reads the client registered under id, strongly consistent,
// so that a client disabled a moment ago gets no token.
func (s *SystemClientStore) SystemClient(ctx context.Context, id string) (portal.SystemClient, bool, error) {
	var c portal.SystemClient
	found, err := getItem(ctx, s.DB, s.Table, map[string]types.AttributeValue{"clientId": str(id)}, &c)
	if err != nil {
		return portal.SystemClient{}, false, fmt.Errorf("get system client: %w", err)
	}
	return c, found, nil
}

// RegisterSystemClient puts the client, replacing one of the same ID.
func (s *SystemClientStore) RegisterSystemClient(ctx context.Context, c portal.SystemClient) error {
	item, err := marshal(c)
	if err != nil {
		return fmt.Errorf("encode system client: %w", err)
	}
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.Table, Item: item})
	return wrap("put system client", err)
}

// AssertionLedger keeps spent client assertions in the idempotency table,
// keyed "client-assertions#<client>#<jti>", until the table's TTL removes
// them after the assertion has expired.
type AssertionLedger struct {
	DB    API
	Table string
}

// AssertionKeyPrefix begins the ledger's keys: the token function's role
// may write only those items of the table (dynamodb:LeadingKeys).
const AssertionKeyPrefix = "client-assertions#"

// SpendAssertion records (client, jti) with one conditional put: of two
// requests with the same assertion at once, one wins.
func (s *AssertionLedger) SpendAssertion(ctx context.Context, client, jti string, expires time.Time) (bool, error) {
	_, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.Table,
		Item: map[string]types.AttributeValue{
			"idempotencyKey": str(AssertionKeyPrefix + client + "#" + jti),
			"expiresAt":      &types.AttributeValueMemberN{Value: strconv.FormatInt(expires.Unix(), 10)},
		},
		// An item past its expiry that TTL has not removed yet is spent
		// no longer: the assertion it records has expired.
		ConditionExpression:       aws.String("attribute_not_exists(idempotencyKey) OR expiresAt < :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": &types.AttributeValueMemberN{Value: strconv.FormatInt(time.Now().Unix(), 10)}},
	})
	if conditionFailed(err) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("spend client assertion: %w", err)
	}
	return true, nil
}
