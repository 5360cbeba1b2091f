package authorizations

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

// stores builds the authorization store, with the attachments store its
// transactions submit documents to.
func stores(f *lambdaenv.Function) *dynamo.AuthorizationStore {
	db := dynamo.NewClient(f)
	return &dynamo.AuthorizationStore{DB: db, Table: f.Env["AUTHORIZATIONS_TABLE"], Now: time.Now, CursorKey: []byte(f.Env["CURSOR_KEY"]),
		Attachments: &dynamo.AttachmentStore{DB: db, Table: f.Env["ATTACHMENTS_TABLE"], Now: time.Now}}
}

func publisher(f *lambdaenv.Function, store outbox.Events) *outbox.Publisher {
	q := sqs.NewClient(f)
	return &outbox.Publisher{Outbox: store, Senders: map[string]outbox.Sender{
		portal.QueueUtilizationManagement: &sqs.EventQueue{SQS: q, URL: f.Env["UM_QUEUE_URL"]},
		portal.QueueCOB:                   &sqs.EventQueue{SQS: q, URL: f.Env["COB_QUEUE_URL"]},
	}}
}

// FromEnv builds the authorizations API from its environment. Its main and
// the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	f, err := lambdaenv.Load(getenv, "AUTHORIZATIONS_TABLE", "MEMBERS_TABLE", "ATTACHMENTS_TABLE", "IDEMPOTENCY_TABLE",
		"UM_QUEUE_URL", "COB_QUEUE_URL", "CURSOR_KEY")
	if err != nil {
		return nil, err
	}
	store := stores(f)
	return New(Deps{
		Log:         f.Log,
		Members:     &dynamo.MemberStore{DB: store.DB, Table: f.Env["MEMBERS_TABLE"], Now: time.Now},
		Requests:    store,
		Events:      publisher(f, store),
		Idempotency: &dynamo.IdempotencyStore{DB: store.DB, Table: f.Env["IDEMPOTENCY_TABLE"], Now: time.Now, TTL: 24 * time.Hour},
		Plan:        f.Plan,
		Now:         time.Now,
	}), nil
}

// EventsFromEnv builds the authorization-events function: the sweep of the
// authorizations' outbox.
func EventsFromEnv(_ context.Context, getenv lambdaenv.Getenv) (*outbox.Sweeper, error) {
	f, err := lambdaenv.Load(getenv, "AUTHORIZATIONS_TABLE", "UM_QUEUE_URL", "COB_QUEUE_URL", "STACK_NAME")
	if err != nil {
		return nil, err
	}
	store := &dynamo.AuthorizationStore{DB: dynamo.NewClient(f), Table: f.Env["AUTHORIZATIONS_TABLE"], Now: time.Now}
	return outbox.NewSweeper(f, "authorizations", publisher(f, store))
}
