// Package httpapitest sends requests to an HTTP function's handler the way
// API Gateway does: a payload 2.0 event, with the claims its JWT authorizer
// verified, through the same proxy adapter as each function's main. Only
// tests import it.
package httpapitest

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"
)

// Invoker sends requests to one handler.
type Invoker func(method, target string, jwt map[string]string) events.APIGatewayV2HTTPResponse

// New returns an Invoker for h. jwt holds the verified token's claims; nil
// sends a request with no authorizer context at all.
func New(tb testing.TB, h http.Handler) Invoker {
	send := NewWithBody(tb, h)
	return func(method, target string, jwt map[string]string) events.APIGatewayV2HTTPResponse {
		return send(method, target, "", jwt)
	}
}

// BodyInvoker sends requests with a JSON body to one handler.
type BodyInvoker func(method, target, body string, jwt map[string]string) events.APIGatewayV2HTTPResponse

// NewWithBody is New for requests with a JSON body.
func NewWithBody(tb testing.TB, h http.Handler) BodyInvoker {
	proxy := httpadapter.NewV2(h)
	return func(method, target, body string, jwt map[string]string) events.APIGatewayV2HTTPResponse {
		u, err := url.Parse(target)
		if err != nil {
			tb.Fatal(err)
		}
		ev := events.APIGatewayV2HTTPRequest{RawPath: u.Path, RawQueryString: u.RawQuery,
			RequestContext: events.APIGatewayV2HTTPRequestContext{
				HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: method, Path: u.Path}}, Body: body}
		if body != "" {
			ev.Headers = map[string]string{"content-type": "application/json"}
		}
		if jwt != nil {
			ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: jwt}}
		}
		resp, err := proxy.ProxyWithContext(context.Background(), ev)
		if err != nil {
			tb.Fatal(err)
		}
		return resp
	}
}
