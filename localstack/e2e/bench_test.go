package e2e_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/localstack/runtimeapi"
	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/localstack/stack"
	"github.com/openpayer/provider-portal/shared/filetype/filetypetest"
)

// Round trips through the local API Gateway, the claims function and the
// emulator: `make bench`. The emulator dominates; these numbers bound what a
// provider waits for locally, not in AWS.
func benchmarkGet(b *testing.B, target string) {
	tok, err := auth.Token("bench", sampledata.ProviderA.TIN, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	for b.Loop() {
		req, _ := http.NewRequest("GET", api.URL+target, nil)
		req.Header.Set("Authorization", "Bearer "+tok)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

func BenchmarkSearchByMemberID(b *testing.B) {
	benchmarkGet(b, "/claims?memberId="+sampledata.MemberAvery)
}

func BenchmarkSearchByMemberInfo(b *testing.B) {
	benchmarkGet(b, "/claims?lastName=Sample-Quinn&firstName=Avery&dateOfBirth=1984-03-07")
}

func BenchmarkClaimDetail(b *testing.B) {
	benchmarkGet(b, "/claims/C10000000002")
}

// BenchmarkDocumentsList is Provider Documents' first page: a paged read of
// one index partition, as every list of the portal is (pageOf).
func BenchmarkDocumentsList(b *testing.B) {
	benchmarkGet(b, "/documents")
}

// BenchmarkWorklist is the Worklist's first page of provider A's retro
// authorization requests, with the count of those waiting for it: two
// index reads.
func BenchmarkWorklist(b *testing.B) {
	benchmarkGet(b, "/authorizations/worklist")
}

// BenchmarkUploadToVisible measures, per upload, the time from the start of
// the file's POST to S3 until GET /uploads/{id} shows it accepted: what a
// provider waits before the document is usable (the guide says about half an
// hour). It reports p50 and p99 and the most bytes the processor read of a
// file. `make bench` runs it 50 times.
func BenchmarkUploadToVisible(b *testing.B) {
	tok, err := auth.Token("bench", sampledata.ProviderA.TIN, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	content := filetypetest.PDF(256 << 10)
	var took []time.Duration
	var maxRead int64
	for b.Loop() {
		c := newUpload(b, tok, "bench.pdf", len(content))
		start := time.Now()
		if resp := postForm(b, c.Form, nil, content); resp.StatusCode >= 300 {
			b.Fatalf("S3 refused the upload: %d", resp.StatusCode)
		}
		if v := waitChecked(b, tok, c.Upload.UploadID); v.Status != "accepted" {
			b.Fatalf("%+v", v)
		}
		took = append(took, time.Since(start))
		b.StopTimer()
		rec, err := attachments().Get(context.Background(), c.Upload.UploadID)
		if err != nil {
			b.Fatal(err)
		}
		maxRead = max(maxRead, rec.BytesRead)
		b.StartTimer()
	}
	slices.Sort(took)
	pct := func(p float64) float64 {
		return float64(took[min(len(took)-1, int(p*float64(len(took))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
	b.ReportMetric(float64(maxRead), "max-bytes-read/file")
}

// BenchmarkColdStart times each function's init as Lambda sees it, from the
// exec of its bootstrap to its first request for work on the Runtime API,
// interleaved run by run with a hello-world Go Lambda built the same way. It
// reports both medians, their ratio (target: at most 1.5), the function's
// peak resident memory at the end of init, and the size of the arm64
// bootstrap that deploys (target: at most 8 MiB).
func BenchmarkColdStart(b *testing.B) {
	tmpl, bins := buildBootstraps(b, runtimeapi.HelloPackage)
	root, err := stack.RepoRoot()
	if err != nil {
		b.Fatal(err)
	}
	start := func(bin string, env map[string]string) (time.Duration, int64) {
		f, err := runtimeapi.Start(bin, env)
		if err != nil {
			b.Fatal(err)
		}
		defer f.Stop()
		d, err := f.WaitReady(10 * time.Second)
		if err != nil {
			b.Fatal(err)
		}
		rss, err := f.PeakRSS()
		if err != nil {
			b.Fatal(err)
		}
		return d, rss
	}
	median := func(ds []time.Duration) float64 {
		slices.Sort(ds)
		return float64(ds[len(ds)/2].Microseconds()) / 1000
	}
	for _, id := range tmpl.ResourcesOfType("AWS::Serverless::Function") {
		b.Run(id, func(b *testing.B) {
			var fn, hello []time.Duration
			var rss, helloRSS int64
			for b.Loop() {
				d, r := start(bins[id], local.Wired.Env[id])
				h, hr := start(bins[runtimeapi.HelloPackage], nil)
				fn, hello, rss, helloRSS = append(fn, d), append(hello, h), max(rss, r), max(helloRSS, hr)
			}
			arm, err := runtimeapi.BuildFor(context.Background(), root, stack.FunctionPackage(id), b.TempDir(), "arm64")
			if err != nil {
				b.Fatal(err)
			}
			st, err := os.Stat(arm)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportMetric(median(fn), "init-ms")
			b.ReportMetric(median(hello), "hello-init-ms")
			b.ReportMetric(median(fn)/median(hello), "init-ratio")
			b.ReportMetric(float64(rss)/(1<<20), "peak-rss-MiB")
			b.ReportMetric(float64(helloRSS)/(1<<20), "hello-peak-rss-MiB")
			b.ReportMetric(float64(st.Size())/(1<<20), "bootstrap-MiB")
		})
	}
}

// BenchmarkConcurrentUploaders is 32 providers' staff uploading at once, 10
// files of 256 KiB each, one after another, as a browser page does; each page
// polls the status of its outstanding files in one call every 250 ms. It
// reports, per file, the time from the start of its POST to S3 until a poll
// shows it accepted (p50, p99; target p99 at most 1 s), the same to the
// moment the processor recorded its verdict, and the throughput.
// Each op is the whole scenario: run it with -benchtime 1x.
func BenchmarkConcurrentUploaders(b *testing.B) {
	const clients, files, pollEvery = 32, 10, 250 * time.Millisecond
	tok, err := auth.Token("bench", sampledata.ProviderA.TIN, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	content := filetypetest.PDF(256 << 10)
	var took, checked, pollTook []time.Duration
	var polls atomic.Int64
	var wall time.Duration
	for b.Loop() {
		start := time.Now()
		var mu sync.Mutex
		var wg sync.WaitGroup
		for range clients {
			wg.Go(func() {
				var pmu sync.Mutex
				started := map[string]time.Time{}
				done := make(chan struct{})
				uploaded := 0
				go func() { // the page's status poll
					defer close(done)
					for {
						time.Sleep(pollEvery)
						pmu.Lock()
						ids := make([]string, 0, len(started))
						for id := range started {
							ids = append(ids, id)
						}
						finished := uploaded == files && len(ids) == 0
						pmu.Unlock()
						if finished {
							return
						}
						if len(ids) == 0 {
							continue
						}
						polls.Add(1)
						t0 := time.Now()
						status, body := rawCall(b, tok, "GET", "/uploads?ids="+strings.Join(ids, ","), nil)
						mu.Lock()
						pollTook = append(pollTook, time.Since(t0))
						mu.Unlock()
						var out struct{ Uploads []uploadView }
						if err := json.Unmarshal(body, &out); err != nil || status != 200 {
							b.Errorf("poll: %d %s", status, body)
							return
						}
						now := time.Now()
						pmu.Lock()
						for _, u := range out.Uploads {
							if u.Status == "pending" {
								continue
							}
							if u.Status != "accepted" {
								b.Errorf("%+v", u)
							}
							mu.Lock()
							took = append(took, now.Sub(started[u.UploadID]))
							checked = append(checked, u.CheckedAt.Sub(started[u.UploadID]))
							mu.Unlock()
							delete(started, u.UploadID)
						}
						pmu.Unlock()
					}
				}()
				for range files {
					c := newUpload(b, tok, "bench.pdf", len(content))
					pmu.Lock()
					started[c.Upload.UploadID] = time.Now()
					pmu.Unlock()
					if resp := postForm(b, c.Form, nil, content); resp.StatusCode >= 300 {
						b.Errorf("S3 refused the upload: %d", resp.StatusCode)
					}
					pmu.Lock()
					uploaded++
					pmu.Unlock()
				}
				<-done
			})
		}
		wg.Wait()
		wall += time.Since(start)
	}
	if len(took) == 0 {
		b.Fatal("no upload was seen accepted")
	}
	pct := func(ds []time.Duration, p float64) float64 {
		slices.Sort(ds)
		return float64(ds[min(len(ds)-1, int(p*float64(len(ds))))].Microseconds()) / 1000
	}
	b.ReportMetric(pct(took, 0.50), "p50-ms")
	b.ReportMetric(pct(took, 0.99), "p99-ms")
	// When the processor recorded the verdict, without the page's polling.
	b.ReportMetric(pct(checked, 0.50), "checked-p50-ms")
	b.ReportMetric(pct(checked, 0.99), "checked-p99-ms")
	b.ReportMetric(pct(pollTook, 0.50), "poll-p50-ms")
	b.ReportMetric(pct(pollTook, 0.99), "poll-p99-ms")
	b.ReportMetric(float64(len(took))/wall.Seconds(), "uploads/s")
	b.ReportMetric(float64(polls.Load())/wall.Seconds(), "polls/s")
}
