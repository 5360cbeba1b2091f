package uploads

import (
	"context"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/origin"
	"github.com/openpayer/provider-portal/shared/s3"
)

// FromEnv builds the uploads function from its environment, with only the
// DynamoDB and S3 clients it uses. Its main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	f, err := lambdaenv.Load(getenv, lambdaenv.OriginVerifySecret, lambdaenv.AttachmentsTable, lambdaenv.IdempotencyTable, lambdaenv.AttachmentsBucket,
		lambdaenv.UploadPrefix, lambdaenv.UploadFormTTL, lambdaenv.UploadRetention)
	if err != nil {
		return nil, err
	}
	files := s3.NewFiles(f)
	db := dynamo.NewStores(f)
	return origin.Front(f, New(Deps{
		Log:       f.Log,
		Retention: f.Env.Duration(lambdaenv.UploadRetention),
		Uploads:   db.Attachments(),
		Files:     files,
		// A form is replayed only while it can still be used: a retry after
		// it expired gets a new upload and a fresh form.
		Idempotency: db.Idempotency(files.FormTTL),
		Plan:        f.Plan,
		Now:         time.Now,
	})), nil
}
