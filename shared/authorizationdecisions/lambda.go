package authorizationdecisions

import (
	"context"
	"time"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// FromEnv builds the authorization-decisions function from its environment.
// Its main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (*Handler, error) {
	f, err := lambdaenv.Load(getenv, "AUTHORIZATIONS_TABLE", "DECISIONS_DLQ_URL")
	if err != nil {
		return nil, err
	}
	return New(Deps{
		Log:         f.Log,
		Requests:    &dynamo.AuthorizationStore{DB: dynamo.NewClient(f), Table: f.Env["AUTHORIZATIONS_TABLE"], Now: time.Now},
		DeadLetters: &sqs.DeadLetters{SQS: sqs.NewClient(f), URL: f.Env["DECISIONS_DLQ_URL"]},
	}), nil
}
