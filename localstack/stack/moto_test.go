package stack_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/openpayer/provider-portal/localstack/stack"
)

// TestTransactionsAreAtomic holds the local DynamoDB to what AWS promises of
// TransactWriteItems: of N concurrent transactions that each write a new
// item and take one conditional guard, exactly one wins, every item of the
// winner is there, and none of a loser's. The table holds a few thousand
// other items, as a used table does: moto as shipped rolls a failed
// transaction back by putting back a copy of the whole table taken when it
// began, so the bigger the table, the wider the window in which another
// transaction's writes are wiped or revived; and it fails calls with a 500
// when one thread's copy meets another's write. It fails on moto without
// the launcher's lock (MOTO_TRANSACTIONS_UNLOCKED=1): in runs of it, both
// 500s past the SDK's retries and a loser's items left behind.
func TestTransactionsAreAtomic(t *testing.T) {
	ctx := context.Background()
	srv, err := stack.StartMoto(ctx, "DynamoDB", 0, filepath.Join(t.TempDir(), "dynamodb.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	c, err := stack.NewClients(stack.AWSEnv(srv.Endpoint, srv.Endpoint, ""))
	if err != nil {
		t.Fatal(err)
	}
	db := c.DynamoDB // with the SDK's retries, as every function has
	table := aws.String("atomic")
	if _, err := db.CreateTable(ctx, &dynamodb.CreateTableInput{TableName: table, BillingMode: types.BillingModePayPerRequest,
		AttributeDefinitions: []types.AttributeDefinition{{AttributeName: aws.String("pk"), AttributeType: types.ScalarAttributeTypeS},
			{AttributeName: aws.String("subject"), AttributeType: types.ScalarAttributeTypeS}},
		KeySchema: []types.KeySchemaElement{{AttributeName: aws.String("pk"), KeyType: types.KeyTypeHash}},
		GlobalSecondaryIndexes: []types.GlobalSecondaryIndex{{IndexName: aws.String("bySubject"),
			KeySchema:  []types.KeySchemaElement{{AttributeName: aws.String("subject"), KeyType: types.KeyTypeHash}},
			Projection: &types.Projection{ProjectionType: types.ProjectionTypeAll}}},
	}); err != nil {
		t.Fatal(err)
	}
	s := func(v string) types.AttributeValue { return &types.AttributeValueMemberS{Value: v} }
	for batch := range 60 {
		var reqs []types.WriteRequest
		for i := range 25 {
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: map[string]types.AttributeValue{
				"pk": s(fmt.Sprintf("FILLER#%d#%d", batch, i)), "subject": s(fmt.Sprint(i)), "body": s(fmt.Sprintf("%0500d", i))}}})
		}
		if _, err := db.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: map[string][]types.WriteRequest{*table: reqs}}); err != nil {
			t.Fatal(err)
		}
	}

	const rounds, writers = 8, 20
	for round := range rounds {
		guard := fmt.Sprintf("OPEN#%d", round)
		won := make([]bool, writers)
		var wg sync.WaitGroup
		for w := range writers {
			wg.Go(func() {
				id := fmt.Sprintf("CASE#%d#%d", round, w)
				_, err := db.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: []types.TransactWriteItem{
					{Put: &types.Put{TableName: table, Item: map[string]types.AttributeValue{"pk": s(id), "subject": s(guard)},
						ConditionExpression: aws.String("attribute_not_exists(pk)")}},
					{Put: &types.Put{TableName: table, Item: map[string]types.AttributeValue{"pk": s(guard), "caseId": s(id)},
						ConditionExpression: aws.String("attribute_not_exists(pk)")}},
					{Put: &types.Put{TableName: table, Item: map[string]types.AttributeValue{"pk": s("EVENT#" + id)},
						ConditionExpression: aws.String("attribute_not_exists(pk)")}},
				}})
				var tce *types.TransactionCanceledException
				switch {
				case err == nil:
					won[w] = true
				case !errors.As(err, &tce):
					t.Errorf("round %d, writer %d: %v", round, w, err)
				}
			})
		}
		wg.Wait()
		var winners []int
		for w, ok := range won {
			if ok {
				winners = append(winners, w)
			}
		}
		if len(winners) != 1 {
			t.Errorf("round %d: %d transactions succeeded, want 1", round, len(winners))
		}
		get := func(pk string) map[string]types.AttributeValue {
			out, err := db.GetItem(ctx, &dynamodb.GetItemInput{TableName: table, ConsistentRead: aws.Bool(true),
				Key: map[string]types.AttributeValue{"pk": s(pk)}})
			if err != nil {
				t.Fatal(err)
			}
			return out.Item
		}
		g := get(guard)
		for w := range writers {
			id := fmt.Sprintf("CASE#%d#%d", round, w)
			owns := g != nil && g["caseId"].(*types.AttributeValueMemberS).Value == id
			for _, pk := range []string{id, "EVENT#" + id} {
				if present := get(pk) != nil; present != owns {
					t.Errorf("round %d: writer %d's item %s present %v, guard names it %v (succeeded %v)", round, w, pk, present, owns, won[w])
				}
			}
			if won[w] != owns {
				t.Errorf("round %d: writer %d succeeded %v, guard names it %v", round, w, won[w], owns)
			}
		}
	}
	out, err := db.Scan(ctx, &dynamodb.ScanInput{TableName: table, Select: types.SelectCount})
	if err != nil {
		t.Fatal(err)
	}
	if want := int32(60*25 + rounds*3); out.Count != want {
		t.Errorf("%d items in the table, want %d: the filler and one winner's three items a round", out.Count, want)
	}
}

// When an emulator is killed, the runner's last line says so, by the
// signal: the server's log ends with whatever it last printed, which is
// not the cause.
func TestRunnerNamesTheSignalThatKilledAServer(t *testing.T) {
	ctx := context.Background()
	srv, err := stack.StartMoto(ctx, "DynamoDB", 0, filepath.Join(t.TempDir(), "dynamodb.log"))
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Stop()
	l := &stack.Local{DynamoDB: srv}
	waited := make(chan error, 1)
	go func() { waited <- l.Wait(ctx) }()
	if err := syscall.Kill(srv.PID(), syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-waited:
		if err == nil || !strings.Contains(err.Error(), "moto (DynamoDB) was killed by signal 9 (killed)") {
			t.Errorf("the runner's exit line: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the runner did not notice the server die")
	}
}
