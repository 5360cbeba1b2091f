package httpapi_test

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/httpapi/httpapitest"
	"github.com/openpayer/provider-portal/shared/portal"
)

// A request without a verified provider and user never reaches a handler;
// one with them reaches it with that caller.
func TestNoCallerNoHandler(t *testing.T) {
	var reached []httpapi.Caller
	h := httpapi.RequireProvider(slog.New(slog.NewJSONHandler(io.Discard, nil)), func(w http.ResponseWriter, r *http.Request, c httpapi.Caller) error {
		reached = append(reached, c)
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
	send := httpapitest.New(t, h)
	invoke := func(jwt map[string]string) events.APIGatewayV2HTTPResponse { return send("GET", "/claims", jwt) }
	for name, jwt := range map[string]map[string]string{
		"no authorizer":    nil,
		"no claims":        {},
		"no TIN":           {"sub": "user-1"},
		"a TIN of letters": {"sub": "user-1", httpapi.ProviderClaim: "abcdefghi"},
		"a short TIN":      {"sub": "user-1", httpapi.ProviderClaim: "11111111"},
		"no user":          {httpapi.ProviderClaim: "111111111"},
	} {
		resp := invoke(jwt)
		var p httpapi.Problem
		_ = json.Unmarshal([]byte(resp.Body), &p)
		if resp.StatusCode != 403 || p.Code != portal.CodeProviderUnknown {
			t.Errorf("%s: %d %s, want 403 %s", name, resp.StatusCode, resp.Body, portal.CodeProviderUnknown)
		}
	}
	if len(reached) != 0 {
		t.Fatalf("the handler ran without a caller: %+v", reached)
	}
	if resp := invoke(map[string]string{"sub": "user-1", httpapi.ProviderClaim: "111111111"}); resp.StatusCode != 204 ||
		len(reached) != 1 || reached[0] != (httpapi.Caller{Subject: "user-1", Provider: "111111111"}) {
		t.Errorf("a signed-in caller: %d, reached %+v", resp.StatusCode, reached)
	}
}
