package attachmentprocessor

import (
	"context"
	"time"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/s3"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// FromEnv builds the attachment processor from its environment, with only
// the DynamoDB, S3 and SQS clients it uses. Its main and the local runner
// both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (*Handler, error) {
	f, err := lambdaenv.Load(getenv, "ATTACHMENTS_TABLE", "CLAIM_DOCUMENTS_QUEUE_URL")
	if err != nil {
		return nil, err
	}
	files, err := s3.FromEnv(f)
	if err != nil {
		return nil, err
	}
	return New(Deps{
		Log:     f.Log,
		Uploads: &dynamo.AttachmentStore{DB: dynamo.NewClient(f), Table: f.Env["ATTACHMENTS_TABLE"], Now: time.Now},
		Files:   files,
		Events:  &sqs.DocumentEvents{SQS: sqs.NewClient(f), URL: f.Env["CLAIM_DOCUMENTS_QUEUE_URL"]},
		Plan:    f.Plan,
		Prefix:  files.Prefix,
	}), nil
}
