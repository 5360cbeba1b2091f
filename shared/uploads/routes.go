// Package uploads hands out presigned upload forms and tracks each file:
// POST /uploads, GET /uploads/{uploadId}, GET /uploads?ids= (several at
// once), DELETE /uploads/{uploadId} (the guide's "Delete Selected"). Files go
// straight to S3, never through here.
package uploads

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/s3"
)

// Uploads keeps upload records. Every call is scoped to the caller's
// provider: another provider's upload is UPLOAD_NOT_FOUND.
type Uploads interface {
	// CreateUpload records a new pending upload.
	CreateUpload(ctx context.Context, a *portal.Attachment) error
	// Upload returns one of the provider's uploads.
	Upload(ctx context.Context, provider portal.ProviderID, id string) (*portal.Attachment, error)
	// Uploads returns the provider's uploads with those IDs, in their
	// order, in one read: nil where there is none.
	Uploads(ctx context.Context, provider portal.ProviderID, ids []string) ([]*portal.Attachment, error)
	// DeleteUpload marks an upload that was not submitted yet as removed:
	// nothing can see or submit it from then on. UPLOAD_ALREADY_SUBMITTED
	// for one that was.
	DeleteUpload(ctx context.Context, provider portal.ProviderID, id string) error
	// ForgetUpload drops the record of a removed upload, once its file is
	// gone.
	ForgetUpload(ctx context.Context, id string) error
}

// Files is the part of the bucket the API uses.
type Files interface {
	Key(uploadID string) string
	// UploadForm presigns a POST of exactly key, content type and size.
	// UploadForm's form stores the object to download as fileName.
	UploadForm(ctx context.Context, key, contentType, fileName string, size int64) (s3.Form, error)
	Delete(ctx context.Context, key string) error
}

// Deps are the uploads API's collaborators. Retention is how long an upload
// never submitted is kept (portal.DefaultUploadRetention if zero).
type Deps struct {
	Log         *slog.Logger
	Uploads     Uploads
	Files       Files
	Idempotency httpapi.IdempotencyStore
	Plan        portal.Plan
	Now         func() time.Time
	Retention   time.Duration
}

// New returns the uploads API.
func New(d Deps) http.Handler {
	rs := httpapi.NewRoutes(d.Log, d.Idempotency)
	rs.Handle("POST /uploads", handleCreate(d), httpapi.WithIdempotencyKey)
	rs.Handle("GET /uploads", handleStatuses(d))
	rs.Handle("GET /uploads/{uploadId}", handleGet(d))
	rs.Handle("DELETE /uploads/{uploadId}", handleDelete(d))
	return rs.Handler()
}
