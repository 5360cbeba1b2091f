package e2e_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openpayer/provider-portal/localstack/stack"
	"github.com/openpayer/provider-portal/shared/priorauthmetrics"
)

// The daily metrics job, run once on the local stack: it scans the
// requests and appeals the stack holds (the sample requests, decided
// through the decisions queue) and publishes the figures, which the
// portal's host serves as JSON and as a page.
func TestThePriorAuthMetricsArePublishedOnThePortalsHost(t *testing.T) {
	if err := local.RunScheduled(context.Background(), "PriorAuthMetricsFunction"); err != nil {
		t.Fatal(err)
	}
	portal := stack.NewPortal(local.Wired.Gateway, auth, t.TempDir(), local.AWSEnv["AWS_ENDPOINT_URL_S3"])
	portal.ServeSite(local.Clients, local.Res.Buckets["WebBucket"])
	host := httptest.NewServer(portal)
	defer host.Close()
	get := func(path string) (*http.Response, string) {
		resp, err := http.Get(host.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(b)
	}
	resp, body := get("/" + priorauthmetrics.JSONKey)
	var r priorauthmetrics.Report
	if err := json.Unmarshal([]byte(body), &r); err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "application/json" {
		t.Fatalf("%d %s", resp.StatusCode, body)
	}
	// The sample data has an approved and a denied request, decided today.
	m := r.Last12Months
	if decided := m.Standard.Decided + m.Urgent.Decided; decided < 2 || m.Standard.Approved+m.Urgent.Approved < 1 || m.Standard.Denied+m.Urgent.Denied < 1 {
		t.Errorf("the last twelve months: %+v", m)
	}
	resp, page := get("/" + priorauthmetrics.PageKey)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		!strings.Contains(page, "Prior authorization metrics") || resp.Header.Get("Content-Security-Policy") == "" {
		t.Errorf("the page: %d %v %s", resp.StatusCode, resp.Header, page)
	}
}
