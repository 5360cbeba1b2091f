package attachmentprocessor

import (
	"context"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	awssqs "github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/s3"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// FromEnv builds the attachment processor from its environment, with only
// the DynamoDB, S3 and SQS clients it uses. Its main and the local runner
// both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (*Handler, error) {
	env, err := lambdaenv.Require(getenv, "ATTACHMENTS_TABLE", "CLAIM_DOCUMENTS_QUEUE_URL")
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
	files, err := s3.FromEnv(cfg, getenv)
	if err != nil {
		return nil, err
	}
	db := dynamodb.NewFromConfig(cfg, func(o *dynamodb.Options) { o.BaseEndpoint = lambdaenv.Endpoint(getenv, "DYNAMODB") })
	q := awssqs.NewFromConfig(cfg, func(o *awssqs.Options) { o.BaseEndpoint = lambdaenv.Endpoint(getenv, "SQS") })
	return New(Deps{
		Log:     lambdaenv.Logger(getenv, os.Stdout),
		Uploads: &dynamo.AttachmentStore{DB: db, Table: env["ATTACHMENTS_TABLE"], Now: time.Now},
		Files:   files,
		Events:  &sqs.DocumentEvents{SQS: q, URL: env["CLAIM_DOCUMENTS_QUEUE_URL"]},
		Plan:    plan,
		Prefix:  files.Prefix,
	}), nil
}
