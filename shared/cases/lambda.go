package cases

import (
	"context"
	"net/http"
	"os"
	"time"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/letters"
	"github.com/openpayer/provider-portal/shared/outbox"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// TableStore builds the store of one kind's table (DISPUTES_TABLE or
// APPEALS_TABLE), with the letters and attachments its changes write to.
func TableStore(f *lambdaenv.Function, db dynamo.TxAPI, tableVar, outboxName string) *dynamo.CaseStore {
	return &dynamo.CaseStore{DB: db, Table: f.Env[tableVar], Outbox: outboxName, Now: time.Now,
		Attachments: &dynamo.AttachmentStore{DB: db, Table: f.Getenv("ATTACHMENTS_TABLE"), Now: time.Now},
		Letters:     &dynamo.LetterStore{DB: db, Table: f.Env["DOCUMENTS_TABLE"]}}
}

// publisher delivers a table's events to the appeals system's queue.
func publisher(appeals *sqs.EventQueue, store outbox.Events) *outbox.Publisher {
	return &outbox.Publisher{Outbox: store, Senders: map[string]outbox.Sender{portal.QueueAppeals: appeals}}
}

func appealsQueue(f *lambdaenv.Function) *sqs.EventQueue {
	return &sqs.EventQueue{SQS: sqs.NewClient(f), URL: f.Env["APPEALS_QUEUE_URL"]}
}

var common = []string{"DOCUMENTS_TABLE", "ATTACHMENTS_TABLE", "CLAIMS_TABLE", "IDEMPOTENCY_TABLE", "APPEALS_QUEUE_URL", "ATTACHMENTS_BUCKET"}

func fromEnv(getenv lambdaenv.Getenv, tableVar, family string, extra ...string) (Deps, dynamo.TxAPI, error) {
	f, err := lambdaenv.Load(getenv, append(append([]string{tableVar}, common...), extra...)...)
	if err != nil {
		return Deps{}, nil, err
	}
	db := dynamo.NewClient(f)
	store := TableStore(f, db, tableVar, family)
	lp, err := letters.PublisherFromEnv(f, db)
	if err != nil {
		return Deps{}, nil, err
	}
	return Deps{
		Log:         f.Log,
		Claims:      &dynamo.ClaimStore{DB: db, Table: f.Env["CLAIMS_TABLE"], Now: time.Now},
		Cases:       store,
		Uploads:     store.Attachments,
		Events:      publisher(appealsQueue(f), store),
		Letters:     lp,
		Idempotency: &dynamo.IdempotencyStore{DB: db, Table: f.Env["IDEMPOTENCY_TABLE"], Now: time.Now, TTL: 24 * time.Hour},
		Plan:        f.Plan,
		Now:         time.Now,
	}, db, nil
}

// DisputesFromEnv builds the disputes API from its environment. Its main
// and the local runner both call it.
func DisputesFromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	d, _, err := fromEnv(getenv, "DISPUTES_TABLE", "disputes")
	if err != nil {
		return nil, err
	}
	return Disputes(d), nil
}

// AppealsFromEnv builds the appeals API from its environment.
func AppealsFromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	d, db, err := fromEnv(getenv, "APPEALS_TABLE", "appeals", "AUTHORIZATIONS_TABLE")
	if err != nil {
		return nil, err
	}
	d.Authorizations = &dynamo.AuthorizationStore{DB: db, Table: getenv("AUTHORIZATIONS_TABLE"), Now: time.Now}
	return Appeals(d), nil
}

// EventsFromEnv builds the case-events function: the sweeps of the
// disputes' and appeals' outboxes, and of letters not stored yet.
func EventsFromEnv(_ context.Context, getenv lambdaenv.Getenv) (outbox.Sweepers, error) {
	f, err := lambdaenv.Load(getenv, "DISPUTES_TABLE", "APPEALS_TABLE", "DOCUMENTS_TABLE", "APPEALS_QUEUE_URL", "ATTACHMENTS_BUCKET", "STACK_NAME")
	if err != nil {
		return nil, err
	}
	grace, err := lambdaenv.Duration(getenv, "EVENT_SWEEP_GRACE", 30*time.Second)
	if err != nil {
		return nil, err
	}
	db := dynamo.NewClient(f)
	lp, err := letters.PublisherFromEnv(f, db)
	if err != nil {
		return nil, err
	}
	appeals := appealsQueue(f)
	sweep := func(name string, src outbox.Source) *outbox.Sweeper {
		return &outbox.Sweeper{Log: f.Log, Source: src, Grace: grace, Name: name, Metrics: os.Stdout, Stack: f.Env["STACK_NAME"]}
	}
	return outbox.Sweepers{
		sweep("disputes", publisher(appeals, TableStore(f, db, "DISPUTES_TABLE", "disputes"))),
		sweep("appeals", publisher(appeals, TableStore(f, db, "APPEALS_TABLE", "appeals"))),
		sweep("letters", lp),
	}, nil
}
