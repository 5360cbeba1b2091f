package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/portal"
)

// In prod the API answers only requests that came through the portal's
// distribution: with the secret's current value, or its previous one while
// a rotation reaches CloudFront. Anything else is refused before a route
// runs; a secret that cannot be read is an internal error, never an open
// door. The audit line of a request let through names the viewer's address
// as CloudFront saw it.
func TestOnlyTheDistributionReachesTheAPI(t *testing.T) {
	var secretErr error
	secrets := func(context.Context) ([]string, error) { return []string{"current-value", "previous-value"}, secretErr }
	var audit bytes.Buffer
	auditLog := slog.New(slog.NewJSONHandler(&audit, nil))
	reached := 0
	h := httpapi.RequireOrigin(slog.New(slog.NewJSONHandler(io.Discard, nil)), secrets, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		reached++
		httpapi.Audit(r, auditLog, httpapi.Caller{Provider: "111111111", Subject: "user-1"}, "claim.read", "C1")
		w.WriteHeader(http.StatusNoContent)
	}))
	send := func(headers map[string]string) (int, httpapi.Problem) {
		r := httptest.NewRequest("GET", "/claims", nil)
		for k, v := range headers {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, r)
		var p httpapi.Problem
		if w.Code != http.StatusNoContent {
			if err := json.Unmarshal(w.Body.Bytes(), &p); err != nil {
				t.Fatalf("%d %s: %v", w.Code, w.Body, err)
			}
		}
		return w.Code, p
	}
	for name, headers := range map[string]map[string]string{
		"no secret":                 {},
		"a wrong secret":            {httpapi.OriginHeader: "guess"},
		"a prefix of the secret":    {httpapi.OriginHeader: "current"},
		"an empty secret":           {httpapi.OriginHeader: ""},
		"the viewer header, forged": {httpapi.ViewerHeader: "203.0.113.9"},
	} {
		if status, p := send(headers); status != 403 || p.Code != portal.CodeUsePortalAddress || p.Detail == "" {
			t.Errorf("%s: %d %+v, want 403 %s", name, status, p, portal.CodeUsePortalAddress)
		}
	}
	if reached != 0 {
		t.Fatalf("%d refused requests reached the route", reached)
	}
	for _, value := range []string{"current-value", "previous-value"} {
		audit.Reset()
		if status, p := send(map[string]string{httpapi.OriginHeader: value, httpapi.ViewerHeader: "198.51.100.7"}); status != 204 {
			t.Fatalf("%s: %d %+v", value, status, p)
		}
		var line struct{ Client, Action string }
		if err := json.Unmarshal(audit.Bytes(), &line); err != nil || line.Client != "198.51.100.7" || line.Action != "claim.read" {
			t.Errorf("%s: the audit line %s (%v) does not name the viewer's address", value, audit.Bytes(), err)
		}
	}
	secretErr = errors.New("secrets manager unreachable")
	if status, p := send(map[string]string{httpapi.OriginHeader: "current-value"}); status != 500 || p.Code != portal.CodeInternal {
		t.Errorf("an unreadable secret: %d %+v, want 500 %s", status, p, portal.CodeInternal)
	}
}
