package stack_test

import (
	"context"
	"io"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/localstack/sampledata"
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
