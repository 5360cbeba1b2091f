// Package claims is the claims workflow's HTTP API: claim search and claim
// detail, as on the guide's Claim Information and Attachments page.
package claims

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/openapi"
	"github.com/openpayer/provider-portal/shared/portal"
)

// Claims is what the API reads of the claims store. Both calls are scoped to
// the caller's provider: another provider's claim is not found.
type Claims interface {
	// Claim returns CLAIM_NOT_FOUND for a claim that does not exist or is
	// another provider's: the two are indistinguishable.
	Claim(ctx context.Context, provider portal.ProviderID, number string) (*portal.Claim, error)
	// SearchClaims returns only q.Provider's claims; a cursor not issued for
	// q returns INVALID_CURSOR.
	SearchClaims(ctx context.Context, q portal.ClaimQuery) (portal.ClaimPage, error)
}

// Members finds the members a Medicaid ID or member-info search names.
type Members interface {
	MembersByMedicaidID(ctx context.Context, medicaidID string) ([]portal.Member, error)
	MembersByName(ctx context.Context, lastName, firstName string, dob portal.Date) ([]portal.Member, error)
}

// Deps are the claims API's collaborators. Now is the clock, for the
// 24-month search window.
type Deps struct {
	Log     *slog.Logger
	Claims  Claims
	Members Members
	// Searches counts each provider's member searches by name and date of
	// birth against the plan's hourly allowance.
	Searches portal.SearchAllowance
	Plan     portal.Plan
	Now      func() time.Time
}

// New returns the claims API.
func New(d Deps) http.Handler {
	rs := httpapi.NewRoutes(d.Log, nil)
	rs.Handle("GET /claims", handleSearch(d))
	rs.Handle("POST /claims/search", httpapi.SearchBody[searchBody](handleSearch(d)))
	rs.Handle("GET /claims/{claimNumber}", handleDetail(d))
	rs.Handle("GET /provider", handleProvider(d))
	rs.HandlePublic("GET /openapi.yaml", openapi.Handler())
	return rs.Handler()
}
