package stack

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/aws/aws-lambda-go/events"
	"github.com/golang-jwt/jwt/v5"
)

// Gateway plays API Gateway's HTTP API: it routes by the template's HttpApi
// events, verifies the JWT as the authorizer would, and invokes the
// function's Lambda handler with a payload format 2.0 event.
type Gateway struct {
	mux *http.ServeMux
	// authorizers are the API's JWT authorizers by name; a route with
	// none named has the default one's.
	authorizers       map[string]Verifier
	defaultAuthorizer string
	cors              CORS
	log               *slog.Logger
}

// CORS is an HTTP API's CorsConfiguration, as the template gives it.
type CORS struct {
	AllowOrigins, AllowHeaders, AllowMethods, ExposeHeaders []string
	AllowCredentials                                        bool
	MaxAge                                                  int
}

// MaxBody is the largest request body API Gateway's HTTP APIs take: 10 MB.
const MaxBody = 10 << 20

func newGateway(cors CORS, log *slog.Logger) *Gateway {
	g := &Gateway{mux: http.NewServeMux(), authorizers: map[string]Verifier{}, cors: cors, log: log}
	g.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		gatewayMessage(w, http.StatusNotFound, "Not Found")
	})
	return g
}

func (g *Gateway) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	origin := r.Header.Get("Origin")
	allowed := origin != "" && (slices.Contains(g.cors.AllowOrigins, origin) || slices.Contains(g.cors.AllowOrigins, "*"))
	if r.Method == http.MethodOptions && origin != "" && r.Header.Get("Access-Control-Request-Method") != "" {
		// API Gateway answers a CORS preflight itself, before any route
		// or authorizer; an origin it does not allow gets no CORS headers.
		if allowed && g.allowsMethod(r.Header.Get("Access-Control-Request-Method")) {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Methods", strings.Join(g.cors.AllowMethods, ","))
			h.Set("Access-Control-Allow-Headers", strings.ToLower(strings.Join(g.cors.AllowHeaders, ",")))
			if g.cors.MaxAge > 0 {
				h.Set("Access-Control-Max-Age", strconv.Itoa(g.cors.MaxAge))
			}
			if g.cors.AllowCredentials {
				h.Set("Access-Control-Allow-Credentials", "true")
			}
			h.Add("Vary", "Origin")
		}
		w.WriteHeader(http.StatusNoContent)
		return
	}
	if allowed {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		if len(g.cors.ExposeHeaders) > 0 {
			w.Header().Set("Access-Control-Expose-Headers", strings.Join(g.cors.ExposeHeaders, ","))
		}
		if g.cors.AllowCredentials {
			w.Header().Set("Access-Control-Allow-Credentials", "true")
		}
		w.Header().Add("Vary", "Origin")
	}
	if r.ContentLength > MaxBody {
		gatewayMessage(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
		return
	}
	g.mux.ServeHTTP(w, r)
}

func (g *Gateway) allowsMethod(m string) bool {
	for _, a := range g.cors.AllowMethods {
		if a == "*" || strings.EqualFold(a, m) {
			return true
		}
	}
	return false
}

// gatewayMessage answers as API Gateway itself does, before any function.
func gatewayMessage(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"message": msg})
}

// route serves method and path with fn, which may run for timeout (the
// function's Timeout): as on Lambda, its context ends then, and the
// gateway answers as API Gateway does when its function fails or times out,
// whatever the function does after.
func (g *Gateway) route(method, path, authorizer string, timeout time.Duration, fn HTTPFunc) {
	switch authorizer {
	case "":
		authorizer = g.defaultAuthorizer
	case "NONE":
		authorizer = ""
	}
	routeKey := method + " " + path
	pattern := method + " " + strings.ReplaceAll(path, "+}", "...}")
	var params []string
	for _, seg := range strings.Split(path, "/") {
		if strings.HasPrefix(seg, "{") {
			params = append(params, strings.TrimSuffix(strings.Trim(seg, "{}"), "+"))
		}
	}
	g.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		ev, err := g.event(r, routeKey, params, authorizer)
		if errors.Is(err, errTooLarge) {
			gatewayMessage(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large")
			return
		}
		if err != nil {
			w.Header().Set("WWW-Authenticate", challenge(err))
			gatewayMessage(w, http.StatusUnauthorized, "Unauthorized")
			return
		}
		resp, err := invokeWithin(r.Context(), timeout, ev, fn)
		if err != nil {
			g.log.Error("function error", "route", routeKey, "error", err.Error())
			gatewayMessage(w, http.StatusInternalServerError, "Internal Server Error")
			return
		}
		writeResponse(w, resp)
	})
}

// invokeWithin calls fn with a context that ends after timeout, and gives
// up on it then: Lambda ends an invocation at the function's Timeout
// ("Task timed out"), and API Gateway answers its caller with an error.
func invokeWithin(ctx context.Context, timeout time.Duration, ev events.APIGatewayV2HTTPRequest, fn HTTPFunc) (events.APIGatewayV2HTTPResponse, error) {
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	type result struct {
		resp events.APIGatewayV2HTTPResponse
		err  error
	}
	done := make(chan result, 1)
	go func() {
		resp, err := fn(ctx, ev)
		done <- result{resp, err}
	}()
	select {
	case r := <-done:
		return r.resp, r.err
	case <-ctx.Done():
		return events.APIGatewayV2HTTPResponse{}, fmt.Errorf("task timed out after %s", timeout)
	}
}

func (g *Gateway) event(r *http.Request, routeKey string, params []string, authorizer string) (events.APIGatewayV2HTTPRequest, error) {
	now := time.Now().UTC()
	ev := events.APIGatewayV2HTTPRequest{
		Version: "2.0", RouteKey: routeKey, RawPath: r.URL.EscapedPath(), RawQueryString: r.URL.RawQuery,
		Headers: map[string]string{},
		RequestContext: events.APIGatewayV2HTTPRequestContext{
			AccountID: LocalAccount, APIID: "local", DomainName: r.Host, Stage: "$default",
			RequestID: fmt.Sprintf("local-%d", now.UnixNano()), RouteKey: routeKey,
			Time: now.Format("02/Jan/2006:15:04:05 -0700"), TimeEpoch: now.UnixMilli(),
			HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{
				Method: r.Method, Path: r.URL.Path, Protocol: r.Proto, SourceIP: strings.Split(r.RemoteAddr, ":")[0],
				UserAgent: r.UserAgent(),
			},
		},
	}
	for k, v := range r.Header {
		if strings.EqualFold(k, "Cookie") {
			ev.Cookies = append(ev.Cookies, v...)
			continue
		}
		ev.Headers[strings.ToLower(k)] = strings.Join(v, ",")
	}
	if q := r.URL.Query(); len(q) > 0 {
		ev.QueryStringParameters = map[string]string{}
		for k, v := range q {
			ev.QueryStringParameters[k] = strings.Join(v, ",")
		}
	}
	if len(params) > 0 {
		ev.PathParameters = map[string]string{}
		for _, p := range params {
			ev.PathParameters[p] = r.PathValue(p)
		}
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, MaxBody+1))
	if err != nil {
		return ev, err
	}
	if len(body) > MaxBody { // a chunked body carries no Content-Length
		return ev, errTooLarge
	}
	if utf8.Valid(body) {
		ev.Body = string(body)
	} else {
		ev.Body, ev.IsBase64Encoded = base64.StdEncoding.EncodeToString(body), true
	}
	if authorizer != "" {
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok {
			return ev, errNoToken
		}
		v, ok := g.authorizers[authorizer]
		if !ok {
			return ev, fmt.Errorf("the template names no authorizer %s", authorizer)
		}
		claims, err := v.Verify(token)
		if err != nil {
			return ev, err
		}
		jwtClaims := map[string]string{}
		for k, v := range claims {
			if s, ok := v.(string); ok {
				jwtClaims[k] = s
			} else {
				b, _ := json.Marshal(v)
				jwtClaims[k] = string(b)
			}
		}
		ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
			JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: jwtClaims},
		}
	}
	return ev, nil
}

var (
	errTooLarge = errors.New("request body over 10 MB")
	errNoToken  = errors.New("no bearer token")
)

// challenge is the WWW-Authenticate header API Gateway's JWT authorizer
// sends with its 401 (RFC 6750): the bare scheme when no token came, and
// invalid_token with a reason when one was refused.
func challenge(err error) string {
	if errors.Is(err, errNoToken) {
		return "Bearer"
	}
	why := "the token is not valid"
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		why = "the token has expired"
	case errors.Is(err, jwt.ErrTokenInvalidAudience):
		why = "the token does not have a valid audience"
	case errors.Is(err, jwt.ErrTokenInvalidIssuer):
		why = "the token does not have a valid issuer"
	case errors.Is(err, jwt.ErrTokenSignatureInvalid):
		why = "the token signature is not valid"
	}
	return `Bearer scope="" error="invalid_token" error_description="` + why + `"`
}

func writeResponse(w http.ResponseWriter, resp events.APIGatewayV2HTTPResponse) {
	for k, v := range resp.Headers {
		w.Header().Set(k, v)
	}
	for k, vs := range resp.MultiValueHeaders {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
	for _, c := range resp.Cookies {
		w.Header().Add("Set-Cookie", c)
	}
	body := []byte(resp.Body)
	if resp.IsBase64Encoded {
		if b, err := base64.StdEncoding.DecodeString(resp.Body); err == nil {
			body = b
		}
	}
	status := resp.StatusCode
	if status == 0 {
		status = http.StatusOK
	}
	w.WriteHeader(status)
	_, _ = io.Copy(w, bytes.NewReader(body))
}
