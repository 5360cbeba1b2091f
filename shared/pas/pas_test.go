package pas_test

import (
	"encoding/json"
	"io"
	"slices"
	"strings"
	"testing"

	"github.com/openpayer/provider-portal/shared/pas"
	"github.com/openpayer/provider-portal/shared/pas/pastest"
	"github.com/openpayer/provider-portal/shared/portal"
)

func example(t *testing.T, name string) []byte { return pastest.Example(t, name) }

// Each of the package's request Bundles reads as the request it states.
func TestThePackagesRequestsRead(t *testing.T) {
	for name, want := range map[string]struct {
		member, npi, servicing, pos, start, end string
		typ                                     portal.AuthType
		urgent                                  bool
		diagnoses, codes                        []string
		discharge                               string
		trace                                   string
	}{
		"Bundle-MedicalServicesAuthorizationBundleExample.json": {member: "1122334455", npi: "8189991234", servicing: "8189991234", pos: "11",
			start: "2005-05-10", typ: portal.AuthOutpatient, codes: []string{"99212"}, trace: "111099"},
		"Bundle-ReferralAuthorizationBundleExample.json": {member: "1122334455", npi: "8189991234", servicing: "1234567893",
			typ: portal.AuthOutpatient, urgent: true, diagnoses: []string{"G89.4"}, trace: "111099"},
		"Bundle-SurgicalRequestBundleExample.json": {member: "1122334455", npi: "8189991234", servicing: "1234567893", pos: "21",
			start: "2020-07-02", discharge: "2020-07-09", typ: portal.AuthInpatient, diagnoses: []string{"C18.9"}, codes: []string{"33510"},
			trace: "16139462398"},
		"Bundle-HomecareAuthorizationBundleExample.json": {member: "1122334455", typ: portal.AuthOutpatient},
	} {
		body := example(t, name)
		if name == "Bundle-SurgicalRequestBundleExample.json" {
			body = fixSurgicalPractitioner(t, body)
		}
		r, err := pas.Read(body)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		a := r.Auth
		switch {
		case a.MemberID != want.member, a.Type != want.typ, a.Urgent != want.urgent:
			t.Errorf("%s: member %q type %q urgent %v", name, a.MemberID, a.Type, a.Urgent)
		case want.npi != "" && (a.RequestingNPI != want.npi || a.ServicingNPI != want.servicing):
			t.Errorf("%s: NPIs %q %q", name, a.RequestingNPI, a.ServicingNPI)
		case want.pos != "" && a.PlaceOfService != want.pos:
			t.Errorf("%s: place of service %q", name, a.PlaceOfService)
		case want.start != "" && a.StartDate.String() != want.start:
			t.Errorf("%s: start %s", name, a.StartDate)
		case want.diagnoses != nil && !slices.Equal(a.Diagnoses, want.diagnoses):
			t.Errorf("%s: diagnoses %v", name, a.Diagnoses)
		case want.trace != "" && r.Trace.Value != want.trace:
			t.Errorf("%s: trace %+v", name, r.Trace)
		case want.discharge != "" && (a.Admission == nil || a.Admission.DischargeDate.String() != want.discharge):
			t.Errorf("%s: admission %+v", name, a.Admission)
		}
		var codes []string
		for _, s := range a.Services {
			codes = append(codes, s.Code)
			if s.Units < 1 {
				t.Errorf("%s: %s with %d units", name, s.Code, s.Units)
			}
		}
		if want.codes != nil && !slices.Equal(codes, want.codes) {
			t.Errorf("%s: services %v", name, codes)
		}
	}
}

// The package's surgical request names, in its PractitionerRole, a
// Practitioner the Bundle does not hold (ReferralPractitionerExample; the
// Bundle has SurgicalPractitionerExample, with the same NPI). As sent it is
// refused at that role; the reading tests point the role at the
// practitioner the Bundle has.
func fixSurgicalPractitioner(t *testing.T, body []byte) []byte {
	t.Helper()
	fixed := strings.Replace(string(body), `"practitioner":{"reference":"Practitioner/ReferralPractitionerExample"}`,
		`"practitioner":{"reference":"Practitioner/SurgicalPractitionerExample"}`, 1)
	if fixed == string(body) {
		var b map[string]any
		if err := json.Unmarshal(body, &b); err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range b["entry"].([]any) {
			r := e.(map[string]any)["resource"].(map[string]any)
			if r["resourceType"] == "PractitionerRole" {
				r["practitioner"] = map[string]any{"reference": "Practitioner/SurgicalPractitionerExample"}
				found = true
			}
		}
		if !found {
			t.Fatal("the surgical example has no PractitionerRole any more")
		}
		out, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	return []byte(fixed)
}

func TestTheSurgicalExampleAsSentIsRefusedAtItsRole(t *testing.T) {
	_, err := pas.Read(example(t, "Bundle-SurgicalRequestBundleExample.json"))
	out := pas.Outcome(err, func(f string) string { return f })
	if portal.ErrorCode(err) != portal.CodeInvalidPASRequest || len(out.Issue) != 1 || out.Issue[0].Expression[0] != "Bundle.entry[6].resource" {
		t.Errorf("%v %+v", err, out)
	}
}

// What the plan's rules find in a request is answered at its place in the
// Bundle, all at once: the package's medical services request states no
// diagnosis, and its member, NPI and date are not this plan's.
func TestTheRulesProblemsAreAnsweredWhereTheyAre(t *testing.T) {
	r, err := pas.Read(example(t, "Bundle-MedicalServicesAuthorizationBundleExample.json"))
	if err != nil {
		t.Fatal(err)
	}
	today := portal.MustDate("2026-12-05")
	err = portal.KYMarketplace.CheckSystemAuthorizationRequest(&r.Auth, today)
	out := pas.Outcome(err, r.Locate)
	where := map[string]string{}
	for _, is := range out.Issue {
		if len(is.Expression) != 1 || is.Severity != "error" || is.Code != "invalid" || is.Details.Text == "" ||
			is.Details.Coding[0].Code != portal.CodeInvalidAuthRequest || strings.Contains(is.Details.Text, "_") {
			t.Errorf("issue %+v", is)
			continue
		}
		where[is.Expression[0]] = is.Details.Text
	}
	for _, path := range []string{"Bundle.entry[0].resource.diagnosis"} {
		if where[path] == "" {
			t.Errorf("no issue at %s: %v", path, where)
		}
	}
	if _, ok := where["Bundle.entry[0].resource.cobVerified"]; ok {
		t.Error("a system is asked to confirm COB")
	}
	for path := range where {
		if !strings.HasPrefix(path, "Bundle.entry[") {
			t.Errorf("an issue at %s, not in the Bundle", path)
		}
	}
}

// A Bundle that is not a PAS request answers INVALID_PAS_REQUEST with each
// problem at its place, never an internal error.
func TestWhatIsNotAPASRequestIsRefusedAtItsPlace(t *testing.T) {
	medical := example(t, "Bundle-MedicalServicesAuthorizationBundleExample.json")
	var b map[string]any
	if err := json.Unmarshal(medical, &b); err != nil {
		t.Fatal(err)
	}
	entries := b["entry"].([]any)
	claim := entries[0].(map[string]any)["resource"].(map[string]any)
	mutate := func(f func()) []byte {
		orig, _ := json.Marshal(b)
		f()
		out, _ := json.Marshal(b)
		if err := json.Unmarshal(orig, &b); err != nil {
			t.Fatal(err)
		}
		entries = b["entry"].([]any)
		claim = entries[0].(map[string]any)["resource"].(map[string]any)
		return out
	}
	for name, tc := range map[string]struct {
		body []byte
		at   []string
	}{
		"not JSON":               {[]byte(`{"resourceType":`), []string{"Bundle"}},
		"not a Bundle":           {[]byte(`{"resourceType":"Claim"}`), []string{"Bundle"}},
		"no Claim first":         {mutate(func() { entries[0], entries[4] = entries[4], entries[0] }), []string{"Bundle.entry[0].resource"}},
		"a claim, not a request": {mutate(func() { claim["use"] = "claim" }), []string{"Bundle.entry[0].resource.use"}},
		"no Coverage and no requestor": {mutate(func() {
			claim["insurance"].([]any)[0].(map[string]any)["coverage"] = map[string]any{"reference": "Coverage/elsewhere"}
			claim["provider"] = map[string]any{"reference": "Organization/elsewhere"}
		}), []string{"Bundle.entry[0].resource.insurance[0].coverage", "Bundle.entry[0].resource.provider"}},
	} {
		refusedAt(t, name, tc.body, tc.at)
	}
}

// refusedAt checks that body is refused as no readable PAS request with an
// issue at each of at, and only there, each in words a person at the
// sending system knows (the developers' reason is in diagnostics, after
// the code).
func refusedAt(t *testing.T, name string, body []byte, at []string) {
	t.Helper()
	_, err := pas.Read(body)
	if portal.ErrorCode(err) != portal.CodeInvalidPASRequest {
		t.Errorf("%s: %v", name, err)
		return
	}
	var got []string
	for _, is := range pas.Outcome(err, func(f string) string { return f }).Issue {
		got = append(got, is.Expression...)
		for _, word := range []string{"Bundle", "Claim", "FHIR", "JSON", "Coverage", "preauthorization", "base64", "Attachment", "DocumentReference"} {
			if strings.Contains(is.Details.Text, word) {
				t.Errorf("%s: %q says %s", name, is.Details.Text, word)
			}
		}
		if !strings.HasPrefix(is.Diagnostics, portal.CodeInvalidPASRequest+": ") {
			t.Errorf("%s: diagnostics %q", name, is.Diagnostics)
		}
	}
	slices.Sort(got)
	if !slices.Equal(got, at) {
		t.Errorf("%s: issues at %v, want %v", name, got, at)
	}
}

// An error that is not the portal's says nothing of its cause.
func TestAnInternalErrorSaysNothingOfItsCause(t *testing.T) {
	out := pas.Outcome(io.ErrUnexpectedEOF, func(string) string { return "" })
	if len(out.Issue) != 1 || out.Issue[0].Code != "exception" || strings.Contains(out.Issue[0].Details.Text, "EOF") {
		t.Errorf("%+v", out)
	}
}

// The conformance checker (pastest.Validate) passes the package's own
// answers and fails each one it is given broken.
func TestTheCheckerPassesThePackagesAnswersAndFailsBrokenOnes(t *testing.T) {
	for _, name := range []string{"Bundle-ReferralAuthorizationResponseBundleExample.json", "Bundle-ReferralPendingAuthorizationResponseBundleExample.json"} {
		b := example(t, name)
		if p := pastest.Validate(t, b, pas.ProfileResponseBundle); len(p) > 0 {
			t.Errorf("%s: %v", name, p)
		}
		var bundle struct {
			Entry []struct{ Resource json.RawMessage }
		}
		if err := json.Unmarshal(b, &bundle); err != nil {
			t.Fatal(err)
		}
		cr := bundle.Entry[0].Resource
		if p := pastest.Validate(t, cr, pas.ProfileClaimResponse); len(p) > 0 {
			t.Errorf("%s's ClaimResponse: %v", name, p)
		}
		for broken, change := range map[string][2]string{
			"no request":             {`"request"`, `"requestX"`},
			"use claim":              {`"use":"preauthorization"`, `"use":"claim"`},
			"category not submitted": {`"code":"submitted"`, `"code":"eligible"`},
		} {
			var m map[string]any
			if err := json.Unmarshal(cr, &m); err != nil {
				t.Fatal(err)
			}
			compact, _ := json.Marshal(m)
			bad := strings.Replace(string(compact), change[0], change[1], 1)
			if bad == string(compact) {
				t.Fatalf("%s: %q not in the example", broken, change[0])
			}
			if p := pastest.Validate(t, []byte(bad), pas.ProfileClaimResponse); len(p) == 0 {
				t.Errorf("%s, %s: passed", name, broken)
			}
		}
	}
}

// The CapabilityStatement names the package's own operation definitions
// and profiles, each of which the package holds.
func TestTheCapabilityStatementNamesWhatThePackageDefines(t *testing.T) {
	b, err := json.Marshal(pas.Capability())
	if err != nil {
		t.Fatal(err)
	}
	var cs struct {
		ResourceType, Kind, FhirVersion string
		Rest                            []struct {
			Mode     string
			Resource []struct {
				Type             string
				SupportedProfile []string
				Operation        []struct{ Name, Definition string }
			}
		}
	}
	if err := json.Unmarshal(b, &cs); err != nil {
		t.Fatal(err)
	}
	if cs.ResourceType != "CapabilityStatement" || cs.Kind != "instance" || cs.FhirVersion != "4.0.1" || len(cs.Rest) != 1 || cs.Rest[0].Mode != "server" {
		t.Fatalf("%s", b)
	}
	claim := cs.Rest[0].Resource[0]
	if claim.Type != "Claim" || len(claim.Operation) != len(pas.Operations) {
		t.Fatalf("%+v", claim)
	}
	for _, op := range claim.Operation {
		url, version, _ := strings.Cut(op.Definition, "|")
		if pas.Operations[op.Name] != url || version != pas.Version || !pastest.Defines(t, url) {
			t.Errorf("operation %+v", op)
		}
	}
	for _, p := range claim.SupportedProfile {
		url, _, _ := strings.Cut(p, "|")
		if !pastest.Defines(t, url) {
			t.Errorf("profile %s is not in the package", url)
		}
	}
}
