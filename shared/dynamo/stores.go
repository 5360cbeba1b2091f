package dynamo

import (
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/portal"
)

// NewClient builds the DynamoDB client of a function, at the endpoint its
// environment names (AWS's own unless AWS_ENDPOINT_URL_DYNAMODB is set).
func NewClient(f *lambdaenv.Function) *dynamodb.Client {
	return dynamodb.NewFromConfig(f.AWS, func(o *dynamodb.Options) { o.BaseEndpoint = f.Endpoints["DYNAMODB"] })
}

// Stores builds a function's stores on one client, from the tables its
// environment names. Each constructor takes only the variables it says it
// takes; one the function did not name to lambdaenv.Load stops it at init
// with the variable's name (lambdaenv.Env.Must).
type Stores struct {
	// DB is the client itself, not an interface: each store takes the few
	// operations it uses, so a function links only those (holding the
	// client as a TxAPI linked every operation of TxAPI into every
	// function, 30 KB in the claims bootstrap).
	DB  *dynamodb.Client
	Env *lambdaenv.Env
	// Cursors sign the cursors of searches and lists: an API function
	// sets them (origin.CursorKeys, from CURSOR_KEY_SECRET_ARN); the
	// stores that hand out cursors fail without them.
	Cursors CursorKeys
}

// NewStores returns the stores of f on one DynamoDB client.
func NewStores(f *lambdaenv.Function) Stores {
	return Stores{DB: NewClient(f), Env: &f.Env}
}

// Claims is the claims table (CLAIMS_TABLE), read and written by claim
// number; ClaimSearch adds the key its searches' cursors are signed with.
func (s Stores) Claims() *ClaimStore {
	return &ClaimStore{DB: s.DB, Table: s.Env.Text(lambdaenv.ClaimsTable), Now: time.Now}
}

// ClaimSearch is Claims with searches (CLAIMS_TABLE, the cursor keys).
func (s Stores) ClaimSearch() *ClaimStore {
	c := s.Claims()
	c.Cursors = s.Cursors
	return c
}

// Members is the members table (MEMBERS_TABLE).
func (s Stores) Members() *MemberStore {
	return &MemberStore{DB: s.DB, Table: s.Env.Text(lambdaenv.MembersTable), Now: time.Now}
}

// Attachments is the uploads and documents table (ATTACHMENTS_TABLE).
func (s Stores) Attachments() *AttachmentStore {
	return &AttachmentStore{DB: s.DB, Table: s.Env.Text(lambdaenv.AttachmentsTable), Now: time.Now}
}

// SearchAllowance counts member searches in the idempotency table
// (IDEMPOTENCY_TABLE).
func (s Stores) SearchAllowance() *SearchAllowance {
	return &SearchAllowance{DB: s.DB, Table: s.Env.Text(lambdaenv.IdempotencyTable)}
}

// SystemClients is the registered system clients' table
// (SYSTEM_CLIENTS_TABLE).
func (s Stores) SystemClients() *SystemClientStore {
	return &SystemClientStore{DB: s.DB, Table: s.Env.Text(lambdaenv.SystemClientsTable)}
}

// Subscriptions is the systems' subscriptions table (SUBSCRIPTIONS_TABLE).
func (s Stores) Subscriptions() *SubscriptionStore {
	return &SubscriptionStore{DB: s.DB, Table: s.Env.Text(lambdaenv.SubscriptionsTable), Now: time.Now}
}

// AssertionLedger keeps spent client assertions in the idempotency table
// (IDEMPOTENCY_TABLE).
func (s Stores) AssertionLedger() *AssertionLedger {
	return &AssertionLedger{DB: s.DB, Table: s.Env.Text(lambdaenv.IdempotencyTable)}
}

// Idempotency is the idempotency table (IDEMPOTENCY_TABLE), whose answers
// are replayed for ttl.
func (s Stores) Idempotency(ttl time.Duration) *IdempotencyStore {
	return &IdempotencyStore{DB: s.DB, Table: s.Env.Text(lambdaenv.IdempotencyTable), Now: time.Now, TTL: ttl}
}

// Authorizations is the retro authorizations table (AUTHORIZATIONS_TABLE),
// as its decisions and its sweep use it.
func (s Stores) Authorizations() *AuthorizationStore {
	return &AuthorizationStore{DB: s.DB, Table: s.Env.Text(lambdaenv.AuthorizationsTable), Now: time.Now}
}

// AuthorizationRequests is Authorizations as the API uses it: requests
// that submit uploads (ATTACHMENTS_TABLE) and lists (the cursor keys).
func (s Stores) AuthorizationRequests() *AuthorizationStore {
	a := s.Authorizations()
	a.Attachments, a.Cursors = s.Attachments(), s.Cursors
	return a
}

// Letters is the Provider Documents table (DOCUMENTS_TABLE), as the case
// functions and sweeps write it; LetterList adds the lists' cursors.
func (s Stores) Letters() *LetterStore {
	return &LetterStore{DB: s.DB, Table: s.Env.Text(lambdaenv.DocumentsTable)}
}

// LetterList is Letters with lists (DOCUMENTS_TABLE, the cursor keys).
func (s Stores) LetterList() *LetterStore {
	l := s.Letters()
	l.Cursors = s.Cursors
	return l
}

// Cases is one family's table (DISPUTES_TABLE or APPEALS_TABLE) with the
// letters its changes write (DOCUMENTS_TABLE), as decisions and the sweep
// use it; CaseForms adds the uploads a provider's forms submit.
func (s Stores) Cases(family *portal.CaseFamily) *CaseStore {
	var table string
	switch family {
	case portal.Disputes:
		table = s.Env.Text(lambdaenv.DisputesTable)
	case portal.Appeals:
		table = s.Env.Text(lambdaenv.AppealsTable)
	default:
		panic(fmt.Sprintf("dynamo: no table for the case family %v", family))
	}
	return &CaseStore{DB: s.DB, Table: table, Outbox: family.Name, Now: time.Now, Letters: s.Letters()}
}

// CaseForms is Cases with the uploads its forms submit (ATTACHMENTS_TABLE)
// and the key that signs its worklist's cursors (the cursor keys).
func (s Stores) CaseForms(family *portal.CaseFamily) *CaseStore {
	c := s.Cases(family)
	c.Attachments, c.Cursors = s.Attachments(), s.Cursors
	return c
}

// Reports reads every provider's requests (AUTHORIZATIONS_TABLE) and
// appeals (APPEALS_TABLE) for the plan's reports.
func (s Stores) Reports() *Reports {
	return &Reports{DB: s.DB, Authorizations: s.Env.Text(lambdaenv.AuthorizationsTable), Appeals: s.Env.Text(lambdaenv.AppealsTable)}
}
