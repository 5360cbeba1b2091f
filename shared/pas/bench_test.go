package pas_test

import (
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/pas"
	"github.com/openpayer/provider-portal/shared/pas/pastest"
	"github.com/openpayer/provider-portal/shared/portal"
)

// BenchmarkReadAndAnswer is the PAS work of one $submit in process: the
// package's largest request read and mapped, and a pended answer built.
func BenchmarkReadAndAnswer(b *testing.B) {
	body := pastest.Example(b, "Bundle-ReferralAuthorizationBundleExample.json")
	a := &portal.Authorization{ID: "RA-7K3M-9QPX", Status: portal.AuthReceived, DecisionDue: time.Now(), Trace: &portal.TraceID{System: "urn:trnorg:9012345678", Value: "111099"}}
	for b.Loop() {
		r, err := pas.Read(body)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := pas.Answer(r, a, time.Now(), false, nil); err != nil {
			b.Fatal(err)
		}
	}
}
