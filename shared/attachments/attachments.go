package attachments

import (
	"net/http"
	"strings"
	"time"

	"github.com/openpayer/provider-portal/shared/filetype"
	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/portal"
)

type submissionResponse struct {
	SubmissionID string `json:"submissionId"`
	// Status is "attached" when the documents went to a claim, or
	// "waiting_for_claim" when they apply to the member's claims received
	// from ReceivedDate on.
	Status       string        `json:"status"`
	ClaimNumber  string        `json:"claimNumber,omitempty"`
	ReceivedDate portal.Date   `json:"receivedDate"`
	Uploads      []uploadState `json:"uploads"`
}

type uploadState struct {
	ID     string              `json:"uploadId"`
	Status portal.UploadStatus `json:"status"`
}

func handleProactive(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		var req portal.SubmissionRequest
		if err := httpapi.Decode(r, &req); err != nil {
			return err
		}
		req.ClaimNumber = strings.TrimSpace(req.ClaimNumber)
		if err := portal.CheckProactiveForm(&req); err != nil {
			return err
		}
		m, err := d.Members.Member(r.Context(), req.MemberID)
		if err != nil {
			return err
		}
		var c *portal.Claim
		if req.ClaimNumber != "" {
			if c, err = visibleClaim(r, d, caller, req.ClaimNumber); err != nil {
				return err
			}
		}
		if err := portal.CheckProactive(&req, m, c); err != nil {
			return err
		}
		return submit(w, r, d, caller, portal.SubmissionProactive, req, req.ClaimNumber)
	}
}

func handleDeniedClaim(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		c, err := pathClaim(r, d, caller)
		if err != nil {
			return err
		}
		var req portal.SubmissionRequest
		if err := httpapi.Decode(r, &req); err != nil {
			return err
		}
		offer, err := d.Plan.DeniedClaimOffer(c)
		if err != nil {
			return err
		}
		if err := req.CheckCommon(); err != nil {
			return err
		}
		// The form's member, date and reason come from the claim itself.
		req.MemberID, req.ServiceDate, req.ClaimNumber = c.MemberID, c.ServiceFrom, c.Number
		req.Reason = offer.Document
		return submit(w, r, d, caller, portal.SubmissionDeniedClaim, req, c.Number)
	}
}

// visibleClaim returns the caller's claim with that number, within the
// window claim search shows; CLAIM_NOT_FOUND for any other.
func visibleClaim(r *http.Request, d Deps, caller httpapi.Caller, number string) (*portal.Claim, error) {
	c, err := d.Claims.Claim(r.Context(), caller.Provider, number)
	if err == nil && !d.Plan.ClaimVisible(c, portal.DateOf(d.Now())) {
		return nil, portal.ErrClaimNotFound(number)
	}
	return c, err
}

// pathClaim returns the caller's claim named in the path; CLAIM_NOT_FOUND
// for any other.
func pathClaim(r *http.Request, d Deps, caller httpapi.Caller) (*portal.Claim, error) {
	return visibleClaim(r, d, caller, r.PathValue("claimNumber"))
}

func submit(w http.ResponseWriter, r *http.Request, d Deps, caller httpapi.Caller, kind portal.SubmissionKind, req portal.SubmissionRequest, claim string) error {
	now := d.Now().UTC()
	sub := portal.Submission{ID: portal.NewSubmissionID(), Kind: kind, MemberID: req.MemberID, ServiceDate: req.ServiceDate,
		Reason: req.Reason, ClaimNumber: req.ClaimNumber, ContactEmail: req.ContactEmail, Notes: req.Notes,
		SubmittedBy: caller.Subject, SubmittedAt: now, ReceivedDate: portal.DateOf(now)}
	// The uploads are read before the write, not after: once the write is
	// committed nothing may turn its success into an error. A status read
	// as pending may be accepted by the time the answer arrives; the write
	// itself admits only pending or accepted files.
	uploads, err := d.Documents.Uploads(r.Context(), caller.Provider, req.UploadIDs)
	if err != nil {
		return err
	}
	// The same form sent again (a retry whose answer was lost, a double
	// click) is answered with the submission it repeats.
	sub, err = d.Documents.Submit(r.Context(), caller.Provider, req.UploadIDs, sub, claim)
	if err != nil {
		return err
	}
	resp := submissionResponse{SubmissionID: sub.ID, Status: "waiting_for_claim", ReceivedDate: sub.ReceivedDate}
	for i, a := range uploads {
		st := uploadState{ID: req.UploadIDs[i], Status: portal.UploadPending}
		if a != nil {
			st.Status = a.Status
		}
		resp.Uploads = append(resp.Uploads, st)
	}
	if claim != "" {
		resp.Status, resp.ClaimNumber = "attached", claim
		// The write marked each upload; an accepted file's event goes now, a
		// pending one's when the processor accepts it.
		for _, id := range req.UploadIDs {
			if err := d.Events.Deliver(r.Context(), id); err != nil {
				d.Log.WarnContext(r.Context(), "document event not delivered yet; the sweep will", "uploadId", id, "error", err.Error())
			}
		}
	}
	httpapi.Audit(r, d.Log, caller, "documents.submit."+string(kind), append([]string{claim}, req.UploadIDs...)...)
	httpapi.Encode(w, http.StatusCreated, resp)
	return nil
}

type document struct {
	ID             string              `json:"uploadId"`
	FileName       string              `json:"fileName"`
	Type           filetype.Type       `json:"type"`
	Size           int64               `json:"size,omitempty"`
	Status         portal.UploadStatus `json:"status"`
	RejectReason   string              `json:"rejectReason,omitempty"`
	UploadedBy     string              `json:"uploadedBy"`
	UploadedAt     time.Time           `json:"uploadedAt"`
	AttachedAt     *time.Time          `json:"attachedAt,omitempty"`
	SubmissionKind string              `json:"submissionKind,omitempty"`
	DownloadURL    string              `json:"downloadUrl,omitempty"`
	LinkExpiresAt  *time.Time          `json:"downloadExpiresAt,omitempty"`
}

func handleDocuments(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		c, err := pathClaim(r, d, caller)
		if err != nil {
			return err
		}
		docs, err := d.Documents.ClaimDocuments(r.Context(), caller.Provider, c.Number)
		if err != nil {
			return err
		}
		out := struct {
			ClaimNumber string     `json:"claimNumber"`
			Documents   []document `json:"documents"`
		}{ClaimNumber: c.Number, Documents: []document{}}
		for _, a := range docs {
			doc := document{ID: a.ID, FileName: a.FileName, Type: a.DeclaredType, Size: a.Size, Status: a.Status,
				RejectReason: a.RejectReason, UploadedBy: a.UploadedBy, UploadedAt: a.CreatedAt, AttachedAt: a.AttachedAt}
			if a.Submission != nil {
				doc.SubmissionKind = string(a.Submission.Kind)
			}
			if a.Status == portal.UploadAccepted {
				// The link names the download by its upload ID, never the file
				// name, which often holds a patient's name and would land in
				// access logs and browser history with the URL.
				// Only the version that was checked is served.
				// The name the provider gave it is stored with the object
				// (its upload form set it): no PHI rides in the link.
				url, exp, err := d.Links.DownloadLink(r.Context(), a.ObjectKey, a.ObjectVersion, "")
				if err != nil {
					return err
				}
				doc.DownloadURL, doc.LinkExpiresAt = url, &exp
			}
			out.Documents = append(out.Documents, doc)
		}
		httpapi.Audit(r, d.Log, caller, "documents.list", c.Number)
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	}
}
