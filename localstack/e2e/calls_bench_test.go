package e2e_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/localstack/stack"
	"github.com/openpayer/provider-portal/shared/filetype/filetypetest"
	"github.com/openpayer/provider-portal/shared/portal"
)

// countedStack brings up a stack of its own whose AWS calls are counted,
// with the sample data, and a gateway server, both stopped when b ends; it
// returns the counts, the gateway's URL and a token of provider A's.
func countedStack(b *testing.B) (*stack.Calls, string, string) {
	b.Helper()
	root, err := stack.RepoRoot()
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	calls := &stack.Calls{}
	l, err := stack.Up(context.Background(), stack.Options{Template: filepath.Join(root, "template.yaml"), StackName: "calls",
		Dir: dir, Auth: auth, Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Count: calls})
	if err != nil {
		b.Fatal(err)
	}
	if err := l.Feed(context.Background(), "ClaimsFeedQueue", sampledata.New(portal.DateOf(time.Now())).Events(), 30*time.Second); err != nil {
		l.Down()
		b.Fatal(err)
	}
	gw := httptest.NewServer(l.Wired.Gateway)
	b.Cleanup(func() { gw.Close(); l.Down() })
	tok, err := auth.Token("calls", sampledata.ProviderA.TIN, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	return calls, gw.URL, tok
}

// reportCalls reports, per unit of work, the calls made since before.
func reportCalls(b *testing.B, calls *stack.Calls, before map[string]int, units int, extra map[string]float64) {
	after := calls.Snapshot()
	var ops []string
	for op := range after {
		if after[op] > before[op] {
			ops = append(ops, op)
		}
	}
	sort.Strings(ops)
	for _, op := range ops {
		b.ReportMetric(float64(after[op]-before[op])/float64(units), strings.ReplaceAll(op, " ", ":")+"/op")
	}
	for name, v := range extra {
		b.ReportMetric(v/float64(units), name+"/op")
	}
}

// BenchmarkCallsPerAttachment counts what one document costs end to end:
// the form, the upload, a page polling its status every 500 ms, a Document
// Upload submission of it on a denied claim, and Attached Documents read
// once. Each AWS call is counted by service and operation (the sweeps that
// run on a schedule are a fixed cost, not per document); the API requests
// and function invocations are reported too.
func BenchmarkCallsPerAttachment(b *testing.B) {
	calls, gwURL, tok := countedStack(b)
	content := filetypetest.PDF(100 << 10)
	before := calls.Snapshot()
	api := 0.0
	for b.Loop() {
		status, body := rawCallAt(b, gwURL, tok, "POST", "/uploads", map[string]any{"fileName": "records.pdf", "size": len(content)})
		api++
		var c uploadCreated
		if status != 201 || json.Unmarshal(body, &c) != nil {
			b.Fatalf("POST /uploads: %d %s", status, body)
		}
		if resp := postForm(b, c.Form, nil, content); resp.StatusCode/100 != 2 {
			b.Fatalf("upload: %d", resp.StatusCode)
		}
		for {
			time.Sleep(500 * time.Millisecond)
			_, body := rawCallAt(b, gwURL, tok, "GET", "/uploads?ids="+c.Upload.UploadID, nil)
			api++
			if !strings.Contains(string(body), `"pending"`) {
				break
			}
		}
		if status, body := rawCallAt(b, gwURL, tok, "POST", "/claims/C10000000002/document-submissions",
			map[string]any{"contactEmail": "billing@example.org", "uploadIds": []string{c.Upload.UploadID}}); status != 201 {
			b.Fatalf("submission: %d %s", status, body)
		}
		if status, _ := rawCallAt(b, gwURL, tok, "GET", "/claims/C10000000002/documents", nil); status != 200 {
			b.Fatalf("documents: %d", status)
		}
		api += 2
	}
	// The processor's own invocation per file, beside one per API request.
	reportCalls(b, calls, before, b.N, map[string]float64{"API:requests": api, "Lambda:invocations": api + float64(b.N)})
}

// BenchmarkCallsPerClaimSearch counts one claim search by member ID (a page
// of the provider's claims for the member) and the claim detail it leads to.
func BenchmarkCallsPerClaimSearch(b *testing.B) {
	calls, gwURL, tok := countedStack(b)
	before := calls.Snapshot()
	for b.Loop() {
		if status, body := rawCallAt(b, gwURL, tok, "GET", "/claims?memberId="+sampledata.MemberAvery, nil); status != 200 {
			b.Fatalf("search: %d %s", status, body)
		}
	}
	reportCalls(b, calls, before, b.N, map[string]float64{"API:requests": float64(b.N), "Lambda:invocations": float64(b.N)})
}
