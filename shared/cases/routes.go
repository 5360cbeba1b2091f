// Package cases is the dispute and appeal workflows (the guide's "File a
// claim dispute" and "File a claim appeal"): which path a claim may take,
// drafts (Save, Cancel Appeal), submit with documents, one open case of a
// kind per claim, documents after submit, withdrawal, and status by claim or
// case ID with the case's history. Every change is written with the event
// that tells the plan's appeals system and the letter the provider gets.
// The disputes and appeals functions each serve their half.
package cases

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/portal"
)

// Claims reads the provider's claims; another provider's is not found.
type Claims interface {
	Claim(ctx context.Context, provider portal.ProviderID, number string) (*portal.Claim, error)
}

// Authorizations reads the provider's retro authorization requests.
type Authorizations interface {
	Authorization(ctx context.Context, provider portal.ProviderID, id string) (*portal.Authorization, error)
}

// Store keeps one kind's cases (the disputes table, or the appeals table);
// every read and change is the provider's own.
type Store interface {
	CreateCase(ctx context.Context, c *portal.Case, w portal.CaseWrite) error
	Case(ctx context.Context, provider portal.ProviderID, id string) (*portal.Case, error)
	Cases(ctx context.Context, q portal.SubjectQuery) ([]portal.Case, string, error)
	UpdateCase(ctx context.Context, provider portal.ProviderID, id, by string, change portal.CaseChange) (*portal.Case, bool, error)
	// Worklist and CountByStatus list and count the provider's cases,
	// drafts included, without a claim number.
	Worklist(ctx context.Context, q portal.WorkQuery) ([]portal.Case, string, error)
	CountByStatus(ctx context.Context, provider portal.ProviderID, status string) (int, error)
}

// Uploads reads the provider's uploads by ID (nil where there is none of
// theirs), so that a draft keeps only files a submission would take.
type Uploads interface {
	Uploads(ctx context.Context, provider portal.ProviderID, ids []string) ([]*portal.Attachment, error)
}

// Deliverer delivers a recorded event at once; what it fails to do the
// sweep does.
type Deliverer interface {
	Deliver(ctx context.Context, id string) error
}

// Deps are the dispute or appeal API's collaborators.
type Deps struct {
	Log            *slog.Logger
	Claims         Claims
	Authorizations Authorizations // appeals only
	Cases          Store
	Uploads        Uploads
	Events         Deliverer
	Idempotency    httpapi.IdempotencyStore
	Plan           portal.Plan
	Now            func() time.Time
}

type routes struct {
	d      Deps
	rs     *httpapi.Routes
	family *portal.CaseFamily
}

func newRoutes(d Deps, family *portal.CaseFamily) *routes {
	return &routes{d: d, rs: httpapi.NewRoutes(d.Log, d.Idempotency), family: family}
}

// Disputes returns the disputes API: the guide's Submit Dispute and Check
// Status. A dispute is submitted at once; it has no draft.
func Disputes(d Deps) http.Handler {
	rt := newRoutes(d, portal.Disputes)
	rt.rs.Handle("POST /disputes", rt.handleCreateDispute(), httpapi.WithIdempotencyKey)
	rt.rs.Handle("GET /disputes", rt.handleList())
	rt.rs.Handle("GET /disputes/form", rt.handleDisputeForm())
	rt.rs.Handle("GET /disputes/worklist", rt.handleWorklist())
	rt.rs.Handle("GET /disputes/{caseId}", rt.handleGet())
	rt.rs.Handle("POST /disputes/{caseId}/documents", rt.handleAddDocuments(), httpapi.WithIdempotencyKey)
	rt.rs.Handle("POST /disputes/{caseId}/withdraw", rt.handleWithdraw(), httpapi.WithIdempotencyKey)
	return rt.rs.Handler()
}

// Appeals returns the appeals API: the guide's Appeal form with Save,
// Submit Appeal and Cancel Appeal, and Check Status.
func Appeals(d Deps) http.Handler {
	rt := newRoutes(d, portal.Appeals)
	rt.rs.Handle("POST /appeals", rt.handleCreateAppeal(), httpapi.WithIdempotencyKey)
	rt.rs.Handle("GET /appeals", rt.handleList())
	rt.rs.Handle("GET /appeals/form", rt.handleAppealForm())
	rt.rs.Handle("GET /appeals/worklist", rt.handleWorklist())
	rt.rs.Handle("GET /appeals/{caseId}", rt.handleGet())
	rt.rs.Handle("PUT /appeals/{caseId}", rt.handleSaveDraft())
	rt.rs.Handle("POST /appeals/{caseId}/submit", rt.handleSubmit(), httpapi.WithIdempotencyKey)
	rt.rs.Handle("POST /appeals/{caseId}/documents", rt.handleAddDocuments(), httpapi.WithIdempotencyKey)
	rt.rs.Handle("POST /appeals/{caseId}/withdraw", rt.handleWithdraw(), httpapi.WithIdempotencyKey)
	return rt.rs.Handler()
}
