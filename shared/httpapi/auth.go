package httpapi

import (
	"log/slog"
	"net/http"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"github.com/openpayer/provider-portal/shared/portal"
)

// ProviderClaim is the JWT claim that carries the provider organisation's
// TIN. In a Cognito user pool it is the custom attribute "tin"; any OIDC
// issuer can add the same claim.
const ProviderClaim = "custom:tin"

// Caller is who is calling: the user (the token's subject) and the provider
// organisation they act for.
type Caller struct {
	Subject  string
	Provider portal.ProviderID
}

// ProviderHandler serves a request of a signed-in provider's user. It
// receives the caller as a value: no handler can run without one, or read an
// empty provider by mistake. It writes its answer only when it succeeds, and
// otherwise returns what went wrong: RequireProvider turns that into the
// problem response, in one place.
type ProviderHandler func(w http.ResponseWriter, r *http.Request, caller Caller) error

// isTIN reports whether s is a 9-digit taxpayer identification number.
func isTIN(s string) bool {
	if len(s) != 9 {
		return false
	}
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// RequireProvider reads the caller from the claims that API Gateway's JWT
// authorizer verified and passed on, and serves next with it. The gateway has
// already refused a missing or invalid token; a request without a verified
// provider and user is refused here, and next never runs.
func RequireProvider(log *slog.Logger, next ProviderHandler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var claims map[string]string
		if rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context()); ok && rc.Authorizer != nil && rc.Authorizer.JWT != nil {
			claims = rc.Authorizer.JWT.Claims
		}
		tin, sub := claims[ProviderClaim], claims["sub"]
		if !isTIN(tin) || sub == "" {
			Error(w, r, log, portal.Errorf(portal.KindUnauthorized, portal.CodeProviderUnknown,
				"Your sign-in does not name a provider organisation. Sign in again with a provider account, or ask your portal administrator to link your account to your TIN."))
			return
		}
		noteProvider(r, tin)
		if err := next(w, r, Caller{Subject: sub, Provider: portal.ProviderID(tin)}); err != nil {
			Error(w, r, log, err)
		}
	})
}

// System is a system client calling the FHIR routes with its access token
// (SMART Backend Services): who it is and what its scopes let it do; the
// organisations it acts for come from its registration (TINs), read by the
// handler on each request.
type System struct {
	Client string
	Scopes portal.Scopes
	TINs   []portal.ProviderID
}

// ActsFor reports whether the client may act for the TIN.
func (s System) ActsFor(tin portal.ProviderID) bool {
	for _, t := range s.TINs {
		if t == tin {
			return true
		}
	}
	return false
}

// As is the caller a system request is served as once its organisation is
// known: the workflows' scoping, audit and records are the same whichever
// door a request came through; the subject names the client.
func (s System) As(tin portal.ProviderID) Caller {
	return Caller{Subject: "system/" + s.Client, Provider: tin}
}

// SystemFromRequest reads the system client from the claims the JWT
// authorizer verified; ok is false when the token is not a system
// client's (no client_id, or a subject other than it).
func SystemFromRequest(r *http.Request) (System, bool) {
	var claims map[string]string
	if rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context()); ok && rc.Authorizer != nil && rc.Authorizer.JWT != nil {
		claims = rc.Authorizer.JWT.Claims
	}
	client := claims["client_id"]
	if client == "" || claims["sub"] != client {
		return System{}, false
	}
	s := System{Client: client}
	s.Scopes, _ = portal.ParseScopes(claims["scope"])
	return s, true
}
