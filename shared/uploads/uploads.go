package uploads

import (
	"cmp"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/openpayer/provider-portal/shared/filetype"
	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/s3"
)

type createResponse struct {
	Upload   uploadView `json:"upload"`
	Form     s3.Form    `json:"form"`
	MaxBytes int64      `json:"maxBytes"`
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
	// ExpiresAt: an upload not submitted by then is deleted.
	ExpiresAt    *time.Time `json:"expiresAt,omitempty"`
	SubmissionID string     `json:"submissionId,omitempty"`
	ClaimNumber  string     `json:"claimNumber,omitempty"`
}

// View is the provider's view of an upload.
func View(a *portal.Attachment) uploadView {
	v := uploadView{ID: a.ID, FileName: a.FileName, DeclaredType: a.DeclaredType, Status: a.Status, Size: a.Size,
		RejectCode: a.RejectCode, RejectReason: a.RejectReason, CreatedAt: a.CreatedAt, CheckedAt: a.CheckedAt,
		ExpiresAt: a.ExpiresAt, ClaimNumber: a.ClaimNumber}
	if a.Submission != nil {
		v.SubmissionID = a.Submission.ID
	}
	return v
}

func handleCreate(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		var req portal.UploadRequest
		if err := httpapi.Decode(r, &req); err != nil {
			return err
		}
		typ, err := d.Plan.CheckUploadRequest(req)
		if err != nil {
			return err
		}
		id := portal.NewID()
		now := d.Now().UTC()
		// Not submitted by then, the upload is removed, file and record.
		expires := now.Add(cmp.Or(d.Retention, portal.DefaultUploadRetention)).Truncate(time.Second)
		a := &portal.Attachment{ID: id, Provider: caller.Provider, UploadedBy: caller.Subject, FileName: req.FileName,
			DeclaredType: typ, ContentType: filetype.ContentTypes[typ], DeclaredSize: int64(req.Size), ObjectKey: d.Files.Key(id),
			Status: portal.UploadPending, CreatedAt: now, ExpiresAt: &expires}
		// The form takes exactly the declared size: the plan's limit was
		// checked on it, and a file of another size is refused by S3.
		form, err := d.Files.UploadForm(r.Context(), a.ObjectKey, a.ContentType, a.FileName, a.DeclaredSize)
		if err != nil {
			return err
		}
		a.FormExpires = form.Expires
		// The record is written before the form is handed out, so that no
		// file can arrive for an upload nobody knows.
		if err := d.Uploads.CreateUpload(r.Context(), a); err != nil {
			return err
		}
		httpapi.Audit(r, d.Log, caller, "uploads.create")
		httpapi.Encode(w, http.StatusCreated, createResponse{Upload: View(a), Form: form, MaxBytes: d.Plan.MaxUploadBytes})
		return nil
	}
}

func handleGet(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		a, err := d.Uploads.Upload(r.Context(), caller.Provider, r.PathValue("uploadId"))
		if err != nil {
			return err
		}
		httpapi.Encode(w, http.StatusOK, View(a))
		return nil
	}
}

type statusesResponse struct {
	Uploads []uploadView `json:"uploads"`
	// NotFound lists the IDs that are no upload of the caller's.
	NotFound []string `json:"notFound"`
}

// handleStatuses answers the status of several uploads in one call, so
// that a page with many files polls once, not once a file.
func handleStatuses(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		q := r.URL.Query()
		var ids []string
		if raw := q.Get("ids"); raw != "" {
			ids = strings.Split(raw, ",")
		}
		if len(q) != 1 || len(q["ids"]) != 1 || len(q.Get("ids")) > 1000 || len(ids) == 0 || len(ids) > portal.MaxUploadsPerSubmission ||
			slices.ContainsFunc(ids, func(id string) bool { return !portal.ValidIdentifier(id) }) {
			return &portal.Error{Kind: portal.KindInvalid, Code: portal.CodeInvalidRequest,
				Detail: "Give ids: 1 to 20 upload IDs, separated by commas.", Fields: map[string]string{"ids": "1 to 20 upload IDs"}}
		}
		found, err := d.Uploads.Uploads(r.Context(), caller.Provider, ids)
		if err != nil {
			return err
		}
		resp := statusesResponse{Uploads: []uploadView{}, NotFound: []string{}}
		for i, a := range found {
			if a == nil {
				resp.NotFound = append(resp.NotFound, ids[i])
				continue
			}
			resp.Uploads = append(resp.Uploads, View(a))
		}
		httpapi.Encode(w, http.StatusOK, resp)
		return nil
	}
}

func handleDelete(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		id := r.PathValue("uploadId")
		if err := d.Uploads.DeleteUpload(r.Context(), caller.Provider, id); err != nil {
			return err
		}
		// The record is marked first: a file is never removed from under a
		// submission. What fails after the mark (removing the file, then the
		// record) is finished by the expiry sweep; the provider's delete
		// stands either way.
		if err := d.Files.Delete(r.Context(), d.Files.Key(id)); err != nil {
			d.Log.WarnContext(r.Context(), "upload deleted; its file is left to the expiry sweep", "uploadId", id, "error", err.Error())
		} else if err := d.Uploads.ForgetUpload(r.Context(), id); err != nil {
			d.Log.WarnContext(r.Context(), "upload deleted; its record is left to the expiry sweep", "uploadId", id, "error", err.Error())
		}
		httpapi.Audit(r, d.Log, caller, "uploads.delete")
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}
