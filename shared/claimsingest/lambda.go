package claimsingest

import (
	"context"
	"time"

	"github.com/openpayer/provider-portal/shared/documentevents"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// FromEnv builds the claims-ingest function from its environment, with only
// the DynamoDB and SQS clients it uses. Its main and the local runner both
// call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (*Handler, error) {
	f, err := lambdaenv.Load(getenv, "CLAIMS_TABLE", "MEMBERS_TABLE", "ATTACHMENTS_TABLE", "CLAIMS_FEED_DLQ_URL", "CLAIM_DOCUMENTS_QUEUE_URL")
	if err != nil {
		return nil, err
	}
	db, q := dynamo.NewClient(f), sqs.NewClient(f)
	attachments := &dynamo.AttachmentStore{DB: db, Table: f.Env["ATTACHMENTS_TABLE"], Now: time.Now}
	return New(Deps{
		Log:         f.Log,
		Claims:      &dynamo.ClaimStore{DB: db, Table: f.Env["CLAIMS_TABLE"], Now: time.Now},
		Members:     &dynamo.MemberStore{DB: db, Table: f.Env["MEMBERS_TABLE"], Now: time.Now},
		Attachments: attachments,
		Events:      documentevents.NewPublisher(f, attachments),
		DeadLetters: &sqs.DeadLetters{SQS: q, URL: f.Env["CLAIMS_FEED_DLQ_URL"]},
	}), nil
}
