package attachmentprocessor

import (
	"context"

	"github.com/openpayer/provider-portal/shared/documentevents"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/s3"
)

// FromEnv builds the attachment processor from its environment, with only
// the DynamoDB, S3 and SQS clients it uses. Its main and the local runner
// both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (*Handler, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.AttachmentsTable, lambdaenv.ClaimDocumentsQueue,
		lambdaenv.AttachmentsBucket, lambdaenv.UploadPrefix)
	if err != nil {
		return nil, err
	}
	files := s3.NewFiles(f)
	store := dynamo.NewStores(f).Attachments()
	return New(Deps{
		Log:     f.Log,
		Uploads: store,
		Files:   files,
		Events:  documentevents.NewPublisher(f, store),
		Plan:    f.Plan,
		Prefix:  files.Prefix,
	}), nil
}
