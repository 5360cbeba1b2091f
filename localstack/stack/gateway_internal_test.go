package stack

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// A function that runs past its Timeout is ended there, as Lambda ends it:
// its context is done at the timeout, and the caller gets API Gateway's
// answer to a failed function at once, not the function's late one.
func TestGatewayEndsAnInvocationAtTheFunctionsTimeout(t *testing.T) {
	g := newGateway(CORS{}, slog.New(slog.NewJSONHandler(io.Discard, nil)))
	deadline := make(chan time.Duration, 1)
	g.route("POST", "/slow", "NONE", 200*time.Millisecond, func(ctx context.Context, _ events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		d, _ := ctx.Deadline()
		deadline <- time.Until(d)
		time.Sleep(2 * time.Second) // a stalled call that ignores its context
		return events.APIGatewayV2HTTPResponse{StatusCode: 201, Body: "{}"}, nil
	})
	g.route("POST", "/quick", "NONE", 200*time.Millisecond, func(ctx context.Context, _ events.APIGatewayV2HTTPRequest) (events.APIGatewayV2HTTPResponse, error) {
		return events.APIGatewayV2HTTPResponse{StatusCode: 201, Body: "{}"}, nil
	})
	srv := httptest.NewServer(g)
	defer srv.Close()
	start := time.Now()
	resp, err := http.Post(srv.URL+"/slow", "application/json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	took := time.Since(start)
	if resp.StatusCode != 500 || strings.TrimSpace(string(body)) != `{"message":"Internal Server Error"}` || took > time.Second {
		t.Errorf("a stalled function: %d %s after %s, want API Gateway's 500 at the 200 ms timeout", resp.StatusCode, body, took)
	}
	if d := <-deadline; d <= 0 || d > 200*time.Millisecond {
		t.Errorf("the function's context ends in %s, want within its 200 ms timeout", d)
	}
	if resp, err := http.Post(srv.URL+"/quick", "application/json", strings.NewReader("{}")); err != nil || resp.StatusCode != 201 {
		t.Errorf("a function within its timeout: %v %v", resp, err)
	}
}

// Each function runs for its own Timeout, or the template's Globals one.
func TestFunctionTimeoutsComeFromTheTemplate(t *testing.T) {
	tpl, err := LoadTemplate(filepath.Join("..", "..", "template.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	r := &Resolver{}
	for id, want := range map[string]time.Duration{"DisputesFunction": 15 * time.Second, "ClaimsIngestFunction": 30 * time.Second} {
		res := tpl.Resources[id]
		got, err := functionTimeout(r, &res.Properties, &tpl.Globals.Function)
		if err != nil || got != want {
			t.Errorf("%s: %s %v, want %s", id, got, err, want)
		}
	}
}
