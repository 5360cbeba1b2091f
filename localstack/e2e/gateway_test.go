package e2e_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/localstack/stack"
)

// The gateway's own answers, before any function, are what the document's
// Unauthorized and GatewayAnswer responses say: a message, and on a 401 the
// bearer challenge a client decides by (sign in again, or refresh).
func TestTheGatewaysOwnAnswersAreDocumented(t *testing.T) {
	expired, err := auth.Token("user-a", sampledata.ProviderA.TIN, -time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	forged := forgedToken(t)
	for _, tc := range []struct {
		name, tok, challenge string
	}{
		{"no token", "", "Bearer"},
		{"an expired token", expired, `Bearer scope="" error="invalid_token" error_description="the token has expired"`},
		{"a forged token", forged, `Bearer scope="" error="invalid_token" error_description="the token signature is not valid"`},
	} {
		req := newRequest(t, tc.tok, "GET", "/provider", nil)
		status, header, body := send(t, req)
		checkResponse(t, req, status, header, body)
		if status != 401 || header.Get("WWW-Authenticate") != tc.challenge || message(t, body) != "Unauthorized" {
			t.Errorf("%s: %d %q %s", tc.name, status, header.Get("WWW-Authenticate"), body)
		}
	}

	// A route the API does not have: the gateway's 404, as every
	// operation's default response describes it.
	tok := token(t, sampledata.ProviderA.TIN)
	req := newRequest(t, tok, "GET", "/no-such-route", nil)
	if status, _, body := send(t, req); status != 404 || message(t, body) != "Not Found" {
		t.Errorf("an unknown route: %d %s", status, body)
	}
	// A body over 10 MB: 413 before any function.
	req, err = http.NewRequest("POST", api.URL+"/claims/search", bytes.NewReader(make([]byte, stack.MaxBody+1)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	status, header, body := send(t, req)
	checkResponse(t, req, status, header, body)
	if status != 413 || message(t, body) != "Request Entity Too Large" {
		t.Errorf("a body over 10 MB: %d %s", status, body)
	}
}

// forgedToken is provider A's token as a key of someone else's signs it.
func forgedToken(t *testing.T) string {
	t.Helper()
	mallory, err := stack.NewDevAuth()
	if err != nil {
		t.Fatal(err)
	}
	forged, err := mallory.Token("mallory", sampledata.ProviderA.TIN, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return forged
}

func send(t *testing.T, req *http.Request) (int, http.Header, []byte) {
	t.Helper()
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, body
}

// message is a gateway answer's message, or "" when the body is not one.
func message(t *testing.T, body []byte) string {
	t.Helper()
	var m struct{ Message string }
	if err := json.Unmarshal(body, &m); err != nil || strings.TrimSpace(m.Message) == "" {
		t.Errorf("not a gateway message: %s", body)
	}
	return m.Message
}
