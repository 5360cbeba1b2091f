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
	DB  TxAPI
	Env *lambdaenv.Env
}

// NewStores returns the stores of f on one DynamoDB client.
func NewStores(f *lambdaenv.Function) Stores {
	return Stores{DB: NewClient(f), Env: &f.Env}
}

// Claims is the claims table (CLAIMS_TABLE), read and written by claim
// number; ClaimSearch adds the key its searches' cursors are signed with.
func (s Stores) Claims() *ClaimStore {
	s.Env.Must(lambdaenv.ClaimsTable)
	return &ClaimStore{DB: s.DB, Table: s.Env.ClaimsTable, Now: time.Now}
}

// ClaimSearch is Claims with searches (CLAIMS_TABLE, CURSOR_KEY).
func (s Stores) ClaimSearch() *ClaimStore {
	s.Env.Must(lambdaenv.CursorKey)
	c := s.Claims()
	c.CursorKey = s.Env.CursorKey
	return c
}

// Members is the members table (MEMBERS_TABLE).
func (s Stores) Members() *MemberStore {
	s.Env.Must(lambdaenv.MembersTable)
	return &MemberStore{DB: s.DB, Table: s.Env.MembersTable, Now: time.Now}
}

// Attachments is the uploads and documents table (ATTACHMENTS_TABLE).
func (s Stores) Attachments() *AttachmentStore {
	s.Env.Must(lambdaenv.AttachmentsTable)
	return &AttachmentStore{DB: s.DB, Table: s.Env.AttachmentsTable, Now: time.Now}
}

// Idempotency is the idempotency table (IDEMPOTENCY_TABLE), whose answers
// are replayed for ttl.
func (s Stores) Idempotency(ttl time.Duration) *IdempotencyStore {
	s.Env.Must(lambdaenv.IdempotencyTable)
	return &IdempotencyStore{DB: s.DB, Table: s.Env.IdempotencyTable, Now: time.Now, TTL: ttl}
}

// Authorizations is the retro authorizations table (AUTHORIZATIONS_TABLE),
// as its decisions and its sweep use it.
func (s Stores) Authorizations() *AuthorizationStore {
	s.Env.Must(lambdaenv.AuthorizationsTable)
	return &AuthorizationStore{DB: s.DB, Table: s.Env.AuthorizationsTable, Now: time.Now}
}

// AuthorizationRequests is Authorizations as the API uses it: requests
// that submit uploads (ATTACHMENTS_TABLE) and lists (CURSOR_KEY).
func (s Stores) AuthorizationRequests() *AuthorizationStore {
	s.Env.Must(lambdaenv.CursorKey)
	a := s.Authorizations()
	a.Attachments, a.CursorKey = s.Attachments(), s.Env.CursorKey
	return a
}

// Letters is the Provider Documents table (DOCUMENTS_TABLE), as the case
// functions and sweeps write it; LetterList adds the lists' cursors.
func (s Stores) Letters() *LetterStore {
	s.Env.Must(lambdaenv.DocumentsTable)
	return &LetterStore{DB: s.DB, Table: s.Env.DocumentsTable}
}

// LetterList is Letters with lists (DOCUMENTS_TABLE, CURSOR_KEY).
func (s Stores) LetterList() *LetterStore {
	s.Env.Must(lambdaenv.CursorKey)
	l := s.Letters()
	l.CursorKey = s.Env.CursorKey
	return l
}

// Cases is one family's table (DISPUTES_TABLE or APPEALS_TABLE) with the
// letters its changes write (DOCUMENTS_TABLE), as decisions and the sweep
// use it; CaseForms adds the uploads a provider's forms submit.
func (s Stores) Cases(family *portal.CaseFamily) *CaseStore {
	var table string
	switch family {
	case portal.Disputes:
		s.Env.Must(lambdaenv.DisputesTable)
		table = s.Env.DisputesTable
	case portal.Appeals:
		s.Env.Must(lambdaenv.AppealsTable)
		table = s.Env.AppealsTable
	default:
		panic(fmt.Sprintf("dynamo: no table for the case family %v", family))
	}
	return &CaseStore{DB: s.DB, Table: table, Outbox: family.Name, Now: time.Now, Letters: s.Letters()}
}

// CaseForms is Cases with the uploads its forms submit (ATTACHMENTS_TABLE).
func (s Stores) CaseForms(family *portal.CaseFamily) *CaseStore {
	c := s.Cases(family)
	c.Attachments = s.Attachments()
	return c
}
