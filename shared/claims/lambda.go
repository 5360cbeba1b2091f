package claims

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
)

// FromEnv builds the claims function from its environment, with only the
// DynamoDB client it uses. Its main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	f, err := lambdaenv.Load(getenv, "CLAIMS_TABLE", "MEMBERS_TABLE", "CURSOR_KEY")
	if err != nil {
		return nil, err
	}
	if len(f.Env["CURSOR_KEY"]) < 32 {
		return nil, fmt.Errorf("CURSOR_KEY must be at least 32 characters")
	}
	db := dynamo.NewClient(f)
	return New(Deps{
		Log:     f.Log,
		Claims:  &dynamo.ClaimStore{DB: db, Table: f.Env["CLAIMS_TABLE"], Now: time.Now, CursorKey: []byte(f.Env["CURSOR_KEY"])},
		Members: &dynamo.MemberStore{DB: db, Table: f.Env["MEMBERS_TABLE"], Now: time.Now},
		Plan:    f.Plan,
		Now:     time.Now,
	}), nil
}
