package systemauth

import (
	"context"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/kms"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/origin"
)

// FromEnv builds the system token function from its environment. Its main
// and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.OriginVerifySecret, lambdaenv.SystemClientsTable, lambdaenv.IdempotencyTable,
		lambdaenv.SystemTokenKey, lambdaenv.SystemIssuer, lambdaenv.SystemAudience)
	if err != nil {
		return nil, err
	}
	db := dynamo.NewStores(f)
	return origin.Front(f, Routes(Deps{
		Log:      f.Log,
		Clients:  db.SystemClients(),
		Ledger:   db.AssertionLedger(),
		Signer:   kms.NewSigner(f),
		Issuer:   f.Env.Text(lambdaenv.SystemIssuer),
		Audience: f.Env.Text(lambdaenv.SystemAudience),
		Now:      time.Now,
	})), nil
}
