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

// SubscriptionStore keeps the systems' subscriptions in their table, one
// item per subscription (its ID the key; the byProvider index by TIN), and
// beside each, one item per notification numbered ("<id>#<event>", kept
// two weeks), so that a retried notification keeps its number.
type SubscriptionStore struct {
	DB    SubscriptionAPI
	Table string
	Now   func() time.Time
}

// SubscriptionAPI is the part of the DynamoDB client the store uses.
type SubscriptionAPI interface {
	API
	UpdateItem(ctx context.Context, in *dynamodb.UpdateItemInput, opts ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
}

// noteTTL is how long a notification's number is kept: longer than the
// queue keeps a message.
const noteTTL = 14 * 24 * time.Hour

func subKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"subscriptionId": str(id)}
}

// CreateSubscription puts a new subscription; an ID already taken is an
// error.
func (s *SubscriptionStore) CreateSubscription(ctx context.Context, sub *portal.Subscription) error {
	item, err := marshal(sub)
	if err != nil {
		return fmt.Errorf("encode subscription: %w", err)
	}
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.Table, Item: item,
		ConditionExpression: aws.String("attribute_not_exists(subscriptionId)")})
	return wrap("put subscription", err)
}

// Subscription is the client's subscription id, read strongly consistent.
func (s *SubscriptionStore) Subscription(ctx context.Context, client, id string) (*portal.Subscription, error) {
	var sub portal.Subscription
	found, err := getItem(ctx, s.DB, s.Table, subKey(id), &sub)
	if err != nil {
		return nil, fmt.Errorf("get subscription: %w", err)
	}
	if !found || sub.Client != client || sub.ID != id {
		return nil, portal.ErrSubscriptionNotFound()
	}
	return &sub, nil
}

// EndSubscription turns the client's subscription off, once.
func (s *SubscriptionStore) EndSubscription(ctx context.Context, client, id string, at time.Time) (*portal.Subscription, error) {
	sub, err := s.Subscription(ctx, client, id)
	if err != nil || sub.Status == portal.SubscriptionOff {
		return sub, err
	}
	end := at.UTC().Format(time.RFC3339Nano)
	_, err = s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.Table, Key: subKey(id),
		UpdateExpression:          aws.String("SET #status = :off, #end = :end"),
		ConditionExpression:       aws.String("clientId = :client"),
		ExpressionAttributeNames:  map[string]string{"#status": "status", "#end": "end"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":off": str(portal.SubscriptionOff), ":end": str(end), ":client": str(client)}})
	if conditionFailed(err) {
		return nil, portal.ErrSubscriptionNotFound()
	}
	if err != nil {
		return nil, fmt.Errorf("end subscription: %w", err)
	}
	return s.Subscription(ctx, client, id)
}

// ActiveSubscriptions queries the byProvider index (eventually consistent:
// a subscription made a moment ago may miss the decision made at once).
func (s *SubscriptionStore) ActiveSubscriptions(ctx context.Context, provider portal.ProviderID) ([]portal.Subscription, error) {
	var out []portal.Subscription
	var start map[string]types.AttributeValue
	for {
		res, err := s.DB.Query(ctx, &dynamodb.QueryInput{TableName: &s.Table, IndexName: aws.String("byProvider"),
			KeyConditionExpression:    aws.String("providerTin = :p"),
			FilterExpression:          aws.String("#status = :active"),
			ExpressionAttributeNames:  map[string]string{"#status": "status"},
			ExpressionAttributeValues: map[string]types.AttributeValue{":p": str(string(provider)), ":active": str(portal.SubscriptionActive)},
			ExclusiveStartKey:         start})
		if err != nil {
			return nil, fmt.Errorf("query subscriptions: %w", err)
		}
		for _, item := range res.Items {
			var sub portal.Subscription
			if err := unmarshal(item, &sub); err != nil {
				return nil, fmt.Errorf("decode subscription: %w", err)
			}
			out = append(out, sub)
		}
		if start = res.LastEvaluatedKey; start == nil {
			return out, nil
		}
	}
}

// Notification numbers the notification once: the first call adds one to
// the subscription's count and records the number with a conditional put;
// a later call (a retry) reads it back.
func (s *SubscriptionStore) Notification(ctx context.Context, subscriptionID, eventID string) (int64, bool, error) {
	key := subKey(subscriptionID + "#" + eventID)
	var note struct {
		Number    int64 `json:"number"`
		Delivered bool  `json:"delivered"`
	}
	if found, err := getItem(ctx, s.DB, s.Table, key, &note); err != nil || found {
		return note.Number, note.Delivered, wrap("get notification", err)
	}
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.Table, Key: subKey(subscriptionID),
		UpdateExpression:          aws.String("ADD eventCount :one"),
		ConditionExpression:       aws.String("attribute_exists(subscriptionId)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"}},
		ReturnValues:              types.ReturnValueUpdatedNew})
	if conditionFailed(err) {
		return 0, false, portal.ErrSubscriptionNotFound()
	}
	if err != nil {
		return 0, false, fmt.Errorf("number notification: %w", err)
	}
	n, err := strconv.ParseInt(out.Attributes["eventCount"].(*types.AttributeValueMemberN).Value, 10, 64)
	if err != nil {
		return 0, false, fmt.Errorf("number notification: %w", err)
	}
	expires := s.now().Add(noteTTL).Unix()
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: &s.Table,
		Item: map[string]types.AttributeValue{"subscriptionId": str(subscriptionID + "#" + eventID),
			"number": &types.AttributeValueMemberN{Value: strconv.FormatInt(n, 10)}, "delivered": &types.AttributeValueMemberBOOL{Value: false},
			"expiresAt": &types.AttributeValueMemberN{Value: strconv.FormatInt(expires, 10)}},
		ConditionExpression: aws.String("attribute_not_exists(subscriptionId)")})
	if conditionFailed(err) {
		// Another delivery of the same event numbered it first: its
		// number stands (this one's is skipped, as a gap).
		if _, err := getItem(ctx, s.DB, s.Table, key, &note); err != nil {
			return 0, false, fmt.Errorf("get notification: %w", err)
		}
		return note.Number, note.Delivered, nil
	}
	if err != nil {
		return 0, false, fmt.Errorf("record notification: %w", err)
	}
	return n, false, nil
}

// NotificationDelivered records that the endpoint took it.
func (s *SubscriptionStore) NotificationDelivered(ctx context.Context, subscriptionID, eventID string) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: &s.Table, Key: subKey(subscriptionID + "#" + eventID),
		UpdateExpression:          aws.String("SET delivered = :yes"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":yes": &types.AttributeValueMemberBOOL{Value: true}}})
	return wrap("record notification delivered", err)
}

func (s *SubscriptionStore) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}
