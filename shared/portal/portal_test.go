package portal_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/openpayer/provider-portal/shared/portal"
)

func TestParseDate(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"2024-02-29", true}, {"2023-02-29", false}, {"2024-2-29", false}, {"02/29/2024", false}, {"", false},
	} {
		_, err := portal.ParseDate(tc.in)
		if (err == nil) != tc.ok {
			t.Errorf("ParseDate(%q) error = %v, want ok=%v", tc.in, err, tc.ok)
		}
		if err != nil && tc.in != "" && strings.Contains(err.Error(), tc.in) {
			t.Errorf("ParseDate(%q) error echoes the input: %v", tc.in, err)
		}
	}
}

func TestSpanContainsEndsIncluded(t *testing.T) {
	s := portal.Span{From: portal.MustDate("2025-01-01"), To: portal.MustDate("2025-01-31")}
	for d, want := range map[string]bool{"2024-12-31": false, "2025-01-01": true, "2025-01-31": true, "2025-02-01": false} {
		if got := s.Contains(portal.MustDate(d)); got != want {
			t.Errorf("Contains(%s) = %v, want %v", d, got, want)
		}
	}
	open := portal.Span{From: portal.MustDate("2025-01-01")}
	if !open.Contains(portal.MustDate("2099-01-01")) {
		t.Error("an open-ended span must contain every later date")
	}
}

func TestMoney(t *testing.T) {
	for in, want := range map[string]portal.Money{"1760": 176000, "1760.5": 176050, "744.91": 74491, "0.07": 7, "-3.10": -310} {
		got, err := portal.ParseMoney(in)
		if err != nil || got != want {
			t.Errorf("ParseMoney(%q) = %v, %v; want %v", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "1.234", "1,000.00", "abc", ".5", "5."} {
		if _, err := portal.ParseMoney(bad); err == nil {
			t.Errorf("ParseMoney(%q) accepted", bad)
		}
	}
	b, _ := json.Marshal(portal.Money(74491))
	if string(b) != `"744.91"` {
		t.Errorf("Money JSON = %s", b)
	}
	var m portal.Money
	if err := json.Unmarshal([]byte(`744.91`), &m); err == nil {
		t.Error("a JSON number was accepted as Money; amounts are strings so no client rounds them")
	}
}

func TestMemberEligibilityAndCOB(t *testing.T) {
	m := portal.Member{
		Eligibility: []portal.Span{{From: portal.MustDate("2025-01-01"), To: portal.MustDate("2025-06-30")}},
		OtherInsurance: []portal.OtherInsurance{
			{Carrier: "X", Span: portal.Span{From: portal.MustDate("2025-03-01"), To: portal.MustDate("2025-03-31")}},
		},
	}
	if !m.EligibleOn(portal.MustDate("2025-06-30")) || m.EligibleOn(portal.MustDate("2025-07-01")) {
		t.Error("eligibility span ends wrong")
	}
	if len(m.OtherInsuranceOn(portal.MustDate("2025-03-15"))) != 1 || len(m.OtherInsuranceOn(portal.MustDate("2025-04-01"))) != 0 {
		t.Error("other insurance active on the wrong dates")
	}
}

func TestNameKeyIgnoresCaseAndPunctuation(t *testing.T) {
	dob := portal.MustDate("1980-01-02")
	if portal.NameKey("O'Neil", "Mary Ann", dob) != portal.NameKey("oneil", "MARYANN", dob) {
		t.Error("name key should not depend on case, spaces or apostrophes")
	}
	if portal.NameKey("Smith", "Ann", dob) == portal.NameKey("Smith", "Ann", portal.MustDate("1980-01-03")) {
		t.Error("name key must include the date of birth")
	}
}

func validClaim() portal.Claim {
	d := portal.MustDate("2025-03-01")
	return portal.Claim{Number: "C1", Type: portal.ClaimProfessional, MemberID: "M1",
		BillingProvider: portal.BillingProvider{TIN: "123456789", NPI: "1234567890"},
		ServiceFrom:     d, ServiceTo: d, DateReceived: d, Status: portal.ClaimPaid, Version: 1,
		Lines: []portal.ClaimLine{{LineNumber: 1, ServiceFrom: d, ServiceTo: d, ProcedureCode: "99213"}}}
}

func TestClaimValidate(t *testing.T) {
	c := validClaim()
	if err := c.Validate(); err != nil {
		t.Fatalf("valid claim refused: %v", err)
	}
	c.BillingProvider.TIN = "12-345"
	c.Status = portal.ClaimDenied
	c.ServiceTo = portal.MustDate("2025-02-01")
	c.Version = 0
	err := c.Validate()
	if portal.ErrorCode(err) != portal.CodeInvalidFeedEvent {
		t.Fatalf("code = %s", portal.ErrorCode(err))
	}
	for _, want := range []string{"tin", "denialReason", "serviceTo is before", "version"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not name %q: every problem should be reported at once", err, want)
		}
	}
}

func TestUploadOffer(t *testing.T) {
	plan := portal.KYMarketplace
	for _, tc := range []struct {
		name        string
		status      portal.ClaimStatus
		typ         portal.ClaimType
		code        string
		available   bool
		document    string
		alternative string
	}{
		{"consent form", portal.ClaimDenied, portal.ClaimProfessional, "ESC", true, "consent_form", ""},
		{"medical records", portal.ClaimDenied, portal.ClaimInstitutional, "MRR", true, "medical_records", ""},
		{"medical necessity goes to appeal", portal.ClaimDenied, portal.ClaimProfessional, "MNC", false, "", "appeal"},
		{"other denial goes to dispute", portal.ClaimDenied, portal.ClaimProfessional, "DUP", false, "", "dispute"},
		{"unknown code goes to dispute", portal.ClaimDenied, portal.ClaimProfessional, "ZZZ", false, "", "dispute"},
		{"dental by mail or fax", portal.ClaimDenied, portal.ClaimDental, "ESC", false, "", "mail_or_fax"},
		{"paid claim: Claim Attachment, or a dispute", portal.ClaimPaid, portal.ClaimProfessional, "", false, "", "dispute"},
		{"paid dental claim by mail or fax", portal.ClaimPaid, portal.ClaimDental, "", false, "", "mail_or_fax"},
		{"pending claim: Claim Attachment", portal.ClaimPending, portal.ClaimProfessional, "", false, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := validClaim()
			c.Status, c.Type, c.Denial.Code = tc.status, tc.typ, tc.code
			o := plan.UploadOfferFor(&c)
			if o.Available != tc.available || o.Document != tc.document || o.Alternative != tc.alternative {
				t.Errorf("offer = %+v", o)
			}
			if o.Available && (o.MaxBytes != 100<<20 || len(o.AllowedTypes) == 0 || o.Instructions == "") {
				t.Errorf("an available upload must say its limits and what to send: %+v", o)
			}
			if !o.Available && o.UnavailableWhy == "" {
				t.Error("an unavailable upload must say why")
			}
		})
	}
}

func TestParseClaimSearch(t *testing.T) {
	for _, tc := range []struct {
		query  string
		method portal.SearchMethod
		code   string
	}{
		{"memberId=100000001", portal.ByMemberID, ""},
		{"medicaidId=KY123", portal.ByMedicaidID, ""},
		{"lastName=Doe&firstName=Jo&dateOfBirth=1980-01-02", portal.ByMemberInfo, ""},
		{"claimNumber=C1", portal.ByClaimNumber, ""},
		{"patientAccountNumber=PA-1", portal.ByPatientAccount, ""},
		{"checkNumber=CHK-1", portal.ByCheckNumber, ""},
		{"externalReferenceNumber=E1", portal.ByExternalReference, ""},
		{"", "", portal.CodeSearchMethod},
		{"limit=5", "", portal.CodeSearchMethod},
		{"memberId=1&claimNumber=C1", "", portal.CodeOneSearchMethod},
		{"lastName=Doe&firstName=Jo", "", portal.CodeMemberInfoPartial},
		{"lastName=Doe&firstName=Jo&dateOfBirth=01/02/1980", "", portal.CodeInvalidDate},
		{"memberId=1&limit=0", "", portal.CodeInvalidLimit},
		{"memberId=1&limit=101", "", portal.CodeInvalidLimit},
		{"memberId=1%3BDROP", "", portal.CodeInvalidRequest},
		{"lastName=" + strings.Repeat("%C3%A9", 80) + "&firstName=Jo&dateOfBirth=1980-01-02", portal.ByMemberInfo, ""},
		{"lastName=" + strings.Repeat("a", 81) + "&firstName=Jo&dateOfBirth=1980-01-02", "", portal.CodeInvalidRequest},
	} {
		q, _ := url.ParseQuery(tc.query)
		s, err := portal.ParseClaimSearch(q)
		if tc.code != "" {
			if portal.ErrorCode(err) != tc.code {
				t.Errorf("%q: code %s, want %s", tc.query, portal.ErrorCode(err), tc.code)
			}
			continue
		}
		if err != nil || s.Method != tc.method || s.Limit != portal.DefaultPageSize {
			t.Errorf("%q: %+v, %v", tc.query, s, err)
		}
	}
}

func TestClaimSearchWindow(t *testing.T) {
	got := portal.KYMarketplace.ClaimSearchFrom(portal.MustDate("2026-11-24"))
	if got != portal.MustDate("2024-11-24") {
		t.Errorf("24 months before 2026-11-24 = %s", got)
	}
}

func TestDatesAreFrom1900To2099(t *testing.T) {
	for s, ok := range map[string]bool{"1900-01-01": true, "2099-12-31": true, "2026-11-25": true,
		"0001-01-01": false, "1899-12-31": false, "2100-01-01": false, "2026-13-45": false, "2026-02-30": false} {
		if _, err := portal.ParseDate(s); (err == nil) != ok {
			t.Errorf("%s: %v, want ok=%v", s, err, ok)
		}
	}
}
