// Package uploadsapi hands out presigned upload forms and tracks each file:
// POST /uploads, GET /uploads/{uploadId}, DELETE /uploads/{uploadId} (the
// guide's "Delete Selected"). Files go straight to S3, never through here.
package uploadsapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/filetype"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/storage"
	"github.com/openpayer/provider-portal/shared/web"
)

// Files is the part of the bucket the API uses.
type Files interface {
	Key(uploadID string) string
	UploadForm(ctx context.Context, key, contentType string, maxBytes int64) (storage.Form, error)
	Delete(ctx context.Context, key string) error
}

// NewServer returns the uploads API.
func NewServer(log *slog.Logger, store portal.AttachmentStore, files Files, idem web.IdempotencyStore, plan portal.Plan, now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	auth := func(h http.Handler) http.Handler { return web.RequireProvider(log, h) }
	mux.Handle("POST /uploads", auth(web.Idempotent(log, idem, handleCreate(log, store, files, plan, now))))
	mux.Handle("GET /uploads/{uploadId}", auth(handleGet(log, store)))
	mux.Handle("DELETE /uploads/{uploadId}", auth(handleDelete(log, store, files)))
	mux.Handle("/", web.NotFound(log))
	return web.LogRequests(log, mux)
}

// NewID returns a random upload ID: 32 hex digits.
func NewID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

type createResponse struct {
	Upload   uploadView   `json:"upload"`
	Form     storage.Form `json:"form"`
	MaxBytes int64        `json:"maxBytes"`
}

// uploadView is what a provider sees of an upload.
type uploadView struct {
	ID           string              `json:"uploadId"`
	FileName     string              `json:"fileName"`
	DeclaredType filetype.Type       `json:"declaredType"`
	Status       portal.UploadStatus `json:"status"`
	Size         int64               `json:"size,omitempty"`
	RejectCode   string              `json:"rejectCode,omitempty"`
	RejectReason string              `json:"rejectReason,omitempty"`
	CreatedAt    time.Time           `json:"createdAt"`
	CheckedAt    *time.Time          `json:"checkedAt,omitempty"`
	SubmissionID string              `json:"submissionId,omitempty"`
	ClaimNumber  string              `json:"claimNumber,omitempty"`
}

// View is the provider's view of an upload.
func View(a *portal.Attachment) uploadView {
	v := uploadView{ID: a.ID, FileName: a.FileName, DeclaredType: a.DeclaredType, Status: a.Status, Size: a.Size,
		RejectCode: a.RejectCode, RejectReason: a.RejectReason, CreatedAt: a.CreatedAt, CheckedAt: a.CheckedAt,
		ClaimNumber: a.ClaimNumber}
	if a.Submission != nil {
		v.SubmissionID = a.Submission.ID
	}
	return v
}

func handleCreate(log *slog.Logger, store portal.AttachmentStore, files Files, plan portal.Plan, now func() time.Time) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, _ := web.CallerFrom(r.Context())
		var req portal.UploadRequest
		if err := web.Decode(r, &req); err != nil {
			web.Error(w, r, log, err)
			return
		}
		typ, err := plan.CheckUploadRequest(req)
		if err != nil {
			web.Error(w, r, log, err)
			return
		}
		id := NewID()
		a := &portal.Attachment{ID: id, Provider: caller.Provider, UploadedBy: caller.Subject, FileName: req.FileName,
			DeclaredType: typ, ContentType: filetype.ContentTypes[typ], DeclaredSize: req.Size, ObjectKey: files.Key(id),
			Status: portal.UploadPending, CreatedAt: now().UTC()}
		form, err := files.UploadForm(r.Context(), a.ObjectKey, a.ContentType, plan.MaxUploadBytes)
		if err != nil {
			web.Error(w, r, log, err)
			return
		}
		a.FormExpires = form.Expires
		// The record is written before the form is handed out, so that no
		// file can arrive for an upload nobody knows.
		if err := store.CreateUpload(r.Context(), a); err != nil {
			web.Error(w, r, log, err)
			return
		}
		web.Audit(r, log, "uploads.create")
		web.Encode(w, http.StatusCreated, createResponse{Upload: View(a), Form: form, MaxBytes: plan.MaxUploadBytes})
	})
}

func handleGet(log *slog.Logger, store portal.AttachmentStore) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, _ := web.CallerFrom(r.Context())
		a, err := store.Upload(r.Context(), caller.Provider, r.PathValue("uploadId"))
		if err != nil {
			web.Error(w, r, log, err)
			return
		}
		web.Encode(w, http.StatusOK, View(a))
	})
}

func handleDelete(log *slog.Logger, store portal.AttachmentStore, files Files) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		caller, _ := web.CallerFrom(r.Context())
		id := r.PathValue("uploadId")
		if err := store.DeleteUpload(r.Context(), caller.Provider, id); err != nil {
			web.Error(w, r, log, err)
			return
		}
		// The record goes first: a file is never removed from under a
		// submission. A failed object delete leaves an orphan, not a loss.
		if err := files.Delete(r.Context(), files.Key(id)); err != nil {
			log.ErrorContext(r.Context(), "upload record deleted but object remains", "uploadId", id, "error", err.Error())
		}
		web.Audit(r, log, "uploads.delete")
		w.WriteHeader(http.StatusNoContent)
	})
}
