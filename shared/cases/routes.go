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
	Cases(ctx context.Context, provider portal.ProviderID, subject string) ([]portal.Case, error)
	UpdateCase(ctx context.Context, provider portal.ProviderID, id, by string, change portal.CaseChange) (*portal.Case, bool, error)
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
	mux    *http.ServeMux
	family string // "disputes" or "appeals": the path
}

func newRoutes(d Deps, family string) *routes {
	return &routes{d: d, mux: http.NewServeMux(), family: family}
}

func (rt *routes) handle(pattern string, h httpapi.ProviderHandler, idempotent bool) {
	if idempotent {
		h = httpapi.Idempotent(rt.d.Log, rt.d.Idempotency, h)
	}
	rt.mux.Handle(pattern, httpapi.RequireProvider(rt.d.Log, h))
}

func (rt *routes) done() http.Handler {
	rt.mux.Handle("/", httpapi.NotFound(rt.d.Log))
	return httpapi.LogRequests(rt.d.Log, rt.mux)
}

// Disputes returns the disputes API: the guide's Submit Dispute and Check
// Status. A dispute is submitted at once; it has no draft.
func Disputes(d Deps) http.Handler {
	rt := newRoutes(d, "disputes")
	rt.handle("POST /disputes", rt.handleCreateDispute(), true)
	rt.handle("GET /disputes", rt.handleList(), false)
	rt.handle("GET /disputes/{caseId}", rt.handleGet(), false)
	rt.handle("POST /disputes/{caseId}/documents", rt.handleAddDocuments(), true)
	rt.handle("POST /disputes/{caseId}/withdraw", rt.handleWithdraw(), true)
	return rt.done()
}

// Appeals returns the appeals API: the guide's Appeal form with Save,
// Submit Appeal and Cancel Appeal, and Check Status.
func Appeals(d Deps) http.Handler {
	rt := newRoutes(d, "appeals")
	rt.handle("POST /appeals", rt.handleCreateAppeal(), true)
	rt.handle("GET /appeals", rt.handleList(), false)
	rt.handle("GET /appeals/{caseId}", rt.handleGet(), false)
	rt.handle("PUT /appeals/{caseId}", rt.handleSaveDraft(), false)
	rt.handle("POST /appeals/{caseId}/submit", rt.handleSubmit(), true)
	rt.handle("POST /appeals/{caseId}/documents", rt.handleAddDocuments(), true)
	rt.handle("POST /appeals/{caseId}/withdraw", rt.handleWithdraw(), true)
	return rt.done()
}
