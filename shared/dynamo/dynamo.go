// Package dynamo stores the portal's aggregates in DynamoDB, one table each.
// Items use the same attribute names as the API's JSON, so what operations
// staff see in the console reads like what providers see.
package dynamo

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// API is the part of the DynamoDB client the stores use.
type API interface {
	GetItem(ctx context.Context, in *dynamodb.GetItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(ctx context.Context, in *dynamodb.PutItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	Query(ctx context.Context, in *dynamodb.QueryInput, opts ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
}

func marshal(v any) (map[string]types.AttributeValue, error) {
	return attributevalue.MarshalMapWithOptions(v, func(o *attributevalue.EncoderOptions) {
		o.TagKey = "json"
		o.UseEncodingMarshalers = true
	})
}

func unmarshal(item map[string]types.AttributeValue, v any) error {
	return attributevalue.UnmarshalMapWithOptions(item, v, func(o *attributevalue.DecoderOptions) {
		o.TagKey = "json"
		o.UseEncodingUnmarshalers = true
	})
}

// conditionFailed reports whether err is a failed condition on a write.
func conditionFailed(err error) bool {
	var ccf *types.ConditionalCheckFailedException
	return errors.As(err, &ccf)
}

// failedItem returns the item that failed a write's condition, for a write
// made with ReturnValuesOnConditionCheckFailure ALL_OLD; nil if there was
// none. The SDK retries a write whose response was lost, and the retry then
// fails the condition on the item its first attempt wrote: callers compare
// this item with what they wrote to tell their own write from another's.
func failedItem(err error) map[string]types.AttributeValue {
	var ccf *types.ConditionalCheckFailedException
	if errors.As(err, &ccf) {
		return ccf.Item
	}
	return nil
}

func str(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }

// getOwned reads the item at key into v if provider owns it: the owner is
// the attribute at ownerPath (providerTin, or billingProvider.tin). It is
// one strongly consistent Query of that one key with the owner as its
// filter, so DynamoDB itself answers with nothing for an item that is
// another provider's, as for one that does not exist: the two take the
// same path, send the same bytes and take the same time, and the answer
// cannot tell a caller that someone else's ID exists. found is false for
// both.
func getOwned(ctx context.Context, db API, table string, key map[string]types.AttributeValue, ownerPath []string, provider string, v any) (found bool, err error) {
	names := map[string]string{}
	values := map[string]types.AttributeValue{":owner": str(provider)}
	var cond []string
	// In a stable order, the partition key first: the tables with two key
	// attributes name them pk and sk.
	for i, name := range slices.Sorted(maps.Keys(key)) {
		n, k := fmt.Sprintf("#k%d", i), fmt.Sprintf(":k%d", i)
		names[n], values[k] = name, key[name]
		cond = append(cond, n+" = "+k)
	}
	var owner []string
	for j, name := range ownerPath {
		n := fmt.Sprintf("#o%d", j)
		names[n] = name
		owner = append(owner, n)
	}
	out, err := db.Query(ctx, &dynamodb.QueryInput{TableName: &table, ConsistentRead: aws.Bool(true),
		KeyConditionExpression:   aws.String(strings.Join(cond, " AND ")),
		FilterExpression:         aws.String(strings.Join(owner, ".") + " = :owner"),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values,
	})
	if err != nil || len(out.Items) == 0 {
		return false, err
	}
	return true, unmarshal(out.Items[0], v)
}

// ownerTIN is where most items name the provider they belong to.
var ownerTIN = []string{"providerTin"}

// getItem reads one item, strongly consistent, into v; found is false if
// there is none.
func getItem(ctx context.Context, db API, table string, key map[string]types.AttributeValue, v any) (found bool, err error) {
	out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: &table, Key: key, ConsistentRead: aws.Bool(true)})
	if err != nil || out.Item == nil {
		return false, err
	}
	return true, unmarshal(out.Item, v)
}

// wrap says what failed, keeping err for errors.Is/As; nil stays nil.
func wrap(what string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("%s: %w", what, err)
}
