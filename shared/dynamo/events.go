package dynamo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/openpayer/provider-portal/shared/portal"
)

// stampLayout is a fixed-width UTC time, so that keys and outbox marks sort
// as times do.
const stampLayout = "2006-01-02T15:04:05.000000000Z"

// outboundEvents is a table's outbox: an event not delivered yet is an item,
// pk "EVENT#<id>", sk "EVENT", written in the same transaction as the
// change it reports, in the sparse byOutbox index by when it was recorded,
// and deleted once delivered.
type outboundEvents struct {
	DB    TxAPI
	Table string
	// Name is the outbox's partition of the byOutbox index.
	Name string
}

type eventItem struct {
	PK string `json:"pk"`
	SK string `json:"sk"`
	portal.OutboundEvent
	Outbox   string `json:"outbox"`
	OutboxAt string `json:"outboxAt"`
}

func eventKey(id string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{"pk": str("EVENT#" + id), "sk": str("EVENT")}
}

// put is the transaction item that records ev.
func (o outboundEvents) put(ev portal.OutboundEvent) (types.TransactWriteItem, error) {
	item, err := marshal(eventItem{PK: "EVENT#" + ev.ID, SK: "EVENT", OutboundEvent: ev, Outbox: o.Name,
		OutboxAt: ev.At.UTC().Format(stampLayout)})
	if err != nil {
		return types.TransactWriteItem{}, fmt.Errorf("encode event: %w", err)
	}
	return types.TransactWriteItem{Put: &types.Put{TableName: &o.Table, Item: item, ConditionExpression: aws.String("attribute_not_exists(pk)")}}, nil
}

// due lists up to limit events not delivered yet, recorded from from to to,
// oldest first.
func (o outboundEvents) due(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error) {
	return dueMarks(ctx, o.DB, o.Table, o.Name, from, to, limit, byPK("EVENT#"))
}

// markedItem is what the outbox reads of any item marked in the byOutbox
// index: an event item, a letter, an upload.
type markedItem struct {
	PK       string `json:"pk"`
	UploadID string `json:"uploadId"`
	OutboxAt string `json:"outboxAt"`
}

// dueMarks is the one query of every outbox in this package, whatever its
// items are (an event recorded with its change, a letter to render, an
// upload whose state core claims may need to hear about): up to limit items
// of table marked in the outbox name from from to to, oldest first, each
// made a portal.Due by due.
func dueMarks(ctx context.Context, db TxAPI, table, name string, from, to time.Time, limit int,
	due func(it markedItem, since time.Time) portal.Due) ([]portal.Due, error) {
	out, err := db.Query(ctx, &dynamodb.QueryInput{
		TableName: &table, IndexName: aws.String("byOutbox"),
		KeyConditionExpression: aws.String("outbox = :o AND outboxAt BETWEEN :a AND :b"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":o": str(name),
			":a": str(from.UTC().Format(stampLayout)), ":b": str(to.UTC().Format(stampLayout))},
		Limit: aws.Int32(int32(limit)),
	})
	if err != nil {
		return nil, fmt.Errorf("query due %s: %w", name, err)
	}
	list := make([]portal.Due, 0, len(out.Items))
	for _, item := range out.Items {
		var it markedItem
		if err := unmarshal(item, &it); err != nil {
			return nil, fmt.Errorf("decode due %s: %w", name, err)
		}
		since, _ := time.Parse(stampLayout, it.OutboxAt)
		list = append(list, due(it, since))
	}
	return list, nil
}

// byPK makes the Due of an item whose ID follows prefix in its pk, and
// which is delivered once (an event item, a letter): its ID is its token.
func byPK(prefix string) func(markedItem, time.Time) portal.Due {
	return func(it markedItem, since time.Time) portal.Due {
		id := strings.TrimPrefix(it.PK, prefix)
		return portal.Due{UploadID: id, Token: id, Since: since}
	}
}

// get returns an event not delivered yet; nil if delivered or none.
func (o outboundEvents) get(ctx context.Context, id string) (*portal.OutboundEvent, error) {
	var it eventItem
	found, err := getItem(ctx, o.DB, o.Table, eventKey(id), &it)
	if err != nil || !found {
		return nil, wrap("get event", err)
	}
	return &it.OutboundEvent, nil
}

// delivered forgets a delivered event.
func (o outboundEvents) delivered(ctx context.Context, id string) error {
	if _, err := o.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: &o.Table, Key: eventKey(id)}); err != nil {
		return fmt.Errorf("delete event: %w", err)
	}
	return nil
}
