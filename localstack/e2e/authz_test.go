package e2e_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/shared/openapi"
	"github.com/openpayer/provider-portal/shared/pas/pastest"
	"github.com/openpayer/provider-portal/shared/portal"
)

// matrixFixtures are values of provider A's, by the name of the parameter
// or required body property they fill. A route added later is covered with
// no change here as long as its parameters have names listed; one whose
// parameter has none fails, naming it.
// endSubscription ends, when the test is over, the subscription made with
// the answer body: its address refuses, and decisions other tests make
// would be retried to it.
func endSubscription(t *testing.T, tok string, body []byte) {
	var out struct{ ID string }
	if json.Unmarshal(body, &out) != nil || out.ID == "" {
		return
	}
	t.Cleanup(func() {
		if status, body := rawCall(t, tok, "DELETE", "/fhir/Subscription/"+out.ID, nil); status != 200 {
			t.Errorf("end subscription %s: %d %s", out.ID, status, body)
		}
	})
}

// matrixSubscription is a subscription to the PAS topic at an address
// nothing listens on.
const matrixSubscription = `{"resourceType":"Subscription","status":"requested","criteria":"http://hl7.org/fhir/us/davinci-pas/SubscriptionTopic/PASSubscriptionTopic",
	"channel":{"type":"rest-hook","endpoint":"http://127.0.0.1:9/hook","payload":"application/fhir+json"}}`

func matrixFixtures(t *testing.T, a, sysA string) map[string]func() any {
	denied := "C10000000002"
	var claim portal.Claim
	for _, c := range set.Claims {
		if c.Number == denied {
			claim = c
		}
	}
	upload := func() any { return newUpload(t, a, "matrix.pdf", 100).Upload.UploadID }
	// Each request gets services of its own, so that none duplicates another.
	serviceCode := 0
	services := func() any {
		serviceCode++
		return []any{map[string]any{"code": fmt.Sprintf("992%02d", serviceCode%100), "units": 1}}
	}
	authorizationRequest := func() map[string]any {
		return map[string]any{"memberId": claim.MemberID, "type": "outpatient", "startDate": claim.ServiceFrom.String(), "cobVerified": true,
			"requestingNpi": "1234567893", "servicingNpi": "1245319599", "placeOfService": "11", "diagnoses": []any{"E11.9"},
			"services": services(), "contactEmail": "auth@clinic.example"}
	}
	authorization := func() any {
		status, body := call(t, a, "POST", "/authorizations", authorizationRequest())
		var out struct{ AuthorizationID string }
		if status != 201 || json.Unmarshal(body, &out) != nil {
			t.Fatalf("fixture authorization: %d %s", status, body)
		}
		return out.AuthorizationID
	}
	// Disputes and appeals: one open case of a kind per claim, so each
	// fixture first withdraws the claim's open one.
	// Paid; denied on medical necessity (a consent-form denial is uploaded
	// on the claim instead of appealed).
	disputed, appealed := "C10000000001", "C10000000004"
	openCase := func(family string, body map[string]any) string {
		for range 2 {
			status, out := call(t, a, "POST", "/"+family, body)
			var c struct {
				CaseID     string
				OpenCaseID string
			}
			if json.Unmarshal(out, &c) != nil {
				t.Fatalf("fixture %s: %d %s", family, status, out)
			}
			if status == 201 {
				return c.CaseID
			}
			if status != 409 {
				t.Fatalf("fixture %s: %d %s", family, status, out)
			}
			if status, out := call(t, a, "POST", "/"+family+"/"+c.OpenCaseID+"/withdraw", nil); status != 200 {
				t.Fatalf("fixture %s: withdraw the open one: %d %s", family, status, out)
			}
		}
		t.Fatalf("fixture %s: the claim stays taken", family)
		return ""
	}
	dispute := func() map[string]any {
		return map[string]any{"claimNumber": disputed, "disputeType": "payment_amount", "issueCategory": "claim_dispute_medical",
			"contactName": "Dana Biller", "notes": "Paid below the contracted rate."}
	}
	appeal := func() map[string]any {
		return map[string]any{"claimNumber": appealed, "appealType": "clinical_appeal", "notes": "The records show the visit was needed.",
			"reasons": map[string]any{"new_information": map[string]any{"answer": "yes"}, "policy_misapplied": map[string]any{"answer": "no"}}}
	}
	free := func(family, claim string) {
		status, out := call(t, a, "GET", "/"+family+"?claimNumber="+claim, nil)
		var list struct {
			Cases []struct{ CaseID, Status string }
		}
		if status != 200 || json.Unmarshal(out, &list) != nil {
			t.Fatalf("fixture %s list: %d %s", family, status, out)
		}
		for _, c := range list.Cases {
			if c.Status == "received" || c.Status == "in_review" || c.Status == "returned_incomplete" {
				if status, out := call(t, a, "POST", "/"+family+"/"+c.CaseID+"/withdraw", nil); status != 200 {
					t.Fatalf("fixture %s: withdraw: %d %s", family, status, out)
				}
			}
		}
	}
	freeClaim := func(family, claim string) func() any {
		return func() any { free(family, claim); return claim }
	}
	draft := func() any {
		free("appeals", appealed)
		body := appeal()
		body["draft"] = true
		return openCase("appeals", body)
	}
	var lastDispute string
	letter := func() any {
		if lastDispute == "" {
			lastDispute = openCase("disputes", dispute())
		}
		status, out := call(t, a, "GET", "/documents?type=acknowledgement&limit=1", nil)
		var list struct{ Documents []struct{ DocumentID string } }
		if status != 200 || json.Unmarshal(out, &list) != nil || len(list.Documents) == 0 {
			t.Fatalf("fixture letter: %d %s", status, out)
		}
		return list.Documents[0].DocumentID
	}
	return map[string]func() any{
		// Whole bodies, where the document states a rule between fields in
		// prose (one plain request type for generated clients), so that a
		// body built from the required properties alone would not do.
		"POST /appeals body": func() any {
			free("appeals", appealed)
			return appeal()
		},
		"PUT /appeals/{caseId} body": func() any { return appeal() },
		"POST /authorizations body":  func() any { return authorizationRequest() },
		// Da Vinci PAS: a $submit of the package's medical services request
		// on the claim's member and date, with services of its own. Another
		// provider's is a request of its own, as at POST /authorizations.
		"POST /fhir/Claim/{operation} operation": func() any { return "$submit" },
		"POST /fhir/Claim/{operation} body": func() any {
			b := pastest.Mapped(t, pastest.Example(t, "Bundle-MedicalServicesAuthorizationBundleExample.json"), pastest.Sample{
				MemberID: claim.MemberID, RequestingNPI: "1234567893", ServicingNPI: "1245319599", ServiceDate: claim.ServiceFrom.String(), Diagnosis: "E11.9"})
			serviceCode++
			return json.RawMessage(strings.Replace(string(b), `"code":"99212"`, fmt.Sprintf(`"code":"993%02d"`, serviceCode%100), 1))
		},
		// The system token endpoint's form: the sample EHR's own assertion,
		// whoever sends it (the assertion is the credential).
		"POST /fhir/auth/token body": func() any { return tokenForm(t, sampledata.EHRClient, "system/Claim.cr") },
		// A subscription with an address nothing listens on (the local
		// stack lets rest-hooks be http on 127.0.0.1): the matrix asks
		// who may make, read and end it, not what it is told.
		"POST /fhir/Subscription body": func() any { return json.RawMessage(matrixSubscription) },
		"fhir.subscriptionId": func() any {
			status, body := call(t, sysA, "POST", "/fhir/Subscription", json.RawMessage(matrixSubscription))
			var out struct{ ID string }
			if status != 201 || json.Unmarshal(body, &out) != nil {
				t.Fatalf("fixture subscription: %d %s", status, body)
			}
			endSubscription(t, sysA, body)
			return out.ID
		},
		"POST /claims/search body": func() any { return map[string]any{"claimNumber": denied} },
		"POST /members/coverage/search body": func() any {
			return map[string]any{"memberId": claim.MemberID, "dateOfService": claim.ServiceFrom.String()}
		},
		"disputes.caseId":                         func() any { return openCase("disputes", dispute()) },
		"appeals.caseId":                          draft,
		"POST /appeals/{caseId}/documents caseId": func() any { return openCase("appeals", appeal()) },
		"disputes.claimNumber":                    freeClaim("disputes", disputed),
		"appeals.claimNumber":                     freeClaim("appeals", appealed),
		"appeals.reasons":                         func() any { return appeal()["reasons"] },
		"appeals.appealType":                      func() any { return appeal()["appealType"] },
		"notes":                                   func() any { return "Why, in a sentence." },
		"contactName":                             func() any { return "Dana Biller" },
		"documentId":                              letter,
		"documents.type":                          func() any { return "acknowledgement" },
		"authorizationId":                         authorization,
		"dateOfService":                           func() any { return claim.ServiceFrom.String() },
		"type":                                    func() any { return "outpatient" },
		"startDate":                               func() any { return claim.ServiceFrom.String() },
		"cobVerified":                             func() any { return true },
		"requestingNpi":                           func() any { return "1234567893" },
		"servicingNpi":                            func() any { return "1245319599" },
		"placeOfService":                          func() any { return "11" },
		"diagnoses":                               func() any { return []any{"E11.9"} },
		"services":                                services,
		"carrier":                                 func() any { return "Told Us Health" },
		"policyNumber":                            func() any { return "T-1" },
		"subscriberName":                          func() any { return "Pat Doe" },
		"relationship":                            func() any { return "spouse" },
		"from":                                    func() any { return "2026-11-20" },
		"claimNumber":                             func() any { return denied },
		"uploadId":                                upload,
		"ids":                                     upload,
		"uploadIds":                               func() any { return []any{upload()} },
		"memberId":                                func() any { return claim.MemberID },
		"serviceDate":                             func() any { return claim.ServiceFrom.String() },
		"contactEmail":                            func() any { return "billing@example.org" },
		"fileName":                                func() any { return "records.pdf" },
		"size":                                    func() any { return 100 },
	}
}

// fill makes a value of schema s for the property name: a fixture if there
// is one, else the first enum value, else one of the schema's type.
func fill(t *testing.T, fixtures map[string]func() any, scope, name string, s *openapi3.Schema) any {
	if f, ok := fixtures[scope+"."+name]; ok { // a fixture for this family of routes
		return f()
	}
	if f, ok := fixtures[name]; ok {
		return f()
	}
	switch {
	case len(s.Enum) > 0:
		return s.Enum[0]
	case s.Type.Is("object"):
		out := map[string]any{}
		required := s.Required
		if len(s.OneOf) > 0 { // the first of the alternatives
			required = append(required, s.OneOf[0].Value.Required...)
		}
		if len(s.AnyOf) > 0 {
			required = append(required, s.AnyOf[0].Value.Required...)
		}
		for _, p := range required {
			out[p] = fill(t, fixtures, scope, p, s.Properties[p].Value)
		}
		return out
	}
	t.Fatalf("no fixture for the required property %q: add one to matrixFixtures", name)
	return nil
}

type matrixRequest struct {
	method, target string
	body           any
	pathParams     bool
}

// matrixRequestFor builds a request to op of provider A's resources.
func matrixRequestFor(t *testing.T, fixtures map[string]func() any, path, method string, item *openapi3.PathItem, op *openapi3.Operation) matrixRequest {
	req := matrixRequest{method: method}
	template := path
	scope := strings.Split(path, "/")[1]
	params := append(openapi3.Parameters{}, item.Parameters...)
	params = append(params, op.Parameters...)
	q := url.Values{}
	var optional []*openapi3.Parameter
	for _, ref := range params {
		p := ref.Value
		switch {
		case p.In == "path":
			f, ok := fixtures[method+" "+path+" "+p.Name]
			if !ok {
				f, ok = fixtures[scope+"."+p.Name]
			}
			if !ok {
				f, ok = fixtures[p.Name]
			}
			if !ok {
				t.Fatalf("%s %s: no fixture for the path parameter %q: add one to matrixFixtures", method, path, p.Name)
			}
			path = strings.ReplaceAll(path, "{"+p.Name+"}", fmt.Sprint(f()))
			// A member is the plan's, not a provider's: another provider
			// may report their other insurance.
			// Nor is an operation's name.
			req.pathParams = req.pathParams || (p.Name != "memberId" && p.Name != "operation")
		case p.In == "query" && p.Required:
			q.Set(p.Name, fmt.Sprint(fill(t, fixtures, scope, p.Name, p.Schema.Value)))
		case p.In == "query":
			optional = append(optional, p)
		}
	}
	// A search needs one way to search: the first optional parameter that
	// has a fixture.
	for _, p := range optional {
		f, ok := fixtures[scope+"."+p.Name]
		if !ok {
			f, ok = fixtures[p.Name]
		}
		if ok {
			q.Set(p.Name, fmt.Sprint(f()))
			break
		}
	}
	req.target = path
	if len(q) > 0 {
		req.target += "?" + q.Encode()
	}
	if f, ok := fixtures[method+" "+template+" body"]; ok {
		req.body = f()
	} else if op.RequestBody != nil {
		req.body = fill(t, fixtures, scope, "", op.RequestBody.Value.Content.Get("application/json").Schema.Value)
	}
	return req
}

// leaks reports the first of provider A's identifiers in a successful
// response to provider B, outside a list of IDs it did not find. (A problem
// may repeat an ID the caller sent: it shows nothing the caller did not know.)
func leaks(body []byte, markers []string) string {
	var v map[string]any
	if json.Unmarshal(body, &v) == nil {
		delete(v, "notFound")
		body, _ = json.Marshal(v)
	}
	for _, m := range markers {
		if strings.Contains(string(body), m) {
			return m
		}
	}
	return ""
}

// Every route of the OpenAPI document, as provider A on A's own records,
// as provider B on A's records, with no token and with a forged one.
func TestAuthorizationMatrix(t *testing.T) {
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document)
	if err != nil {
		t.Fatal(err)
	}
	a, b := token(t, sampledata.ProviderA.TIN), token(t, sampledata.ProviderB.TIN)
	forged := forgedToken(t)
	var aClaims []string
	for _, c := range set.Claims {
		if c.Provider() == portal.ProviderID(sampledata.ProviderA.TIN) {
			aClaims = append(aClaims, c.Number)
		}
	}
	// The FHIR operations take systems' tokens: provider A's EHR, and
	// provider B's.
	sysA := systemToken(t, sampledata.EHRClient, "system/Claim.cr system/Subscription.cruds")
	sysB := systemToken(t, sampledata.HospitalEHRClient, "system/Claim.cr system/Subscription.cruds")
	fixtures := matrixFixtures(t, a, sysA)
	paths := doc.Paths.InMatchingOrder()
	sort.Strings(paths)
	routes := 0
	for _, path := range paths {
		item := doc.Paths.Value(path)
		for method, op := range item.Operations() {
			routes++
			secured := len(doc.Security) > 0
			own, other := a, b
			if op.Security != nil {
				secured = len(*op.Security) > 0
				if secured && (*op.Security)[0]["smartBackend"] != nil {
					own, other = sysA, sysB
				}
			}
			for _, caller := range []struct{ name, tok string }{{"own", own}, {"other", other}, {"none", ""}, {"forged", forged}} {
				req := matrixRequestFor(t, fixtures, path, method, item, op)
				name := fmt.Sprintf("%s %s as %s", method, req.target, caller.name)
				status, body := call(t, caller.tok, method, req.target, req.body)
				if method == "POST" && path == "/fhir/Subscription" && status == 201 {
					endSubscription(t, caller.tok, body)
				}
				switch {
				case !secured || caller.name == "own":
					if status/100 != 2 {
						t.Errorf("%s: %d %s, want 2xx", name, status, body)
					}
				case caller.name == "none" || caller.name == "forged":
					if status != 401 {
						t.Errorf("%s: %d, want 401", name, status)
					}
				case req.pathParams:
					if status != 404 {
						t.Errorf("%s: %d %s, want 404 (another provider's record)", name, status, body)
					}
				default:
					markers := aClaims
					fields, _ := req.body.(map[string]any)
					if ids, ok := fields["uploadIds"].([]any); ok {
						for _, id := range ids {
							markers = append(markers, fmt.Sprint(id))
						}
					}
					if strings.Contains(req.target, "ids=") {
						markers = append(markers, strings.SplitN(req.target, "ids=", 2)[1])
					}
					if status == 401 || status == 403 || status >= 500 {
						t.Errorf("%s: %d %s", name, status, body)
					} else if m := leaks(body, markers); m != "" && status/100 == 2 {
						t.Errorf("%s: the answer shows provider A's %s: %s", name, m, body)
					}
				}
			}
		}
	}
	if routes < 9 {
		t.Errorf("only %d routes in the document", routes)
	}
}
