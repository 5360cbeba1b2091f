// Package priorauthmetrics is the prior-auth-metrics function: once a day
// it publishes, on the portal's host, the figures CMS-0057-F has payers
// publish about prior authorization, from the requests and appeals the
// portal holds: for the last calendar year and for the last twelve months,
// standard and urgent apart, as JSON and as a page. No PHI: counts and
// times only.
package priorauthmetrics

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"log/slog"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Where the report is published on the portal's host.
const (
	JSONKey = "metrics/prior-authorization.json"
	PageKey = "metrics/prior-authorization.html"
)

// Requests lists every provider's requests decided in a period.
type Requests interface {
	DecidedAuthorizations(ctx context.Context, from, to time.Time) ([]portal.Authorization, error)
}

// Appeals lists the decided appeals of requests.
type Appeals interface {
	AuthorizationAppeals(ctx context.Context) ([]portal.Case, error)
}

// Site publishes a file on the portal's host.
type Site interface {
	Publish(ctx context.Context, key, contentType string, body []byte) error
}

// Handler is the prior-auth-metrics function.
type Handler struct {
	Log      *slog.Logger
	Requests Requests
	Appeals  Appeals
	Site     Site
	Plan     portal.Plan
	Now      func() time.Time
}

// Report is what is published.
type Report struct {
	Plan string `json:"plan"`
	// CalendarYear is the last full calendar year: the figures CMS-0057-F
	// has payers post by March 31 of the year after.
	CalendarYear portal.PriorAuthMetrics `json:"calendarYear"`
	// Last12Months ends today, when the report was made.
	Last12Months portal.PriorAuthMetrics `json:"last12Months"`
}

// Handle publishes the report (the daily schedule's event).
func (h *Handler) Handle(ctx context.Context, _ events.EventBridgeEvent) error {
	_, err := h.Publish(ctx)
	return err
}

// Publish computes the report and publishes it as JSON and as a page.
func (h *Handler) Publish(ctx context.Context) (Report, error) {
	now := h.Now().UTC()
	today := portal.DateOf(now)
	yearFrom := portal.MustDate(fmt.Sprintf("%d-01-01", now.Year()-1))
	yearTo := portal.MustDate(fmt.Sprintf("%d-12-31", now.Year()-1))
	rollingFrom, rollingTo := today.AddDate(-1, 0, 1), today
	from, to := yearFrom, rollingTo
	if rollingFrom.Before(from) {
		from = rollingFrom
	}
	requests, err := h.Requests.DecidedAuthorizations(ctx, from.Time(), to.Time().Add(24*time.Hour))
	if err != nil {
		return Report{}, err
	}
	appeals, err := h.Appeals.AuthorizationAppeals(ctx)
	if err != nil {
		return Report{}, err
	}
	r := Report{Plan: h.Plan.Name,
		CalendarYear: h.Plan.ComputePriorAuthMetrics(requests, appeals, yearFrom, yearTo, now),
		Last12Months: h.Plan.ComputePriorAuthMetrics(requests, appeals, rollingFrom, rollingTo, now)}
	body, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return Report{}, err
	}
	var page bytes.Buffer
	data := pageData{Plan: r.Plan, Updated: now.Format("January 2, 2006 15:04 UTC"), Periods: []period{
		{fmt.Sprintf("%s to %s", r.CalendarYear.From, r.CalendarYear.To), r.CalendarYear},
		{fmt.Sprintf("%s to %s (the last twelve months)", r.Last12Months.From, r.Last12Months.To), r.Last12Months}}}
	render(&page, data)
	if err := h.Site.Publish(ctx, JSONKey, "application/json", body); err != nil {
		return Report{}, err
	}
	if err := h.Site.Publish(ctx, PageKey, "text/html; charset=utf-8", page.Bytes()); err != nil {
		return Report{}, err
	}
	h.Log.InfoContext(ctx, "prior authorization metrics published", "decidedLastYear", r.CalendarYear.Standard.Decided+r.CalendarYear.Urgent.Decided,
		"decidedLast12Months", r.Last12Months.Standard.Decided+r.Last12Months.Urgent.Decided)
	return r, nil
}

type period struct {
	Title string
	M     portal.PriorAuthMetrics
}

type pageData struct {
	Plan, Updated string
	Periods       []period
}

// render writes the page: plain HTML, no script or inline style (the
// portal's CSP allows neither), readable without the portal's app. Built
// with strings, not html/template, whose reflection would keep every
// method of every type in the bootstrap (16.5 MB instead of about 9).
func render(w *bytes.Buffer, d pageData) {
	e := html.EscapeString
	fmt.Fprintf(w, `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Prior authorization metrics: %s</title></head>
<body>
<main>
<h1>Prior authorization metrics</h1>
<p>%s publishes these figures about its prior authorization decisions (retro authorization requests), as the CMS Interoperability and Prior Authorization Final Rule (CMS-0057-F) asks. Percentages are of the requests decided; approved after appeal is of those denied. The same figures are at <a href="prior-authorization.json">prior-authorization.json</a>.</p>
`, e(d.Plan), e(d.Plan))
	for _, p := range d.Periods {
		s, u := p.M.Standard, p.M.Urgent
		fmt.Fprintf(w, "<h2>%s</h2>\n<table>\n<thead><tr><th scope=\"col\">Requests</th><th scope=\"col\">Standard</th><th scope=\"col\">Urgent</th></tr></thead>\n<tbody>\n", e(p.Title))
		row := func(label, standard, urgent string) {
			fmt.Fprintf(w, "<tr><th scope=\"row\">%s</th><td>%s</td><td>%s</td></tr>\n", e(label), e(standard), e(urgent))
		}
		share := func(n int, pct float64) string { return fmt.Sprintf("%d (%v%%)", n, pct) }
		row("Decided", fmt.Sprint(s.Decided), fmt.Sprint(u.Decided))
		row("Approved", share(s.Approved, s.ApprovedPercent), share(u.Approved, u.ApprovedPercent))
		row("Denied", share(s.Denied, s.DeniedPercent), share(u.Denied, u.DeniedPercent))
		row("Approved after appeal", share(s.ApprovedAfterAppeal, s.ApprovedAfterAppealPercent), share(u.ApprovedAfterAppeal, u.ApprovedAfterAppealPercent))
		row("Decided after the time limit", share(s.DecidedLate, s.DecidedLatePercent), share(u.DecidedLate, u.DecidedLatePercent))
		row("Average time to decide", fmt.Sprintf("%v hours", s.AverageHours), fmt.Sprintf("%v hours", u.AverageHours))
		row("Median time to decide", fmt.Sprintf("%v hours", s.MedianHours), fmt.Sprintf("%v hours", u.MedianHours))
		w.WriteString("</tbody>\n</table>\n")
	}
	fmt.Fprintf(w, "<p>Updated %s.</p>\n</main>\n</body>\n</html>\n", e(d.Updated))
}
