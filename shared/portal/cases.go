package portal

import (
	"errors"
	"fmt"
	"strings"
)

// Disputes and appeals (the guide's "File a claim dispute" and "File a
// claim appeal"): which path a claim may take, and until when, as plan
// data. A refusal names the right path in a sentence.

// CaseKind tells disputes and the two kinds of appeal apart.
type CaseKind string

const (
	CaseDispute        CaseKind = "dispute"
	CaseClaimAppeal    CaseKind = "claim_appeal"
	CaseClinicalAppeal CaseKind = "clinical_appeal"
)

// CaseRules are a plan's windows for disputes and appeals.
type CaseRules struct {
	// DisputeMonths: a dispute is filed within this many months of the
	// claim's processed date (its date of denial or of payment), the last
	// day included.
	DisputeMonths int
	// ClaimAppealDays: a claim appeal, within this many days of the denial
	// date, the last day included.
	ClaimAppealDays int
	// ClinicalAppealDays: a clinical appeal, within this many calendar days
	// of the latest of the date of service, the denial and the discharge.
	ClinicalAppealDays int
	// DecisionDays is how many days after receipt the plan commits to
	// decide a case of each kind: the acknowledgement letter names the day.
	DecisionDays map[CaseKind]int
	// DentalMail and DentalFax are where dental disputes and appeals go:
	// the portal does not take them, and says where instead.
	DentalMail, DentalFax string
	// ClaimRecovery says how an overpayment is returned to the plan: with a
	// claim recovery request, not a dispute.
	ClaimRecovery string
}

const (
	// IssueOverpayment is the issue category the guide sends to a claim
	// recovery request instead.
	IssueOverpayment = "overpayment"
	// documentUploadPathForClaims is where a claim's Document Upload is.
	documentUploadPathForClaims = "/claims/%s/document-submissions"
)

func refused(code, detail string, args ...any) *Error {
	return &Error{Kind: KindRefused, Code: code, Detail: fmt.Sprintf(detail, args...)}
}

// DisputeDeadline is the last day a dispute of c may be filed: DisputeMonths
// after its processed date (denial or payment).
func (p Plan) DisputeDeadline(c *Claim) Date {
	return c.ProcessedDate.AddDate(0, p.Cases.DisputeMonths, 0)
}

// CheckDispute decides whether c may be disputed today, for an issue of
// that category, or which path to take instead.
func (p Plan) CheckDispute(c *Claim, issue string, today Date) error {
	rule := p.DenialRuleFor(c.Denial.Code)
	switch {
	case c.Type == ClaimDental:
		return refused(CodeDentalByMailOrFax, "Dental claims cannot be disputed through the portal: %s", p.dentalPaper("dispute"))
	case c.Status == ClaimPending || c.ProcessedDate.IsZero():
		return refused(CodeClaimNotAdjudicated, "This claim is still being processed: a dispute can be filed once it is paid or denied.")
	case issue == IssueOverpayment:
		return refused(CodeUseClaimRecovery, "An overpayment is returned with a claim recovery request, not a dispute. %s", p.Cases.ClaimRecovery)
	case c.Status == ClaimDenied && rule.Category == DenialMedicalNecessity:
		return refused(CodeUseAppeal, "This claim was denied on medical necessity: file a clinical appeal instead of a dispute.")
	case uploadInstead(c, rule) != nil:
		return uploadInstead(c, rule)
	case today.After(p.DisputeDeadline(c)):
		return refused(CodeDisputeWindowClosed, "A dispute is filed within %d months of the claim's date of %s (%s); the last day was %s.",
			p.Cases.DisputeMonths, denialOrPayment(c), c.ProcessedDate.Display(), p.DisputeDeadline(c).Display())
	}
	return nil
}

// uploadInstead is the guide's redirect of a denial for a missing consent
// form, or for missing medical records on a hospital claim: the document is
// uploaded on the claim's Document Upload tab "instead of submitting an
// appeal", and instead of a dispute. One sentence for both paths, so that a
// claim's page says it once. Nil for any other claim.
func uploadInstead(c *Claim, rule DenialRule) *Error {
	if c.Status != ClaimDenied || !(rule.Category == DenialMissingConsent || (rule.Category == DenialMissingRecords && c.Type == ClaimInstitutional)) {
		return nil
	}
	return &Error{Kind: KindRefused, Code: CodeUploadRecordsOnClaim,
		Detail:             "This claim was denied for a missing " + missingWhat(rule) + ": upload it on the claim's Document Upload tab instead of disputing or appealing.",
		Fields:             map[string]string{"claimNumber": "Upload the " + missingWhat(rule) + " on this claim's Document Upload tab instead."},
		DocumentUploadPath: fmt.Sprintf(documentUploadPathForClaims, c.Number)}
}

func missingWhat(r DenialRule) string {
	if r.Category == DenialMissingConsent {
		return "consent form"
	}
	return "medical records"
}

func denialOrPayment(c *Claim) string {
	if c.Status == ClaimDenied {
		return "denial"
	}
	return "payment"
}

// ClinicalAppealFrom is the date a clinical appeal's window counts from: the
// latest of the date of service, the denial and the discharge (the last
// date of service of a stay), which is the most generous reading of the
// guide's "within 180 calendar days of the date of service, denial or
// discharge".
func ClinicalAppealFrom(c *Claim) Date {
	latest := c.ServiceFrom
	for _, d := range []Date{c.ServiceTo, c.ProcessedDate} {
		if d.After(latest) {
			latest = d
		}
	}
	return latest
}

// AppealDeadline is the last day an appeal of kind may be filed on c.
func (p Plan) AppealDeadline(kind CaseKind, c *Claim) Date {
	if kind == CaseClinicalAppeal {
		return ClinicalAppealFrom(c).AddDate(0, 0, p.Cases.ClinicalAppealDays)
	}
	return c.ProcessedDate.AddDate(0, 0, p.Cases.ClaimAppealDays)
}

// CheckAppeal decides whether c may be appealed today as kind, or which path
// to take instead.
func (p Plan) CheckAppeal(kind CaseKind, c *Claim, today Date) error {
	rule := p.DenialRuleFor(c.Denial.Code)
	switch {
	case c.Type == ClaimDental:
		return refused(CodeDentalByMailOrFax, "Dental appeals are not accepted through the portal: %s", p.dentalPaper("appeal"))
	case c.Status != ClaimDenied:
		return refused(CodeAppealNeedsDenial, "Only a denial can be appealed: this claim is %s. If you believe a payment is wrong, file a dispute.", c.Status)
	case uploadInstead(c, rule) != nil:
		return uploadInstead(c, rule)
	case kind == CaseClaimAppeal && rule.Category == DenialMedicalNecessity:
		return refused(CodeUseClinicalAppeal, "This claim was denied on medical necessity: file a clinical appeal, which has %d days, instead.", p.Cases.ClinicalAppealDays)
	case kind == CaseClinicalAppeal && rule.Category != DenialMedicalNecessity:
		return refused(CodeUseClaimAppeal, "A clinical appeal reconsiders a medical-necessity decision; this denial is not one: file a claim appeal instead.")
	case today.After(p.AppealDeadline(kind, c)):
		if kind == CaseClinicalAppeal {
			return refused(CodeAppealWindowClosed, "A clinical appeal is filed within %d calendar days of the latest of the date of service, the denial and the discharge (%s); the last day was %s.",
				p.Cases.ClinicalAppealDays, ClinicalAppealFrom(c).Display(), p.AppealDeadline(kind, c).Display())
		}
		return refused(CodeAppealWindowClosed, "A claim appeal is filed within %d days of the denial (%s); the last day was %s.",
			p.Cases.ClaimAppealDays, c.ProcessedDate.Display(), p.AppealDeadline(kind, c).Display())
	}
	return nil
}

// AuthorizationAppealFrom is the date a clinical appeal of a denied retro
// authorization counts from: the latest of the start date of service, the
// discharge and the denial.
func AuthorizationAppealFrom(a *Authorization) Date {
	latest := a.Request.StartDate
	dates := []Date{a.Request.EndDate}
	if a.Request.Admission != nil {
		dates = append(dates, a.Request.Admission.DischargeDate)
	}
	if a.Decision != nil {
		dates = append(dates, DateOf(a.Decision.DecidedAt))
	}
	for _, d := range dates {
		if d.After(latest) {
			latest = d
		}
	}
	return latest
}

// CheckAuthorizationAppeal decides whether a retro authorization may be
// appealed today: a utilization management denial is a medical-necessity
// decision, so only a clinical appeal, within the clinical window.
func (p Plan) CheckAuthorizationAppeal(a *Authorization, today Date) error {
	if a.Status != AuthDenied {
		return refused(CodeAppealNeedsDenial, "Only a denied authorization request can be appealed: this one is %s.", strings.ReplaceAll(string(a.Status), "_", " "))
	}
	from := AuthorizationAppealFrom(a)
	if last := from.AddDate(0, 0, p.Cases.ClinicalAppealDays); today.After(last) {
		return refused(CodeAppealWindowClosed, "A clinical appeal is filed within %d calendar days of the latest of the date of service, the denial and the discharge (%s); the last day was %s.",
			p.Cases.ClinicalAppealDays, from.Display(), last.Display())
	}
	return nil
}

// Choice is one entry of a form's list: the value the API takes and the
// words a provider sees. The portal and mobile clients read the lists from
// the API (GET /disputes/form, GET /appeals/form), not from a copy.
type Choice struct {
	Value string `json:"value"`
	Label string `json:"label"`
	// Note is what a provider must know before choosing it (the path an
	// overpayment takes instead).
	Note string `json:"note,omitempty"`
}

// The Submit Dispute form's choices, as plan data.
var (
	DisputeTypes = []Choice{{Value: "payment_amount", Label: "Payment amount"}, {Value: "denial", Label: "Denial"},
		{Value: "coding_or_bundling", Label: "Coding or bundling"}, {Value: "timely_filing", Label: "Timely filing"}, {Value: "other", Label: "Other"}}
	IssueCategories = []Choice{{Value: "claim_dispute_medical", Label: "Claim dispute: medical"},
		{Value: "claim_dispute_behavioral_health", Label: "Claim dispute: behavioral health"},
		{Value: "claim_dispute_pharmacy", Label: "Claim dispute: pharmacy"}, {Value: IssueOverpayment, Label: "Overpayment"}}
)

// OverpaymentNote is what the dispute form says of its Overpayment choice.
func (p Plan) OverpaymentNote() string {
	return "An overpayment is returned with a claim recovery request, not a dispute. " + p.Cases.ClaimRecovery
}

// dentalPaper says where a dental dispute or appeal goes instead.
func (p Plan) dentalPaper(what string) string {
	return fmt.Sprintf("mail the %s to %s, or fax it to %s.", what, p.Cases.DentalMail, p.Cases.DentalFax)
}

// CaseOffer says whether a dispute or an appeal of one kind can be filed
// on a claim today: by when if it can; if not, why and what to do instead,
// in the words and with the code a submission would be refused with. The
// claim's page offers only what would be taken.
type CaseOffer struct {
	Kind      CaseKind `json:"kind"`
	Available bool     `json:"available"`
	// LastDay is the last day it can be filed, when the claim has one.
	LastDay        *Date  `json:"lastDay,omitempty"`
	UnavailableWhy string `json:"unavailableReason,omitempty"`
	Code           string `json:"code,omitempty"`
}

// CaseOffersFor applies the same checks a submission gets (CheckDispute,
// CheckAppeal) to a dispute, a claim appeal and a clinical appeal of c.
func (p Plan) CaseOffersFor(c *Claim, today Date) []CaseOffer {
	offer := func(kind CaseKind, last Date, err error) CaseOffer {
		o := CaseOffer{Kind: kind, Available: err == nil}
		if !last.IsZero() {
			o.LastDay = &last
		}
		var pe *Error
		if errors.As(err, &pe) {
			o.UnavailableWhy, o.Code = pe.Detail, pe.Code
		}
		return o
	}
	var dispute, appeal, clinical Date
	if !c.ProcessedDate.IsZero() {
		dispute, appeal, clinical = p.DisputeDeadline(c), p.AppealDeadline(CaseClaimAppeal, c), p.AppealDeadline(CaseClinicalAppeal, c)
	}
	if c.Status != ClaimDenied {
		appeal, clinical = Date{}, Date{}
	}
	return []CaseOffer{
		offer(CaseDispute, dispute, p.CheckDispute(c, "", today)),
		offer(CaseClaimAppeal, appeal, p.CheckAppeal(CaseClaimAppeal, c, today)),
		offer(CaseClinicalAppeal, clinical, p.CheckAppeal(CaseClinicalAppeal, c, today)),
	}
}

// Values are the values of a list of choices.
func Values(cs []Choice) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.Value
	}
	return out
}

// AppealQuestion is one of the Appeal form's "Appeal Reason" questions:
// yes or no, and why.
type AppealQuestion struct {
	ID   string `json:"id"`
	Text string `json:"text"`
}

// AppealQuestions are the Appeal form's reason questions.
var AppealQuestions = []AppealQuestion{
	{ID: "new_information", Text: "Are you sending information the plan did not have when it decided?"},
	{ID: "policy_misapplied", Text: "Do you believe a payment or clinical policy was applied incorrectly?"},
}
