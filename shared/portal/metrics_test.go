package portal_test

import (
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Figures on requests whose answers are known by hand.
func TestPriorAuthMetricsOnKnownRequests(t *testing.T) {
	p := portal.KYMarketplace
	t0 := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	req := func(id string, urgent bool, status portal.AuthStatus, after time.Duration) portal.Authorization {
		a := portal.Authorization{ID: id, SubmittedAt: t0, Status: status, Request: portal.AuthorizationRequest{Urgent: urgent},
			DecisionDue: p.RetroDecisionDue(t0, urgent)}
		if status != portal.AuthReceived {
			a.Decision = &portal.AuthDecision{Status: status, DecidedAt: t0.Add(after)}
		}
		return a
	}
	requests := []portal.Authorization{
		req("RA-A", false, portal.AuthApproved, 48*time.Hour),
		req("RA-B", false, portal.AuthDenied, 200*time.Hour), // standard: 7 days = 168 h, so late
		req("RA-C", false, portal.AuthApproved, 24*time.Hour),
		req("RA-D", true, portal.AuthApproved, 10*time.Hour),
		req("RA-E", true, portal.AuthDenied, 80*time.Hour),        // urgent: 72 h, so late; then won on appeal
		req("RA-F", false, portal.AuthReceived, 0),                // not decided: not counted
		req("RA-G", false, portal.AuthWithdrawn, time.Hour),       // withdrawn: no decision to count
		req("RA-H", false, portal.AuthApproved, 400*24*time.Hour), // decided after the period
	}
	appeals := []portal.Case{
		{AuthorizationID: "RA-E", Decision: &portal.CaseDecision{Outcome: portal.OutcomeOverturned}},
		{AuthorizationID: "RA-B", Decision: &portal.CaseDecision{Outcome: portal.OutcomeUpheld}},
	}
	m := p.ComputePriorAuthMetrics(requests, appeals, portal.MustDate("2026-01-01"), portal.MustDate("2026-12-31"), t0)
	want := portal.PriorAuthMetrics{Plan: p.Name, From: portal.MustDate("2026-01-01"), To: portal.MustDate("2026-12-31"), GeneratedAt: t0,
		Standard: portal.PriorAuthFigure{Decided: 3, Approved: 2, ApprovedPercent: 66.7, Denied: 1, DeniedPercent: 33.3,
			DecidedLate: 1, DecidedLatePercent: 33.3, AverageHours: 90.7, MedianHours: 48},
		Urgent: portal.PriorAuthFigure{Decided: 2, Approved: 1, ApprovedPercent: 50, Denied: 1, DeniedPercent: 50, ApprovedAfterAppeal: 1,
			ApprovedAfterAppealPercent: 100, DecidedLate: 1, DecidedLatePercent: 50, AverageHours: 45, MedianHours: 45},
	}
	if m != want {
		t.Errorf("got  %+v\nwant %+v", m, want)
	}
}
