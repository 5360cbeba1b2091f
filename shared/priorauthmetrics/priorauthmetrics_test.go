package priorauthmetrics_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/priorauthmetrics"
)

type requests []portal.Authorization

func (r requests) DecidedAuthorizations(_ context.Context, from, to time.Time) ([]portal.Authorization, error) {
	var out []portal.Authorization
	for _, a := range r {
		if !a.Decision.DecidedAt.Before(from) && !a.Decision.DecidedAt.After(to) {
			out = append(out, a)
		}
	}
	return out, nil
}

type appeals []portal.Case

func (a appeals) AuthorizationAppeals(context.Context) ([]portal.Case, error) { return a, nil }

type site map[string]string

func (s site) Publish(_ context.Context, key, contentType string, body []byte) error {
	s[key] = contentType + "\n" + string(body)
	return nil
}

// The report counts the last calendar year and the last twelve months
// apart, and is published as JSON and as a page with no script or style.
func TestTheFiguresArePublishedForBothPeriods(t *testing.T) {
	p := portal.KYMarketplace
	now := time.Date(2026, 12, 5, 6, 0, 0, 0, time.UTC)
	decided := func(id string, submitted time.Time, urgent bool, status portal.AuthStatus, after time.Duration) portal.Authorization {
		return portal.Authorization{ID: id, SubmittedAt: submitted, Status: status, Request: portal.AuthorizationRequest{Urgent: urgent},
			DecisionDue: p.RetroDecisionDue(submitted, urgent), Decision: &portal.AuthDecision{Status: status, DecidedAt: submitted.Add(after)}}
	}
	rs := requests{
		decided("RA-1", time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), false, portal.AuthApproved, 24*time.Hour),  // 2025 only
		decided("RA-2", time.Date(2025, 12, 20, 9, 0, 0, 0, time.UTC), true, portal.AuthDenied, 10*time.Hour),   // both
		decided("RA-3", time.Date(2026, 6, 1, 9, 0, 0, 0, time.UTC), false, portal.AuthApproved, 200*time.Hour), // last 12 months, late
	}
	out := site{}
	h := &priorauthmetrics.Handler{Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Requests: rs,
		Appeals: appeals{{AuthorizationID: "RA-2", Decision: &portal.CaseDecision{Outcome: portal.OutcomeOverturned}}},
		Site:    out, Plan: p, Now: func() time.Time { return now }}
	r, err := h.Publish(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	y, m := r.CalendarYear, r.Last12Months
	if y.From.String() != "2025-01-01" || y.To.String() != "2025-12-31" || y.Standard.Decided != 1 || y.Urgent.Decided != 1 ||
		y.Urgent.ApprovedAfterAppeal != 1 {
		t.Errorf("the calendar year: %+v", y)
	}
	if m.From.String() != "2025-12-06" || m.To.String() != "2026-12-05" || m.Standard.Decided != 1 || m.Standard.DecidedLate != 1 ||
		m.Urgent.Decided != 1 || m.Standard.AverageHours != 200 {
		t.Errorf("the last twelve months: %+v", m)
	}
	var published priorauthmetrics.Report
	ct, body, _ := strings.Cut(out[priorauthmetrics.JSONKey], "\n")
	if err := json.Unmarshal([]byte(body), &published); err != nil || ct != "application/json" || published != r {
		t.Errorf("the JSON: %q %v %+v", ct, err, published)
	}
	page := out[priorauthmetrics.PageKey]
	if !strings.HasPrefix(page, "text/html") || !strings.Contains(page, "2025-01-01 to 2025-12-31") ||
		!strings.Contains(page, "<td>1 (100%)</td>") || strings.Contains(page, "<script") || strings.Contains(page, "style=") {
		t.Errorf("the page: %s", page)
	}
}
