package documentevents_test

import (
	"context"
	"testing"

	"github.com/openpayer/provider-portal/shared/documentevents"
	"github.com/openpayer/provider-portal/shared/documentevents/documenteventstest"
	"github.com/openpayer/provider-portal/shared/inmem"
	"github.com/openpayer/provider-portal/shared/outbox"
)

// BenchmarkSweep delivers 1,000 due events per sweep (in memory: the cost of
// the sweep's own work, pagination and bookkeeping, without AWS).
func BenchmarkSweep(b *testing.B) {
	ctx := context.Background()
	for range b.N {
		b.StopTimer()
		s, sent := &inmem.Attachments{}, &documenteventstest.Recorder{}
		for range 1000 {
			onClaim(b, s, "C1")
		}
		sweep := &outbox.Sweeper{Log: quiet, Source: &documentevents.Publisher{Store: s, Sender: sent}, Name: "documents"}
		b.StartTimer()
		res, err := sweep.Sweep(ctx)
		if err != nil || res.Delivered != 1000 {
			b.Fatalf("%+v %v", res, err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/1000, "ns/event")
}
