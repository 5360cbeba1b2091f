package claimsingest

import (
	"context"

	"github.com/openpayer/provider-portal/shared/documentevents"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// FromEnv builds the claims-ingest function from its environment, with only
// the DynamoDB and SQS clients it uses. Its main and the local runner both
// call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (*Handler, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.ClaimsTable, lambdaenv.MembersTable, lambdaenv.AttachmentsTable,
		lambdaenv.ClaimsFeedDLQ, lambdaenv.ClaimDocumentsQueue)
	if err != nil {
		return nil, err
	}
	db := dynamo.NewStores(f)
	attachments := db.Attachments()
	return New(Deps{
		Log:         f.Log,
		Claims:      db.Claims(),
		Members:     db.Members(),
		Attachments: attachments,
		Events:      documentevents.NewPublisher(f, attachments),
		DeadLetters: sqs.NewDeadLetters(f, lambdaenv.ClaimsFeedDLQ),
	}), nil
}
