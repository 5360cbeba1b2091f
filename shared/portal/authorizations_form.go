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
	return p.checkAuthorization(r, today, false, true)
}

// CheckAuthorizationRequest is CheckAuthorizationForm with the clinical
// questions its services raise and the documents they need, which follow
// from the request alone: every problem in one answer. What depends on
// stored data (the member, the retro window) is checked after.
func (p Plan) CheckAuthorizationRequest(r *AuthorizationRequest, today Date) error {
	return p.checkAuthorization(r, today, true, true)
}

// CheckSystemAuthorizationRequest checks a request another system sent (an
// EHR, through Da Vinci PAS) by the same rules, less the two that ask a
// person at the portal: the confirmation that they checked COB (the COB
// check on the date still runs, by the plan) and a contact email (checked
// if given; the system is answered through its own channel).
func (p Plan) CheckSystemAuthorizationRequest(r *AuthorizationRequest, today Date) error {
	return p.checkAuthorization(r, today, true, false)
}

func (p Plan) checkAuthorization(r *AuthorizationRequest, today Date, clinical, person bool) error {
	f := Problems{}
	form, ok := p.AuthForms[r.Type]
	if !ok {
		f.Choose("type", "the authorization type")
	}
	switch {
	case r.MemberID == "":
		f.Required("memberId", "the member ID")
	case !validID(r.MemberID):
		f.Set("memberId", SayMemberID)
	}
	if r.StartDate.IsZero() {
		f.Required("startDate", "the start date of service")
	}
	if !r.EndDate.IsZero() && (r.EndDate.Before(r.StartDate) || r.EndDate.After(today)) {
		f.Set("endDate", SayEndDate)
	}
	if person && !r.COBVerified {
		f.Set("cobVerified", SayCOBVerified)
	}
	for _, n := range []struct{ field, label, npi string }{
		{"requestingNpi", "the requesting NPI", r.RequestingNPI}, {"servicingNpi", "the servicing NPI", r.ServicingNPI},
	} {
		switch {
		case n.npi == "":
			f.Required(n.field, n.label)
		case !ValidNPI(n.npi):
			f.Set(n.field, SayNPI)
		}
	}
	if ok && !slices.Contains(form.PlacesOfService, r.PlaceOfService) {
		f.Choose("placeOfService", "the place of service")
	}
	checkDiagnoses(r.Diagnoses, f)
	checkServices(r.Services, form.ServicesRequired, f)
	if form.AdmissionRequired {
		checkAdmission(r, today, f)
	} else if r.Admission != nil {
		f.Set("admission", SayNoAdmission)
	}
	if !person && r.ContactEmail == "" {
		// Nothing to check: the system that sent it is answered.
	} else if a, err := mail.ParseAddress(r.ContactEmail); err != nil || a.Address != r.ContactEmail || len(r.ContactEmail) > 254 {
		if strings.TrimSpace(r.ContactEmail) == "" {
			f.Required("contactEmail", "a contact email")
		} else {
			f.Set("contactEmail", SayEmail)
		}
	}
	f.Text("notes", "the notes", r.Notes, 4000, false, true)
	if len(r.Answers) > 50 {
		f.Set("answers", SayUnlistedQuestion)
	}
	f.Uploads("uploadIds", r.UploadIDs, false)
	// The questions and documents the services call for, once the type
	// and services are readable.
	docsMissing := false
	if _, badType := f["type"]; clinical && !badType && !hasPrefix(f, "services") {
		qs, docs := p.ClinicalQuestions(r.Type, r.ServiceCodes())
		answerProblems(qs, r.Answers, f)
		if docs && len(r.UploadIDs) == 0 {
			f.Set("uploadIds", SayDocumentsNeeded)
			docsMissing = true
		}
	}
	switch {
	case len(f) == 0:
		return nil
	case len(f) == 1 && f["cobVerified"] != "":
		return &Error{Kind: KindInvalid, Code: CodeCOBNotVerified, Detail: f["cobVerified"], Fields: f}
	case len(f) == 1 && docsMissing:
		return &Error{Kind: KindRefused, Code: CodeDocumentsRequired, Detail: SayDocumentsNeeded, Fields: f}
	case len(f) == len(prefixed(f, "answers")):
		return &Error{Kind: KindInvalid, Code: CodeAnswersMissing, Detail: "Answer the clinical questions marked, then submit again.", Fields: f}
	}
	err := f.Err().(*Error)
	err.Code = CodeInvalidAuthRequest
	return err
}

func hasPrefix(f Problems, prefix string) bool { return len(prefixed(f, prefix)) > 0 }

// prefixed are the problems of a field and its parts (services[0].code).
func prefixed(f Problems, prefix string) []string {
	var out []string
	for k := range f {
		if k == prefix || strings.HasPrefix(k, prefix+".") || strings.HasPrefix(k, prefix+"[") {
			out = append(out, k)
		}
	}
	return out
}

func checkDiagnoses(codes []string, f Problems) {
	if len(codes) == 0 || len(codes) > MaxDiagnoses {
		f.Set("diagnoses", SayDiagnoses)
		return
	}
	for i, c := range codes {
		if !ValidICD10CM(c) {
			f.Set(fmt.Sprintf("diagnoses[%d]", i), SayDiagnosisCode)
		} else if slices.Index(codes, c) != i {
			f.Set(fmt.Sprintf("diagnoses[%d]", i), SayListedTwice)
		}
	}
}

func checkServices(lines []ServiceLine, required bool, f Problems) {
	if (required && len(lines) == 0) || len(lines) > MaxServices {
		f.Set("services", SayServices)
		return
	}
	for i, s := range lines {
		at := fmt.Sprintf("services[%d]", i)
		if !ValidProcedureCode(s.Code) {
			f.Set(at+".code", SayProcedureCode)
		}
		if len(s.Modifiers) > MaxModifiers {
			f.Set(at+".modifiers", SayModifiers)
		}
		for _, m := range s.Modifiers {
			if !ValidModifier(m) {
				f.Set(at+".modifiers", SayModifiers)
			}
		}
		if s.Units < 1 || s.Units > MaxUnits {
			f.Set(at+".units", SayUnits)
		}
	}
}

func checkAdmission(r *AuthorizationRequest, today Date, f Problems) {
	a := r.Admission
	if a == nil {
		f.Choose("admission", "the admission type")
		return
	}
	if !slices.Contains([]string{"emergency", "urgent", "elective"}, a.Type) {
		f.Choose("admission.type", "the admission type")
	}
	if !a.DischargeDate.IsZero() && (a.DischargeDate.Before(r.StartDate) || a.DischargeDate.After(today)) {
		f.Set("admission.dischargeDate", SayDischargeDate)
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
