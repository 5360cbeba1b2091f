// Package webtest runs the portal's browser tests (web/e2e, Node's test
// runner driving Debian's Chromium through playwright-core) against a local
// stack of its own, served as `make run` serves it: the web files, the API
// under /api/ and the development sign-in at one address.
package webtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/localstack/stack"
	"github.com/openpayer/provider-portal/shared/portal"
)

var (
	once   sync.Once
	local  *stack.Local
	site   *httptest.Server
	root   string
	upErr  error
	seeded map[portal.AuthStatus]string
	cases  map[portal.CaseStatus]string
)

func TestMain(m *testing.M) {
	code := m.Run()
	if site != nil {
		site.Close()
	}
	if local != nil {
		local.Down() // stops each emulator by its PID
	}
	os.Exit(code)
}

// portalURL starts the stack on first use: a benchmark run of other
// packages' benchmarks starts none.
func portalURL(tb testing.TB) string {
	tb.Helper()
	once.Do(func() {
		ctx := context.Background()
		if root, upErr = stack.RepoRoot(); upErr != nil {
			return
		}
		dist := filepath.Join(root, "web", "dist")
		if _, err := os.Stat(filepath.Join(dist, "index.html")); err != nil {
			upErr = errors.New("web/dist is not built: run `make web` (make test does)")
			return
		}
		var auth *stack.DevAuth
		if local, auth, upErr = stack.UpForTests(ctx, "web", false); upErr != nil {
			return
		}
		today := portal.DateOf(time.Now())
		if upErr = local.Feed(ctx, "ClaimsFeedQueue", sampledata.New(today).Events(), 60*time.Second); upErr != nil {
			return
		}
		if seeded, upErr = local.SeedAuthorizations(ctx, auth, today); upErr != nil {
			return
		}
		if cases, upErr = local.SeedCases(ctx, auth); upErr != nil {
			return
		}
		site = httptest.NewServer(stack.NewPortal(local.Wired.Gateway, auth, dist, local.AWSEnv["AWS_ENDPOINT_URL_S3"]))
	})
	if upErr != nil {
		tb.Fatal(upErr)
	}
	return site.URL
}

// chromium is Debian's Chromium (make chromium installs it).
func chromium(tb testing.TB) string {
	tb.Helper()
	path := os.Getenv("CHROMIUM")
	if path == "" {
		path = "/usr/bin/chromium"
	}
	if _, err := os.Stat(path); err != nil {
		tb.Fatalf("no Chromium at %s: `make tools` installs Debian's package", path)
	}
	return path
}

// node runs a script of web/ with the portal's address and the sample IDs
// in its environment.
func node(tb testing.TB, ctx context.Context, args ...string) *exec.Cmd {
	url := portalURL(tb)
	cmd := exec.CommandContext(ctx, "node", args...)
	cmd.Dir = filepath.Join(root, "web")
	ids, err := json.Marshal(map[string]any{"authorizations": seeded, "cases": cases})
	if err != nil {
		tb.Fatal(err)
	}
	cmd.Env = append(os.Environ(), "PORTAL_URL="+url, "CHROMIUM="+chromium(tb), "SAMPLE_IDS="+string(ids))
	return cmd
}

// TestBrowser runs every browser test: each guide workflow end to end, the
// accessibility scan of every screen, 360 px, the keyboard, and sign-out.
// SCREENSHOTS=dir keeps each main screen's picture there (make screenshots).
func TestBrowser(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	portalURL(t) // sets root
	files, err := filepath.Glob(filepath.Join(root, "web", "e2e", "*.test.mjs"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no browser tests in web/e2e (%v)", err)
	}
	args := []string{"--test", "--test-reporter=spec", "--test-concurrency=1"}
	for _, f := range files {
		args = append(args, filepath.Join("e2e", filepath.Base(f)))
	}
	cmd := node(t, ctx, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err = cmd.Run()
	t.Log("\n" + out.String())
	if err != nil {
		t.Fatalf("browser tests failed: %v", err)
	}
	// Node's spec reporter ends with the counts.
	pass := regexp.MustCompile(`ℹ pass (\d+)`).FindStringSubmatch(out.String())
	if !strings.Contains(out.String(), "ℹ fail 0") || pass == nil || pass[1] == "0" {
		t.Fatal("the browser tests' summary has failures, or none ran")
	}
}

// BenchmarkPortal measures, through Chromium against the local stack, the
// time from the sign-in's redirect to a usable claim search page (the
// script loaded, the code exchanged for a token, the form ready), and
// reports the script's gzipped size. Targets: 1 s and 100 KB.
func BenchmarkPortal(b *testing.B) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	cmd := node(b, ctx, "e2e/bench.mjs", fmt.Sprint(b.N))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	b.ResetTimer()
	out, err := cmd.Output()
	b.StopTimer()
	if err != nil {
		b.Fatalf("%v: %s", err, stderr.String())
	}
	var r struct {
		Ms []float64 `json:"navToUsableMs"`
	}
	if err := json.Unmarshal(out, &r); err != nil || len(r.Ms) != b.N {
		b.Fatalf("bench.mjs printed %q (%v)", out, err)
	}
	slices.Sort(r.Ms)
	b.ReportMetric(r.Ms[len(r.Ms)/2], "p50-ms")
	b.ReportMetric(r.Ms[(len(r.Ms)*99-1)/100], "p99-ms")
	build, err := os.ReadFile(filepath.Join(root, "web", "dist", "build.json"))
	if err != nil {
		b.Fatal(err)
	}
	var sizes struct {
		ScriptGzipBytes int `json:"scriptGzipBytes"`
	}
	if err := json.Unmarshal(build, &sizes); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(sizes.ScriptGzipBytes), "script-gzip-bytes")
	b.ReportMetric(0, "ns/op")
}
