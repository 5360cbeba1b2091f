package claims

import (
	"context"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
)

// FromEnv builds the claims function from its environment, with only the
// DynamoDB client it uses. Its main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	env, err := lambdaenv.Require(getenv, "CLAIMS_TABLE", "MEMBERS_TABLE")
	if err != nil {
		return nil, err
	}
	plan, err := lambdaenv.Plan(getenv)
	if err != nil {
		return nil, err
	}
	cfg, err := lambdaenv.AWS(getenv)
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = lambdaenv.Endpoint(getenv, "DYNAMODB") })
	return New(Deps{
		Log:     lambdaenv.Logger(getenv, os.Stdout),
		Claims:  &dynamo.ClaimStore{DB: db, Table: env["CLAIMS_TABLE"], Now: time.Now},
		Members: &dynamo.MemberStore{DB: db, Table: env["MEMBERS_TABLE"], Now: time.Now},
		Plan:    plan,
		Now:     time.Now,
	}), nil
}
