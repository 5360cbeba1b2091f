package attachmentprocessor

import (
	"context"
	"time"

	"github.com/openpayer/provider-portal/shared/documentevents"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/s3"
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
	store := &dynamo.AttachmentStore{DB: dynamo.NewClient(f), Table: f.Env["ATTACHMENTS_TABLE"], Now: time.Now}
	return New(Deps{
		Log:     f.Log,
		Uploads: store,
		Files:   files,
		Events:  documentevents.NewPublisher(f, store),
		Plan:    f.Plan,
		Prefix:  files.Prefix,
	}), nil
}
