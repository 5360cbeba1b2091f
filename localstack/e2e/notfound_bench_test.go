package e2e_test

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/shared/portal"
)

// BenchmarkNotFound times, through the local gateway, a GET of another
// provider's claim, dispute, retro authorization and letter against a GET
// of an ID of the same form that does not exist, interleaved pair by pair
// (the order swapped every pair). Both answer the same 404; the time must
// not tell them apart either. It reports each median and the gap between
// them (target: under 1 ms); run it with -benchtime 40x or more.
func BenchmarkNotFound(b *testing.B) {
	a, err := auth.Token("bench-a", sampledata.ProviderA.TIN, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	c, err := auth.Token("bench-c", sampledata.ProviderC.TIN, time.Hour)
	if err != nil {
		b.Fatal(err)
	}
	decided := sampleCases[portal.CaseDecided]
	status, body := rawCall(b, c, "GET", "/appeals/"+decided, nil)
	var v struct{ Letters []struct{ DocumentID string } }
	if status != 200 || json.Unmarshal(body, &v) != nil || len(v.Letters) == 0 {
		b.Fatalf("provider C's decided appeal: %d %s", status, body)
	}
	for _, r := range []struct {
		name, tok, other, unknown string
	}{
		{"Claim", a, "/claims/C30000000005", "/claims/C39999999999"},
		{"Dispute", a, "/disputes/" + sampleCases[portal.CaseReceived], "/disputes/DP-ZZZZ-ZZZZ"},
		{"Authorization", c, "/authorizations/" + sampleAuthorizations[portal.AuthApproved], "/authorizations/RA-ZZZZ-ZZZZ"},
		{"Document", a, "/documents/" + v.Letters[0].DocumentID, "/documents/" + portal.NewID()},
	} {
		b.Run(r.name, func(b *testing.B) {
			var other, unknown []time.Duration
			timed := func(target string) time.Duration {
				start := time.Now()
				status, body := rawCall(b, r.tok, "GET", target, nil)
				took := time.Since(start)
				if status != 404 {
					b.Fatalf("GET %s: %d %s, want 404", target, status, body)
				}
				return took
			}
			swap := false
			for b.Loop() {
				if swap {
					unknown = append(unknown, timed(r.unknown))
					other = append(other, timed(r.other))
				} else {
					other = append(other, timed(r.other))
					unknown = append(unknown, timed(r.unknown))
				}
				swap = !swap
			}
			o, u := medianMs(other), medianMs(unknown)
			b.ReportMetric(o, "other-provider-ms")
			b.ReportMetric(u, "unknown-ms")
			b.ReportMetric(o-u, "gap-ms")
		})
	}
}

func medianMs(ds []time.Duration) float64 {
	s := slices.Clone(ds)
	slices.Sort(s)
	return float64(s[len(s)/2].Microseconds()) / 1000
}
