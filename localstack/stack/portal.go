package stack

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/openpayer/provider-portal/localstack/sampledata"
)

// Portal serves what CloudFront serves in AWS, at one address: the web
// front end's files from web/dist with the template's security headers,
// the API under /api/ (and, for curl and the API tests, at the root too),
// /config.json, and a development sign-in in place of the Cognito hosted
// UI under /dev-auth/.
type Portal struct {
	api   http.Handler
	dist  string
	csp   string
	idp   *devIdP
	files http.Handler
	// site is the web bucket's published files (metrics/), as CloudFront
	// serves them from it; nil: none.
	site *Clients
	web  string
}

// ServeSite serves the web bucket's published files (metrics/) from the
// local S3 server, as CloudFront serves them from the bucket in AWS.
func (p *Portal) ServeSite(c Clients, bucket string) { p.site, p.web = &c, bucket }

// published answers a file a job published in the web bucket.
func (p *Portal) published(w http.ResponseWriter, r *http.Request) {
	p.securityHeaders(w.Header())
	key := strings.TrimPrefix(r.URL.Path, "/")
	out, err := p.site.S3.GetObject(r.Context(), &s3.GetObjectInput{Bucket: &p.web, Key: &key})
	if err != nil {
		http.Error(w, "Not published yet.", http.StatusNotFound)
		return
	}
	defer out.Body.Close()
	w.Header().Set("Content-Type", aws.ToString(out.ContentType))
	w.Header().Set("Cache-Control", aws.ToString(out.CacheControl))
	_, _ = io.Copy(w, out.Body)
}

// PortalClientID is the local portal's app client: a JWT audience.
const PortalClientID = DevAudience

// NativeClientID is the local mobile and desktop apps' client: public, PKCE,
// refresh tokens, and the redirect URIs NativeRedirects lists.
const NativeClientID = DevNativeAudience

// DefaultNativeRedirects are the native client's redirect URIs on the local
// stack: the template's NativeAppRedirectUris default. As Cognito does, the
// issuer matches a redirect URI exactly, port and all.
var DefaultNativeRedirects = []string{"org.openpayer.providerportal:/oauth2redirect", "http://localhost:8765/oauth2redirect"}

// NewPortal serves dist (web/dist) in front of api. s3 is the storage
// endpoint the browser posts files to, which the content security policy
// must allow.
func NewPortal(api http.Handler, auth *DevAuth, dist, s3 string) *Portal {
	return &Portal{api: api, dist: dist, csp: ContentSecurityPolicy("'self'", s3),
		idp: &devIdP{auth: auth, codes: map[string]pendingCode{}, sessions: map[string]devSession{}, refresh: map[string]refreshGrant{},
			native: slices.Clone(DefaultNativeRedirects), dist: dist},
		files: http.FileServer(http.Dir(dist))}
}

// AllowNativeRedirect lists one more redirect URI on the native client, as
// an administrator adds one to NativeAppRedirectUris (a test's loopback
// address, with the port it bound).
func (p *Portal) AllowNativeRedirect(uri string) {
	p.idp.mu.Lock()
	defer p.idp.mu.Unlock()
	p.idp.native = append(p.idp.native, uri)
}

// ContentSecurityPolicy is the portal's policy: its own scripts and styles
// only, no inline code, no framing; connectTo are the origins the page
// calls (the API and the sign-in's token endpoint are same-origin or
// listed; storage takes the uploads). The template's response headers
// policy holds the same directives.
func ContentSecurityPolicy(connectTo ...string) string {
	return "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; " +
		"connect-src " + strings.Join(connectTo, " ") + "; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
}

// securityHeaders are the response headers policy's, on every page and file.
func (p *Portal) securityHeaders(h http.Header) {
	h.Set("Content-Security-Policy", p.csp)
	h.Set("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
}

func (p *Portal) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	switch {
	case strings.HasPrefix(path, "/api/"):
		// CloudFront's /api/* behaviour: a viewer-request function drops
		// the prefix before the request reaches the HTTP API.
		r2 := r.Clone(r.Context())
		r2.URL.Path = strings.TrimPrefix(path, "/api")
		r2.URL.RawPath = ""
		p.api.ServeHTTP(w, r2)
	case path == "/config.json":
		p.securityHeaders(w.Header())
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]string{
			"apiBase": "/api", "clientId": PortalClientID, "nativeClientId": NativeClientID, "scope": "openid email", "planName": "Provider Portal (local)",
			"authorizationEndpoint": "/dev-auth/authorize", "tokenEndpoint": "/dev-auth/token", "logoutEndpoint": "/dev-auth/logout",
		})
	case path == "/.well-known/openid-configuration":
		// What make deploy-web publishes at the same path in AWS: the
		// issuer's endpoints, for apps that discover them.
		w.Header().Set("Cache-Control", "no-store")
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(discovery("http://" + r.Host))
	case strings.HasPrefix(path, "/dev-auth/"):
		p.securityHeaders(w.Header())
		p.idp.ServeHTTP(w, r)
	case strings.HasPrefix(path, "/metrics/") && p.site != nil && r.Method == http.MethodGet:
		p.published(w, r)
	case (path == "/" || path == "/index.html" || strings.HasPrefix(path, "/assets/")) && r.Method == http.MethodGet:
		p.static(w, r)
	default:
		p.api.ServeHTTP(w, r)
	}
}

func (p *Portal) static(w http.ResponseWriter, r *http.Request) {
	p.securityHeaders(w.Header())
	if _, err := os.Stat(filepath.Join(p.dist, "index.html")); err != nil {
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		w.WriteHeader(http.StatusServiceUnavailable)
		_, _ = w.Write([]byte("The portal's web files are not built: run `make web` (make run does it too).\n"))
		return
	}
	if strings.HasPrefix(r.URL.Path, "/assets/") {
		// Named by their content's hash: cached for a year, as CloudFront does.
		w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		w.Header().Set("Cache-Control", "no-cache")
	}
	p.files.ServeHTTP(w, r)
}

// devIdP stands in for the Cognito hosted UI on the local stack: an
// authorization endpoint that lets a developer pick a sample provider,
// and a token endpoint that checks the PKCE verifier (S256) and the
// one-time code as Cognito does, then issues an ID token the local
// gateway's JWT check accepts. Like the hosted UI, it keeps a session of
// its own in an HttpOnly cookie: while it lasts, an authorization request
// is answered with a code at once, without the page (so that a reload of
// the portal signs in again without a click), and /logout ends it.
type devIdP struct {
	auth     *DevAuth
	dist     string
	mu       sync.Mutex
	codes    map[string]pendingCode
	sessions map[string]devSession
	refresh  map[string]refreshGrant
	native   []string // the native client's redirect URIs
}

// refreshGrant is what a refresh token stands for, until it expires or is
// revoked.
type refreshGrant struct {
	tin, client string
	expires     time.Time
}

// refreshTTL is how long a refresh token lasts: the template's
// RefreshTokenValidity for the native client (a working day).
const refreshTTL = 12 * time.Hour

// discovery is the issuer's OpenID Connect metadata, its endpoints under base.
func discovery(base string) map[string]any {
	return map[string]any{
		"issuer":                                DevIssuer,
		"authorization_endpoint":                base + "/dev-auth/authorize",
		"token_endpoint":                        base + "/dev-auth/token",
		"revocation_endpoint":                   base + "/dev-auth/revoke",
		"end_session_endpoint":                  base + "/dev-auth/logout",
		"jwks_uri":                              base + "/dev-auth/jwks.json",
		"response_types_supported":              []string{"code"},
		"grant_types_supported":                 []string{"authorization_code", "refresh_token"},
		"code_challenge_methods_supported":      []string{"S256"},
		"scopes_supported":                      []string{"openid", "email"},
		"subject_types_supported":               []string{"public"},
		"id_token_signing_alg_values_supported": []string{"RS256"},
		"token_endpoint_auth_methods_supported": []string{"none"},
	}
}

// redirectAllowed says whether uri is one of client's redirect (and
// sign-out) URIs: the portal's own root, or one the native client lists.
func (d *devIdP) redirectAllowed(r *http.Request, client, uri string) bool {
	switch client {
	case PortalClientID:
		return sameOrigin(r, uri)
	case NativeClientID:
		d.mu.Lock()
		defer d.mu.Unlock()
		return slices.Contains(d.native, uri)
	}
	return false
}

type devSession struct {
	tin     string
	expires time.Time
}

// devSessionCookie names the issuer's session cookie, which only its own
// paths receive.
const devSessionCookie = "dev-auth-session"

// sessionTTL is how long the issuer's session lasts, as the hosted UI's
// does by default.
const sessionTTL = time.Hour

type pendingCode struct {
	tin, client, challenge, redirect string
	expires                          time.Time
}

// The sample providers a developer may sign in as.
var devProviders = []struct{ TIN, Name, About string }{
	{sampledata.ProviderA.TIN, sampledata.ProviderA.Name, "claims of every kind, Document Upload offers, retro authorizations in every status"},
	{sampledata.ProviderB.TIN, sampledata.ProviderB.Name, "a hospital with the same member: for trying another provider's data"},
	{sampledata.ProviderC.TIN, sampledata.ProviderC.Name, "claims on every dispute and appeal window's edge, and cases in every status"},
}

const codeTTL = 2 * time.Minute

func (d *devIdP) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Cache-Control", "no-store")
	switch r.URL.Path {
	case "/dev-auth/authorize":
		d.authorize(w, r)
	case "/dev-auth/token":
		d.token(w, r)
	case "/dev-auth/revoke":
		d.revoke(w, r)
	case "/dev-auth/jwks.json":
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(d.auth.JWKS())
	case "/dev-auth/logout":
		// Cognito's /logout: the session ends, and the browser goes back
		// to a sign-out URL the app client lists.
		if !d.redirectAllowed(r, r.URL.Query().Get("client_id"), r.URL.Query().Get("logout_uri")) {
			http.Error(w, "logout_uri must be one of the app client's sign-out URLs", http.StatusBadRequest)
			return
		}
		if c, err := r.Cookie(devSessionCookie); err == nil {
			d.mu.Lock()
			delete(d.sessions, c.Value)
			d.mu.Unlock()
		}
		http.SetCookie(w, &http.Cookie{Name: devSessionCookie, Path: "/dev-auth", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteLaxMode})
		http.Redirect(w, r, r.URL.Query().Get("logout_uri"), http.StatusFound)
	default:
		http.NotFound(w, r)
	}
}

// sameOrigin says whether u is this server's own root: the only redirect
// and sign-out URL the local app client lists.
func sameOrigin(r *http.Request, u string) bool {
	return u == "http://"+r.Host+"/"
}

func (d *devIdP) authorize(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	f := r.Form
	switch {
	case f.Get("response_type") != "code":
		http.Error(w, "response_type must be code", http.StatusBadRequest)
		return
	case f.Get("client_id") != PortalClientID && f.Get("client_id") != NativeClientID:
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	case !d.redirectAllowed(r, f.Get("client_id"), f.Get("redirect_uri")):
		http.Error(w, "redirect_uri is not one the app client lists", http.StatusBadRequest)
		return
	case f.Get("code_challenge_method") != "S256" || len(f.Get("code_challenge")) != 43:
		http.Error(w, "PKCE is required: code_challenge_method S256 and a code_challenge", http.StatusBadRequest)
		return
	}
	tin := d.session(r)
	if r.Method == http.MethodPost {
		tin = f.Get("tin")
		known := false
		for _, p := range devProviders {
			known = known || p.TIN == tin
		}
		if !known {
			http.Error(w, "pick one of the sample providers", http.StatusBadRequest)
			return
		}
		id := randomToken()
		d.mu.Lock()
		d.sessions[id] = devSession{tin: tin, expires: time.Now().Add(sessionTTL)}
		d.mu.Unlock()
		http.SetCookie(w, &http.Cookie{Name: devSessionCookie, Value: id, Path: "/dev-auth", MaxAge: int(sessionTTL.Seconds()),
			HttpOnly: true, SameSite: http.SameSiteLaxMode})
	}
	if tin != "" {
		code := randomToken()
		d.mu.Lock()
		for c, p := range d.codes { // expired codes go
			if time.Now().After(p.expires) {
				delete(d.codes, c)
			}
		}
		d.codes[code] = pendingCode{tin: tin, client: f.Get("client_id"), challenge: f.Get("code_challenge"), redirect: f.Get("redirect_uri"),
			expires: time.Now().Add(codeTTL)}
		d.mu.Unlock()
		q := url.Values{"code": {code}}
		if s := f.Get("state"); s != "" {
			q.Set("state", s)
		}
		http.Redirect(w, r, withQuery(f.Get("redirect_uri"), q), http.StatusSeeOther)
		return
	}
	hidden := url.Values{}
	for _, k := range []string{"response_type", "client_id", "redirect_uri", "state", "code_challenge", "code_challenge_method", "scope"} {
		hidden.Set(k, f.Get(k))
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	_ = signInPage.Execute(w, map[string]any{"Hidden": hidden, "Providers": devProviders, "Style": d.stylesheet()})
}

// session is the TIN of the issuer's session the request's cookie names;
// "" if there is none, or it ended.
func (d *devIdP) session(r *http.Request) string {
	c, err := r.Cookie(devSessionCookie)
	if err != nil {
		return ""
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	s, ok := d.sessions[c.Value]
	if !ok || time.Now().After(s.expires) {
		delete(d.sessions, c.Value)
		return ""
	}
	return s.tin
}

// stylesheet is the portal's own, so that the page looks like it.
func (d *devIdP) stylesheet() string {
	b, err := os.ReadFile(filepath.Join(d.dist, "build.json"))
	if err != nil {
		return ""
	}
	var built struct{ Style string }
	if json.Unmarshal(b, &built) != nil {
		return ""
	}
	return "/" + built.Style
}

func (d *devIdP) token(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "application/json")
	fail := func(code, why string) {
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": why})
	}
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		fail("invalid_request", "POST a form")
		return
	}
	f := r.PostForm
	var tin, client string
	refresh := ""
	switch f.Get("grant_type") {
	case "authorization_code":
		d.mu.Lock()
		p, ok := d.codes[f.Get("code")]
		delete(d.codes, f.Get("code")) // one use, whatever follows
		d.mu.Unlock()
		sum := sha256.Sum256([]byte(f.Get("code_verifier")))
		switch {
		case !ok || time.Now().After(p.expires):
			fail("invalid_grant", "unknown, used or expired code")
			return
		case f.Get("client_id") != p.client || f.Get("redirect_uri") != p.redirect:
			fail("invalid_grant", "client_id or redirect_uri differs from the authorization request's")
			return
		case subtle.ConstantTimeCompare([]byte(base64.RawURLEncoding.EncodeToString(sum[:])), []byte(p.challenge)) != 1:
			fail("invalid_grant", "code_verifier does not match the code_challenge")
			return
		}
		tin, client, refresh = p.tin, p.client, randomToken()
		d.mu.Lock()
		d.refresh[refresh] = refreshGrant{tin: tin, client: client, expires: time.Now().Add(refreshTTL)}
		d.mu.Unlock()
	case "refresh_token":
		// As Cognito: the same refresh token serves until it expires or is
		// revoked, and only its own client may use it.
		d.mu.Lock()
		g, ok := d.refresh[f.Get("refresh_token")]
		d.mu.Unlock()
		if !ok || time.Now().After(g.expires) || f.Get("client_id") != g.client {
			fail("invalid_grant", "unknown, revoked or expired refresh token, or another client's")
			return
		}
		tin, client = g.tin, g.client
	default:
		fail("unsupported_grant_type", "authorization_code or refresh_token")
		return
	}
	const ttl = time.Hour
	id, err := d.auth.IDToken(client, "dev-user-"+tin, tin, ttl)
	var access string
	if err == nil {
		access, err = d.auth.AccessToken(client, "dev-user-"+tin, ttl)
	}
	if err != nil {
		w.WriteHeader(http.StatusInternalServerError)
		return
	}
	out := map[string]any{"id_token": id, "access_token": access, "token_type": "Bearer", "expires_in": int(ttl.Seconds())}
	if refresh != "" {
		out["refresh_token"] = refresh
	}
	_ = json.NewEncoder(w).Encode(out)
}

// revoke ends a refresh token (RFC 7009, as Cognito's /oauth2/revoke): an
// app signing out revokes its token. An unknown token answers 200 all the
// same; another client's is not revoked.
func (d *devIdP) revoke(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.ParseForm() != nil {
		http.Error(w, "POST a form", http.StatusBadRequest)
		return
	}
	d.mu.Lock()
	if g, ok := d.refresh[r.PostForm.Get("token")]; ok && g.client == r.PostForm.Get("client_id") {
		delete(d.refresh, r.PostForm.Get("token"))
	}
	d.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// withQuery adds q to a redirect URI, which may already have a query.
func withQuery(uri string, q url.Values) string {
	if strings.Contains(uri, "?") {
		return uri + "&" + q.Encode()
	}
	return uri + "?" + q.Encode()
}

func randomToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // never fails (crypto/rand)
	return base64.RawURLEncoding.EncodeToString(b)
}

var signInPage = template.Must(template.New("signin").Parse(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Development sign-in – Provider Portal</title>
{{if .Style}}<link rel="stylesheet" href="{{.Style}}">{{end}}
</head>
<body>
<main class="signin">
<h1>Development sign-in</h1>
<p>This page stands in for the plan's sign-in (a Cognito user pool in AWS) on the local stack. Choose the sample provider to sign in as.</p>
<form method="post" action="/dev-auth/authorize">
{{range $k, $v := .Hidden}}<input type="hidden" name="{{$k}}" value="{{index $v 0}}">
{{end}}<ul class="providers">
{{range .Providers}}<li><button type="submit" name="tin" value="{{.TIN}}">{{.Name}} (TIN {{.TIN}})</button>
<p class="hint">{{.About}}</p></li>
{{end}}</ul>
</form>
</main>
</body>
</html>
`))
