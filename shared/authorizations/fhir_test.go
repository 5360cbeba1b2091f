package authorizations_test

import (
	"context"
	"encoding/json"
	"maps"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/pas"
	"github.com/openpayer/provider-portal/shared/pas/pastest"
	"github.com/openpayer/provider-portal/shared/portal"
)

// The system clients of these tests: one EHR of provider A's, with both
// Claim scopes; one of provider B's.
var (
	ehrA = map[string]string{"client_id": "ehr-a", "sub": "ehr-a", "scope": "system/Claim.cr"}
	ehrB = map[string]string{"client_id": "ehr-b", "sub": "ehr-b", "scope": "system/Claim.cr"}
)

// medical is the package's medical services request, mapped onto this
// test's member, NPIs and date of service.
func medical(t *testing.T) string {
	return string(pastest.Mapped(t, pastest.Example(t, "Bundle-MedicalServicesAuthorizationBundleExample.json"),
		pastest.Sample{MemberID: "M-PLAIN", RequestingNPI: "1234567893", ServicingNPI: "1245319599", ServiceDate: dos.String(), Diagnosis: "M25.561"}))
}

// raID is the request's ID among the answer's ClaimResponse identifiers.
func raID(t *testing.T, resp events.APIGatewayV2HTTPResponse) string {
	t.Helper()
	for _, i := range readFHIR(t, resp).Entry[0].Resource.Identifier {
		if strings.HasPrefix(i.Value, "RA-") {
			return i.Value
		}
	}
	t.Fatalf("no RA- identifier: %s", resp.Body)
	return ""
}

// fhirAnswer is the part of a PAS answer the tests read.
type fhirAnswer struct {
	ResourceType string
	Entry        []struct {
		Resource struct {
			ResourceType string
			Identifier   []struct{ System, Value string }
			Outcome      string
			PreAuthRef   string
			Item         []struct {
				ItemSequence int
				Adjudication []struct {
					Extension []struct {
						URL       string
						Extension []struct {
							URL                  string
							ValueString          string
							ValueCodeableConcept struct{ Coding []struct{ Code string } }
						}
					}
				}
			}
		}
	}
	Issue []struct {
		Severity, Code string
		Expression     []string
		Details        struct {
			Coding []struct{ Code string }
			Text   string
		}
	}
}

func readFHIR(t *testing.T, resp events.APIGatewayV2HTTPResponse) fhirAnswer {
	t.Helper()
	if ct := resp.Headers["Content-Type"]; ct != "application/fhir+json" {
		t.Errorf("content type %q", ct)
	}
	var a fhirAnswer
	if err := json.Unmarshal([]byte(resp.Body), &a); err != nil {
		t.Fatalf("%v: %s", err, resp.Body)
	}
	return a
}

// reviewAction is the X12 306 code on the answer's first item, and the
// authorization number with it.
func (a fhirAnswer) reviewAction() (code, number string) {
	if len(a.Entry) == 0 || len(a.Entry[0].Resource.Item) == 0 || len(a.Entry[0].Resource.Item[0].Adjudication) == 0 {
		return "", ""
	}
	for _, e := range a.Entry[0].Resource.Item[0].Adjudication[0].Extension {
		for _, x := range e.Extension {
			if strings.HasSuffix(x.URL, "reviewActionCode") && len(x.ValueCodeableConcept.Coding) > 0 {
				code = x.ValueCodeableConcept.Coding[0].Code
			}
			if x.URL == "number" {
				number = x.ValueString
			}
		}
	}
	return code, number
}

// A PAS request is the portal's request: the same rules, the same record
// (read at the portal's route), the same event to utilization management;
// it is answered pended until decided, a retry of it is answered as it
// stands, and $inquire follows it to its decision.
func TestAPASRequestIsThePortalsRequest(t *testing.T) {
	w := setup(t)
	resp := w.send("POST", "/fhir/Claim/$submit", medical(t), ehrA)
	if resp.StatusCode != 200 {
		t.Fatalf("submit: %d %s", resp.StatusCode, resp.Body)
	}
	a := readFHIR(t, resp)
	cr := a.Entry[0].Resource
	if a.ResourceType != "Bundle" || cr.ResourceType != "ClaimResponse" || cr.Outcome != "complete" {
		t.Fatalf("answer %s", resp.Body)
	}
	if code, _ := a.reviewAction(); code != "A4" {
		t.Errorf("a new request is %q, want A4 (pended)", code)
	}
	id := raID(t, resp)
	if got := w.send("GET", "/authorizations/"+id, "", tinA); got.StatusCode != 200 || !strings.Contains(got.Body, `"status":"received"`) {
		t.Errorf("the portal's view of %s: %d %s", id, got.StatusCode, got.Body)
	}
	if len(w.um.events) != 1 || w.um.events[0].Type != portal.EventAuthorizationSubmitted {
		t.Errorf("utilization management got %d events", len(w.um.events))
	}
	// Sent again (the EHR's retry): the same request, as it stands.
	again := w.send("POST", "/fhir/Claim/$submit", medical(t), ehrA)
	if again.StatusCode != 200 || !strings.Contains(again.Body, id) || len(w.um.events) != 1 {
		t.Errorf("the retry: %d %s; %d events", again.StatusCode, again.Body, len(w.um.events))
	}
	inquiry := w.send("POST", "/fhir/Claim/$inquire", medical(t), ehrA)
	if code, _ := readFHIR(t, inquiry).reviewAction(); inquiry.StatusCode != 200 || code != "A4" {
		t.Errorf("inquiry while pended: %d %s", inquiry.StatusCode, inquiry.Body)
	}
	if _, _, err := w.requests.ApplyDecision(context.Background(), portal.AuthDecision{DecisionID: "D-1", AuthorizationID: id,
		Status: portal.AuthApproved, DecidedAt: now, AuthorizationNumber: "AUTH-77", ApprovedFrom: dos, ApprovedTo: dos, ApprovedUnits: 1}); err != nil {
		t.Fatal(err)
	}
	inquiry = w.send("POST", "/fhir/Claim/$inquire", medical(t), ehrA)
	decided := readFHIR(t, inquiry)
	if code, number := decided.reviewAction(); code != "A1" || number != "AUTH-77" || decided.Entry[0].Resource.PreAuthRef != "AUTH-77" {
		t.Errorf("inquiry once approved: %s", inquiry.Body)
	}
	// Sent again once decided (a late retry): the same request, decided;
	// no new one.
	late := w.send("POST", "/fhir/Claim/$submit", medical(t), ehrA)
	if code, _ := readFHIR(t, late).reviewAction(); late.StatusCode != 200 || code != "A1" || raID(t, late) != id || len(w.um.events) != 1 {
		t.Errorf("resent once decided: %d %s; %d events", late.StatusCode, late.Body, len(w.um.events))
	}
	// Another provider's inquiry finds nothing.
	if other := w.send("POST", "/fhir/Claim/$inquire", medical(t), ehrB); other.StatusCode != 404 ||
		readFHIR(t, other).Issue[0].Code != "not-found" {
		t.Errorf("provider B: %d %s", other.StatusCode, other.Body)
	}
}

// Every problem the plan's rules find is an issue at its place in the
// Bundle, in one OperationOutcome; a Bundle that is no PAS request, or an
// operation that does not exist, answers an OperationOutcome too, never a
// problem or a 500.
func TestPASProblemsAreIssuesAtTheirPlace(t *testing.T) {
	w := setup(t)
	noDiagnosis := string(pastest.Mapped(t, pastest.Example(t, "Bundle-MedicalServicesAuthorizationBundleExample.json"),
		pastest.Sample{MemberID: "M-PLAIN", RequestingNPI: "1234567894", ServicingNPI: "1245319599", ServiceDate: dos.String()}))
	resp := w.send("POST", "/fhir/Claim/$submit", noDiagnosis, ehrA)
	out := readFHIR(t, resp)
	at := map[string]string{}
	for _, is := range out.Issue {
		at[strings.Join(is.Expression, ",")] = is.Details.Text
	}
	if resp.StatusCode != 400 || out.ResourceType != "OperationOutcome" || at["Bundle.entry[0].resource.diagnosis"] == "" ||
		at["Bundle.entry[1].resource.identifier"] == "" {
		t.Errorf("%d %s", resp.StatusCode, resp.Body)
	}
	for name, tc := range map[string]struct {
		target, body string
		status       int
	}{
		"not JSON":           {"/fhir/Claim/$submit", "{", 400},
		"a Patient":          {"/fhir/Claim/$submit", `{"resourceType":"Patient"}`, 400},
		"another operation":  {"/fhir/Claim/$validate", medical(t), 404},
		"COB on the date":    {"/fhir/Claim/$submit", strings.ReplaceAll(medical(t), `"M-PLAIN"`, `"M-COB"`), 422},
		"no such member":     {"/fhir/Claim/$submit", strings.ReplaceAll(medical(t), `"M-PLAIN"`, `"NOBODY"`), 404},
		"inquiry, no record": {"/fhir/Claim/$inquire", medical(t), 404},
	} {
		resp := w.send("POST", tc.target, tc.body, ehrA)
		out := readFHIR(t, resp)
		if resp.StatusCode != tc.status || out.ResourceType != "OperationOutcome" || len(out.Issue) == 0 || out.Issue[0].Details.Text == "" {
			t.Errorf("%s: %d %s", name, resp.StatusCode, resp.Body)
		}
	}
}

// The same member, type, date and services under another identifier is a
// duplicate of the open request, which the issue names.
func TestAnotherPASRequestForTheSameServicesIsADuplicate(t *testing.T) {
	w := setup(t)
	first := w.send("POST", "/fhir/Claim/$submit", medical(t), ehrA)
	if first.StatusCode != 200 {
		t.Fatalf("%d %s", first.StatusCode, first.Body)
	}
	id := raID(t, first)
	resp := w.send("POST", "/fhir/Claim/$submit", strings.Replace(medical(t), `"value":"111099"`, `"value":"222333"`, 1), ehrA)
	out := readFHIR(t, resp)
	if resp.StatusCode != 409 || len(out.Issue) != 1 || out.Issue[0].Code != "duplicate" || !strings.Contains(out.Issue[0].Details.Text, id) {
		t.Errorf("%d %s", resp.StatusCode, resp.Body)
	}
}

// Conformance: every request example of the PAS package, mapped onto this
// test's member, NPIs and date (and a diagnosis where it states none), is
// answered with a Bundle that passes the PAS response profiles' checks
// (pastest.Validate says which), or refused at its place for a rule of the
// plan's that the example does not meet; the package's inquiry, after,
// with one that passes the inquiry response profiles'.
func TestEveryPackageRequestIsAnsweredConformantly(t *testing.T) {
	w := setup(t)
	sample := pastest.Sample{MemberID: "M-PLAIN", RequestingNPI: "1234567893", ServicingNPI: "1245319599", ServiceDate: dos.String(), Diagnosis: "M25.561"}
	for name, refused := range map[string]map[string]string{
		"Bundle-MedicalServicesAuthorizationBundleExample.json": nil,
		"Bundle-HomecareAuthorizationBundleExample.json":        nil,
		"Bundle-HomecareAuthorizationUpdateBundleExample.json":  nil,
		// The referral asks for a kind of service (X12 service type 3,
		// consultation), not a procedure: the plan's retro authorizations
		// are for procedure codes. Its procedure note, a text document
		// inside the Bundle, passes the file checks: no problem is its.
		"Bundle-ReferralAuthorizationBundleExample.json": {"Bundle.entry[0].resource.item[0].productOrService": portal.CodeInvalidAuthRequest},
		// Coronary bypass (33510) calls for the plan's clinical questions
		// and supporting documents, which the example does not send (this
		// plan's answers and documents both go in supportingInfo).
		"Bundle-SurgicalRequestBundleExample.json": {"Bundle.entry[0].resource.supportingInfo": portal.CodeInvalidAuthRequest},
	} {
		body := pastest.Example(t, name)
		if strings.HasPrefix(name, "Bundle-Surgical") {
			body = []byte(strings.Replace(string(body), "Practitioner/ReferralPractitionerExample", "Practitioner/SurgicalPractitionerExample", 1))
		}
		resp := w.send("POST", "/fhir/Claim/$submit", string(pastest.Mapped(t, body, sample)), ehrA)
		if refused == nil {
			if resp.StatusCode != 200 {
				t.Errorf("%s: %d %s", name, resp.StatusCode, resp.Body)
				continue
			}
			checkAnswer(t, name, []byte(resp.Body), pas.ProfileResponseBundle, pas.ProfileClaimResponse)
			continue
		}
		got := map[string]string{}
		for _, is := range readFHIR(t, resp).Issue {
			got[strings.Join(is.Expression, ",")] = is.Details.Coding[0].Code
		}
		if resp.StatusCode != 400 || !maps.Equal(got, refused) {
			t.Errorf("%s: %d %v, want refused at %v", name, resp.StatusCode, got, refused)
		}
	}
	inquiry := pastest.Mapped(t, pastest.Example(t, "Bundle-PASClaimInquiryBundleExample.json"), sample)
	resp := w.send("POST", "/fhir/Claim/$inquire", string(inquiry), ehrA)
	if resp.StatusCode != 200 {
		t.Fatalf("inquiry: %d %s", resp.StatusCode, resp.Body)
	}
	checkAnswer(t, "the inquiry", []byte(resp.Body), pas.ProfileInquiryResponseBundle, pas.ProfileInquiryResponse)
}

func checkAnswer(t *testing.T, name string, answer []byte, bundleProfile, responseProfile string) {
	t.Helper()
	if p := pastest.Validate(t, answer, bundleProfile); len(p) > 0 {
		t.Errorf("%s: the Bundle: %v", name, p)
	}
	var b struct {
		Entry []struct{ Resource json.RawMessage }
	}
	if err := json.Unmarshal(answer, &b); err != nil || len(b.Entry) == 0 {
		t.Fatalf("%s: %v", name, err)
	}
	if p := pastest.Validate(t, b.Entry[0].Resource, responseProfile); len(p) > 0 {
		t.Errorf("%s: the ClaimResponse: %v", name, p)
	}
}

// The CapabilityStatement is answered to anyone, as FHIR, cacheable.
func TestTheCapabilityStatementNeedsNoToken(t *testing.T) {
	w := setup(t)
	resp := w.send("GET", "/fhir/metadata", "", nil)
	var cs struct{ ResourceType string }
	if err := json.Unmarshal([]byte(resp.Body), &cs); err != nil || resp.StatusCode != 200 || cs.ResourceType != "CapabilityStatement" ||
		resp.Headers["Content-Type"] != "application/fhir+json" || !strings.Contains(resp.Headers["Cache-Control"], "max-age") {
		t.Errorf("%d %v %s", resp.StatusCode, resp.Headers, resp.Body)
	}
}

// Only a system client's token is served, with the scope each operation
// needs, for an organisation it is registered for: the requestor's TIN if
// the Bundle names one, else the client's practice holding the requesting
// NPI. Any other organisation is not found.
func TestPASActsForTheSystemsOrganisations(t *testing.T) {
	w := setup(t)
	outcome := func(resp events.APIGatewayV2HTTPResponse) (int, string, string) {
		o := readFHIR(t, resp)
		if len(o.Issue) == 0 || len(o.Issue[0].Details.Coding) == 0 {
			t.Fatalf("no issue: %d %s", resp.StatusCode, resp.Body)
		}
		return resp.StatusCode, o.Issue[0].Details.Coding[0].Code, strings.Join(o.Issue[0].Expression, ",")
	}
	if st, code, _ := outcome(w.send("POST", "/fhir/Claim/$submit", medical(t), tinA)); st != 403 || code != portal.CodeSystemUnknown {
		t.Errorf("a provider's own token: %d %s", st, code)
	}
	readOnly := map[string]string{"client_id": "ehr-a", "sub": "ehr-a", "scope": "system/Claim.rs"}
	if st, code, _ := outcome(w.send("POST", "/fhir/Claim/$submit", medical(t), readOnly)); st != 403 || code != portal.CodeScopeNotGranted {
		t.Errorf("$submit with a read scope: %d %s", st, code)
	}
	writeOnly := map[string]string{"client_id": "ehr-a", "sub": "ehr-a", "scope": "system/Claim.c"}
	if st, code, _ := outcome(w.send("POST", "/fhir/Claim/$inquire", medical(t), writeOnly)); st != 403 || code != portal.CodeScopeNotGranted {
		t.Errorf("$inquire with a create scope: %d %s", st, code)
	}
	// A clearinghouse for A and B: the requesting NPI names the practice.
	both := map[string]string{"client_id": "hub", "sub": "hub", "scope": "system/*.cruds"}
	byNPI := strings.ReplaceAll(medical(t), `"value":"1234567893"`, `"value":"2222222236"`) // Dr. Jordan Ames, of B
	resp := w.send("POST", "/fhir/Claim/$submit", byNPI, both)
	if resp.StatusCode != 200 {
		t.Fatalf("the clearinghouse for B: %d %s", resp.StatusCode, resp.Body)
	}
	id := raID(t, resp)
	if got := w.send("GET", "/authorizations/"+id, "", tinB); got.StatusCode != 200 {
		t.Errorf("B's portal does not show the request made for B: %d", got.StatusCode)
	}
	if got := w.send("GET", "/authorizations/"+id, "", tinA); got.StatusCode != 404 {
		t.Errorf("A's portal shows B's request: %d", got.StatusCode)
	}
	// An NPI of none of its practices, from a client of two: not found,
	// at the requestor.
	if st, code, where := outcome(w.send("POST", "/fhir/Claim/$submit", medical(t), both)); st != 404 || code != portal.CodeOrganizationNotFound || !strings.Contains(where, "identifier") {
		t.Errorf("an NPI of no practice of the client's: %d %s at %s", st, code, where)
	}
	// A TIN named in the Bundle that the client does not hold: not found.
	withTIN := strings.Replace(medical(t), `{"system":"http://hl7.org/fhir/sid/us-npi","value":"1234567893"}`,
		`{"system":"http://hl7.org/fhir/sid/us-npi","value":"1234567893"},{"system":"urn:oid:2.16.840.1.113883.4.4","value":"333333333"}`, 1)
	if withTIN == medical(t) {
		t.Fatal("the requestor's NPI identifier was not found to add a TIN beside")
	}
	if st, code, _ := outcome(w.send("POST", "/fhir/Claim/$submit", withTIN, ehrA)); st != 404 || code != portal.CodeOrganizationNotFound {
		t.Errorf("a TIN the client does not hold: %d %s", st, code)
	}
	// The same TIN named by a client that holds it: served for it.
	for3 := map[string]string{"client_id": "hub3", "sub": "hub3", "scope": "system/Claim.c"}
	if resp := w.send("POST", "/fhir/Claim/$submit", withTIN, for3); resp.StatusCode != 200 {
		t.Errorf("a TIN the client holds: %d %s", resp.StatusCode, resp.Body)
	}
	// The registration counts at once: a client disabled, or never
	// registered, is served nothing, whatever its token still says.
	hub3, _, err := w.systems.SystemClient(context.Background(), "hub3")
	if err != nil {
		t.Fatal(err)
	}
	hub3.Disabled = true
	if err := w.systems.RegisterSystemClient(context.Background(), hub3); err != nil {
		t.Fatal(err)
	}
	if st, code, _ := outcome(w.send("POST", "/fhir/Claim/$submit", withTIN, for3)); st != 403 || code != portal.CodeSystemUnknown {
		t.Errorf("a disabled client: %d %s", st, code)
	}
	stranger := map[string]string{"client_id": "stranger", "sub": "stranger", "scope": "system/Claim.c"}
	if st, code, _ := outcome(w.send("POST", "/fhir/Claim/$submit", medical(t), stranger)); st != 403 || code != portal.CodeSystemUnknown {
		t.Errorf("a client never registered: %d %s", st, code)
	}
}
