// Package sampledata is a synthetic data set for the local stack and the
// tests: two providers, their members and claims, dated relative to today so
// that windows such as "the last 24 months" stay meaningful. No real person
// is in it.
package sampledata

import (
	"encoding/json"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// The two sample providers. Provider B's claims share member, patient
// account, check and reference numbers with provider A's, so that every
// search path is shown to keep them apart.
var (
	ProviderA = portal.BillingProvider{TIN: "111111111", NPI: "1111111111", Name: "Bluegrass Family Medicine"}
	ProviderB = portal.BillingProvider{TIN: "222222222", NPI: "2222222222", Name: "Lexington General Hospital"}
	// ProviderC's claims sit on the edges of the dispute and appeal
	// windows; its sample cases are in every status (see Cases).
	ProviderC = portal.BillingProvider{TIN: "333333333", NPI: "3333333333", Name: "Edge Case Clinic"}
)

// Set is the data set.
type Set struct {
	Members []portal.Member
	Claims  []portal.Claim
}

// Events returns the set as claims feed messages: members first.
func (s Set) Events() [][]byte {
	var out [][]byte
	for i := range s.Members {
		b, _ := json.Marshal(portal.FeedEvent{Type: "member", Member: &s.Members[i]})
		out = append(out, b)
	}
	for i := range s.Claims {
		b, _ := json.Marshal(portal.FeedEvent{Type: "claim", Claim: &s.Claims[i]})
		out = append(out, b)
	}
	return out
}

// Member IDs of the set, for tests and the README's examples.
const (
	MemberAvery   = "100000001" // eligible, no other insurance; claims with A and B
	MemberBlake   = "100000002" // other insurance active around the dates of service
	MemberCasey   = "100000003" // other insurance on file now, not active on the dates of service
	MemberDrew    = "100000004" // dental claim
	MedicaidAvery = "KY12345678900"
	// Members for retro authorizations on RetroDate: other insurance that
	// starts on it, that ended the day before, that ends on it; and a member
	// not eligible on it.
	MemberEmery  = "100000005"
	MemberFinley = "100000006"
	MemberGray   = "100000007"
	MemberHarper = "100000008"
)

// RetroDate is the sample start date of service for retro authorizations:
// 30 days before today.
func RetroDate(today portal.Date) portal.Date { return today.AddDate(0, 0, -30) }

// New builds the set with dates relative to today.
func New(today portal.Date) Set {
	d := func(months, days int) portal.Date { return today.AddDate(0, -months, -days) }
	open := portal.Span{From: today.AddDate(-3, 0, 0)}
	retro := RetroDate(today)
	members := []portal.Member{
		{ID: MemberAvery, MedicaidID: MedicaidAvery, FirstName: "Avery", LastName: "Sample-Quinn",
			DateOfBirth: portal.MustDate("1984-03-07"), PlanID: portal.KYMarketplace.ID, Eligibility: []portal.Span{open}, Version: 1},
		{ID: MemberBlake, MedicaidID: "KY22345678900", FirstName: "Blake", LastName: "Testwood",
			DateOfBirth: portal.MustDate("1991-11-21"), PlanID: portal.KYMarketplace.ID, Eligibility: []portal.Span{open},
			OtherInsurance: []portal.OtherInsurance{{Carrier: "Example Employer Health", PolicyNumber: "EEH-5521",
				Span: portal.Span{From: d(6, 0), To: d(0, 30)}}}, Version: 1},
		{ID: MemberCasey, FirstName: "Casey", LastName: "Fakeley", DateOfBirth: portal.MustDate("1977-06-02"),
			PlanID: portal.KYMarketplace.ID, Eligibility: []portal.Span{open},
			OtherInsurance: []portal.OtherInsurance{{Carrier: "Sample Mutual", Span: portal.Span{From: d(0, 20)}}}, Version: 1},
		{ID: MemberDrew, FirstName: "Drew", LastName: "Placeholder", DateOfBirth: portal.MustDate("2001-01-15"),
			PlanID: portal.KYMarketplace.ID, Eligibility: []portal.Span{{From: d(30, 0), To: d(0, 10)}}, Version: 1},
		{ID: MemberEmery, FirstName: "Emery", LastName: "Example", DateOfBirth: portal.MustDate("1969-04-12"),
			PlanID: portal.KYMarketplace.ID, Eligibility: []portal.Span{open},
			OtherInsurance: []portal.OtherInsurance{{Carrier: "Starts-On Health", PolicyNumber: "SOH-1", Span: portal.Span{From: retro}}}, Version: 1},
		{ID: MemberFinley, FirstName: "Finley", LastName: "Example", DateOfBirth: portal.MustDate("1988-08-30"),
			PlanID: portal.KYMarketplace.ID, Eligibility: []portal.Span{open},
			OtherInsurance: []portal.OtherInsurance{{Carrier: "Ended-Before Health", PolicyNumber: "EBH-2",
				Span: portal.Span{From: today.AddDate(-1, 0, 0), To: retro.AddDate(0, 0, -1)}}}, Version: 1},
		{ID: MemberGray, FirstName: "Gray", LastName: "Example", DateOfBirth: portal.MustDate("1993-12-01"),
			PlanID: portal.KYMarketplace.ID, Eligibility: []portal.Span{open},
			OtherInsurance: []portal.OtherInsurance{{Carrier: "Ends-On Health", PolicyNumber: "EOH-3",
				Span: portal.Span{From: today.AddDate(-1, 0, 0), To: retro}}}, Version: 1},
		{ID: MemberHarper, FirstName: "Harper", LastName: "Example", DateOfBirth: portal.MustDate("2000-02-29"),
			PlanID: portal.KYMarketplace.ID, Eligibility: []portal.Span{{From: retro.AddDate(0, 0, 1)}}, Version: 1},
	}
	avery := portal.Patient{FirstName: "Avery", LastName: "Sample-Quinn", DateOfBirth: portal.MustDate("1984-03-07")}
	blake := portal.Patient{FirstName: "Blake", LastName: "Testwood", DateOfBirth: portal.MustDate("1991-11-21")}
	casey := portal.Patient{FirstName: "Casey", LastName: "Fakeley", DateOfBirth: portal.MustDate("1977-06-02")}
	drew := portal.Patient{FirstName: "Drew", LastName: "Placeholder", DateOfBirth: portal.MustDate("2001-01-15")}

	claim := func(number string, bp portal.BillingProvider, member string, p portal.Patient, typ portal.ClaimType,
		serviceMonthsAgo int, status portal.ClaimStatus, denial portal.DenialReason, charged, paid portal.Money) portal.Claim {
		// Service half a month before the given month, received a week
		// later, processed two weeks after that.
		from := d(serviceMonthsAgo, 15)
		received := from.AddDate(0, 0, 7)
		c := portal.Claim{Number: number, Type: typ, MemberID: member, Patient: p, PlanID: portal.KYMarketplace.ID,
			BillingProvider: bp, ServiceFrom: from, ServiceTo: from, DateReceived: received,
			ProcessedDate: received.AddDate(0, 0, 14), Status: status, Denial: denial,
			TotalCharged: charged, TotalPaid: paid, Version: 1,
			Lines: []portal.ClaimLine{{LineNumber: 1, ServiceFrom: from, ServiceTo: from, ProcedureCode: "99214",
				Units: 1, Charged: charged, Paid: paid, Status: status, Denial: denial}}}
		if status == portal.ClaimPending {
			c.ProcessedDate = portal.Date{}
		}
		return c
	}
	consent := portal.DenialReason{Code: "ESC", Text: "Disallow; consent form required"}
	records := portal.DenialReason{Code: "MRR", Text: "Medical records required to process the claim"}
	necessity := portal.DenialReason{Code: "MNC", Text: "Not medically necessary as billed"}
	duplicate := portal.DenialReason{Code: "DUP", Text: "Duplicate of a claim already processed"}

	var claims []portal.Claim
	add := func(c portal.Claim, pan, check, ext string) {
		c.PatientAccountNumber, c.CheckNumber, c.ExternalReferenceNumber = pan, check, ext
		claims = append(claims, c)
	}
	// Provider A.
	add(claim("C10000000001", ProviderA, MemberAvery, avery, portal.ClaimProfessional, 2, portal.ClaimPaid, portal.DenialReason{}, 176000, 74491), "PA-1001", "CHK-5001", "EXT-9001")
	add(claim("C10000000002", ProviderA, MemberAvery, avery, portal.ClaimProfessional, 1, portal.ClaimDenied, consent, 45000, 0), "PA-1002", "", "EXT-9002")
	add(claim("C10000000003", ProviderA, MemberBlake, blake, portal.ClaimInstitutional, 3, portal.ClaimDenied, records, 1250000, 0), "PA-1003", "", "")
	add(claim("C10000000004", ProviderA, MemberCasey, casey, portal.ClaimProfessional, 2, portal.ClaimDenied, necessity, 98000, 0), "PA-1004", "", "")
	add(claim("C10000000005", ProviderA, MemberDrew, drew, portal.ClaimDental, 4, portal.ClaimDenied, duplicate, 32000, 0), "PA-1005", "", "")
	add(claim("C10000000006", ProviderA, MemberAvery, avery, portal.ClaimProfessional, 0, portal.ClaimPending, portal.DenialReason{}, 21000, 0), "PA-1006", "", "")
	add(claim("C10000000007", ProviderA, MemberAvery, avery, portal.ClaimProfessional, 27, portal.ClaimPaid, portal.DenialReason{}, 15000, 12000), "PA-1001", "CHK-5001", "EXT-9001")
	// C10000000001 is the corrected claim of C10000000007: the guides' Adjusted
	// From / To Claim # and Original Claim #.
	claims[0].AdjustedFrom, claims[0].OriginalClaimNumber = "C10000000007", "C10000000007"
	claims[6].AdjustedTo = "C10000000001"
	// Provider B: same member and the same reference numbers as A's first claim.
	add(claim("C20000000001", ProviderB, MemberAvery, avery, portal.ClaimInstitutional, 2, portal.ClaimPaid, portal.DenialReason{}, 830000, 612050), "PA-1001", "CHK-5001", "EXT-9001")
	add(claim("C20000000002", ProviderB, MemberCasey, casey, portal.ClaimInstitutional, 5, portal.ClaimDenied, records, 2400000, 0), "PB-2002", "", "")
	// Provider C: each claim processed on a window's last day or the day
	// after (see EdgeClaims).
	for _, e := range EdgeClaims(today) {
		c := claim(e.Number, ProviderC, MemberAvery, avery, portal.ClaimProfessional, 0, e.Status, portal.DenialReason{}, 50000, 0)
		switch e.Denial {
		case "DUP":
			c.Denial = duplicate
		case "MNC":
			c.Denial = necessity
		}
		c.ProcessedDate = e.Processed
		c.DateReceived = e.Processed.AddDate(0, 0, -14)
		c.ServiceFrom, c.ServiceTo = e.Processed.AddDate(0, 0, -21), e.Processed.AddDate(0, 0, -21)
		if e.Status == portal.ClaimPaid {
			c.TotalPaid = 41000
		}
		c.Lines[0].ServiceFrom, c.Lines[0].ServiceTo, c.Lines[0].Status, c.Lines[0].Denial, c.Lines[0].Paid =
			c.ServiceFrom, c.ServiceTo, c.Status, c.Denial, c.TotalPaid
		add(c, "PC-"+e.Number[7:], "", "")
	}
	return Set{Members: members, Claims: claims}
}

// SampleAuthorization is a retro authorization request of provider A's
// (the body of POST /authorizations) and the decision it then gets, so that
// the sample data holds a request in every status.
type SampleAuthorization struct {
	Body     map[string]any
	Decision portal.AuthStatus // "" leaves it received
}

// Authorizations are the sample requests: one left received, and one for
// each decision.
func Authorizations(today portal.Date) []SampleAuthorization {
	retro := RetroDate(today).String()
	req := func(member, code string) map[string]any {
		return map[string]any{"memberId": member, "type": "outpatient", "startDate": retro, "cobVerified": true,
			"requestingNpi": "1234567893", "servicingNpi": "1245319599", "placeOfService": "11", "diagnoses": []string{"M54.50"},
			"services": []map[string]any{{"code": code, "units": 1}}, "contactEmail": "auth@clinic.example"}
	}
	return []SampleAuthorization{
		{Body: req(MemberAvery, "99204")},
		{Body: req(MemberAvery, "20610"), Decision: portal.AuthApproved},
		{Body: req(MemberFinley, "29881"), Decision: portal.AuthMoreInfo},
		{Body: req(MemberAvery, "64483"), Decision: portal.AuthWithdrawn},
		{Body: req(MemberAvery, "J1100"), Decision: portal.AuthDenied},
	}
}

// Decision is the decision event utilization management sends for a
// sample request, as the README shows an operator posting one.
func Decision(authorizationID string, status portal.AuthStatus, startDate portal.Date, at time.Time) []byte {
	d := map[string]any{"decisionId": "D-" + authorizationID[3:7] + authorizationID[8:], "authorizationId": authorizationID,
		"status": status, "decidedAt": at.UTC().Format(time.RFC3339)}
	switch status {
	case portal.AuthApproved:
		d["authorizationNumber"], d["approvedFrom"], d["approvedTo"], d["approvedUnits"] = "AUTH-"+authorizationID[3:7], startDate.String(), startDate.String(), 1
	case portal.AuthDenied:
		d["reasonCode"], d["reasonText"] = "NMN", "Not medically necessary: conservative treatment was not tried first."
	case portal.AuthMoreInfo:
		d["informationWanted"] = "The operative report and the physical therapy notes of the last six weeks."
	}
	b, _ := json.Marshal(d) // strings and numbers: always marshal
	return b
}

// EdgeClaim is one of provider C's claims, processed on the last day a
// dispute or appeal may be filed today (Open) or the day after it closed.
type EdgeClaim struct {
	Number    string
	Status    portal.ClaimStatus
	Denial    string // DUP (a denial a claim appeal or dispute fits), MNC (medical necessity)
	Processed portal.Date
	Rule      string // what it shows
	Open      bool   // the window is open today (its last day)
}

// EdgeClaims are provider C's claims on the windows' edges. A claim's
// service and discharge dates come before its denial, so a clinical
// appeal's window counts from the denial here; the unit tests cover a
// window counted from each of the three dates.
func EdgeClaims(today portal.Date) []EdgeClaim {
	months24 := today.AddDate(0, -24, 0)
	return []EdgeClaim{
		{"C30000000001", portal.ClaimDenied, "DUP", months24, "dispute of a denial, 24 months after it", true},
		{"C30000000002", portal.ClaimDenied, "DUP", months24.AddDate(0, 0, -1), "dispute of a denial, 24 months and a day after it", false},
		{"C30000000003", portal.ClaimPaid, "", months24, "dispute of a payment, 24 months after it", true},
		{"C30000000004", portal.ClaimPaid, "", months24.AddDate(0, 0, -1), "dispute of a payment, 24 months and a day after it", false},
		{"C30000000005", portal.ClaimDenied, "DUP", today.AddDate(0, 0, -90), "claim appeal on day 90", true},
		{"C30000000006", portal.ClaimDenied, "DUP", today.AddDate(0, 0, -91), "claim appeal on day 91", false},
		{"C30000000007", portal.ClaimDenied, "MNC", today.AddDate(0, 0, -180), "clinical appeal on day 180", true},
		{"C30000000008", portal.ClaimDenied, "MNC", today.AddDate(0, 0, -181), "clinical appeal on day 181", false},
		{"C30000000009", portal.ClaimDenied, "DUP", today.AddDate(0, 0, -30), "cases in every status", true},
		{"C30000000010", portal.ClaimDenied, "MNC", today.AddDate(0, 0, -30), "cases in every status", true},
	}
}

// SampleCase is one of provider C's sample disputes and appeals: the
// request that creates it, what follows, and the status it ends in.
type SampleCase struct {
	Path     string         // /disputes or /appeals
	Body     map[string]any // the form
	Withdraw bool
	Outcome  portal.CaseOutcome // the appeals system's message, if any
	Status   portal.CaseStatus
}

// Cases are provider C's sample cases: one in every status, each with its
// letters.
func Cases() []SampleCase {
	dispute := func(claim string) map[string]any {
		return map[string]any{"claimNumber": claim, "disputeType": "payment_amount", "issueCategory": "claim_dispute_medical",
			"contactName": "Robin Edge", "notes": "Paid below the contracted rate for 99214."}
	}
	appeal := func(claim, kind string) map[string]any {
		return map[string]any{"claimNumber": claim, "appealType": kind, "notes": "The records show the visit was needed.",
			"reasons": map[string]any{"new_information": map[string]any{"answer": "yes", "explanation": "Office notes attached."},
				"policy_misapplied": map[string]any{"answer": "no"}}}
	}
	draft := appeal("C30000000005", "claim_appeal")
	draft["draft"] = true
	return []SampleCase{
		{Path: "/appeals", Body: draft, Status: portal.CaseDraft},
		{Path: "/disputes", Body: dispute("C30000000001"), Status: portal.CaseReceived},
		{Path: "/disputes", Body: dispute("C30000000003"), Outcome: portal.OutcomeAcknowledged, Status: portal.CaseInReview},
		{Path: "/disputes", Body: dispute("C30000000009"), Withdraw: true, Status: portal.CaseWithdrawn},
		{Path: "/appeals", Body: appeal("C30000000009", "claim_appeal"), Outcome: portal.OutcomeReturnedIncomplete, Status: portal.CaseIncomplete},
		{Path: "/appeals", Body: appeal("C30000000010", "clinical_appeal"), Outcome: portal.OutcomePartlyOverturned, Status: portal.CaseDecided},
	}
}

// CaseDecision is the appeals system's message on a case, as the README
// shows an operator posting one.
func CaseDecision(caseID string, outcome portal.CaseOutcome, at time.Time) []byte {
	d := map[string]any{"decisionId": "CD-" + caseID[3:7] + caseID[8:] + "-" + string(outcome[:2]), "caseId": caseID, "outcome": outcome,
		"decidedAt": at.UTC().Format(time.RFC3339)}
	switch outcome {
	case portal.OutcomePartlyOverturned:
		d["amount"], d["reason"] = "120.00", "The visit was needed; the second unit was not."
	case portal.OutcomeUpheld:
		d["reason"] = "The records do not show the service was needed as billed."
	case portal.OutcomeOverturned:
		d["reason"] = "The records show the service was needed."
	case portal.OutcomeReturnedIncomplete:
		d["missing"] = "The office notes for the date of service."
	}
	b, _ := json.Marshal(d) // strings only: always marshals
	return b
}
