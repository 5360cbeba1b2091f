package cases

import (
	"context"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/origin"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// caseVars are the variables both case APIs name: their letters, uploads,
// claims and idempotency tables, the appeals system's queue, and the key
// that signs the worklist's cursors.
var caseVars = []lambdaenv.Var{lambdaenv.DocumentsTable, lambdaenv.AttachmentsTable, lambdaenv.ClaimsTable,
	lambdaenv.IdempotencyTable, lambdaenv.AppealsQueue, lambdaenv.CursorKeySecret, lambdaenv.OriginVerifySecret}

func fromEnv(getenv lambdaenv.Getenv, family *portal.CaseFamily, vars ...lambdaenv.Var) (Deps, dynamo.Stores, *lambdaenv.Function, error) {
	f, err := lambdaenv.Load(getenv, append(vars, caseVars...)...)
	if err != nil {
		return Deps{}, dynamo.Stores{}, nil, err
	}
	db := dynamo.NewStores(f)
	db.Cursors = origin.CursorKeys(f)
	store := db.CaseForms(family)
	return Deps{
		Log:         f.Log,
		Claims:      db.Claims(),
		Cases:       store,
		Uploads:     store.Attachments,
		Events:      sqs.NewPublisher(f, store, portal.QueueAppeals),
		Idempotency: db.Idempotency(24 * time.Hour),
		Plan:        f.Plan,
		Now:         time.Now,
	}, db, f, nil
}

// DisputesFromEnv builds the disputes API from its environment. Its main
// and the local runner both call it.
func DisputesFromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	d, _, f, err := fromEnv(getenv, portal.Disputes, lambdaenv.DisputesTable)
	if err != nil {
		return nil, err
	}
	return origin.Front(f, Disputes(d)), nil
}

// AppealsFromEnv builds the appeals API from its environment: the appeals
// of claims and of retro authorizations' decisions.
func AppealsFromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	d, db, f, err := fromEnv(getenv, portal.Appeals, lambdaenv.AppealsTable, lambdaenv.AuthorizationsTable)
	if err != nil {
		return nil, err
	}
	d.Authorizations = db.Authorizations()
	return origin.Front(f, Appeals(d)), nil
}
