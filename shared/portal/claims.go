package portal

import (
	"fmt"
	"strings"
)

// ClaimStatus is where a claim stands in adjudication.
type ClaimStatus string

const (
	ClaimPaid    ClaimStatus = "paid"
	ClaimDenied  ClaimStatus = "denied"
	ClaimPending ClaimStatus = "pending"
)

// ClaimType tells professional, institutional and dental claims apart; the
// plan routes dental disputes and appeals to mail or fax.
type ClaimType string

const (
	ClaimProfessional  ClaimType = "professional"
	ClaimInstitutional ClaimType = "institutional"
	ClaimDental        ClaimType = "dental"
)

// ProviderID identifies a provider organisation: its billing TIN. Every claim
// belongs to exactly one, and a provider sees only its own.
type ProviderID string

// Patient is who the claim was for, as the claim carries it.
type Patient struct {
	FirstName   string `json:"firstName"`
	LastName    string `json:"lastName"`
	DateOfBirth Date   `json:"dateOfBirth"`
}

// BillingProvider is the provider that billed the claim.
type BillingProvider struct {
	TIN  string `json:"tin"`
	NPI  string `json:"npi"`
	Name string `json:"name,omitempty"`
}

// DenialReason is the core system's reason code and text for a denial.
type DenialReason struct {
	Code string `json:"code"`
	Text string `json:"text"`
}

// ClaimLine is one billed service.
type ClaimLine struct {
	LineNumber    int          `json:"lineNumber"`
	ServiceFrom   Date         `json:"serviceFrom"`
	ServiceTo     Date         `json:"serviceTo"`
	ProcedureCode string       `json:"procedureCode"`
	Modifiers     []string     `json:"modifiers,omitempty"`
	Units         int          `json:"units"`
	Charged       Money        `json:"charged"`
	Paid          Money        `json:"paid"`
	Status        ClaimStatus  `json:"status"`
	Denial        DenialReason `json:"denialReason,omitzero"`
}

// Claim is a claim as the core claims system last sent it.
type Claim struct {
	Number                  string          `json:"claimNumber"`
	Type                    ClaimType       `json:"claimType"`
	MemberID                string          `json:"memberId"`
	Patient                 Patient         `json:"patient"`
	PlanID                  string          `json:"planId"`
	BillingProvider         BillingProvider `json:"billingProvider"`
	PatientAccountNumber    string          `json:"patientAccountNumber,omitempty"`
	CheckNumber             string          `json:"checkNumber,omitempty"`
	ExternalReferenceNumber string          `json:"externalReferenceNumber,omitempty"`
	ServiceFrom             Date            `json:"serviceFrom"`
	ServiceTo               Date            `json:"serviceTo"`
	DateReceived            Date            `json:"dateReceived"`
	ProcessedDate           Date            `json:"processedDate,omitzero"`
	Status                  ClaimStatus     `json:"status"`
	Denial                  DenialReason    `json:"denialReason,omitzero"`
	TotalCharged            Money           `json:"totalCharged"`
	TotalPaid               Money           `json:"totalPaid"`
	PatientResponsibility   Money           `json:"patientResponsibility"`
	AdjustedFrom            string          `json:"adjustedFromClaimNumber,omitempty"`
	AdjustedTo              string          `json:"adjustedToClaimNumber,omitempty"`
	OriginalClaimNumber     string          `json:"originalClaimNumber,omitempty"`
	Lines                   []ClaimLine     `json:"lines"`
	// Version orders updates from the core system: a higher one wins.
	Version int64 `json:"version"`
}

// Provider returns the provider the claim belongs to.
func (c *Claim) Provider() ProviderID { return ProviderID(c.BillingProvider.TIN) }

// Validate reports everything missing or inconsistent in a claim record, so
// that the feed's operators can fix the event in one go.
func (c *Claim) Validate() error {
	var p []string
	add := func(format string, args ...any) { p = append(p, fmt.Sprintf(format, args...)) }
	if !validID(c.Number) {
		add("claimNumber is required (letters, digits and dashes)")
	}
	switch c.Type {
	case ClaimProfessional, ClaimInstitutional, ClaimDental:
	default:
		add("claimType must be professional, institutional or dental")
	}
	if !validID(c.MemberID) {
		add("memberId is required")
	}
	if !isDigits(c.BillingProvider.TIN, 9) {
		add("billingProvider.tin must be 9 digits")
	}
	if !isDigits(c.BillingProvider.NPI, 10) {
		add("billingProvider.npi must be 10 digits")
	}
	for name, v := range map[string]string{
		"patientAccountNumber": c.PatientAccountNumber, "checkNumber": c.CheckNumber,
		"externalReferenceNumber": c.ExternalReferenceNumber, "adjustedFromClaimNumber": c.AdjustedFrom,
		"adjustedToClaimNumber": c.AdjustedTo, "originalClaimNumber": c.OriginalClaimNumber,
	} {
		if v != "" && !validID(v) {
			add("%s may hold only letters, digits and dashes", name)
		}
	}
	if c.ServiceFrom.IsZero() || c.ServiceTo.IsZero() {
		add("serviceFrom and serviceTo are required")
	} else if c.ServiceTo.Before(c.ServiceFrom) {
		add("serviceTo is before serviceFrom")
	}
	if c.DateReceived.IsZero() {
		add("dateReceived is required")
	}
	switch c.Status {
	case ClaimPaid, ClaimPending:
	case ClaimDenied:
		if c.Denial.Code == "" {
			add("a denied claim needs denialReason.code")
		}
	default:
		add("status must be paid, denied or pending")
	}
	if c.TotalCharged < 0 || c.TotalPaid < 0 || c.PatientResponsibility < 0 {
		add("amounts cannot be negative")
	}
	if c.Version <= 0 {
		add("version must be a positive number")
	}
	if len(c.Lines) == 0 {
		add("a claim needs at least one line")
	}
	for i, l := range c.Lines {
		if l.ServiceFrom.IsZero() || l.ServiceTo.IsZero() || l.ServiceTo.Before(l.ServiceFrom) {
			add("lines[%d]: serviceFrom and serviceTo are required, in order", i)
		}
		if strings.TrimSpace(l.ProcedureCode) == "" {
			add("lines[%d]: procedureCode is required", i)
		}
		if l.Charged < 0 || l.Paid < 0 {
			add("lines[%d]: amounts cannot be negative", i)
		}
	}
	if len(p) > 0 {
		return Errorf(KindInvalid, CodeInvalidFeedEvent, "claim record: %s", strings.Join(p, "; "))
	}
	return nil
}

func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}
