// Package attachments is the documents workflow: proactive Claim
// Attachment submissions, Document Upload on denied claims, and a claim's
// Attached Documents.
package attachments

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/portal"
)

// Claims finds the caller's claim; another provider's is CLAIM_NOT_FOUND.
type Claims interface {
	Claim(ctx context.Context, provider portal.ProviderID, number string) (*portal.Claim, error)
}

// Members finds a member by the plan's member ID.
type Members interface {
	Member(ctx context.Context, id string) (*portal.Member, error)
}

// Documents submits uploads and lists a claim's documents. Every call is
// scoped to the caller's provider.
type Documents interface {
	// Uploads returns the provider's uploads with those IDs, in their
	// order, in one read: nil where there is none.
	Uploads(ctx context.Context, provider portal.ProviderID, ids []string) ([]*portal.Attachment, error)
	// Submit attaches the provider's uploads to a submission, all or none;
	// claim is set when the documents go to a known claim at once. It
	// returns the submission in effect: s, or the earlier one when the same
	// form is sent again for the same files.
	Submit(ctx context.Context, provider portal.ProviderID, ids []string, s portal.Submission, claim string) (portal.Submission, error)
	// ClaimDocuments lists what is attached to one of the provider's claims.
	ClaimDocuments(ctx context.Context, provider portal.ProviderID, claimNumber string) ([]portal.Attachment, error)
}

// Events delivers the event an upload's mark stands for, if one is due
// (documentevents.Publisher). What it fails to deliver stays marked for the
// document-events sweep.
type Events interface {
	Deliver(ctx context.Context, uploadID string) error
}

// Links presigns short-lived download links.
type Links interface {
	// DownloadLink presigns a link to one version of an object.
	DownloadLink(ctx context.Context, key, version, fileName string) (string, time.Time, error)
}

// Deps are the documents API's collaborators.
type Deps struct {
	Log         *slog.Logger
	Claims      Claims
	Members     Members
	Documents   Documents
	Events      Events
	Links       Links
	Idempotency httpapi.IdempotencyStore
	Plan        portal.Plan
	Now         func() time.Time
}

// New returns the documents API.
func New(d Deps) http.Handler {
	rs := httpapi.NewRoutes(d.Log, d.Idempotency)
	rs.Handle("POST /claim-attachments", handleProactive(d), httpapi.WithIdempotencyKey)
	rs.Handle("POST /claims/{claimNumber}/document-submissions", handleDeniedClaim(d), httpapi.WithIdempotencyKey)
	rs.Handle("GET /claims/{claimNumber}/documents", handleDocuments(d))
	return rs.Handler()
}
