package portal

import "time"

// DenialCategory says what a denial asks of the provider, which decides the
// path the portal offers: an upload on the claim, a dispute or an appeal.
type DenialCategory string

const (
	DenialMissingRecords    DenialCategory = "missing_medical_records"
	DenialMissingConsent    DenialCategory = "missing_consent_form"
	DenialMedicalNecessity  DenialCategory = "medical_necessity"
	DenialAdministrative    DenialCategory = "administrative"
	DenialCategoryUncharted DenialCategory = "other"
)

// DenialRule is what the plan says about one denial reason code.
type DenialRule struct {
	Category DenialCategory
	// Document names what to upload, for the categories that take an upload.
	Document string
	// Instructions is shown on the claim's Document Upload tab.
	Instructions string
}

// Plan holds one health plan's rules as data, so that a second plan is a new
// value, not new code.
type Plan struct {
	ID   string
	Name string
	// ClaimLookbackMonths bounds claim search: "any claim you have submitted
	// in the last 24 months".
	ClaimLookbackMonths int
	// MaxUploadBytes is the per-file limit on attachments.
	MaxUploadBytes int64
	// UploadTypes lists the accepted attachment types by their usual file
	// extension; content is checked too, not only the name.
	UploadTypes []string
	// DenialReasons maps the core system's denial reason codes to rules.
	DenialReasons map[string]DenialRule
	// Retro holds the retro authorization rules; ClinicalRules the clinical
	// indications a request is asked for, by type and service.
	Retro         RetroRules
	ClinicalRules []ClinicalRule
	// AuthForms are the required fields of each type of request.
	AuthForms map[AuthType]AuthForm
	// Cases are the windows of disputes and appeals.
	Cases CaseRules
	// MemberSearchesPerHour is how many searches for a member by name and
	// date of birth one provider organisation may make in a clock hour
	// (claim search and coverage together): enough for a busy billing
	// office, and a ceiling on what a stolen sign-in can look up that way.
	MemberSearchesPerHour int
	// Practices are the plan's provider records by TIN: the practice's name
	// and the NPIs registered under it, which the portal shows and offers
	// where a form asks for an NPI.
	Practices map[ProviderID]Practice
}

// Practice is a provider organisation as the plan knows it.
type Practice struct {
	Name string        `json:"name"`
	NPIs []PracticeNPI `json:"npis"`
}

// PracticeNPI is one NPI of a practice: the organisation's or a clinician's.
type PracticeNPI struct {
	NPI  string `json:"npi"`
	Name string `json:"name"`
}

// KYMarketplace is the KY Marketplace plan of the quick start guides.
var KYMarketplace = Plan{
	ID:                    "KY-MARKETPLACE",
	Name:                  "KY Marketplace",
	ClaimLookbackMonths:   24,
	MaxUploadBytes:        100 << 20,
	MemberSearchesPerHour: 300,
	// The guides' lists differ page to page (tef, ppt, gif, tiff, txt); this
	// is their union of document and image types that can be checked by content.
	UploadTypes: []string{"bmp", "png", "gif", "tiff", "jpeg", "txt", "pdf", "xls", "xlsx", "doc", "docx"},
	DenialReasons: map[string]DenialRule{
		"ESC": {Category: DenialMissingConsent, Document: "consent_form",
			Instructions: "Upload the signed member consent form related to the denied claim."},
		"MRR": {Category: DenialMissingRecords, Document: "medical_records",
			Instructions: "Upload the medical records that support the billed services on this claim: the records of this stay or visit, not the entire medical record."},
		"MNC": {Category: DenialMedicalNecessity},
		"AUT": {Category: DenialAdministrative},
		"DUP": {Category: DenialAdministrative},
		"TFL": {Category: DenialAdministrative},
		"NCV": {Category: DenialAdministrative},
	},
	// The guide names no retro window for KY Marketplace. 180 days is the
	// Marketplace's time limit for filing a claim after the date of service:
	// an authorization for a service older than that could pay no claim.
	Retro: RetroRules{WindowDays: 180, StandardDecision: 7 * 24 * time.Hour, UrgentDecision: 72 * time.Hour},
	// The guide: disputes within 24 months of the denial or payment; claim
	// appeals within 90 days of the denial; clinical appeals within 180
	// calendar days of the date of service, denial or discharge.
	Cases: CaseRules{DisputeMonths: 24, ClaimAppealDays: 90, ClinicalAppealDays: 180,
		// Post-service: 30 days for a dispute, 60 for an appeal (45 CFR
		// 147.136 allows the plan 60 days for a post-service appeal).
		DecisionDays: map[CaseKind]int{CaseDispute: 30, CaseClaimAppeal: 60, CaseClinicalAppeal: 60},
		// The sample plan's paper paths: each plan sets its own.
		DentalMail: "KY Marketplace Dental Disputes and Appeals, P.O. Box 1000, Louisville, KY 40201",
		DentalFax:  "(502) 555-0142",
		ClaimRecovery: "Send the plan's Claim Recovery Request form, with the claim number and the amount overpaid, to KY Marketplace Claim Recovery, " +
			"P.O. Box 1001, Louisville, KY 40201, or fax it to (502) 555-0143."},
	// The sample plan's provider records (the sample data's three TINs).
	Practices: map[ProviderID]Practice{
		"111111111": {Name: "Bluegrass Family Medicine", NPIs: []PracticeNPI{
			{NPI: "1111111112", Name: "Bluegrass Family Medicine (organisation)"}, {NPI: "1111111120", Name: "Dr. Morgan Reyes"}}},
		"222222222": {Name: "Lexington General Hospital", NPIs: []PracticeNPI{
			{NPI: "2222222228", Name: "Lexington General Hospital (facility)"}, {NPI: "2222222236", Name: "Dr. Jordan Ames"}}},
		"333333333": {Name: "Edge Case Clinic", NPIs: []PracticeNPI{
			{NPI: "3333333334", Name: "Edge Case Clinic (organisation)"}, {NPI: "3333333342", Name: "Dr. Riley Park"}}},
	},
	AuthForms: map[AuthType]AuthForm{
		// Inpatient hospital, inpatient psychiatric facility, inpatient
		// rehabilitation facility.
		AuthInpatient: {PlacesOfService: []string{"21", "51", "61"}, AdmissionRequired: true},
		// Office, home, outpatient hospital (on and off campus), ambulatory
		// surgical center, independent lab, urgent care, telehealth.
		AuthOutpatient: {PlacesOfService: []string{"02", "10", "11", "12", "19", "20", "22", "24", "81"}, ServicesRequired: true},
	},
	ClinicalRules: []ClinicalRule{
		{Type: AuthInpatient, DocumentsRequired: true, Questions: []ClinicalQuestion{
			{ID: "admissionSource", Text: "How was the member admitted?", Kind: AnswerChoice,
				Choices: []string{"emergency_department", "physician_referral", "transfer"}, Required: true},
			{ID: "levelOfCare", Text: "Level of care", Kind: AnswerChoice, Choices: []string{"acute", "intensive_care", "rehabilitation"}, Required: true},
		}},
		// Advanced imaging: MRI and CT of the head, spine and joints.
		{Type: AuthOutpatient, Codes: []string{"7055*", "7214*", "7215*", "7218*", "7219*", "7322*", "7372*", "7045*", "7049*"},
			Questions: []ClinicalQuestion{
				{ID: "conservativeTreatmentWeeks", Text: "Weeks of conservative treatment before imaging", Kind: AnswerNumber, Required: true},
				{ID: "redFlagSymptoms", Text: "Were there red-flag symptoms (neurological deficit, trauma, suspected malignancy or infection)?", Kind: AnswerYesNo, Required: true},
				{ID: "priorImagingDate", Text: "Date of the last imaging of the same area, if any", Kind: AnswerDate},
			}},
		// Physical and occupational therapy.
		{Type: AuthOutpatient, Codes: []string{"97110", "97112", "97140", "97161", "97162", "97163", "97530", "97165", "97166", "97167"},
			DocumentsRequired: true, Questions: []ClinicalQuestion{
				{ID: "visitsRequested", Text: "Number of visits requested", Kind: AnswerNumber, Required: true},
				{ID: "functionalGoals", Text: "Functional goals of the treatment", Kind: AnswerText, Required: true},
			}},
	},
}

// Plans lists the plans this deployment knows, by ID.
var Plans = map[string]Plan{KYMarketplace.ID: KYMarketplace}

// DenialRuleFor returns the plan's rule for a denial reason code; an unknown
// code is categorised as "other", which offers no upload.
func (p Plan) DenialRuleFor(code string) DenialRule {
	if r, ok := p.DenialReasons[code]; ok {
		return r
	}
	return DenialRule{Category: DenialCategoryUncharted}
}

// UploadOffer says whether a claim's Document Upload tab is offered, and if
// so for what; if not, why, and which path to take instead.
type UploadOffer struct {
	Available      bool     `json:"available"`
	Document       string   `json:"document,omitempty"`
	Instructions   string   `json:"instructions,omitempty"`
	MaxBytes       int64    `json:"maxBytes,omitempty"`
	AllowedTypes   []string `json:"allowedTypes,omitempty"`
	UnavailableWhy string   `json:"unavailableReason,omitempty"`
	// Alternative is the path to take instead: "dispute", "appeal",
	// "mail_or_fax" or "" when nothing is to be sent.
	Alternative string `json:"alternative,omitempty"`
}

// UploadOfferFor applies the guide: Document Upload is offered only on a claim
// denied for missing medical records or a missing consent form, and the denial
// reason says which document is wanted.
func (p Plan) UploadOfferFor(c *Claim) UploadOffer {
	switch c.Status {
	case ClaimPaid:
		if c.Type == ClaimDental {
			return UploadOffer{Alternative: "mail_or_fax",
				UnavailableWhy: "Document Upload is offered only on denied claims, and dental claims cannot take documents or disputes through the portal: mail or fax them."}
		}
		return UploadOffer{Alternative: "dispute",
			UnavailableWhy: "Document Upload is offered only on denied claims. To send records for this claim, use Claim Attachment with its claim number; if you believe the payment is wrong, file a dispute."}
	case ClaimPending:
		return UploadOffer{UnavailableWhy: "Document Upload is offered only on denied claims. To send records for this claim, use Claim Attachment with its claim number."}
	}
	if c.Type == ClaimDental {
		return UploadOffer{Alternative: "mail_or_fax",
			UnavailableWhy: "Dental claims cannot take documents, disputes or appeals through the portal: mail or fax them."}
	}
	rule := p.DenialRuleFor(c.Denial.Code)
	switch rule.Category {
	case DenialMissingRecords, DenialMissingConsent:
		return UploadOffer{Available: true, Document: rule.Document, Instructions: rule.Instructions,
			MaxBytes: p.MaxUploadBytes, AllowedTypes: p.UploadTypes}
	case DenialMedicalNecessity:
		return UploadOffer{Alternative: "appeal",
			UnavailableWhy: "This claim was denied on medical necessity: file a clinical appeal with your supporting documents."}
	default:
		return UploadOffer{Alternative: "dispute",
			UnavailableWhy: "This denial is not for missing records or a consent form: if you believe it is wrong, file a dispute with your supporting documents."}
	}
}

// ClaimSearchFrom returns the earliest receipt date claim search shows, today
// being today.
func (p Plan) ClaimSearchFrom(today Date) Date {
	return today.AddDate(0, -p.ClaimLookbackMonths, 0)
}

// ClaimVisible applies the same window to a claim read by its number as
// search applies: a claim received before it is not shown, anywhere.
func (p Plan) ClaimVisible(c *Claim, today Date) bool {
	return !c.DateReceived.Before(p.ClaimSearchFrom(today))
}
