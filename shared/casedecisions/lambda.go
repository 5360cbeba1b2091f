package casedecisions

import (
	"context"
	"os"
	"time"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// FromEnv builds the case-decisions function from its environment. Its
// main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (*Handler, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.DisputesTable, lambdaenv.AppealsTable, lambdaenv.DocumentsTable,
		lambdaenv.CaseDecisionsDLQ, lambdaenv.StackName)
	if err != nil {
		return nil, err
	}
	db := dynamo.NewStores(f)
	return New(Deps{
		Log:         f.Log,
		Disputes:    db.Cases(portal.Disputes),
		Appeals:     db.Cases(portal.Appeals),
		DeadLetters: sqs.NewDeadLetters(f, lambdaenv.CaseDecisionsDLQ),
		Plan:        f.Plan,
		Metrics:     os.Stdout,
		Stack:       f.Env.Text(lambdaenv.StackName),
		Now:         time.Now,
	}), nil
}
