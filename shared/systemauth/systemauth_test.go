package systemauth_test

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/openpayer/provider-portal/shared/inmem"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/systemauth"
)

const issuer = "https://portal.example.com/api/fhir"

var tokenURL = systemauth.TokenEndpoint(issuer)

// keySigner signs as KMS would, with a key in memory.
type keySigner struct{ key *rsa.PrivateKey }

func (s keySigner) Sign(_ context.Context, message []byte) ([]byte, error) {
	digest := sha256.Sum256(message)
	return rsa.SignPKCS1v15(rand.Reader, s.key, crypto.SHA256, digest[:])
}

func (s keySigner) PublicKey(context.Context) (*rsa.PublicKey, error) { return &s.key.PublicKey, nil }

// client is a registered test client and its private key.
type client struct {
	id     string
	key    crypto.Signer
	method jwt.SigningMethod
	kid    string
}

func (c client) assertion(t *testing.T, edit func(jwt.MapClaims)) string {
	t.Helper()
	now := time.Now()
	claims := jwt.MapClaims{"iss": c.id, "sub": c.id, "aud": tokenURL, "exp": now.Add(4 * time.Minute).Unix(),
		"iat": now.Unix(), "jti": rand.Text()}
	if edit != nil {
		edit(claims)
	}
	tok := jwt.NewWithClaims(c.method, claims)
	tok.Header["kid"] = c.kid
	s, err := tok.SignedString(c.key)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func (c client) registration(t *testing.T, tins []portal.ProviderID, scopes ...string) portal.SystemClient {
	t.Helper()
	k, err := systemauth.PublicJWK(c.key.Public(), c.kid)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(map[string]any{"keys": []any{k}})
	if err != nil {
		t.Fatal(err)
	}
	return portal.SystemClient{ID: c.id, Name: c.id, TINs: tins, JWKS: string(b), Scopes: scopes}
}

type world struct {
	srv     *httptest.Server
	clients *inmem.SystemClients
	signer  keySigner
	ehr     client // ES384, for provider A
	hub     client // RS384, for A and B, Claim reads only
}

func setup(t *testing.T) *world {
	t.Helper()
	serverKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	w := &world{clients: &inmem.SystemClients{}, signer: keySigner{serverKey},
		ehr: client{id: "bluegrass-ehr", key: ecKey, method: jwt.SigningMethodES384, kid: "ehr-1"},
		hub: client{id: "kentucky-hub", key: rsaKey, method: jwt.SigningMethodRS384, kid: "hub-1"}}
	ctx := context.Background()
	for _, c := range []portal.SystemClient{
		w.ehr.registration(t, []portal.ProviderID{"111111111"}),
		w.hub.registration(t, []portal.ProviderID{"111111111", "222222222"}, "system/Claim.rs"),
	} {
		if err := w.clients.RegisterSystemClient(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	w.srv = httptest.NewServer(systemauth.Routes(systemauth.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
		Clients: w.clients, Ledger: &inmem.AssertionLedger{}, Signer: w.signer, Issuer: issuer, Audience: issuer}))
	t.Cleanup(w.srv.Close)
	return w
}

type answer struct {
	status int
	header http.Header
	body   map[string]any
}

func (w *world) post(t *testing.T, form url.Values) answer {
	t.Helper()
	resp, err := http.Post(w.srv.URL+"/fhir/auth/token", "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	a := answer{status: resp.StatusCode, header: resp.Header}
	if err := json.NewDecoder(resp.Body).Decode(&a.body); err != nil {
		t.Fatal(err)
	}
	return a
}

func form(assertion, scope string) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_assertion_type": {systemauth.ClientAssertionType},
		"client_assertion": {assertion}, "scope": {scope}}
}

// verify checks an access token as API Gateway's authorizer does, with the
// key set the server publishes, and returns its claims.
func (w *world) verify(t *testing.T, token string) jwt.MapClaims {
	t.Helper()
	resp, err := http.Get(w.srv.URL + "/fhir/.well-known/jwks.json")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var set struct {
		Keys []struct{ Kty, Kid, Alg, N, E string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil || len(set.Keys) != 1 || set.Keys[0].Alg != "RS256" {
		t.Fatalf("key set: %+v %v", set, err)
	}
	claims := jwt.MapClaims{}
	tok, err := jwt.ParseWithClaims(token, claims, func(tok *jwt.Token) (any, error) {
		if tok.Header["kid"] != set.Keys[0].Kid {
			return nil, errors.New("kid is not the key set's")
		}
		return &w.signer.key.PublicKey, nil
	}, jwt.WithValidMethods([]string{"RS256"}), jwt.WithIssuer(issuer), jwt.WithAudience(issuer), jwt.WithExpirationRequired())
	if err != nil || !tok.Valid {
		t.Fatalf("the access token does not verify: %v", err)
	}
	return claims
}

func TestAClientGetsAShortLivedTokenForItsOrganisations(t *testing.T) {
	w := setup(t)
	a := w.post(t, form(w.ehr.assertion(t, nil), "system/Claim.cr system/Subscription.cruds patient/Claim.r"))
	if a.status != 200 || a.body["token_type"] != "bearer" || a.body["expires_in"] != float64(300) || a.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("%d %v %v", a.status, a.header, a.body)
	}
	if a.body["scope"] != "system/Claim.cr system/Subscription.cruds" {
		t.Errorf("granted %v", a.body["scope"])
	}
	c := w.verify(t, a.body["access_token"].(string))
	exp, _ := c.GetExpirationTime()
	iat, _ := c.GetIssuedAt()
	if c["client_id"] != "bluegrass-ehr" || c["sub"] != "bluegrass-ehr" || c["tins"] != nil || exp.Sub(iat.Time) != 5*time.Minute {
		t.Errorf("claims %v", c)
	}
	// The hub, RS384, limited to reading claims: asking for more gets
	// what it may have; asking for nothing it may have gets nothing.
	h := w.post(t, form(w.hub.assertion(t, nil), "system/Claim.cruds"))
	if h.status != 200 || h.body["scope"] != "system/Claim.rs" {
		t.Fatalf("hub: %d %v", h.status, h.body)
	}
	if c := w.verify(t, h.body["access_token"].(string)); c["client_id"] != "kentucky-hub" || c["scope"] != "system/Claim.rs" {
		t.Errorf("hub's token: %v", c)
	}
	if n := w.post(t, form(w.hub.assertion(t, nil), "system/Subscription.c")); n.status != 400 || n.body["error"] != "invalid_scope" {
		t.Errorf("a scope the hub may not have: %d %v", n.status, n.body)
	}
}

func TestAssertionsThatProveNothingAreRefused(t *testing.T) {
	w := setup(t)
	other, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	impostor := client{id: w.ehr.id, key: other, method: jwt.SigningMethodES384, kid: w.ehr.kid}
	now := time.Now()
	for name, assertion := range map[string]string{
		"signed by another key":         impostor.assertion(t, nil),
		"for another token endpoint":    w.ehr.assertion(t, func(c jwt.MapClaims) { c["aud"] = "https://elsewhere.example/token" }),
		"expired":                       w.ehr.assertion(t, func(c jwt.MapClaims) { c["exp"] = now.Add(-time.Minute).Unix() }),
		"without exp":                   w.ehr.assertion(t, func(c jwt.MapClaims) { delete(c, "exp") }),
		"expiring in an hour":           w.ehr.assertion(t, func(c jwt.MapClaims) { c["exp"] = now.Add(time.Hour).Unix() }),
		"without jti":                   w.ehr.assertion(t, func(c jwt.MapClaims) { delete(c, "jti") }),
		"sub another than iss":          w.ehr.assertion(t, func(c jwt.MapClaims) { c["sub"] = "kentucky-hub" }),
		"of a client never registered":  client{id: "nobody", key: other, method: jwt.SigningMethodES384}.assertion(t, nil),
		"with an algorithm not allowed": client{id: w.hub.id, key: w.hub.key, method: jwt.SigningMethodRS256, kid: w.hub.kid}.assertion(t, nil),
		"not a JWT":                     "not.a.jwt",
	} {
		a := w.post(t, form(assertion, "system/Claim.c"))
		if a.status != 401 || a.body["error"] != "invalid_client" || a.body["access_token"] != nil || a.header.Get("WWW-Authenticate") == "" {
			t.Errorf("%s: %d %v", name, a.status, a.body)
		}
	}
	// An assertion overheard and sent again gets nothing.
	once := w.ehr.assertion(t, nil)
	if a := w.post(t, form(once, "system/Claim.c")); a.status != 200 {
		t.Fatalf("first use: %d %v", a.status, a.body)
	}
	if a := w.post(t, form(once, "system/Claim.c")); a.status != 401 || !strings.Contains(a.body["error_description"].(string), "jti") {
		t.Errorf("replayed: %d %v", a.status, a.body)
	}
	// A client the plan disabled gets no more tokens.
	reg, _, err := w.clients.SystemClient(context.Background(), w.ehr.id)
	if err != nil {
		t.Fatal(err)
	}
	reg.Disabled = true
	if err := w.clients.RegisterSystemClient(context.Background(), reg); err != nil {
		t.Fatal(err)
	}
	if a := w.post(t, form(w.ehr.assertion(t, nil), "system/Claim.c")); a.status != 401 || a.body["error"] != "invalid_client" {
		t.Errorf("disabled: %d %v", a.status, a.body)
	}
}

func TestTokenRequestsOutsideTheGrantAreRefused(t *testing.T) {
	w := setup(t)
	good := form(w.ehr.assertion(t, nil), "system/Claim.c")
	for name, c := range map[string]struct {
		edit func(url.Values)
		want string
	}{
		"another grant":          {func(f url.Values) { f.Set("grant_type", "password") }, "unsupported_grant_type"},
		"another assertion type": {func(f url.Values) { f.Set("client_assertion_type", "urn:other") }, "invalid_request"},
		"no assertion":           {func(f url.Values) { f.Del("client_assertion") }, "invalid_request"},
		"no scope":               {func(f url.Values) { f.Del("scope") }, "invalid_scope"},
		"only others' scopes":    {func(f url.Values) { f.Set("scope", "patient/Claim.r user/*.cruds") }, "invalid_scope"},
		"a scope sent twice":     {func(f url.Values) { f.Add("scope", "system/Claim.r") }, "invalid_request"},
	} {
		f := url.Values{}
		for k, v := range good {
			f[k] = append([]string(nil), v...)
		}
		c.edit(f)
		if a := w.post(t, f); a.status != 400 || a.body["error"] != c.want {
			t.Errorf("%s: %d %v, want %s", name, a.status, a.body, c.want)
		}
	}
	resp, err := http.Post(w.srv.URL+"/fhir/auth/token", "application/json", strings.NewReader(`{}`))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 400 {
		t.Errorf("a JSON body: %d", resp.StatusCode)
	}
}

// The discovery documents agree with each other and with the key set:
// what API Gateway's authorizer and SMART clients read.
func TestDiscoveryNamesTheTokenEndpointAndKeys(t *testing.T) {
	w := setup(t)
	get := func(path string) map[string]any {
		resp, err := http.Get(w.srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var m map[string]any
		if err := json.NewDecoder(resp.Body).Decode(&m); err != nil || resp.StatusCode != 200 {
			t.Fatalf("%s: %d %v", path, resp.StatusCode, err)
		}
		return m
	}
	smart, oidc := get("/fhir/.well-known/smart-configuration"), get("/fhir/.well-known/openid-configuration")
	for _, m := range []map[string]any{smart, oidc} {
		if m["issuer"] != issuer || m["token_endpoint"] != tokenURL || m["jwks_uri"] != issuer+"/.well-known/jwks.json" {
			t.Errorf("%v", m)
		}
	}
	algs, _ := smart["token_endpoint_auth_signing_alg_values_supported"].([]any)
	if len(algs) != 2 || algs[0] != "RS384" || algs[1] != "ES384" {
		t.Errorf("algorithms %v", algs)
	}
	keys := get("/fhir/.well-known/jwks.json")["keys"].([]any)
	kid := keys[0].(map[string]any)["kid"].(string)
	// The kid is the key's RFC 7638 thumbprint.
	k := keys[0].(map[string]any)
	sum := sha256.Sum256([]byte(`{"e":"` + k["e"].(string) + `","kty":"RSA","n":"` + k["n"].(string) + `"}`))
	if kid == "" || kid != base64.RawURLEncoding.EncodeToString(sum[:]) {
		t.Errorf("kid %q is not the thumbprint", kid)
	}
}

// A store that fails answers server_error, never a token.
func TestAFailingStoreIssuesNothing(t *testing.T) {
	w := setup(t)
	w.clients.Fault = func(string) error { return errors.New("injected: throttled") }
	if a := w.post(t, form(w.ehr.assertion(t, nil), "system/Claim.c")); a.status != 500 || a.body["error"] != "server_error" || a.body["access_token"] != nil {
		t.Errorf("%d %v", a.status, a.body)
	}
}
