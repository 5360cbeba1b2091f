package httpapi

import (
	"log/slog"
	"net/http"
)

// Routes is an API's routes, registered one way: each serves a signed-in
// provider's user (RequireProvider), its errors become problem responses in
// one place, a route not in the API answers ROUTE_NOT_FOUND, and every
// request is logged with its metrics (LogRequests).
type Routes struct {
	mux  *http.ServeMux
	log  *slog.Logger
	idem IdempotencyStore
}

// NewRoutes starts an API's routes; idem keeps the answers of the routes
// registered WithIdempotencyKey (nil if there are none).
func NewRoutes(log *slog.Logger, idem IdempotencyStore) *Routes {
	return &Routes{mux: http.NewServeMux(), log: log, idem: idem}
}

// RouteOption changes how one route is served.
type RouteOption int

// WithIdempotencyKey makes a POST honour Idempotency-Key (see Idempotent).
const WithIdempotencyKey RouteOption = 1

// Handle serves pattern (a ServeMux pattern: "POST /disputes") with h.
func (rs *Routes) Handle(pattern string, h ProviderHandler, opts ...RouteOption) {
	for _, o := range opts {
		if o == WithIdempotencyKey {
			h = Idempotent(rs.log, rs.idem, h)
		}
	}
	rs.mux.Handle(pattern, RequireProvider(rs.log, h))
}

// HandleSystem serves pattern with h to system clients (the FHIR routes,
// behind the system clients' authorizer): h reads the client with
// SystemFromRequest and answers its own errors, as FHIR's
// OperationOutcome.
func (rs *Routes) HandleSystem(pattern string, h http.Handler) { rs.mux.Handle(pattern, h) }

// HandlePublic serves pattern with h to anyone (the OpenAPI document).
func (rs *Routes) HandlePublic(pattern string, h http.Handler) { rs.mux.Handle(pattern, h) }

// Handler is the API: the routes, the not-found answer and the request log.
func (rs *Routes) Handler() http.Handler {
	rs.mux.Handle("/", NotFound(rs.log))
	return LogRequests(rs.log, rs.mux)
}
