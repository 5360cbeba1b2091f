package cases

import (
	"context"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/outbox"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// Publisher delivers a case table's events to the appeals system's queue
// (APPEALS_QUEUE_URL): at once from the case functions, and from the
// case-events sweep.
func Publisher(f *lambdaenv.Function, store outbox.Events) *outbox.Publisher {
	return &outbox.Publisher{Outbox: store, Senders: map[string]outbox.Sender{
		portal.QueueAppeals: &sqs.EventQueue{SQS: sqs.NewClient(f), URL: f.Env["APPEALS_QUEUE_URL"]}}}
}

var common = []string{"DOCUMENTS_TABLE", "ATTACHMENTS_TABLE", "CLAIMS_TABLE", "IDEMPOTENCY_TABLE", "APPEALS_QUEUE_URL"}

func fromEnv(getenv lambdaenv.Getenv, tableVar string, family *portal.CaseFamily, extra ...string) (Deps, dynamo.TxAPI, error) {
	f, err := lambdaenv.Load(getenv, append(append([]string{tableVar}, common...), extra...)...)
	if err != nil {
		return Deps{}, nil, err
	}
	db := dynamo.NewClient(f)
	store := dynamo.CaseStoreFromEnv(f, db, tableVar, family.Name)
	return Deps{
		Log:         f.Log,
		Claims:      &dynamo.ClaimStore{DB: db, Table: f.Env["CLAIMS_TABLE"], Now: time.Now},
		Cases:       store,
		Uploads:     store.Attachments,
		Events:      Publisher(f, store),
		Idempotency: &dynamo.IdempotencyStore{DB: db, Table: f.Env["IDEMPOTENCY_TABLE"], Now: time.Now, TTL: 24 * time.Hour},
		Plan:        f.Plan,
		Now:         time.Now,
	}, db, nil
}

// DisputesFromEnv builds the disputes API from its environment. Its main
// and the local runner both call it.
func DisputesFromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	d, _, err := fromEnv(getenv, "DISPUTES_TABLE", portal.Disputes)
	if err != nil {
		return nil, err
	}
	return Disputes(d), nil
}

// AppealsFromEnv builds the appeals API from its environment.
func AppealsFromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	d, db, err := fromEnv(getenv, "APPEALS_TABLE", portal.Appeals, "AUTHORIZATIONS_TABLE")
	if err != nil {
		return nil, err
	}
	d.Authorizations = &dynamo.AuthorizationStore{DB: db, Table: getenv("AUTHORIZATIONS_TABLE"), Now: time.Now}
	return Appeals(d), nil
}
