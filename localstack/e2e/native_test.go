package e2e_test

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/localstack/stack"
)

// A mobile or desktop app signs in as RFC 8252 has it, and as the README
// tells a mobile team: it discovers the issuer's endpoints at the portal's
// /.well-known/openid-configuration, opens the authorization request (code,
// PKCE S256) in the system browser with a loopback redirect it listens on,
// exchanges the code as a public client, calls the API with the ID token,
// refreshes it, and revokes the refresh token when it signs out.
func TestANativeAppSignsInRefreshesAndCallsTheAPI(t *testing.T) {
	// The app's loopback listener, on a port of its own.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	redirect := fmt.Sprintf("http://127.0.0.1:%d/oauth2redirect", ln.Addr().(*net.TCPAddr).Port)
	codes := make(chan url.Values, 1)
	loopback := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/oauth2redirect" {
			codes <- r.URL.Query()
		}
		_, _ = io.WriteString(w, "You are signed in: go back to the app.")
	})}
	go func() { _ = loopback.Serve(ln) }()
	t.Cleanup(func() { _ = loopback.Close() })

	// The portal's address, as CloudFront serves it: the API under /api,
	// the issuer's metadata, and (locally) the issuer. The native client
	// lists the app's redirect, port and all, as Cognito requires.
	portal := stack.NewPortal(local.Wired.Gateway, auth, t.TempDir(), "")
	portal.AllowNativeRedirect(redirect)
	srv := httptest.NewServer(portal)
	t.Cleanup(srv.Close)

	var config struct{ NativeClientID string }
	getJSON(t, srv.URL+"/config.json", &config)
	if config.NativeClientID != stack.NativeClientID {
		t.Fatalf("/config.json names native client %q", config.NativeClientID)
	}
	var meta struct {
		AuthorizationEndpoint string   `json:"authorization_endpoint"`
		TokenEndpoint         string   `json:"token_endpoint"`
		RevocationEndpoint    string   `json:"revocation_endpoint"`
		GrantTypes            []string `json:"grant_types_supported"`
		Challenges            []string `json:"code_challenge_methods_supported"`
	}
	getJSON(t, srv.URL+"/.well-known/openid-configuration", &meta)
	if !slices.Contains(meta.GrantTypes, "refresh_token") || !slices.Equal(meta.Challenges, []string{"S256"}) || meta.TokenEndpoint == "" {
		t.Fatalf("discovery: %+v", meta)
	}

	verifier := randomString(t)
	sum := sha256.Sum256([]byte(verifier))
	state := randomString(t)
	request := meta.AuthorizationEndpoint + "?" + url.Values{"response_type": {"code"}, "client_id": {config.NativeClientID},
		"redirect_uri": {redirect}, "state": {state}, "scope": {"openid email"},
		"code_challenge": {base64.RawURLEncoding.EncodeToString(sum[:])}, "code_challenge_method": {"S256"}}.Encode()

	// A redirect the client does not list (another port) is refused.
	other := strings.Replace(request, url.QueryEscape(redirect), url.QueryEscape(strings.Replace(redirect, "127.0.0.1:", "127.0.0.1:1", 1)), 1)
	if resp, err := http.Get(other); err != nil || resp.StatusCode != 400 {
		t.Fatalf("an unlisted redirect: %v %v", resp, err)
	}

	// The system browser: the sign-in page, the provider's choice, and the
	// redirect to the app's listener.
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar, Timeout: 10 * time.Second}
	page, err := browser.Get(request)
	if err != nil || page.StatusCode != 200 {
		t.Fatalf("the sign-in page: %v %v", page, err)
	}
	page.Body.Close()
	choice, err := url.Parse(request)
	if err != nil {
		t.Fatal(err)
	}
	form := choice.Query()
	form.Set("tin", sampledata.ProviderC.TIN)
	signedIn, err := browser.PostForm(meta.AuthorizationEndpoint, form)
	if err != nil || signedIn.StatusCode != 200 {
		t.Fatalf("sign in: %v %v", signedIn, err)
	}
	signedIn.Body.Close()
	var back url.Values
	select {
	case back = <-codes:
	case <-time.After(10 * time.Second):
		t.Fatal("the app's loopback listener heard nothing")
	}
	if back.Get("state") != state || back.Get("code") == "" {
		t.Fatalf("the redirect brought %v", back)
	}

	// The code for tokens, as a public client: no secret, the verifier.
	tokens := tokenRequest(t, meta.TokenEndpoint, url.Values{"grant_type": {"authorization_code"}, "code": {back.Get("code")},
		"code_verifier": {verifier}, "client_id": {config.NativeClientID}, "redirect_uri": {redirect}}, 200)
	if tokens["refresh_token"] == "" || tokens["id_token"] == "" || tokens["access_token"] == "" {
		t.Fatalf("tokens: %v", tokens)
	}
	calls := func(token string, want int) {
		t.Helper()
		req, err := http.NewRequest("GET", srv.URL+"/api/provider", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+token)
		status, _, body := send(t, req)
		if status != want {
			t.Fatalf("GET /api/provider: %d, want %d: %s", status, want, body)
		}
		if want == 200 && !strings.Contains(string(body), sampledata.ProviderC.TIN) {
			t.Fatalf("GET /api/provider: %s", body)
		}
	}
	// The ID token carries the provider's TIN; the access token does not,
	// and is refused by the API as it would be in AWS.
	calls(tokens["id_token"], 200)
	calls(tokens["access_token"], 403)

	// An hour later: a new ID token from the refresh token, which only this
	// client may use (and which, as Cognito's, is not replaced).
	tokenRequest(t, meta.TokenEndpoint, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tokens["refresh_token"]},
		"client_id": {stack.PortalClientID}}, 400)
	refreshed := tokenRequest(t, meta.TokenEndpoint, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tokens["refresh_token"]},
		"client_id": {config.NativeClientID}}, 200)
	if refreshed["id_token"] == "" || refreshed["id_token"] == tokens["id_token"] || refreshed["refresh_token"] != "" {
		t.Fatalf("refreshed: %v", refreshed)
	}
	calls(refreshed["id_token"], 200)

	// Signing out revokes the refresh token: it refreshes no more.
	resp, err := http.PostForm(meta.RevocationEndpoint, url.Values{"token": {tokens["refresh_token"]}, "client_id": {config.NativeClientID}})
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("revoke: %v %v", resp, err)
	}
	resp.Body.Close()
	tokenRequest(t, meta.TokenEndpoint, url.Values{"grant_type": {"refresh_token"}, "refresh_token": {tokens["refresh_token"]},
		"client_id": {config.NativeClientID}}, 400)
}

func getJSON(t *testing.T, u string, v any) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(v); err != nil || resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %v", u, resp.StatusCode, err)
	}
}

// tokenRequest posts form to the token endpoint and returns the answer's
// strings, failing unless its status is want.
func tokenRequest(t *testing.T, endpoint string, form url.Values, want int) map[string]string {
	t.Helper()
	resp, err := http.PostForm(endpoint, form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var raw map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&raw); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != want {
		t.Fatalf("token endpoint (%s): %d, want %d: %v", form.Get("grant_type"), resp.StatusCode, want, raw)
	}
	out := map[string]string{}
	for k, v := range raw {
		if s, ok := v.(string); ok {
			out[k] = s
		}
	}
	return out
}

func randomString(t *testing.T) string {
	t.Helper()
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}
