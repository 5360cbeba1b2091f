package authorizations

import (
	"context"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/authorizationevents"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
)

// stores builds the authorization store, with the attachments store its
// transactions submit documents to.
func stores(f *lambdaenv.Function) *dynamo.AuthorizationStore {
	db := dynamo.NewClient(f)
	return &dynamo.AuthorizationStore{DB: db, Table: f.Env["AUTHORIZATIONS_TABLE"], Now: time.Now, CursorKey: []byte(f.Env["CURSOR_KEY"]),
		Attachments: &dynamo.AttachmentStore{DB: db, Table: f.Env["ATTACHMENTS_TABLE"], Now: time.Now}}
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
		Events:      authorizationevents.NewPublisher(f, store),
		Idempotency: &dynamo.IdempotencyStore{DB: store.DB, Table: f.Env["IDEMPOTENCY_TABLE"], Now: time.Now, TTL: 24 * time.Hour},
		Plan:        f.Plan,
		Now:         time.Now,
	}), nil
}
