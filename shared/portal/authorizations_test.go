package portal_test

import (
	"strings"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

var (
	dos   = portal.MustDate("2026-10-15")
	today = portal.MustDate("2026-11-25")
	plan  = portal.KYMarketplace
)

func member(other ...portal.OtherInsurance) *portal.Member {
	return &portal.Member{ID: "M1", FirstName: "Avery", LastName: "Quinn", DateOfBirth: portal.MustDate("1980-02-03"),
		Eligibility: []portal.Span{{From: portal.MustDate("2026-01-01"), To: portal.MustDate("2026-12-31")}}, OtherInsurance: other}
}

func other(from, to string) portal.OtherInsurance {
	s := portal.Span{From: portal.MustDate(from)}
	if to != "" {
		s.To = portal.MustDate(to)
	}
	return portal.OtherInsurance{Carrier: "Other Health", PolicyNumber: "P-1", Span: s}
}

// Spans include their first and last day: other insurance starting on the
// date, or ending on it, is active on it; ending the day before, it is not.
func TestCOBOnTheDateOfService(t *testing.T) {
	for name, tc := range map[string]struct {
		m    *portal.Member
		want portal.COBState
		code string
	}{
		"no other insurance":          {member(), portal.COBNone, ""},
		"starts on the date":          {member(other("2026-10-15", "")), portal.COBActive, portal.CodeNoPriorAuthRequired},
		"ends on the date":            {member(other("2025-01-01", "2026-10-15")), portal.COBActive, portal.CodeNoPriorAuthRequired},
		"ends the day before":         {member(other("2025-01-01", "2026-10-14")), portal.COBOnFileNotActive, ""},
		"starts the day after":        {member(other("2026-10-16", "")), portal.COBOnFileNotActive, ""},
		"one active among several":    {member(other("2025-01-01", "2025-06-30"), other("2026-09-01", "")), portal.COBActive, portal.CodeNoPriorAuthRequired},
		"active now, not on the date": {member(other("2026-11-01", "")), portal.COBOnFileNotActive, ""},
	} {
		c := portal.CoverageOn(tc.m, nil, dos)
		if c.COB != tc.want || !c.Eligible {
			t.Errorf("%s: %s eligible=%v, want %s", name, c.COB, c.Eligible, tc.want)
		}
		if got := code(plan.CheckRetro(c, today)); got != tc.code {
			t.Errorf("%s: CheckRetro %q, want %q", name, got, tc.code)
		}
		if len(c.OtherInsurance) != len(tc.m.OtherInsurance) {
			t.Errorf("%s: shows %d other insurances, want %d", name, len(c.OtherInsurance), len(tc.m.OtherInsurance))
		}
	}
}

// Other insurance a provider reported counts as any other does, shown as
// reported.
func TestReportedOtherInsurance(t *testing.T) {
	covers := portal.ReportedCOB{Carrier: "Told Us Health", PolicyNumber: "T-9", From: portal.MustDate("2026-10-01"), To: portal.MustDate("2026-10-15")}
	c := portal.CoverageOn(member(), []portal.ReportedCOB{covers}, dos)
	if c.COB != portal.COBActive || len(c.OtherInsurance) != 1 || c.OtherInsurance[0].Source != "reported" || !c.OtherInsurance[0].ActiveOnDate {
		t.Errorf("coverage %+v", c)
	}
	if code(plan.CheckRetro(c, today)) != portal.CodeNoPriorAuthRequired {
		t.Errorf("a reported active insurance must answer NO_PRIOR_AUTH_REQUIRED")
	}
	before := covers
	before.To = portal.MustDate("2026-10-14")
	if c := portal.CoverageOn(member(), []portal.ReportedCOB{before}, dos); c.COB != portal.COBOnFileNotActive {
		t.Errorf("reported, ended the day before: %s", c.COB)
	}
}

func TestRetroWindowAndEligibility(t *testing.T) {
	window := plan.Retro.WindowDays
	for name, tc := range map[string]struct {
		dos  portal.Date
		m    *portal.Member
		code string
	}{
		"today":                         {today, member(), ""},
		"tomorrow":                      {today.AddDate(0, 0, 1), member(), portal.CodeServiceInFuture},
		"the window's first day":        {today.AddDate(0, 0, -window), member(), ""},
		"the day before the window":     {today.AddDate(0, 0, -window-1), member(), portal.CodeOutsideRetroWindow},
		"not eligible on the date":      {portal.MustDate("2025-12-31"), member(), portal.CodeOutsideRetroWindow},
		"not eligible, inside window":   {dos, &portal.Member{ID: "M2", Eligibility: []portal.Span{{From: portal.MustDate("2026-10-16")}}}, portal.CodeMemberNotEligible},
		"eligibility ends on the date":  {dos, &portal.Member{ID: "M3", Eligibility: []portal.Span{{From: portal.MustDate("2026-01-01"), To: dos}}}, ""},
		"not eligible and other active": {dos, &portal.Member{ID: "M4", OtherInsurance: []portal.OtherInsurance{other("2026-01-01", "")}}, portal.CodeMemberNotEligible},
	} {
		// Today's member is eligible all year 2026; a date in 2025 is out of
		// the window first.
		if got := code(plan.CheckRetro(portal.CoverageOn(tc.m, nil, tc.dos), today)); got != tc.code {
			t.Errorf("%s: %q, want %q", name, got, tc.code)
		}
	}
}

func TestDecisionDue(t *testing.T) {
	received := time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	if got := plan.RetroDecisionDue(received, false); !got.Equal(received.AddDate(0, 0, 7)) {
		t.Errorf("standard: %v", got)
	}
	if got := plan.RetroDecisionDue(received, true); !got.Equal(received.Add(72 * time.Hour)) {
		t.Errorf("urgent: %v", got)
	}
}

func TestAuthorizationIDsReadOverThePhone(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := portal.NewAuthorizationID()
		if len(id) != 12 || !strings.HasPrefix(id, "RA-") || id[7] != '-' || strings.ContainsAny(id, "ILOU") || seen[id] {
			t.Fatalf("id %q (or seen twice)", id)
		}
		seen[id] = true
	}
}

func TestCodeFormats(t *testing.T) {
	for npi, ok := range map[string]bool{"1234567893": true, "1234567890": false, "123456789": false, "12345678931": false, "12345A7893": false, "1245319599": true} {
		if portal.ValidNPI(npi) != ok {
			t.Errorf("NPI %s: want %v", npi, ok)
		}
	}
	for code, ok := range map[string]bool{"E11.9": true, "S72.001A": true, "I10": true, "U07.1": true, "e11.9": false, "E1": false, "E11.12345": false, "11.9": false} {
		if portal.ValidICD10CM(code) != ok {
			t.Errorf("ICD-10-CM %s: want %v", code, ok)
		}
	}
	for code, ok := range map[string]bool{"70553": true, "0001F": true, "0042T": true, "0001U": true, "J1100": true, "E0114": true, "7055": false, "W1234": false, "705531": false} {
		if portal.ValidProcedureCode(code) != ok {
			t.Errorf("procedure %s: want %v", code, ok)
		}
	}
	for m, ok := range map[string]bool{"25": true, "LT": true, "5": false, "lt": false, "RTX": false} {
		if portal.ValidModifier(m) != ok {
			t.Errorf("modifier %s: want %v", m, ok)
		}
	}
}

// Clinical indications are asked "if prompted": by type and service codes,
// each question once; most outpatient services ask none.
func TestClinicalQuestions(t *testing.T) {
	qs, docs := plan.ClinicalQuestions(portal.AuthOutpatient, []string{"99213"})
	if len(qs) != 0 || docs {
		t.Errorf("an office visit asks %v docs=%v, want nothing", qs, docs)
	}
	qs, docs = plan.ClinicalQuestions(portal.AuthOutpatient, []string{"70553", "70551"})
	if len(qs) != 3 || docs {
		t.Errorf("a brain MRI asks %v docs=%v, want 3 questions once each", qs, docs)
	}
	qs, docs = plan.ClinicalQuestions(portal.AuthOutpatient, []string{"70553", "97110"})
	if len(qs) != 5 || !docs {
		t.Errorf("MRI and therapy ask %d questions docs=%v, want 5 and documents", len(qs), docs)
	}
	qs, docs = plan.ClinicalQuestions(portal.AuthInpatient, nil)
	if len(qs) != 2 || !docs {
		t.Errorf("inpatient asks %v docs=%v", qs, docs)
	}
	mri, _ := plan.ClinicalQuestions(portal.AuthOutpatient, []string{"70553"})
	good := map[string]string{"conservativeTreatmentWeeks": "6", "redFlagSymptoms": "no"}
	if err := portal.CheckAnswers(mri, good); err != nil {
		t.Errorf("good answers refused: %v", err)
	}
	err := portal.CheckAnswers(mri, map[string]string{"conservativeTreatmentWeeks": "six", "priorImagingDate": "2026-13-01", "colour": "blue"})
	var pe *portal.Error
	if !asError(err, &pe) || pe.Code != portal.CodeAnswersMissing {
		t.Fatalf("bad answers: %v", err)
	}
	for field, want := range map[string]string{"answers.redFlagSymptoms": portal.SayAnswerThis, "answers.conservativeTreatmentWeeks": portal.SayNumber,
		"answers.priorImagingDate": portal.SayDate, "answers.colour": portal.SayUnlistedQuestion} {
		if !strings.Contains(pe.Fields[field], want) {
			t.Errorf("%s: %q, want it to say %q", field, pe.Fields[field], want)
		}
	}
	inpatient, _ := plan.ClinicalQuestions(portal.AuthInpatient, nil)
	if err := portal.CheckAnswers(inpatient, map[string]string{"admissionSource": "walked_in", "levelOfCare": "acute"}); err == nil ||
		err.(*portal.Error).Fields["answers.admissionSource"] != "Choose an answer from the list." {
		t.Errorf("a choice outside the list: %v", err)
	}
}

func asError(err error, pe **portal.Error) bool {
	e, ok := err.(*portal.Error)
	*pe = e
	return ok
}

// code is the error's code, "" for none.
func code(err error) string {
	if err == nil {
		return ""
	}
	return portal.ErrorCode(err)
}

func decision(id string, s portal.AuthStatus, at time.Time) portal.AuthDecision {
	return portal.AuthDecision{DecisionID: id, AuthorizationID: "RA-0000-0000", Status: s, DecidedAt: at}
}

// A decision applies once: a redelivery, a late one and any after a final
// one change nothing.
func TestDecisionsApplyOnceAndInOrder(t *testing.T) {
	t0 := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	a := &portal.Authorization{Status: portal.AuthReceived}
	now := t0.Add(24 * time.Hour) // when the decisions are read: after all of them
	applies := func(d portal.AuthDecision) bool {
		t.Helper()
		ok, err := a.Decide(d, now)
		if err != nil {
			t.Fatalf("%s: %v", d.DecisionID, err)
		}
		return ok
	}
	if !applies(decision("d1", portal.AuthMoreInfo, t0)) || a.Status != portal.AuthMoreInfo {
		t.Fatalf("first decision: %s", a.Status)
	}
	if applies(decision("d1", portal.AuthMoreInfo, t0)) {
		t.Errorf("a redelivered decision applied twice")
	}
	if applies(decision("d0", portal.AuthDenied, t0.Add(-time.Hour))) || a.Status != portal.AuthMoreInfo {
		t.Errorf("an older decision applied over a newer one")
	}
	if !applies(decision("d2", portal.AuthApproved, t0.Add(time.Hour))) || a.Status != portal.AuthApproved {
		t.Errorf("approval: %s", a.Status)
	}
	if applies(decision("d3", portal.AuthDenied, t0.Add(2*time.Hour))) || a.Status != portal.AuthApproved {
		t.Errorf("a decision after a final one applied")
	}
	if len(a.DecisionIDs) != 2 {
		t.Errorf("decisions recorded: %v", a.DecisionIDs)
	}
}

func TestDecisionEventsAreStrict(t *testing.T) {
	good := `{"decisionId":"D-1","authorizationId":"RA-7K3M-9QPX","status":"approved","decidedAt":"2026-11-20T09:00:00Z",
		"authorizationNumber":"AUTH-123","approvedFrom":"2026-10-15","approvedTo":"2026-10-20","approvedUnits":5}`
	if d, err := portal.ParseAuthDecision([]byte(good)); err != nil || d.ApprovedUnits != 5 {
		t.Fatalf("%v %+v", err, d)
	}
	for name, body := range map[string]string{
		"not JSON":          `{`,
		"unknown field":     `{"decisionId":"D-1","authorizationId":"RA-7K3M-9QPX","status":"withdrawn","decidedAt":"2026-11-20T09:00:00Z","patientName":"Jane Roe"}`,
		"field in capitals": `{"decisionId":"D-1","authorizationId":"RA-7K3M-9QPX","STATUS":"withdrawn","decidedAt":"2026-11-20T09:00:00Z"}`,
		"field twice":       `{"decisionId":"D-1","authorizationId":"RA-7K3M-9QPX","status":"withdrawn","status":"approved","decidedAt":"2026-11-20T09:00:00Z"}`,
		"approval no units": strings.Replace(good, `"approvedUnits":5`, `"approvedUnits":0`, 1),
		"denial no reason":  `{"decisionId":"D-1","authorizationId":"RA-7K3M-9QPX","status":"denied","decidedAt":"2026-11-20T09:00:00Z"}`,
		"unknown status":    `{"decisionId":"D-1","authorizationId":"RA-7K3M-9QPX","status":"pended","decidedAt":"2026-11-20T09:00:00Z"}`,
		"bad request ID":    `{"decisionId":"D-1","authorizationId":"42","status":"withdrawn","decidedAt":"2026-11-20T09:00:00Z"}`,
		"no time":           `{"decisionId":"D-1","authorizationId":"RA-7K3M-9QPX","status":"withdrawn"}`,
	} {
		_, err := portal.ParseAuthDecision([]byte(body))
		if portal.ErrorCode(err) != portal.CodeInvalidDecision || strings.Contains(err.Error(), "Jane") {
			t.Errorf("%s: %v", name, err)
		}
	}
}

// A decision dated in the future would outrank every real one after it,
// and one dated before the request was submitted cannot be about it: both
// are refused, naming the field, and change nothing; a good one still
// applies after them.
func TestDecisionsOutOfTimeAreRefused(t *testing.T) {
	submitted := time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	now := submitted.Add(48 * time.Hour)
	a := &portal.Authorization{Status: portal.AuthReceived, SubmittedAt: submitted}
	for name, at := range map[string]time.Time{
		"far future":               time.Date(2999, 1, 1, 0, 0, 0, 0, time.UTC),
		"past the skew":            now.Add(portal.DecisionClockSkew + time.Second),
		"before submit, past skew": submitted.Add(-portal.DecisionClockSkew - time.Second),
	} {
		ok, err := a.Decide(decision("bad-"+name, portal.AuthMoreInfo, at), now)
		if ok || portal.ErrorCode(err) != portal.CodeInvalidDecision || !strings.Contains(err.Error(), "decidedAt") {
			t.Errorf("%s: applied %v, %v", name, ok, err)
		}
	}
	if a.Status != portal.AuthReceived || len(a.DecisionIDs) != 0 {
		t.Fatalf("a refused decision changed the request: %s %v", a.Status, a.DecisionIDs)
	}
	for name, at := range map[string]time.Time{"within the skew ahead": now.Add(time.Minute), "within the skew before submit": submitted.Add(-time.Minute)} {
		b := &portal.Authorization{Status: portal.AuthReceived, SubmittedAt: submitted}
		if ok, err := b.Decide(decision(name, portal.AuthApproved, at), now); !ok || err != nil {
			t.Errorf("%s: %v %v", name, ok, err)
		}
	}
	if ok, err := a.Decide(decision("good", portal.AuthApproved, now), now); !ok || err != nil || a.Status != portal.AuthApproved {
		t.Errorf("a good decision after refused ones: %v %v %s", ok, err, a.Status)
	}
}

func TestDecisionEventsRefuseTrailingData(t *testing.T) {
	good := `{"decisionId":"D-1","authorizationId":"RA-7K3M-9QPX","status":"withdrawn","decidedAt":"2026-11-20T09:00:00Z"}`
	for _, tail := range []string{" }}GARBAGE{{", "}", `{"decisionId":"D-2"}`, " x"} {
		if _, err := portal.ParseAuthDecision([]byte(good + tail)); portal.ErrorCode(err) != portal.CodeInvalidDecision {
			t.Errorf("%q after the decision: %v", tail, err)
		}
		if _, err := portal.ParseCaseDecision([]byte(`{"decisionId":"D-1","caseId":"DP-7K3M-9QPX","outcome":"upheld","decidedAt":"2026-11-20T09:00:00Z"}` + tail)); portal.ErrorCode(err) != portal.CodeInvalidOutcome {
			t.Errorf("%q after the case decision: %v", tail, err)
		}
	}
}
