package casedecisions_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/casedecisions"
	"github.com/openpayer/provider-portal/shared/inmem"
	"github.com/openpayer/provider-portal/shared/portal"
)

type parked struct{ code, reason string }

type dlq struct{ got []parked }

func (d *dlq) Park(_ context.Context, _, _, code, reason string) error {
	d.got = append(d.got, parked{code, reason})
	return nil
}

func TestDecisionsApplyOnceInOrderWithTheirLetter(t *testing.T) {
	ctx := context.Background()
	letters := &inmem.Letters{}
	appeals := &inmem.Cases{Letters: letters}
	submitted := time.Date(2026, 11, 1, 12, 0, 0, 0, time.UTC)
	c := &portal.Case{ID: "AP-7K3Q-9XH2", Kind: portal.CaseClaimAppeal, Provider: "111111111", ClaimNumber: "C1", CreatedAt: submitted,
		Status: portal.CaseDraft, Version: 1}
	if err := c.Submit(submitted); err != nil {
		t.Fatal(err)
	}
	if err := appeals.CreateCase(ctx, c, portal.CaseWrite{Take: true}); err != nil {
		t.Fatal(err)
	}
	d, metrics := &dlq{}, &bytes.Buffer{}
	h := casedecisions.New(casedecisions.Deps{Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Disputes: &inmem.Cases{}, Appeals: appeals,
		DeadLetters: d, Plan: portal.KYMarketplace, Metrics: metrics, Stack: "test", Now: time.Now})
	msg := func(id, body string) events.SQSMessage { return events.SQSMessage{MessageId: id, Body: body} }
	decision := `{"decisionId":"D-2","caseId":"AP-7K3Q-9XH2","outcome":"partially_overturned","amount":"125.50","decidedAt":"2026-11-11T12:00:00Z","reason":"Part of it."}`
	ack := `{"decisionId":"D-1","caseId":"AP-7K3Q-9XH2","outcome":"in_review","decidedAt":"2026-11-02T12:00:00Z"}`
	resp, err := h.Handle(ctx, events.SQSEvent{Records: []events.SQSMessage{
		msg("m1", decision), msg("m2", decision), msg("m3", ack), // the acknowledgement arrives after the decision
		msg("m4", `{"decisionId":"D-9","caseId":"AP-7K3Q-9XH2","outcome":"approved","decidedAt":"2026-11-11T12:00:00Z"}`),
		msg("m5", `{"decisionId":"D-8","caseId":"AP-ZZZZ-ZZZZ","outcome":"upheld","decidedAt":"2026-11-11T12:00:00Z"}`),
	}})
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("%+v %v", resp, err)
	}
	got, err := appeals.Case(ctx, "111111111", c.ID)
	if err != nil || got.Status != portal.CaseDecided || got.Decision.Amount != 12550 || len(got.DecisionIDs) != 1 || len(got.Letters) != 1 {
		t.Fatalf("the case after the batch: %+v %v", got, err)
	}
	l, err := letters.Letter(ctx, "111111111", got.Letters[0].ID)
	if err != nil || l.Type != portal.LetterDecision || l.Outcome != portal.OutcomePartlyOverturned || l.StoredAt != nil {
		t.Errorf("the decision letter, recorded for the sweep to render: %+v %v", l, err)
	}
	// The claim is free for another appeal: the decision closed the case.
	next := &portal.Case{ID: "AP-AAAA-BBBB", Kind: portal.CaseClaimAppeal, Provider: "111111111", ClaimNumber: "C1", Status: portal.CaseReceived, Version: 1}
	if err := appeals.CreateCase(ctx, next, portal.CaseWrite{Take: true}); err != nil {
		t.Errorf("a new appeal after the decision: %v", err)
	}
	if len(d.got) != 2 || d.got[0].code != portal.CodeInvalidOutcome || d.got[1].code != portal.CodeCaseNotFound {
		t.Errorf("parked %+v", d.got)
	}
	for _, p := range d.got {
		if strings.Contains(p.reason, "ZZZZ") {
			t.Errorf("a reason echoes a value: %q", p.reason)
		}
	}
	// One metric line, for the one decision applied: ten days, overturned.
	lines := strings.Split(strings.TrimSpace(metrics.String()), "\n")
	var m struct {
		CaseKind     string
		DecisionDays float64
		Overturned   int
	}
	if len(lines) != 1 || json.Unmarshal([]byte(lines[0]), &m) != nil || m.CaseKind != "claim_appeal" || m.DecisionDays != 10 || m.Overturned != 1 {
		t.Errorf("metrics: %q", metrics.String())
	}
	// A passing failure is retried, not parked.
	appeals.Fault = func(string) error { return errors.New("injected: throttled") }
	resp, _ = h.Handle(ctx, events.SQSEvent{Records: []events.SQSMessage{msg("m6", decision)}})
	if len(resp.BatchItemFailures) != 1 || len(d.got) != 2 {
		t.Errorf("a throttled decision: %+v, parked %d", resp, len(d.got))
	}
}

// A poisoned message (trailing data, dated in the future or before the case
// was submitted) is parked with a reason that names what is wrong, writes
// no history, and the real decision after it still applies.
func TestPoisonedCaseDecisionsAreParkedAndTheRealOneApplies(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	disputes := &inmem.Cases{Letters: &inmem.Letters{}}
	submitted := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	c := &portal.Case{ID: "DP-7K3Q-9XH2", Kind: portal.CaseDispute, Provider: "111111111", ClaimNumber: "C1", CreatedAt: submitted, Status: portal.CaseDraft, Version: 1}
	if err := c.Submit(submitted); err != nil {
		t.Fatal(err)
	}
	if err := disputes.CreateCase(ctx, c, portal.CaseWrite{Take: true}); err != nil {
		t.Fatal(err)
	}
	d := &dlq{}
	h := casedecisions.New(casedecisions.Deps{Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Disputes: disputes, Appeals: &inmem.Cases{},
		DeadLetters: d, Plan: portal.KYMarketplace, Now: func() time.Time { return now }})
	msg := func(id, outcome, at, extra string) string {
		return `{"decisionId":"` + id + `","caseId":"DP-7K3Q-9XH2","outcome":"` + outcome + `","decidedAt":"` + at + `"` + extra + `}`
	}
	poisons := map[string]string{
		"p-trailing": msg("D-1", "upheld", "2026-11-21T10:00:00Z", "") + ` }}GARBAGE{{`,
		"p-future":   msg("D-2", "in_review", "2999-01-01T00:00:00Z", ""),
		"p-early":    msg("D-3", "upheld", "2026-11-19T08:00:00Z", ""),
		"p-unknown":  msg("D-4", "upheld", "2026-11-21T10:00:00Z", `,"memberName":"Jane Roe"`),
	}
	want := map[string]string{"p-trailing": "more after", "p-future": "decidedAt is later than now", "p-early": "decidedAt is before the case", "p-unknown": `"memberName"`}
	for id, body := range poisons {
		d.got = nil
		resp, err := h.Handle(ctx, events.SQSEvent{Records: []events.SQSMessage{{MessageId: id, Body: body}}})
		if err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("%s: %+v %v", id, resp, err)
		}
		if len(d.got) != 1 || d.got[0].code != portal.CodeInvalidOutcome || !strings.Contains(d.got[0].reason, want[id]) || strings.Contains(d.got[0].reason, "Jane") {
			t.Errorf("%s: parked %+v, want a reason with %q", id, d.got, want[id])
		}
	}
	if got, _ := disputes.Case(ctx, "111111111", c.ID); got.Status != portal.CaseReceived || len(got.History) != 1 || len(got.DecisionIDs) != 0 {
		t.Fatalf("a poisoned message changed the case: %+v", got)
	}
	d.got = nil
	if resp, err := h.Handle(ctx, events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m-real", Body: msg("D-REAL", "overturned", "2026-11-21T11:00:00Z", "")}}}); err != nil || len(resp.BatchItemFailures) != 0 || len(d.got) != 0 {
		t.Fatalf("the real decision: %+v %v, parked %+v", resp, err, d.got)
	}
	if got, _ := disputes.Case(ctx, "111111111", c.ID); got.Status != portal.CaseDecided || got.Decision.DecisionID != "D-REAL" || len(got.History) != 2 {
		t.Errorf("the real decision did not apply: %+v", got)
	}
}
