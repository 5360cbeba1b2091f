package httpapi

import (
	"context"
	"crypto/subtle"
	"log/slog"
	"net/http"

	"github.com/awslabs/aws-lambda-go-api-proxy/core"

	"github.com/openpayer/provider-portal/shared/portal"
)

// OriginHeader carries the secret the portal's distribution adds to every
// request it sends the API; ViewerHeader the address CloudFront saw the
// request come from (its viewer-request function sets it, replacing any
// the caller sent).
const (
	OriginHeader = "X-Origin-Verify"
	ViewerHeader = "X-Viewer-Address"
)

// OriginSecrets returns the values OriginHeader may hold: the secret's
// current value and, while a rotation reaches the distribution, its
// previous one.
type OriginSecrets func(ctx context.Context) ([]string, error)

type viewerKey struct{}

// RequireOrigin answers only requests that came through the portal's
// distribution: one without the secret (sent to the API's own address,
// around the web ACL) is refused USE_PORTAL_ADDRESS before any route runs.
// The viewer's address of a request that passes is the client address of
// its audit lines.
func RequireOrigin(log *slog.Logger, secrets OriginSecrets, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		values, err := secrets(r.Context())
		if err != nil {
			Error(w, r, log, err)
			return
		}
		sent := []byte(r.Header.Get(OriginHeader))
		ok := false
		for _, v := range values {
			// Every value compared, in constant time: the answer's timing
			// says nothing of the secret.
			if v != "" && subtle.ConstantTimeCompare(sent, []byte(v)) == 1 {
				ok = true
			}
		}
		if !ok {
			Error(w, r, log, portal.Errorf(portal.KindUnauthorized, portal.CodeUsePortalAddress,
				"This address does not answer requests. Use the portal's address."))
			return
		}
		if v := r.Header.Get(ViewerHeader); v != "" {
			r = r.WithContext(context.WithValue(r.Context(), viewerKey{}, v))
		}
		next.ServeHTTP(w, r)
	})
}

// ClientAddress is where a request came from: the viewer's address as the
// distribution saw it, on a request RequireOrigin passed; otherwise the
// address API Gateway saw (in AWS behind CloudFront, the edge's).
func ClientAddress(r *http.Request) string {
	if v, ok := r.Context().Value(viewerKey{}).(string); ok {
		return v
	}
	if rc, ok := core.GetAPIGatewayV2ContextFromContext(r.Context()); ok {
		return rc.HTTP.SourceIP
	}
	return ""
}
