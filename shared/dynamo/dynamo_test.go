package dynamo_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/localstack/stack"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/storetest"
)

// The store contracts, run against the real emulator provisioned from
// template.yaml: key schemas, indexes, conditions and transactions are AWS
// behaviour.
var local *stack.Local

func TestMain(m *testing.M) {
	l, _, err := stack.UpForTests(context.Background(), "dynamo", true)
	if err != nil {
		fmt.Fprintln(os.Stderr, "local stack:", err)
		os.Exit(1)
	}
	local = l
	code := m.Run()
	l.Down()
	os.Exit(code)
}

func table(id string) string { return local.Res.Tables[id] }

var testCursorKey = dynamo.StaticCursorKey("a test cursor key of 32 bytes or more")

func TestClaimsContract(t *testing.T) {
	storetest.Claims(t, func(*testing.T) storetest.ClaimStore {
		return &dynamo.ClaimStore{DB: local.Clients.DynamoDB, Table: table("ClaimsTable"), Now: time.Now, Cursors: testCursorKey}
	})
}

func TestMembersContract(t *testing.T) {
	storetest.Members(t, func(*testing.T) storetest.MemberStore {
		return &dynamo.MemberStore{DB: local.Clients.DynamoDB, Table: table("MembersTable"), Now: time.Now}
	})
}

func TestAttachmentsContract(t *testing.T) {
	storetest.Attachments(t, func(_ *testing.T, now func() time.Time) storetest.AttachmentStore {
		return &dynamo.AttachmentStore{DB: local.Clients.DynamoDB, Table: table("AttachmentsTable"), Now: now}
	})
}

func TestIdempotencyContract(t *testing.T) {
	storetest.Idempotency(t, func(_ *testing.T, now func() time.Time, ttl time.Duration) storetest.IdempotencyStore {
		return &dynamo.IdempotencyStore{DB: local.Clients.DynamoDB, Table: table("IdempotencyTable"), Now: now, TTL: ttl}
	})
}

func TestAuthorizationsContract(t *testing.T) {
	storetest.Authorizations(t, func(*testing.T) (storetest.AuthorizationStore, storetest.AttachmentStore) {
		uploads := &dynamo.AttachmentStore{DB: local.Clients.DynamoDB, Table: table("AttachmentsTable"), Now: time.Now}
		return &dynamo.AuthorizationStore{DB: local.Clients.DynamoDB, Table: table("AuthorizationsTable"), Now: time.Now,
			Cursors: testCursorKey, Attachments: uploads}, uploads
	})
}

func TestCasesContract(t *testing.T) {
	for _, tbl := range []string{"DisputesTable", "AppealsTable"} {
		t.Run(tbl, func(t *testing.T) {
			storetest.Cases(t, func(*testing.T) (storetest.CaseStore, storetest.LetterStore, storetest.AttachmentStore) {
				uploads := &dynamo.AttachmentStore{DB: local.Clients.DynamoDB, Table: table("AttachmentsTable"), Now: time.Now}
				letters := &dynamo.LetterStore{DB: local.Clients.DynamoDB, Table: table("DocumentsTable"), Cursors: testCursorKey}
				return &dynamo.CaseStore{DB: local.Clients.DynamoDB, Table: table(tbl), Outbox: "cases", Now: time.Now,
					Attachments: uploads, Letters: letters, Cursors: testCursorKey}, letters, uploads
			})
		})
	}
}

func TestSearchAllowanceContract(t *testing.T) {
	storetest.SearchAllowance(t, func(*testing.T) portal.SearchAllowance {
		return &dynamo.SearchAllowance{DB: local.Clients.DynamoDB, Table: table("IdempotencyTable")}
	})
}

func TestDecidedAuthorizationsContract(t *testing.T) {
	storetest.DecidedAuthorizations(t, func(*testing.T) (storetest.AuthorizationStore, storetest.DecidedLister) {
		uploads := &dynamo.AttachmentStore{DB: local.Clients.DynamoDB, Table: table("AttachmentsTable"), Now: time.Now}
		return &dynamo.AuthorizationStore{DB: local.Clients.DynamoDB, Table: table("AuthorizationsTable"), Now: time.Now, Attachments: uploads},
			&dynamo.Reports{DB: local.Clients.DynamoDB, Authorizations: table("AuthorizationsTable"), Appeals: table("AppealsTable")}
	})
}

func TestSystemClientsContract(t *testing.T) {
	storetest.SystemClients(t, func(*testing.T) portal.SystemClients {
		return &dynamo.SystemClientStore{DB: local.Clients.DynamoDB, Table: table("SystemClientsTable")}
	})
}

func TestAssertionLedgerContract(t *testing.T) {
	storetest.AssertionLedger(t, func(*testing.T) portal.AssertionLedger {
		return &dynamo.AssertionLedger{DB: local.Clients.DynamoDB, Table: table("IdempotencyTable")}
	})
}

func TestSubscriptionsContract(t *testing.T) {
	storetest.Subscriptions(t, func(*testing.T) portal.Subscriptions {
		return &dynamo.SubscriptionStore{DB: local.Clients.DynamoDB, Table: table("SubscriptionsTable")}
	})
}
