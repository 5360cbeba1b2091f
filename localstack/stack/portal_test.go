package stack_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openpayer/provider-portal/localstack/stack"
)

// The local portal host: the development sign-in checks what Cognito
// checks (client, redirect, PKCE S256, one-time codes), the API is reached
// under /api/ with the prefix dropped, and every page carries the security
// headers of the template's response headers policy.
func newPortal(t *testing.T) (*httptest.Server, *stack.DevAuth, *[]string) {
	t.Helper()
	dist := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dist, "assets"), 0o755); err != nil {
		t.Fatal(err)
	}
	for name, body := range map[string]string{"index.html": "<!doctype html><title>portal</title>", "assets/app-1.js": "console.log(1)"} {
		if err := os.WriteFile(filepath.Join(dist, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	devAuth, err := stack.NewDevAuth()
	if err != nil {
		t.Fatal(err)
	}
	var seen []string
	api := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		seen = append(seen, r.Method+" "+r.URL.Path)
		w.WriteHeader(http.StatusTeapot)
	})
	srv := httptest.NewServer(stack.NewPortal(api, devAuth, dist, "http://127.0.0.1:4568"))
	t.Cleanup(srv.Close)
	return srv, devAuth, &seen
}

var noRedirect = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}

func pkce() (verifier, challenge string) {
	verifier = "a-verifier-of-forty-three-characters-or-more-0123"
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// authorize signs in as tin through the development sign-in page and
// returns the code the redirect carries.
func authorize(t *testing.T, srv *httptest.Server, challenge, tin string) string {
	t.Helper()
	form := url.Values{"response_type": {"code"}, "client_id": {stack.PortalClientID}, "redirect_uri": {srv.URL + "/"},
		"state": {"s1"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}, "tin": {tin}}
	resp, err := noRedirect.PostForm(srv.URL+"/dev-auth/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("authorize: %d", resp.StatusCode)
	}
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := back.Scheme + "://" + back.Host + back.Path; got != srv.URL+"/" || back.Query().Get("state") != "s1" {
		t.Fatalf("redirect %s", back)
	}
	return back.Query().Get("code")
}

func exchange(t *testing.T, srv *httptest.Server, code, verifier string) (int, map[string]any) {
	t.Helper()
	resp, err := http.PostForm(srv.URL+"/dev-auth/token", url.Values{"grant_type": {"authorization_code"}, "code": {code},
		"code_verifier": {verifier}, "client_id": {stack.PortalClientID}, "redirect_uri": {srv.URL + "/"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, body
}

func TestDevSignInIsAuthorizationCodeWithPKCE(t *testing.T) {
	srv, devAuth, _ := newPortal(t)
	verifier, challenge := pkce()

	// The page lists the sample providers; it refuses requests Cognito would.
	page := srv.URL + "/dev-auth/authorize?" + url.Values{"response_type": {"code"}, "client_id": {stack.PortalClientID},
		"redirect_uri": {srv.URL + "/"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}.Encode()
	resp, err := http.Get(page)
	if err != nil {
		t.Fatal(err)
	}
	html, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(html), "TIN 333333333") {
		t.Fatalf("sign-in page: %d %s", resp.StatusCode, html)
	}
	for name, change := range map[string][2]string{
		"no PKCE":             {"code_challenge_method", "plain"},
		"another client":      {"client_id", "someone-else"},
		"a foreign redirect":  {"redirect_uri", "https://attacker.example/"},
		"an implicit request": {"response_type", "token"},
	} {
		u, _ := url.Parse(page)
		q := u.Query()
		q.Set(change[0], change[1])
		u.RawQuery = q.Encode()
		resp, err := http.Get(u.String())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d, want 400", name, resp.StatusCode)
		}
	}

	// A wrong verifier is refused, and burns the code.
	code := authorize(t, srv, challenge, "333333333")
	if status, body := exchange(t, srv, code, "a-different-verifier-of-forty-three-characters"); status != 400 || body["error"] != "invalid_grant" {
		t.Fatalf("wrong verifier: %d %v", status, body)
	}
	if status, _ := exchange(t, srv, code, verifier); status != 400 {
		t.Fatalf("a code used once was taken again: %d", status)
	}

	// The right one gets an ID token the gateway accepts, for that provider; once.
	code = authorize(t, srv, challenge, "333333333")
	status, body := exchange(t, srv, code, verifier)
	if status != 200 {
		t.Fatalf("token: %d %v", status, body)
	}
	claims, err := devAuth.Verify(body["id_token"].(string))
	if err != nil || claims["custom:tin"] != "333333333" {
		t.Fatalf("token claims %v (%v)", claims, err)
	}
	if status, _ := exchange(t, srv, code, verifier); status != 400 {
		t.Fatalf("code reused: %d", status)
	}
}

// Like the hosted UI, the stand-in keeps a session of its own: a second
// authorization request is answered with a code at once, for the same
// provider, until /logout ends it; without its cookie, the page is shown.
func TestTheIssuersSessionSignsInAgainUntilSignOut(t *testing.T) {
	srv, devAuth, _ := newPortal(t)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	verifier, challenge := pkce()
	q := url.Values{"response_type": {"code"}, "client_id": {stack.PortalClientID}, "redirect_uri": {srv.URL + "/"},
		"state": {"s2"}, "code_challenge": {challenge}, "code_challenge_method": {"S256"}}
	again := func() *http.Response {
		t.Helper()
		resp, err := browser.Get(srv.URL + "/dev-auth/authorize?" + q.Encode())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp
	}
	if resp := again(); resp.StatusCode != 200 {
		t.Fatalf("before signing in: %d, want the page", resp.StatusCode)
	}
	form := url.Values{"tin": {"111111111"}}
	for k, v := range q {
		form[k] = v
	}
	resp, err := browser.PostForm(srv.URL+"/dev-auth/authorize", form)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if c := resp.Header.Get("Set-Cookie"); !strings.Contains(c, "HttpOnly") || !strings.Contains(c, "Path=/dev-auth") {
		t.Errorf("the session cookie: %q", c)
	}
	resp = again()
	back, _ := url.Parse(resp.Header.Get("Location"))
	if resp.StatusCode != http.StatusSeeOther || back.Query().Get("code") == "" || back.Query().Get("state") != "s2" {
		t.Fatalf("with the issuer's session: %d %s", resp.StatusCode, back)
	}
	status, body := exchange(t, srv, back.Query().Get("code"), verifier)
	if status != 200 {
		t.Fatalf("token: %d %v", status, body)
	}
	if claims, err := devAuth.Verify(body["id_token"].(string)); err != nil || claims["custom:tin"] != "111111111" {
		t.Errorf("the session's provider: %v %v", claims, err)
	}
	out, err := browser.Get(srv.URL + "/dev-auth/logout?" + url.Values{"client_id": {stack.PortalClientID}, "logout_uri": {srv.URL + "/"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	out.Body.Close()
	if resp := again(); resp.StatusCode != 200 {
		t.Errorf("after sign-out: %d, want the page", resp.StatusCode)
	}
}

func TestPortalHostRoutesAndHeaders(t *testing.T) {
	srv, _, seen := newPortal(t)
	for _, path := range []string{"/", "/assets/app-1.js", "/config.json", "/dev-auth/logout?client_id=x"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"script-src 'self'", "frame-ancestors 'none'", "connect-src 'self' http://127.0.0.1:4568"} {
			if !strings.Contains(csp, want) {
				t.Errorf("%s: CSP %q lacks %q", path, csp, want)
			}
		}
		if strings.Contains(csp, "unsafe-inline") || h.Get("X-Frame-Options") != "DENY" || h.Get("X-Content-Type-Options") != "nosniff" ||
			!strings.HasPrefix(h.Get("Strict-Transport-Security"), "max-age=") {
			t.Errorf("%s: headers %v", path, h)
		}
	}
	resp, err := http.Get(srv.URL + "/assets/app-1.js")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if !strings.Contains(resp.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("hashed assets are cached for good: %q", resp.Header.Get("Cache-Control"))
	}
	// The API under /api/ loses the prefix; the API at the root is reached as before.
	for _, path := range []string{"/api/claims/C1", "/claims/C1"} {
		resp, err := http.Get(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusTeapot {
			t.Errorf("%s did not reach the API: %d", path, resp.StatusCode)
		}
	}
	if want := []string{"GET /claims/C1", "GET /claims/C1"}; strings.Join(*seen, ",") != strings.Join(want, ",") {
		t.Errorf("the API saw %v, want %v", *seen, want)
	}
	// A sign-out that sends the browser elsewhere is refused.
	resp, err = noRedirect.Get(srv.URL + "/dev-auth/logout?" + url.Values{"client_id": {stack.PortalClientID}, "logout_uri": {"https://attacker.example/"}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("foreign logout_uri: %d", resp.StatusCode)
	}
}
