package portal_test

import (
	"strings"
	"testing"

	"github.com/openpayer/provider-portal/shared/portal"
)

func outpatient() *portal.AuthorizationRequest {
	return &portal.AuthorizationRequest{MemberID: "M1", Type: portal.AuthOutpatient, StartDate: dos, COBVerified: true,
		RequestingNPI: "1234567893", ServicingNPI: "1245319599", PlaceOfService: "22", Diagnoses: []string{"M54.50", "M51.36"},
		Services:     []portal.ServiceLine{{Code: "72148", Units: 1}, {Code: "97110", Modifiers: []string{"GP"}, Units: 8}},
		ContactEmail: "auth@clinic.example"}
}

func inpatient() *portal.AuthorizationRequest {
	return &portal.AuthorizationRequest{MemberID: "M1", Type: portal.AuthInpatient, StartDate: dos, COBVerified: true,
		RequestingNPI: "1234567893", ServicingNPI: "1245319599", PlaceOfService: "21", Diagnoses: []string{"I21.4"},
		Admission:    &portal.Admission{Type: "emergency", DischargeDate: dos.AddDate(0, 0, 4)},
		ContactEmail: "auth@hospital.example"}
}

func TestAuthorizationFormsAccepted(t *testing.T) {
	for name, r := range map[string]*portal.AuthorizationRequest{"outpatient": outpatient(), "inpatient": inpatient()} {
		if err := plan.CheckAuthorizationForm(r, today); err != nil {
			t.Errorf("%s: %v", name, err)
		}
	}
	still := inpatient()
	still.Admission.DischargeDate = portal.Date{} // not discharged yet
	if err := plan.CheckAuthorizationForm(still, today); err != nil {
		t.Errorf("an inpatient not discharged yet: %v", err)
	}
}

// Every problem is named in the one response, by its field.
func TestAuthorizationFormProblemsAreNamed(t *testing.T) {
	for name, tc := range map[string]struct {
		req   func() *portal.AuthorizationRequest
		edit  func(r *portal.AuthorizationRequest)
		field string
		code  string
	}{
		"type":                {outpatient, func(r *portal.AuthorizationRequest) { r.Type = "dental" }, "type", portal.CodeInvalidAuthRequest},
		"cob not verified":    {outpatient, func(r *portal.AuthorizationRequest) { r.COBVerified = false }, "cobVerified", portal.CodeCOBNotVerified},
		"npi check digit":     {outpatient, func(r *portal.AuthorizationRequest) { r.RequestingNPI = "1234567890" }, "requestingNpi", portal.CodeInvalidAuthRequest},
		"facility npi":        {inpatient, func(r *portal.AuthorizationRequest) { r.ServicingNPI = "12345" }, "servicingNpi", portal.CodeInvalidAuthRequest},
		"place of service":    {inpatient, func(r *portal.AuthorizationRequest) { r.PlaceOfService = "11" }, "placeOfService", portal.CodeInvalidAuthRequest},
		"no diagnosis":        {outpatient, func(r *portal.AuthorizationRequest) { r.Diagnoses = nil }, "diagnoses", portal.CodeInvalidAuthRequest},
		"diagnosis format":    {outpatient, func(r *portal.AuthorizationRequest) { r.Diagnoses[1] = "M5136" }, "diagnoses[1]", portal.CodeInvalidAuthRequest},
		"diagnosis twice":     {outpatient, func(r *portal.AuthorizationRequest) { r.Diagnoses[1] = r.Diagnoses[0] }, "diagnoses[1]", portal.CodeInvalidAuthRequest},
		"no services":         {outpatient, func(r *portal.AuthorizationRequest) { r.Services = nil }, "services", portal.CodeInvalidAuthRequest},
		"service code":        {outpatient, func(r *portal.AuthorizationRequest) { r.Services[0].Code = "7214" }, "services[0].code", portal.CodeInvalidAuthRequest},
		"modifier":            {outpatient, func(r *portal.AuthorizationRequest) { r.Services[1].Modifiers = []string{"g"} }, "services[1].modifiers", portal.CodeInvalidAuthRequest},
		"units":               {outpatient, func(r *portal.AuthorizationRequest) { r.Services[1].Units = 0 }, "services[1].units", portal.CodeInvalidAuthRequest},
		"admission missing":   {inpatient, func(r *portal.AuthorizationRequest) { r.Admission = nil }, "admission", portal.CodeInvalidAuthRequest},
		"admission type":      {inpatient, func(r *portal.AuthorizationRequest) { r.Admission.Type = "walk-in" }, "admission.type", portal.CodeInvalidAuthRequest},
		"discharge before":    {inpatient, func(r *portal.AuthorizationRequest) { r.Admission.DischargeDate = dos.AddDate(0, 0, -1) }, "admission.dischargeDate", portal.CodeInvalidAuthRequest},
		"discharge in future": {inpatient, func(r *portal.AuthorizationRequest) { r.Admission.DischargeDate = today.AddDate(0, 0, 1) }, "admission.dischargeDate", portal.CodeInvalidAuthRequest},
		"admission on outpatient": {outpatient, func(r *portal.AuthorizationRequest) { r.Admission = &portal.Admission{Type: "elective"} },
			"admission", portal.CodeInvalidAuthRequest},
		"end before start": {outpatient, func(r *portal.AuthorizationRequest) { r.EndDate = dos.AddDate(0, 0, -1) }, "endDate", portal.CodeInvalidAuthRequest},
		"email":            {outpatient, func(r *portal.AuthorizationRequest) { r.ContactEmail = "not an email" }, "contactEmail", portal.CodeInvalidAuthRequest},
		"upload twice":     {outpatient, func(r *portal.AuthorizationRequest) { r.UploadIDs = []string{"a1", "a1"} }, "uploadIds", portal.CodeInvalidAuthRequest},
	} {
		r := tc.req()
		tc.edit(r)
		err := plan.CheckAuthorizationForm(r, today)
		pe, ok := err.(*portal.Error)
		if !ok || pe.Code != tc.code || pe.Fields[tc.field] == "" {
			t.Errorf("%s: %v, want %s naming %s", name, err, tc.code, tc.field)
		}
	}
	// Several problems at once are all named.
	r := outpatient()
	r.RequestingNPI, r.Diagnoses, r.Services[0].Units = "1", []string{"X"}, 1000
	pe, _ := plan.CheckAuthorizationForm(r, today).(*portal.Error)
	if pe == nil || len(pe.Fields) != 3 {
		t.Errorf("three problems: %+v", pe)
	}
}

func TestServiceKeyIgnoresOrderAndRepeats(t *testing.T) {
	a, b := outpatient(), outpatient()
	b.Services = []portal.ServiceLine{b.Services[1], b.Services[0], b.Services[0]}
	if a.ServiceKey() != b.ServiceKey() || !strings.Contains(a.ServiceKey(), "72148") {
		t.Errorf("%q vs %q", a.ServiceKey(), b.ServiceKey())
	}
	if inpatient().ServiceKey() != "inpatient" {
		t.Errorf("inpatient key %q", inpatient().ServiceKey())
	}
}

// The request as submitted: the form, the clinical questions its services
// raise and the documents they need, every problem in one answer (they came
// one round each). Documents alone missing keep their refusal.
func TestARetroRequestsProblemsComeInOneAnswer(t *testing.T) {
	r := outpatient() // 97110 calls for documents and its questions
	r.RequestingNPI = "123"
	err := plan.CheckAuthorizationRequest(r, today)
	pe, ok := err.(*portal.Error)
	if !ok || pe.Code != portal.CodeInvalidAuthRequest {
		t.Fatalf("a request with a bad NPI, no answers, no documents: %v", err)
	}
	for _, field := range []string{"requestingNpi", "answers.visitsRequested", "answers.functionalGoals", "uploadIds"} {
		if pe.Fields[field] == "" {
			t.Errorf("%s is not named: %v", field, pe.Fields)
		}
	}
	r = outpatient()
	r.Answers = map[string]string{"visitsRequested": "12", "functionalGoals": "Walk without a cane", "conservativeTreatmentWeeks": "6", "redFlagSymptoms": "no"}
	pe, ok = plan.CheckAuthorizationRequest(r, today).(*portal.Error)
	if !ok || pe.Code != portal.CodeDocumentsRequired || pe.Kind != portal.KindRefused || len(pe.Fields) != 1 {
		t.Errorf("documents alone missing: %+v", pe)
	}
	r.UploadIDs = []string{"UP1"}
	if err := plan.CheckAuthorizationRequest(r, today); err != nil {
		t.Errorf("a complete request: %v", err)
	}
}
