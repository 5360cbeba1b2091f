// Package authorizations is the retro authorization workflow (the guide's
// "Submit a retro authorization"): find the member and the coverage on the
// start date of service, decide COB from the spans, report other insurance
// the plan does not have, ask the clinical questions a request needs,
// submit it with its documents, add documents later, and follow the
// decision.
package authorizations

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/portal"
)

// Members finds members by the guide's three ways.
type Members interface {
	Member(ctx context.Context, id string) (*portal.Member, error)
	MembersByMedicaidID(ctx context.Context, medicaidID string) ([]portal.Member, error)
	MembersByName(ctx context.Context, lastName, firstName string, dob portal.Date) ([]portal.Member, error)
}

// Requests keeps the provider's requests and the other insurance reported.
// Every write records, in the same transaction, the event that tells the
// system concerned.
type Requests interface {
	CreateAuthorization(ctx context.Context, a *portal.Authorization, ev portal.OutboundEvent) (string, error)
	Authorization(ctx context.Context, provider portal.ProviderID, id string) (*portal.Authorization, error)
	Authorizations(ctx context.Context, provider portal.ProviderID, memberID string, from, to portal.Date, limit int, cursor string) ([]portal.Authorization, string, error)
	Worklist(ctx context.Context, q portal.WorkQuery) ([]portal.Authorization, string, error)
	CountByStatus(ctx context.Context, provider portal.ProviderID, status string) (int, error)
	AddDocuments(ctx context.Context, provider portal.ProviderID, id string, uploadIDs []string, note string, ev portal.OutboundEvent) (*portal.Authorization, error)
	ReportCOB(ctx context.Context, r portal.ReportedCOB, ev portal.OutboundEvent) error
	ReportedCOB(ctx context.Context, memberID string) ([]portal.ReportedCOB, error)
}

// Events delivers a recorded event at once; what it fails to deliver the
// authorization-events sweep sends.
type Events interface {
	Deliver(ctx context.Context, eventID string) error
}

// Deps are the authorizations API's collaborators.
type Deps struct {
	Log         *slog.Logger
	Members     Members
	Requests    Requests
	Events      Events
	Idempotency httpapi.IdempotencyStore
	// Searches counts each provider's member searches by name and date of
	// birth against the plan's hourly allowance.
	Searches portal.SearchAllowance
	// SystemClients are the systems registered for the FHIR routes: the
	// organisations each acts for.
	SystemClients portal.SystemClients
	// Subscriptions are the systems' subscriptions to decisions;
	// LoopbackRestHooks lets their endpoints be http on 127.0.0.1 (the
	// local stack's test receiver), where otherwise only https will do.
	Subscriptions     portal.Subscriptions
	LoopbackRestHooks bool
	// Uploads and Files take the documents a system's request carries in
	// itself; Retention is how long one of a request never made is kept
	// (portal.DefaultUploadRetention if zero).
	Uploads   Uploads
	Files     Files
	Retention time.Duration
	Plan      portal.Plan
	Now       func() time.Time
}

// New returns the authorizations API.
func New(d Deps) http.Handler {
	rs := httpapi.NewRoutes(d.Log, d.Idempotency)
	rs.Handle("GET /members/coverage", handleCoverage(d))
	rs.Handle("POST /members/coverage/search", httpapi.SearchBody[coverageBody](handleCoverage(d)))
	rs.Handle("POST /members/{memberId}/cob", handleReportCOB(d), httpapi.WithIdempotencyKey)
	rs.Handle("GET /authorizations/questions", handleQuestions(d))
	rs.Handle("POST /authorizations", handleSubmit(d), httpapi.WithIdempotencyKey)
	rs.Handle("GET /authorizations", handleList(d))
	rs.Handle("GET /authorizations/worklist", handleWorklist(d))
	rs.Handle("GET /authorizations/{authorizationId}", handleGet(d))
	rs.Handle("POST /authorizations/{authorizationId}/documents", handleAddDocuments(d), httpapi.WithIdempotencyKey)
	// Da Vinci PAS: the same requests, by FHIR (fhir.go).
	rs.HandleSystem("POST /fhir/Claim/{operation}", handlePAS(d))
	rs.HandleSystem("POST /fhir/Subscription", handleSubscribe(d))
	rs.HandleSystem("GET /fhir/Subscription/{subscriptionId}", handleSubscription(d, false))
	rs.HandleSystem("DELETE /fhir/Subscription/{subscriptionId}", handleSubscription(d, true))
	rs.HandlePublic("GET /fhir/metadata", handleMetadata())
	return rs.Handler()
}
