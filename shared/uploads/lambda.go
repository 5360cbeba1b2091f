package uploads

import (
	"context"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/s3"
)

// FromEnv builds the uploads function from its environment, with only the
// DynamoDB and S3 clients it uses. Its main and the local runner both call it.
func FromEnv(_ context.Context, getenv lambdaenv.Getenv) (http.Handler, error) {
	f, err := lambdaenv.Load(getenv, "ATTACHMENTS_TABLE", "IDEMPOTENCY_TABLE")
	if err != nil {
		return nil, err
	}
	files, err := s3.FromEnv(f)
	if err != nil {
		return nil, err
	}
	retention, err := lambdaenv.Duration(getenv, "UPLOAD_RETENTION", portal.DefaultUploadRetention)
	if err != nil {
		return nil, err
	}
	db := dynamo.NewClient(f)
	return New(Deps{
		Log:       f.Log,
		Retention: retention,
		Uploads:   &dynamo.AttachmentStore{DB: db, Table: f.Env["ATTACHMENTS_TABLE"], Now: time.Now},
		Files:     files,
		// A form is replayed only while it can still be used: a retry after
		// it expired gets a new upload and a fresh form.
		Idempotency: &dynamo.IdempotencyStore{DB: db, Table: f.Env["IDEMPOTENCY_TABLE"], Now: time.Now, TTL: files.FormTTL},
		Plan:        f.Plan,
		Now:         time.Now,
	}), nil
}
