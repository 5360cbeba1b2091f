package claims

import (
	"context"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/origin"
)

// FromEnv builds the claims function from its environment, with only the
// DynamoDB client it uses. Its main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.ClaimsTable, lambdaenv.MembersTable, lambdaenv.IdempotencyTable, lambdaenv.CursorKeySecret,
		lambdaenv.OriginVerifySecret)
	if err != nil {
		return nil, err
	}
	db := dynamo.NewStores(f)
	db.Cursors = origin.CursorKeys(f)
	return origin.Front(f, New(Deps{Log: f.Log, Claims: db.ClaimSearch(), Members: db.Members(), Searches: db.SearchAllowance(),
		Plan: f.Plan, Now: time.Now})), nil
}
