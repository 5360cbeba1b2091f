// Package systemauth is the FHIR routes' authorization server for systems
// (EHRs, clearinghouses): SMART Backend Services. A registered client
// proves who it is with a JWT it signs with its own key (the client
// credentials grant with private_key_jwt, which Cognito cannot verify) and
// gets an access token of five minutes, signed by a KMS key, naming the
// client and its scopes (not its TINs: the FHIR routes read those from
// the registration on each request, so a change, or a client disabled,
// counts at once, and a clearinghouse of a thousand organisations has a
// token as short as an EHR's). API Gateway's JWT authorizer verifies
// those tokens on the FHIR routes from this server's discovery document
// and key set, as it verifies the portal's users' tokens from Cognito's.
package systemauth

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"regexp"
	"strings"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/portal"
)

// Signer signs the access tokens (RS256: RSASSA-PKCS1-v1_5 over the
// message's SHA-256): a KMS key in AWS.
type Signer interface {
	Sign(ctx context.Context, message []byte) ([]byte, error)
	PublicKey(ctx context.Context) (*rsa.PublicKey, error)
}

// Deps is what the token function uses.
type Deps struct {
	Log     *slog.Logger
	Clients portal.SystemClients
	Ledger  portal.AssertionLedger
	Signer  Signer
	// Issuer is the FHIR base URL, the tokens' iss: the authorizer finds
	// Issuer/.well-known/openid-configuration. The token endpoint is
	// Issuer/auth/token, which a client assertion's aud must name.
	Issuer string
	// Audience is the tokens' aud, which the authorizer requires.
	Audience string
	Now      func() time.Time
}

// TokenTTL is how long an access token lasts: SMART's recommendation, and
// how long a client removed or disabled can go on.
const TokenTTL = 5 * time.Minute

// maxAssertionLife is how far in the future a client assertion may expire
// (SMART: no more than five minutes), and so how long the ledger keeps it.
const maxAssertionLife = 5 * time.Minute

// skew is the clock difference allowed between a client and the server.
const skew = 30 * time.Second

// ClientAssertionType is the one client_assertion_type taken.
const ClientAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// Routes are the token endpoint, the discovery documents and the key set,
// under the FHIR base (/fhir), all public: a client authenticates to the
// token endpoint with its assertion, and the rest holds no secret.
func Routes(d Deps) http.Handler {
	if d.Now == nil {
		d.Now = time.Now
	}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /fhir/auth/token", d.token)
	mux.HandleFunc("GET /fhir/.well-known/smart-configuration", d.smartConfiguration)
	mux.HandleFunc("GET /fhir/.well-known/openid-configuration", d.openIDConfiguration)
	mux.HandleFunc("GET /fhir/.well-known/jwks.json", d.jwks)
	mux.Handle("/", httpapi.NotFound(d.Log))
	return httpapi.LogRequests(d.Log, mux)
}

// TokenEndpoint is the token endpoint of the server whose FHIR base (and
// issuer) is issuer.
func TokenEndpoint(issuer string) string { return issuer + "/auth/token" }

// oauthError is an RFC 6749 error answer, what OAuth clients read; the
// description is for the developers of the sending system.
type oauthError struct {
	status      int
	Code        string `json:"error"`
	Description string `json:"error_description"`
}

func (e *oauthError) Error() string { return e.Code + ": " + e.Description }

func refuse(status int, code, format string, args ...any) *oauthError {
	return &oauthError{status: status, Code: code, Description: fmt.Sprintf(format, args...)}
}

func invalidClient(format string, args ...any) *oauthError {
	return refuse(http.StatusUnauthorized, "invalid_client", format, args...)
}

var clientIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,128}$`)

// maxForm is the largest token request read: an assertion and a scope.
const maxForm = 16 << 10

func (d Deps) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Pragma", "no-cache")
	tok, client, err := d.issue(r)
	var oe *oauthError
	switch {
	case errors.As(err, &oe):
		d.Log.InfoContext(r.Context(), "token refused", "error", oe.Code, "client", client, "reason", oe.Description)
		if oe.status == http.StatusUnauthorized {
			w.Header().Set("WWW-Authenticate", `Bearer error="invalid_client"`)
		}
		writeJSON(w, oe.status, oe)
		return
	case err != nil:
		// Logged and counted as an INTERNAL answer, which pages.
		httpapi.Failure(r, d.Log, err)
		writeJSON(w, http.StatusInternalServerError, &oauthError{Code: "server_error", Description: "The token could not be issued. Try again in a moment."})
		return
	}
	d.Log.InfoContext(r.Context(), "audit", "audit", true, "action", "issue system token", "subject", "system/"+client,
		"client", httpapi.ClientAddress(r), "scope", tok.Scope, "at", d.Now().UTC().Format(time.RFC3339))
	writeJSON(w, http.StatusOK, tok)
}

// tokenAnswer is RFC 6749's access token response.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
}

// issue checks a token request and mints its token; client is who the
// assertion claims to be, for the log, once it is known.
func (d Deps) issue(r *http.Request) (_ *tokenAnswer, client string, _ error) {
	if mt, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";"); strings.TrimSpace(mt) != "application/x-www-form-urlencoded" {
		return nil, "", refuse(http.StatusBadRequest, "invalid_request", "Send the token request as application/x-www-form-urlencoded.")
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return nil, "", refuse(http.StatusBadRequest, "invalid_request", "The token request could not be read as a form of at most 16 KB.")
	}
	f := r.PostForm
	for _, k := range []string{"grant_type", "client_assertion_type", "client_assertion", "scope"} {
		if len(f[k]) > 1 {
			return nil, "", refuse(http.StatusBadRequest, "invalid_request", "Send %s once.", k)
		}
	}
	if g := f.Get("grant_type"); g != "client_credentials" {
		return nil, "", refuse(http.StatusBadRequest, "unsupported_grant_type", "This server issues tokens for grant_type client_credentials only (SMART Backend Services).")
	}
	if f.Get("client_assertion_type") != ClientAssertionType {
		return nil, "", refuse(http.StatusBadRequest, "invalid_request", "Send client_assertion_type %s with a signed JWT in client_assertion.", ClientAssertionType)
	}
	assertion := f.Get("client_assertion")
	if assertion == "" {
		return nil, "", refuse(http.StatusBadRequest, "invalid_request", "Send the signed JWT in client_assertion.")
	}
	if strings.TrimSpace(f.Get("scope")) == "" {
		return nil, "", refuse(http.StatusBadRequest, "invalid_scope", "Name the scopes wanted in scope, for example system/Claim.cr.")
	}
	c, err := d.authenticate(r.Context(), assertion)
	if err != nil {
		return nil, c.ID, err
	}
	asked, unknown := portal.ParseScopes(f.Get("scope"))
	allowed := portal.AllSystemScopes()
	if len(c.Scopes) > 0 {
		allowed, _ = portal.ParseScopes(strings.Join(c.Scopes, " "))
	}
	granted := asked.Within(allowed)
	if len(granted) == 0 {
		return nil, c.ID, refuse(http.StatusBadRequest, "invalid_scope",
			"None of the scopes asked for (%s) is one this client may have: it may have %s.", strings.Join(append(unknown, asked.String()), " "), allowed)
	}
	tok, err := d.mint(r.Context(), c, granted)
	if err != nil {
		return nil, c.ID, err
	}
	return &tokenAnswer{AccessToken: tok, TokenType: "bearer", ExpiresIn: int(TokenTTL / time.Second), Scope: granted.String()}, c.ID, nil
}

// authenticate verifies a client assertion: signed by a key the client
// registered (RS384 or ES384), issued and subject to the client itself,
// for this token endpoint, expiring within five minutes, and used once.
func (d Deps) authenticate(ctx context.Context, assertion string) (portal.SystemClient, error) {
	var claims jwt.RegisteredClaims
	unverified, _, err := jwt.NewParser().ParseUnverified(assertion, &claims)
	if err != nil {
		return portal.SystemClient{}, invalidClient("client_assertion is not a JWT.")
	}
	id := claims.Issuer
	if !clientIDPattern.MatchString(id) || claims.Subject != id {
		return portal.SystemClient{}, invalidClient("The assertion's iss and sub must both be the client_id the plan registered.")
	}
	c, found, err := d.Clients.SystemClient(ctx, id)
	if err != nil {
		return portal.SystemClient{}, err
	}
	if !found || c.Disabled {
		// One answer for both: a disabled client learns nothing more.
		return portal.SystemClient{ID: id}, invalidClient("No client %s is registered with the plan, or it is no longer enabled.", id)
	}
	keys, err := readJWKS(c.JWKS)
	if err != nil {
		return c, invalidClient("The keys registered for this client cannot be used (%v); ask the plan to register its JWKS again.", err)
	}
	alg, _ := unverified.Header["alg"].(string)
	kid, _ := unverified.Header["kid"].(string)
	now := d.Now()
	var verified bool
	for _, k := range keys {
		if k.alg != alg || (kid != "" && k.kid != "" && k.kid != kid) {
			continue
		}
		_, err := jwt.ParseWithClaims(assertion, &claims, func(*jwt.Token) (any, error) { return k.pub, nil },
			jwt.WithValidMethods([]string{alg}), jwt.WithTimeFunc(func() time.Time { return now }),
			jwt.WithLeeway(skew), jwt.WithExpirationRequired(), jwt.WithAudience(TokenEndpoint(d.Issuer)),
			jwt.WithIssuer(id), jwt.WithSubject(id))
		switch {
		case err == nil:
			verified = true
		case errors.Is(err, jwt.ErrTokenSignatureInvalid):
			continue
		case errors.Is(err, jwt.ErrTokenInvalidAudience):
			return c, invalidClient("The assertion's aud must be this token endpoint, %s.", TokenEndpoint(d.Issuer))
		case errors.Is(err, jwt.ErrTokenExpired), errors.Is(err, jwt.ErrTokenRequiredClaimMissing):
			return c, invalidClient("The assertion has expired, or has no exp: sign a new one, expiring within five minutes.")
		default:
			return c, invalidClient("The assertion is not valid: %v.", err)
		}
		break
	}
	if !verified {
		return c, invalidClient("The assertion is not signed by a key registered for this client with its alg (RS384 or ES384) and kid.")
	}
	exp := claims.ExpiresAt.Time
	if exp.After(now.Add(maxAssertionLife + skew)) {
		return c, invalidClient("The assertion expires more than five minutes from now: sign one that expires sooner.")
	}
	if claims.ID == "" || len(claims.ID) > 255 {
		return c, invalidClient("The assertion needs a jti of at most 255 characters, new for each assertion.")
	}
	fresh, err := d.Ledger.SpendAssertion(ctx, id, claims.ID, exp.Add(skew))
	if err != nil {
		return c, err
	}
	if !fresh {
		return c, invalidClient("This assertion's jti was used already: sign a new assertion for each token request.")
	}
	return c, nil
}

// mint signs the access token with the KMS key: RS256, the issuer, the
// client and the scopes granted.
func (d Deps) mint(ctx context.Context, c portal.SystemClient, granted portal.Scopes) (string, error) {
	pub, err := d.Signer.PublicKey(ctx)
	if err != nil {
		return "", err
	}
	now := d.Now()
	jti := make([]byte, 16)
	_, _ = rand.Read(jti) // crypto/rand does not fail
	header, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": rsaJWK(pub).Kid})
	claims, _ := json.Marshal(map[string]any{
		"iss": d.Issuer, "sub": c.ID, "aud": d.Audience, "client_id": c.ID, "scope": granted.String(),
		"iat": now.Unix(), "nbf": now.Unix(), "exp": now.Add(TokenTTL).Unix(),
		"jti": base64.RawURLEncoding.EncodeToString(jti),
	})
	signing := base64.RawURLEncoding.EncodeToString(header) + "." + base64.RawURLEncoding.EncodeToString(claims)
	sig, err := d.Signer.Sign(ctx, []byte(signing))
	if err != nil {
		return "", err
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

// discovery is what both discovery documents say: the issuer, its key
// set and token endpoint, and how clients authenticate there.
func (d Deps) discovery(w http.ResponseWriter, more map[string]any) {
	doc := map[string]any{
		"issuer":                                d.Issuer,
		"jwks_uri":                              d.Issuer + "/.well-known/jwks.json",
		"token_endpoint":                        TokenEndpoint(d.Issuer),
		"grant_types_supported":                 []string{"client_credentials"},
		"token_endpoint_auth_methods_supported": []string{"private_key_jwt"},
		"scopes_supported":                      scopesSupported(),
	}
	for k, v := range more {
		doc[k] = v
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, http.StatusOK, doc)
}

// smartConfiguration is SMART's discovery: the assertion's algorithms and
// the server's capabilities.
func (d Deps) smartConfiguration(w http.ResponseWriter, _ *http.Request) {
	d.discovery(w, map[string]any{
		"token_endpoint_auth_signing_alg_values_supported": []string{"RS384", "ES384"},
		"capabilities": []string{"client-confidential-asymmetric", "permission-v2", "permission-v1"},
	})
}

// openIDConfiguration is what API Gateway's JWT authorizer reads to find
// the key set: issuer and jwks_uri (and the fields discovery requires).
func (d Deps) openIDConfiguration(w http.ResponseWriter, _ *http.Request) {
	d.discovery(w, map[string]any{
		"response_types_supported":              []string{"token"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
	})
}

func (d Deps) jwks(w http.ResponseWriter, r *http.Request) {
	pub, err := d.Signer.PublicKey(r.Context())
	if err != nil {
		d.Log.ErrorContext(r.Context(), "key set failed", "error", err.Error())
		httpapi.Error(w, r, d.Log, err)
		return
	}
	w.Header().Set("Cache-Control", "public, max-age=3600")
	writeJSON(w, http.StatusOK, map[string]any{"keys": []jwk{rsaJWK(pub)}})
}

func scopesSupported() []string {
	var out []string
	for _, r := range portal.SystemResources {
		out = append(out, "system/"+r+".cruds", "system/"+r+".read", "system/"+r+".write")
	}
	return out
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"error":"server_error"}`)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(b)
}
