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
	f, err := lambdaenv.Load(getenv, "DISPUTES_TABLE", "APPEALS_TABLE", "DOCUMENTS_TABLE", "CASE_DECISIONS_DLQ_URL", "STACK_NAME")
	if err != nil {
		return nil, err
	}
	db := dynamo.NewClient(f)
	return New(Deps{
		Log:         f.Log,
		Disputes:    dynamo.CaseStoreFromEnv(f, db, "DISPUTES_TABLE", portal.Disputes.Name),
		Appeals:     dynamo.CaseStoreFromEnv(f, db, "APPEALS_TABLE", portal.Appeals.Name),
		DeadLetters: &sqs.DeadLetters{SQS: sqs.NewClient(f), URL: f.Env["CASE_DECISIONS_DLQ_URL"]},
		Plan:        f.Plan,
		Metrics:     os.Stdout,
		Stack:       f.Env["STACK_NAME"],
		Now:         time.Now,
	}), nil
}
