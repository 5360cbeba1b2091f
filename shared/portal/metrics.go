package portal

import (
	"math"
	"slices"
	"time"
)

// PriorAuthMetrics are the figures CMS-0057-F has payers publish each year
// about prior authorization, for the plan's retro authorization requests
// decided in the period: how many were approved and denied, how many
// denials were approved after appeal, how many were decided after their
// time limit, and how long a decision took, standard and urgent apart.
type PriorAuthMetrics struct {
	Plan        string          `json:"plan"`
	From        Date            `json:"from"`
	To          Date            `json:"to"`
	GeneratedAt time.Time       `json:"generatedAt"`
	Standard    PriorAuthFigure `json:"standard"`
	Urgent      PriorAuthFigure `json:"urgent"`
}

// PriorAuthFigure is one kind of request's figures. Percentages are of
// the requests decided (approved after appeal: of those denied), to one
// decimal; times in hours, to one decimal.
type PriorAuthFigure struct {
	Decided                    int     `json:"decided"`
	Approved                   int     `json:"approved"`
	ApprovedPercent            float64 `json:"approvedPercent"`
	Denied                     int     `json:"denied"`
	DeniedPercent              float64 `json:"deniedPercent"`
	ApprovedAfterAppeal        int     `json:"approvedAfterAppeal"`
	ApprovedAfterAppealPercent float64 `json:"approvedAfterAppealPercent"`
	DecidedLate                int     `json:"decidedAfterTimeLimit"`
	DecidedLatePercent         float64 `json:"decidedAfterTimeLimitPercent"`
	AverageHours               float64 `json:"averageHoursToDecide"`
	MedianHours                float64 `json:"medianHoursToDecide"`
}

// ComputePriorAuthMetrics computes the figures of the requests whose
// decision (approved or denied; a withdrawn request has none) fell in
// [from, to], both included. A denial is approved after appeal when an
// appeal of the request was overturned, in whole or in part.
func (p Plan) ComputePriorAuthMetrics(requests []Authorization, appeals []Case, from, to Date, now time.Time) PriorAuthMetrics {
	won := map[string]bool{}
	for _, c := range appeals {
		if c.AuthorizationID != "" && c.Decision != nil &&
			(c.Decision.Outcome == OutcomeOverturned || c.Decision.Outcome == OutcomePartlyOverturned) {
			won[c.AuthorizationID] = true
		}
	}
	m := PriorAuthMetrics{Plan: p.Name, From: from, To: to, GeneratedAt: now.UTC()}
	hours := map[bool][]float64{}
	for i := range requests {
		a := &requests[i]
		d := a.Decision
		if d == nil || (a.Status != AuthApproved && a.Status != AuthDenied) {
			continue
		}
		if on := DateOf(d.DecidedAt); on.Before(from) || on.After(to) {
			continue
		}
		f := &m.Standard
		if a.Request.Urgent {
			f = &m.Urgent
		}
		f.Decided++
		if a.Status == AuthApproved {
			f.Approved++
		} else {
			f.Denied++
			if won[a.ID] {
				f.ApprovedAfterAppeal++
			}
		}
		if d.DecidedAt.After(a.DecisionDue) {
			f.DecidedLate++
		}
		hours[a.Request.Urgent] = append(hours[a.Request.Urgent], d.DecidedAt.Sub(a.SubmittedAt).Hours())
	}
	for urgent, f := range map[bool]*PriorAuthFigure{false: &m.Standard, true: &m.Urgent} {
		f.ApprovedPercent, f.DeniedPercent = percent(f.Approved, f.Decided), percent(f.Denied, f.Decided)
		f.ApprovedAfterAppealPercent = percent(f.ApprovedAfterAppeal, f.Denied)
		f.DecidedLatePercent = percent(f.DecidedLate, f.Decided)
		h := hours[urgent]
		if len(h) == 0 {
			continue
		}
		slices.Sort(h)
		sum := 0.0
		for _, x := range h {
			sum += x
		}
		f.AverageHours = tenth(sum / float64(len(h)))
		if n := len(h); n%2 == 1 {
			f.MedianHours = tenth(h[n/2])
		} else {
			f.MedianHours = tenth((h[n/2-1] + h[n/2]) / 2)
		}
	}
	return m
}

func percent(n, of int) float64 {
	if of == 0 {
		return 0
	}
	return tenth(100 * float64(n) / float64(of))
}

func tenth(x float64) float64 { return math.Round(x*10) / 10 }
