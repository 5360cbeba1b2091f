// Package claimsapi is the claims workflow's HTTP API: claim search and claim
// detail, as on the guide's Claim Information and Attachments page.
package claimsapi

import (
	"log/slog"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/openapi"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/web"
)

// NewServer returns the claims API. now is the clock, for the 24-month
// search window.
func NewServer(log *slog.Logger, claims portal.ClaimStore, members portal.MemberStore, plan portal.Plan, now func() time.Time) http.Handler {
	mux := http.NewServeMux()
	auth := func(h http.Handler) http.Handler { return web.RequireProvider(log, h) }
	mux.Handle("GET /claims", auth(handleSearch(log, claims, members, plan, now)))
	mux.Handle("GET /claims/{claimNumber}", auth(handleDetail(log, claims, plan)))
	mux.Handle("GET /openapi.yaml", openapi.Handler())
	mux.Handle("/", web.NotFound(log))
	return web.LogRequests(log, mux)
}
