package stack_test

import (
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/sampledata"
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
