package portal_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

func adjudicated(status portal.ClaimStatus, typ portal.ClaimType, denial string, processed portal.Date) *portal.Claim {
	return &portal.Claim{Number: "C1", Type: typ, Status: status, Denial: portal.DenialReason{Code: denial},
		ServiceFrom: processed.AddDate(0, 0, -20), ServiceTo: processed.AddDate(0, 0, -20), ProcessedDate: processed}
}

// A dispute is filed within 24 months of the denial or payment, the last
// day included; 24 months and a day is too late.
func TestDisputeWindowEdges(t *testing.T) {
	today := portal.MustDate("2026-11-25")
	onTheDay := today.AddDate(0, -24, 0) // the deadline is today
	for name, tc := range map[string]struct {
		c    *portal.Claim
		code string
	}{
		"paid, 24 months ago to the day":          {adjudicated(portal.ClaimPaid, portal.ClaimProfessional, "", onTheDay), ""},
		"paid, 24 months and a day ago":           {adjudicated(portal.ClaimPaid, portal.ClaimProfessional, "", onTheDay.AddDate(0, 0, -1)), portal.CodeDisputeWindowClosed},
		"denied, 24 months ago to the day":        {adjudicated(portal.ClaimDenied, portal.ClaimProfessional, "AUT", onTheDay), ""},
		"denied, 24 months and a day ago":         {adjudicated(portal.ClaimDenied, portal.ClaimProfessional, "AUT", onTheDay.AddDate(0, 0, -1)), portal.CodeDisputeWindowClosed},
		"dental":                                  {adjudicated(portal.ClaimPaid, portal.ClaimDental, "", today), portal.CodeDentalByMailOrFax},
		"pending":                                 {adjudicated(portal.ClaimPending, portal.ClaimProfessional, "", portal.Date{}), portal.CodeClaimNotAdjudicated},
		"medical necessity":                       {adjudicated(portal.ClaimDenied, portal.ClaimProfessional, "MNC", today), portal.CodeUseAppeal},
		"missing consent":                         {adjudicated(portal.ClaimDenied, portal.ClaimProfessional, "ESC", today), portal.CodeUploadRecordsOnClaim},
		"hospital claim missing records":          {adjudicated(portal.ClaimDenied, portal.ClaimInstitutional, "MRR", today), portal.CodeUploadRecordsOnClaim},
		"professional claim missing records":      {adjudicated(portal.ClaimDenied, portal.ClaimProfessional, "MRR", today), ""},
		"dental, out of window too: dental first": {adjudicated(portal.ClaimPaid, portal.ClaimDental, "", onTheDay.AddDate(-1, 0, 0)), portal.CodeDentalByMailOrFax},
	} {
		if got := code(plan.CheckDispute(tc.c, "payment_amount", today)); got != tc.code {
			t.Errorf("%s: %q, want %q", name, got, tc.code)
		}
	}
	if got := code(plan.CheckDispute(adjudicated(portal.ClaimPaid, portal.ClaimProfessional, "", today), portal.IssueOverpayment, today)); got != portal.CodeUseClaimRecovery {
		t.Errorf("overpayment: %q", got)
	}
	err := plan.CheckDispute(adjudicated(portal.ClaimPaid, portal.ClaimProfessional, "", onTheDay.AddDate(0, 0, -1)), "", today)
	if !strings.Contains(err.Error(), "payment") || !strings.Contains(err.Error(), today.AddDate(0, 0, -1).Display()) {
		t.Errorf("the refusal says which date and the last day: %v", err)
	}
}

// A claim appeal within 90 days of the denial (day 90 in, day 91 out); a
// clinical appeal within 180 days of the latest of service, denial and
// discharge (day 180 in, 181 out, counted from each).
func TestAppealWindowEdges(t *testing.T) {
	today := portal.MustDate("2026-11-25")
	denied := func(code string, processed portal.Date) *portal.Claim {
		return adjudicated(portal.ClaimDenied, portal.ClaimProfessional, code, processed)
	}
	for name, tc := range map[string]struct {
		kind portal.CaseKind
		c    *portal.Claim
		want string
	}{
		"claim appeal on day 90":   {portal.CaseClaimAppeal, denied("AUT", today.AddDate(0, 0, -90)), ""},
		"claim appeal on day 91":   {portal.CaseClaimAppeal, denied("AUT", today.AddDate(0, 0, -91)), portal.CodeAppealWindowClosed},
		"claim appeal of paid":     {portal.CaseClaimAppeal, adjudicated(portal.ClaimPaid, portal.ClaimProfessional, "", today), portal.CodeAppealNeedsDenial},
		"claim appeal of MNC":      {portal.CaseClaimAppeal, denied("MNC", today), portal.CodeUseClinicalAppeal},
		"clinical appeal not MNC":  {portal.CaseClinicalAppeal, denied("AUT", today), portal.CodeUseClaimAppeal},
		"dental":                   {portal.CaseClaimAppeal, adjudicated(portal.ClaimDenied, portal.ClaimDental, "AUT", today), portal.CodeDentalByMailOrFax},
		"clinical, denial day 180": {portal.CaseClinicalAppeal, denied("MNC", today.AddDate(0, 0, -180)), ""},
		"clinical, denial day 181": {portal.CaseClinicalAppeal, denied("MNC", today.AddDate(0, 0, -181)), portal.CodeAppealWindowClosed},
		// The guide: a missing consent form, or a hospital claim's missing
		// records, is uploaded on the claim "instead of submitting an
		// appeal", whichever kind is chosen.
		"claim appeal, consent":           {portal.CaseClaimAppeal, denied("ESC", today), portal.CodeUploadRecordsOnClaim},
		"clinical appeal, consent":        {portal.CaseClinicalAppeal, denied("ESC", today), portal.CodeUploadRecordsOnClaim},
		"claim appeal, hospital records":  {portal.CaseClaimAppeal, adjudicated(portal.ClaimDenied, portal.ClaimInstitutional, "MRR", today), portal.CodeUploadRecordsOnClaim},
		"claim appeal, physician records": {portal.CaseClaimAppeal, denied("MRR", today), ""},
	} {
		if got := code(plan.CheckAppeal(tc.kind, tc.c, today)); got != tc.want {
			t.Errorf("%s: %q, want %q", name, got, tc.want)
		}
	}
	// Counted from the latest of the three dates: a discharge (the stay's
	// last day) after the denial moves the window; so does a service date.
	for name, c := range map[string]*portal.Claim{
		"from the discharge": {Type: portal.ClaimInstitutional, Status: portal.ClaimDenied, Denial: portal.DenialReason{Code: "MNC"},
			ServiceFrom: today.AddDate(0, 0, -400), ServiceTo: today.AddDate(0, 0, -180), ProcessedDate: today.AddDate(0, 0, -300)},
		"from the date of service": {Type: portal.ClaimProfessional, Status: portal.ClaimDenied, Denial: portal.DenialReason{Code: "MNC"},
			ServiceFrom: today.AddDate(0, 0, -180), ServiceTo: today.AddDate(0, 0, -180), ProcessedDate: today.AddDate(0, 0, -200)},
	} {
		if err := plan.CheckAppeal(portal.CaseClinicalAppeal, c, today); err != nil {
			t.Errorf("%s, day 180: %v", name, err)
		}
		if err := plan.CheckAppeal(portal.CaseClinicalAppeal, c, today.AddDate(0, 0, 1)); code(err) != portal.CodeAppealWindowClosed {
			t.Errorf("%s, day 181: %v", name, err)
		}
	}
}

func TestCaseLifecycle(t *testing.T) {
	t0 := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	c := &portal.Case{ID: portal.NewCaseID(portal.CaseClaimAppeal), Kind: portal.CaseClaimAppeal, Status: portal.CaseDraft}
	if !strings.HasPrefix(c.ID, "AP-") || !strings.HasPrefix(portal.NewCaseID(portal.CaseDispute), "DP-") {
		t.Errorf("IDs %s", c.ID)
	}
	d := func(id string, o portal.CaseOutcome, at time.Time) portal.CaseDecision {
		return portal.CaseDecision{DecisionID: id, CaseID: c.ID, Outcome: o, DecidedAt: at}
	}
	now := t0.Add(24 * time.Hour) // when the messages are read: after all of them
	applies := func(d portal.CaseDecision) bool {
		t.Helper()
		ok, err := c.Decide(d, now)
		if err != nil {
			t.Fatalf("%s: %v", d.DecisionID, err)
		}
		return ok
	}
	if applies(d("d0", portal.OutcomeUpheld, t0)) {
		t.Errorf("a draft was decided")
	}
	if err := c.Submit(t0); err != nil || c.Status != portal.CaseReceived || !c.Status.Open() {
		t.Fatalf("submit: %v %s", err, c.Status)
	}
	if err := c.Submit(t0); code(err) != portal.CodeCaseNotDraft {
		t.Errorf("submitted twice: %v", err)
	}
	if !applies(d("d1", portal.OutcomeReturnedIncomplete, t0.Add(time.Hour))) || c.Status != portal.CaseIncomplete {
		t.Fatalf("returned: %s", c.Status)
	}
	if err := c.Submit(t0.Add(2 * time.Hour)); err != nil || c.Status != portal.CaseReceived {
		t.Errorf("resubmitted with what was missing: %v %s", err, c.Status)
	}
	// The decision comes before the plan's acknowledgement: the late
	// acknowledgement changes nothing.
	if !applies(d("d3", portal.OutcomePartlyOverturned, t0.Add(4*time.Hour))) || c.Status != portal.CaseDecided {
		t.Fatalf("decision: %s", c.Status)
	}
	if applies(d("d2", portal.OutcomeAcknowledged, t0.Add(3*time.Hour))) || applies(d("d3", portal.OutcomeOverturned, t0.Add(5*time.Hour))) ||
		applies(d("d4", portal.OutcomeOverturned, t0.Add(5*time.Hour))) {
		t.Errorf("a late or repeated message changed a decided case")
	}
	if err := c.Withdraw(t0); code(err) != portal.CodeCaseClosed || c.Decision.Outcome != portal.OutcomePartlyOverturned {
		t.Errorf("withdraw after the decision: %v", err)
	}
	if len(c.History) != 4 {
		t.Errorf("history %+v", c.History)
	}
	open := &portal.Case{Status: portal.CaseInReview}
	if err := open.Withdraw(t0); err != nil || open.Status != portal.CaseWithdrawn || open.Status.Open() {
		t.Errorf("withdraw an open case: %v %s", err, open.Status)
	}
}

// A clinical appeal of a denied retro authorization: 180 days from the
// latest of the start date, the discharge and the denial.
func TestAuthorizationAppealWindow(t *testing.T) {
	p := portal.KYMarketplace
	start := portal.MustDate("2026-01-05")
	denied := time.Date(2026, 1, 20, 10, 0, 0, 0, time.UTC)
	for name, tc := range map[string]struct {
		discharge portal.Date
		from      portal.Date
	}{
		"from the denial":    {portal.Date{}, portal.DateOf(denied)},
		"from the discharge": {portal.MustDate("2026-02-01"), portal.MustDate("2026-02-01")},
	} {
		a := &portal.Authorization{Status: portal.AuthDenied, Decision: &portal.AuthDecision{DecidedAt: denied},
			Request: portal.AuthorizationRequest{StartDate: start}}
		if !tc.discharge.IsZero() {
			a.Request.Admission = &portal.Admission{Type: "urgent", DischargeDate: tc.discharge}
		}
		if got := portal.AuthorizationAppealFrom(a); got != tc.from {
			t.Errorf("%s: counted from %s, want %s", name, got, tc.from)
		}
		if err := p.CheckAuthorizationAppeal(a, tc.from.AddDate(0, 0, 180)); err != nil {
			t.Errorf("%s: day 180 refused: %v", name, err)
		}
		if err := p.CheckAuthorizationAppeal(a, tc.from.AddDate(0, 0, 181)); portal.ErrorCode(err) != portal.CodeAppealWindowClosed {
			t.Errorf("%s: day 181: %v", name, err)
		}
	}
	approved := &portal.Authorization{Status: portal.AuthApproved, Request: portal.AuthorizationRequest{StartDate: start}}
	if err := p.CheckAuthorizationAppeal(approved, start); portal.ErrorCode(err) != portal.CodeAppealNeedsDenial {
		t.Errorf("an approved request: %v", err)
	}
}

// A case ID says its family, in one place: each kind's new IDs belong to
// the family that holds the kind, and nothing else is a case ID.
func TestFamiliesAreFoundFromAnID(t *testing.T) {
	for _, k := range []portal.CaseKind{portal.CaseDispute, portal.CaseClaimAppeal, portal.CaseClinicalAppeal} {
		f := portal.FamilyOf(portal.NewCaseID(k))
		if f == nil || !f.Holds(k) || f != portal.FamilyOfKind(k) {
			t.Errorf("%s: family %+v", k, f)
		}
	}
	if portal.FamilyOf(portal.NewCaseID(portal.CaseDispute)) != portal.Disputes || portal.Disputes.Holds(portal.CaseClaimAppeal) || portal.Appeals.Holds(portal.CaseDispute) {
		t.Error("disputes and appeals are mixed up")
	}
	for _, id := range []string{"", "DP-", "RA-7K3M-9QPX", "DP-7K3M-9QP", "dp-7k3m-9qpx", "AP-7K3M_9QPX"} {
		if f := portal.FamilyOf(id); f != nil || portal.ValidCaseID(id) {
			t.Errorf("%q is taken for a case ID of %+v", id, f)
		}
	}
}

// The claim's page offers a dispute or an appeal only when a submission
// would be taken, by the same checks, with the last day; otherwise it says
// why and where to go, as the refusal would: a dental claim names the
// plan's address and fax.
func TestCaseOffersAreTheSubmissionsChecks(t *testing.T) {
	plan := portal.KYMarketplace
	today := portal.DateOf(time.Now())
	offers := func(c *portal.Claim) map[portal.CaseKind]portal.CaseOffer {
		m := map[portal.CaseKind]portal.CaseOffer{}
		for _, o := range plan.CaseOffersFor(c, today) {
			m[o.Kind] = o
		}
		return m
	}
	denied := adjudicated(portal.ClaimDenied, portal.ClaimProfessional, "DUP", today.AddDate(0, 0, -10))
	o := offers(denied)
	if !o[portal.CaseDispute].Available || !o[portal.CaseClaimAppeal].Available || o[portal.CaseClinicalAppeal].Available {
		t.Errorf("a denied claim: %+v", o)
	}
	if last := o[portal.CaseClaimAppeal].LastDay; last == nil || *last != today.AddDate(0, 0, 80) {
		t.Errorf("the claim appeal's last day: %v, want %v", last, today.AddDate(0, 0, 80))
	}
	if c := o[portal.CaseClinicalAppeal]; c.Code != portal.CodeUseClaimAppeal || c.UnavailableWhy == "" {
		t.Errorf("a clinical appeal of an administrative denial: %+v", c)
	}
	old := adjudicated(portal.ClaimDenied, portal.ClaimProfessional, "DUP", today.AddDate(0, 0, -91))
	if c := offers(old)[portal.CaseClaimAppeal]; c.Available || c.Code != portal.CodeAppealWindowClosed ||
		!strings.Contains(c.UnavailableWhy, today.AddDate(0, 0, -1).Display()) {
		t.Errorf("an appeal on day 91: %+v", c)
	}
	dental := adjudicated(portal.ClaimPaid, portal.ClaimDental, "", today)
	for kind, c := range offers(dental) {
		if c.Available || c.Code != portal.CodeDentalByMailOrFax || !strings.Contains(c.UnavailableWhy, plan.Cases.DentalMail) ||
			!strings.Contains(c.UnavailableWhy, plan.Cases.DentalFax) {
			t.Errorf("dental %s: %+v", kind, c)
		}
	}
	for _, c := range plan.CaseOffersFor(denied, today) {
		err := error(nil)
		if c.Kind == portal.CaseDispute {
			err = plan.CheckDispute(denied, "", today)
		} else {
			err = plan.CheckAppeal(c.Kind, denied, today)
		}
		if (err == nil) != c.Available || code(err) != c.Code {
			t.Errorf("%s: offer %+v, submission %v", c.Kind, c, err)
		}
	}
}
