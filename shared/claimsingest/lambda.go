package claimsingest

import (
	"context"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// FromEnv builds the claims-ingest function from its environment, with only
// the DynamoDB and SQS clients it uses. Its main and the local runner both
// call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (*Handler, error) {
	env, err := lambdaenv.Require(getenv, "CLAIMS_TABLE", "MEMBERS_TABLE", "ATTACHMENTS_TABLE", "CLAIMS_FEED_DLQ_URL", "CLAIM_DOCUMENTS_QUEUE_URL")
	if err != nil {
		return nil, err
	}
	cfg, err := lambdaenv.AWS(getenv)
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = lambdaenv.Endpoint(getenv, "DYNAMODB") })
	q := awssqs.NewFromConfig(cfg, func(o *awssqs.Options) { o.BaseEndpoint = lambdaenv.Endpoint(getenv, "SQS") })
	return New(Deps{
		Log:         lambdaenv.Logger(getenv, os.Stdout),
		Claims:      &dynamo.ClaimStore{DB: db, Table: env["CLAIMS_TABLE"], Now: time.Now},
		Members:     &dynamo.MemberStore{DB: db, Table: env["MEMBERS_TABLE"], Now: time.Now},
		Attachments: &dynamo.AttachmentStore{DB: db, Table: env["ATTACHMENTS_TABLE"], Now: time.Now},
		Events:      &sqs.DocumentEvents{SQS: q, URL: env["CLAIM_DOCUMENTS_QUEUE_URL"]},
		DeadLetters: &sqs.DeadLetters{SQS: q, URL: env["CLAIMS_FEED_DLQ_URL"]},
	}), nil
}
