package portal

import (
	"fmt"
	"net/mail"
	"slices"
	"strings"
)

// AuthorizationRequest is what a provider submits for a retro
// authorization, inpatient or outpatient.
type AuthorizationRequest struct {
	MemberID  string   `json:"memberId"`
	Type      AuthType `json:"type"`
	StartDate Date     `json:"startDate"` // the start date of service; for inpatient, the admission
	EndDate   Date     `json:"endDate,omitzero"`
	Urgent    bool     `json:"urgent"`
	// COBVerified is the guide's Verified step: the provider confirms the
	// COB information shown for the start date was checked.
	COBVerified    bool   `json:"cobVerified"`
	RequestingNPI  string `json:"requestingNpi"`
	ServicingNPI   string `json:"servicingNpi"` // the facility's, for inpatient
	PlaceOfService string `json:"placeOfService"`
	// Diagnoses are ICD-10-CM codes, the primary first.
	Diagnoses []string      `json:"diagnoses"`
	Services  []ServiceLine `json:"services"`
	// Admission is required for inpatient (the start date is the admission
	// date), with the discharge date once the member was discharged.
	Admission    *Admission        `json:"admission,omitempty"`
	Answers      map[string]string `json:"answers"`
	UploadIDs    []string          `json:"uploadIds"`
	ContactEmail string            `json:"contactEmail"`
	Notes        string            `json:"notes"`
}

// ServiceLine is one procedure or service requested.
type ServiceLine struct {
	Code      string   `json:"code"`
	Modifiers []string `json:"modifiers,omitempty"`
	Units     Integer  `json:"units"`
}

// Admission is an inpatient stay, admitted on the start date of service.
type Admission struct {
	Type          string `json:"type"` // emergency, urgent, elective
	DischargeDate Date   `json:"dischargeDate,omitzero"`
}

// AuthForm is a plan's rules for one type of request, as data.
type AuthForm struct {
	// PlacesOfService are the CMS place-of-service codes the type admits.
	PlacesOfService []string
	// ServicesRequired: at least one procedure or service code.
	ServicesRequired bool
	// AdmissionRequired: the admission's type (its date is the start date).
	AdmissionRequired bool
}

// Limits of a request.
const (
	MaxDiagnoses = 12
	MaxServices  = 20
	MaxModifiers = 4
	MaxUnits     = 999
)

// CheckAuthorizationForm checks a request's fields against the plan's form
// for its type, today being today, and lists every problem by field.
func (p Plan) CheckAuthorizationForm(r *AuthorizationRequest, today Date) error {
	f := map[string]string{}
	form, ok := p.AuthForms[r.Type]
	if !ok {
		f["type"] = "inpatient or outpatient"
	}
	if !validID(r.MemberID) {
		f["memberId"] = "the member ID on the member's card"
	}
	if r.StartDate.IsZero() {
		f["startDate"] = "required"
	}
	if !r.EndDate.IsZero() && (r.EndDate.Before(r.StartDate) || r.EndDate.After(today)) {
		f["endDate"] = "on or after the start date, and not after today"
	}
	if !r.COBVerified {
		f["cobVerified"] = "confirm that the COB information for the start date was checked"
	}
	if !ValidNPI(r.RequestingNPI) {
		f["requestingNpi"] = "a 10-digit NPI with a valid check digit"
	}
	if !ValidNPI(r.ServicingNPI) {
		f["servicingNpi"] = "a 10-digit NPI with a valid check digit (the facility's, for inpatient)"
	}
	if ok && !slices.Contains(form.PlacesOfService, r.PlaceOfService) {
		f["placeOfService"] = "one of " + strings.Join(form.PlacesOfService, ", ")
	}
	checkDiagnoses(r.Diagnoses, f)
	checkServices(r.Services, form.ServicesRequired, f)
	if form.AdmissionRequired {
		checkAdmission(r, today, f)
	} else if r.Admission != nil {
		f["admission"] = "only for inpatient requests"
	}
	if a, err := mail.ParseAddress(r.ContactEmail); err != nil || a.Address != r.ContactEmail || len(r.ContactEmail) > 254 {
		f["contactEmail"] = "a valid email address of up to 254 characters"
	}
	if len(r.Notes) > 4000 {
		f["notes"] = "at most 4000 characters"
	}
	if len(r.Answers) > 50 {
		f["answers"] = "at most 50 answers"
	}
	checkUploadIDs(r.UploadIDs, f)
	if len(f) == 0 {
		return nil
	}
	if _, only := f["cobVerified"]; only && len(f) == 1 {
		return &Error{Kind: KindInvalid, Code: CodeCOBNotVerified,
			Detail: "Check the member's COB information for the start date of service, then confirm it (cobVerified) and submit again.", Fields: f}
	}
	return &Error{Kind: KindInvalid, Code: CodeInvalidAuthRequest,
		Detail: "Some fields of the request are missing or invalid: each is listed. Correct them and submit again.", Fields: f}
}

func checkDiagnoses(codes []string, f map[string]string) {
	if len(codes) == 0 || len(codes) > MaxDiagnoses {
		f["diagnoses"] = fmt.Sprintf("1 to %d ICD-10-CM codes, the primary first", MaxDiagnoses)
		return
	}
	for i, c := range codes {
		if !ValidICD10CM(c) {
			f[fmt.Sprintf("diagnoses[%d]", i)] = "an ICD-10-CM code written with its dot, such as E11.9"
		} else if slices.Index(codes, c) != i {
			f[fmt.Sprintf("diagnoses[%d]", i)] = "given twice"
		}
	}
}

func checkServices(lines []ServiceLine, required bool, f map[string]string) {
	if (required && len(lines) == 0) || len(lines) > MaxServices {
		f["services"] = fmt.Sprintf("1 to %d procedure or service codes", MaxServices)
		return
	}
	for i, s := range lines {
		at := fmt.Sprintf("services[%d]", i)
		if !ValidProcedureCode(s.Code) {
			f[at+".code"] = "a CPT or HCPCS code, such as 70553 or J1100"
		}
		if len(s.Modifiers) > MaxModifiers {
			f[at+".modifiers"] = fmt.Sprintf("at most %d modifiers", MaxModifiers)
		}
		for _, m := range s.Modifiers {
			if !ValidModifier(m) {
				f[at+".modifiers"] = "two letters or digits each, such as 25 or LT"
			}
		}
		if s.Units < 1 || s.Units > MaxUnits {
			f[at+".units"] = fmt.Sprintf("1 to %d", MaxUnits)
		}
	}
}

func checkAdmission(r *AuthorizationRequest, today Date, f map[string]string) {
	a := r.Admission
	if a == nil {
		f["admission"] = "required for inpatient: its type, and the discharge date once discharged"
		return
	}
	if !slices.Contains([]string{"emergency", "urgent", "elective"}, a.Type) {
		f["admission.type"] = "emergency, urgent or elective"
	}
	if !a.DischargeDate.IsZero() && (a.DischargeDate.Before(r.StartDate) || a.DischargeDate.After(today)) {
		f["admission.dischargeDate"] = "on or after the admission (start) date, and not after today"
	}
}

func checkUploadIDs(ids []string, f map[string]string) {
	if len(ids) > MaxUploadsPerSubmission {
		f["uploadIds"] = "at most 20 uploads"
		return
	}
	for i, id := range ids {
		if !validID(id) || slices.Index(ids, id) != i {
			f["uploadIds"] = "each upload once, by its uploadId"
		}
	}
}

// ServiceKey names what a request asks for, so that a second open request
// for the same member, type, start date and services is recognised: the
// service codes, sorted (an inpatient stay is its admission).
func (r *AuthorizationRequest) ServiceKey() string {
	codes := make([]string, 0, len(r.Services))
	for _, s := range r.Services {
		codes = append(codes, s.Code)
	}
	slices.Sort(codes)
	codes = slices.Compact(codes)
	if len(codes) == 0 {
		return string(r.Type)
	}
	return strings.Join(codes, "+")
}

// ServiceCodes lists the request's procedure and service codes.
func (r *AuthorizationRequest) ServiceCodes() []string {
	var out []string
	for _, s := range r.Services {
		out = append(out, s.Code)
	}
	return out
}
