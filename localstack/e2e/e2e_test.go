package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/localstack/stack"
	"github.com/openpayer/provider-portal/shared/openapi"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/systemauth"
)

// End to end: the sample data goes in through the claims feed queue and the
// claims-ingest function; requests go through the local API Gateway with
// signed tokens into the claims function; every response is checked against
// the OpenAPI document.
var (
	local  *stack.Local
	auth   *stack.DevAuth
	api    *httptest.Server
	router routers.Router
	set    sampledata.Set
	// sampleAuthorizations are provider A's sample requests by status.
	sampleAuthorizations map[portal.AuthStatus]string
	// sampleCases are provider C's sample disputes and appeals by status.
	sampleCases map[portal.CaseStatus]string
	// systemClients are the sample systems registered for the FHIR routes.
	systemClients []sampledata.SystemClient
)

func TestMain(m *testing.M) {
	code, err := run(m)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	os.Exit(code)
}

func run(m *testing.M) (int, error) {
	ctx := context.Background()
	var err error
	if local, auth, err = stack.UpForTests(ctx, "e2e", false); err != nil {
		return 0, fmt.Errorf("local stack: %w", err)
	}
	defer local.Down()
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document)
	if err != nil {
		return 0, fmt.Errorf("openapi: %w", err)
	}
	if err := doc.Validate(ctx); err != nil {
		return 0, fmt.Errorf("openapi document invalid: %w", err)
	}
	if router, err = gorillamux.NewRouter(doc); err != nil {
		return 0, err
	}
	set = sampledata.New(portal.DateOf(time.Now()))
	if err := local.Feed(ctx, "ClaimsFeedQueue", set.Events(), 30*time.Second); err != nil {
		return 0, fmt.Errorf("load sample data: %w", err)
	}
	if sampleAuthorizations, err = local.SeedAuthorizations(ctx, auth, portal.DateOf(time.Now())); err != nil {
		return 0, fmt.Errorf("load sample authorizations: %w", err)
	}
	if sampleCases, err = local.SeedCases(ctx, auth); err != nil {
		return 0, fmt.Errorf("load sample cases: %w", err)
	}
	if systemClients, err = local.SeedSystemClients(ctx); err != nil {
		return 0, err
	}
	api = httptest.NewServer(local.Wired.Gateway)
	defer api.Close()
	return m.Run(), nil
}

// assertionFor is a client assertion of the sample system id for the
// stack's token endpoint.
func assertionFor(t testing.TB, id string) string {
	t.Helper()
	for _, c := range systemClients {
		if c.ID == id {
			a, err := c.Assertion(systemauth.TokenEndpoint(local.Wired.Env["SystemAuthFunction"]["SYSTEM_ISSUER"]))
			if err != nil {
				t.Fatal(err)
			}
			return a
		}
	}
	t.Fatalf("no sample system %s", id)
	return ""
}

// tokenForm is a token request of the sample system id for scope.
func tokenForm(t testing.TB, id, scope string) url.Values {
	return url.Values{"grant_type": {"client_credentials"}, "client_assertion_type": {systemauth.ClientAssertionType},
		"client_assertion": {assertionFor(t, id)}, "scope": {scope}}
}

// systemToken is an access token of the sample system id, got as the
// system gets it: a signed assertion posted to the token endpoint.
func systemToken(t testing.TB, id, scope string) string {
	t.Helper()
	status, body := rawCall(t, "", "POST", "/fhir/auth/token", tokenForm(t, id, scope))
	var out struct {
		AccessToken string `json:"access_token"`
	}
	if status != 200 || json.Unmarshal(body, &out) != nil || out.AccessToken == "" {
		t.Fatalf("token of %s: %d %s", id, status, body)
	}
	return out.AccessToken
}

func token(t *testing.T, tin string) string {
	tok, err := auth.Token("user-"+tin, tin, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// get calls the API and checks the response against the OpenAPI document.
func get(t *testing.T, tok, target string) (int, []byte) {
	t.Helper()
	return call(t, tok, "GET", target, nil)
}

// call sends a request, with body as JSON if not nil, and checks the
// response against the OpenAPI document.
func call(t *testing.T, tok, method, target string, body any) (int, []byte) {
	t.Helper()
	req := newRequest(t, tok, method, target, body)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	respBody, _ := io.ReadAll(resp.Body)
	checkResponse(t, req, resp.StatusCode, resp.Header, respBody)
	return resp.StatusCode, respBody
}

// newRequest is a request to the API, with body as JSON if not nil.
func newRequest(t testing.TB, tok, method, target string, body any) *http.Request {
	t.Helper()
	var rd io.Reader
	form, isForm := body.(url.Values)
	if isForm {
		rd = strings.NewReader(form.Encode())
	} else if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, api.URL+target, rd)
	if err != nil {
		t.Fatal(err)
	}
	if isForm {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	} else if _, fhir := body.(json.RawMessage); fhir {
		req.Header.Set("Content-Type", "application/fhir+json") // a FHIR resource, as is
	} else if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	return req
}

// checkResponse checks an answer to req against the OpenAPI document.
func checkResponse(t *testing.T, req *http.Request, status int, header http.Header, body []byte) {
	t.Helper()
	route, params, err := router.FindRoute(req)
	if err != nil {
		t.Fatalf("%s is not in the OpenAPI document: %v", req.URL.Path, err)
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route},
		Status:                 status, Header: header, Body: io.NopCloser(bytes.NewReader(body)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		t.Errorf("%s %s: response does not match the OpenAPI document: %v\n%s", req.Method, req.URL.Path, err, body)
	}
}

func claimNumbers(t *testing.T, body []byte) []string {
	var out struct {
		Claims []struct{ ClaimNumber string }
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, c := range out.Claims {
		n = append(n, c.ClaimNumber)
	}
	sort.Strings(n)
	return n
}

func TestEachSearchMethodReturnsOnlyTheCallersClaims(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	b := token(t, sampledata.ProviderB.TIN)
	avery := set.Members[0]
	info := url.Values{"lastName": {"SAMPLE-QUINN"}, "firstName": {"avery"}, "dateOfBirth": {avery.DateOfBirth.String()}}.Encode()
	for _, tc := range []struct {
		method, query string
		wantA, wantB  []string
	}{
		{"plan member ID", "memberId=" + sampledata.MemberAvery,
			[]string{"C10000000001", "C10000000002", "C10000000006"}, []string{"C20000000001"}},
		{"Medicaid ID", "medicaidId=" + sampledata.MedicaidAvery,
			[]string{"C10000000001", "C10000000002", "C10000000006"}, []string{"C20000000001"}},
		{"member info", info,
			[]string{"C10000000001", "C10000000002", "C10000000006"}, []string{"C20000000001"}},
		{"claim number", "claimNumber=C10000000001", []string{"C10000000001"}, nil},
		{"patient account number", "patientAccountNumber=PA-1001", []string{"C10000000001"}, []string{"C20000000001"}},
		{"check number", "checkNumber=CHK-5001", []string{"C10000000001"}, []string{"C20000000001"}},
		{"external reference number", "externalReferenceNumber=EXT-9001", []string{"C10000000001"}, []string{"C20000000001"}},
	} {
		t.Run(tc.method, func(t *testing.T) {
			status, body := get(t, a, "/claims?"+tc.query)
			if status != 200 {
				t.Fatalf("A: %d %s", status, body)
			}
			if got := claimNumbers(t, body); fmt.Sprint(got) != fmt.Sprint(tc.wantA) {
				t.Errorf("provider A got %v, want %v", got, tc.wantA)
			}
			status, body = get(t, b, "/claims?"+tc.query)
			if status != 200 {
				t.Fatalf("B: %d %s", status, body)
			}
			if got := claimNumbers(t, body); fmt.Sprint(got) != fmt.Sprint(tc.wantB) {
				t.Errorf("provider B got %v, want %v", got, tc.wantB)
			}
		})
	}
}

func TestClaimDetail(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	status, body := get(t, a, "/claims/C10000000003")
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var d struct {
		Status         string
		DenialReason   struct{ Code string }
		DenialCategory string
		DocumentUpload portal.UploadOffer
		Lines          []json.RawMessage
	}
	if err := json.Unmarshal(body, &d); err != nil {
		t.Fatal(err)
	}
	if d.Status != "denied" || d.DenialReason.Code != "MRR" || d.DenialCategory != "missing_medical_records" ||
		!d.DocumentUpload.Available || d.DocumentUpload.Document != "medical_records" || len(d.Lines) != 1 {
		t.Errorf("detail %+v", d)
	}
	if status, _ := get(t, a, "/claims/C20000000001"); status != 404 {
		t.Errorf("another provider's claim answered %d, want 404", status)
	}
}

func TestGatewayRefusesBadTokens(t *testing.T) {
	other, _ := stack.NewDevAuth()
	forged, _ := other.Token("mallory", sampledata.ProviderA.TIN, time.Hour)
	expired, _ := auth.Token("user", sampledata.ProviderA.TIN, -time.Minute)
	for name, tok := range map[string]string{"none": "", "forged": forged, "expired": expired} {
		if status, _ := get(t, tok, "/claims?memberId="+sampledata.MemberAvery); status != 401 {
			t.Errorf("%s token: %d, want 401", name, status)
		}
	}
	if status, _ := get(t, "", "/openapi.yaml"); status != 200 {
		t.Errorf("the OpenAPI document should be public: %d", status)
	}
}

func TestPagination(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	var all []string
	target := "/claims?limit=1&memberId=" + sampledata.MemberAvery
	for i := 0; i < 10; i++ {
		status, body := get(t, a, target)
		if status != 200 {
			t.Fatalf("%d %s", status, body)
		}
		all = append(all, claimNumbers(t, body)...)
		var page struct{ NextCursor string }
		_ = json.Unmarshal(body, &page)
		if page.NextCursor == "" {
			break
		}
		target = "/claims?limit=1&memberId=" + sampledata.MemberAvery + "&cursor=" + url.QueryEscape(page.NextCursor)
	}
	sort.Strings(all)
	if fmt.Sprint(all) != "[C10000000001 C10000000002 C10000000006]" {
		t.Errorf("pages held %v", all)
	}
	if status, _ := get(t, a, "/claims?memberId="+sampledata.MemberAvery+"&cursor=bogus"); status != 400 {
		t.Errorf("bogus cursor: %d", status)
	}
}

func TestFeedKeepsNewestAndParksMalformed(t *testing.T) {
	ctx := context.Background()
	c := set.Claims[0]
	newer, older := c, c
	newer.Version, newer.TotalPaid = 5, 99999
	older.Version, older.TotalPaid = 4, 1
	events := [][]byte{}
	for _, x := range []portal.Claim{newer, older} {
		b, _ := json.Marshal(map[string]any{"type": "claim", "claim": x})
		events = append(events, b)
	}
	malformed := []byte(`{"type":"claim","claim":{"claimNumber":"C-BROKEN"}}`)
	events = append(events, malformed)
	if err := local.Feed(ctx, "ClaimsFeedQueue", events, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	_, body := get(t, token(t, sampledata.ProviderA.TIN), "/claims/"+c.Number)
	var d struct{ TotalPaid string }
	_ = json.Unmarshal(body, &d)
	if d.TotalPaid != "999.99" {
		t.Errorf("total paid %s: the older event overwrote the newer one", d.TotalPaid)
	}
	out, err := local.Clients.SQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(local.Res.Queues["ClaimsFeedDLQ"]), MessageAttributeNames: []string{"All"},
		MaxNumberOfMessages: 10, WaitTimeSeconds: 2,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) != 1 || aws.ToString(out.Messages[0].Body) != string(malformed) {
		t.Fatalf("dead-letter queue holds %d messages, want the malformed one", len(out.Messages))
	}
	attrs := out.Messages[0].MessageAttributes
	if aws.ToString(attrs["ErrorCode"].StringValue) != portal.CodeInvalidFeedEvent || aws.ToString(attrs["ErrorReason"].StringValue) == "" {
		t.Errorf("dead letter without its reason: %v", attrs)
	}
}

// The local gateway answers as API Gateway does before any function runs:
// CORS preflight from the template's CorsConfiguration, and 413 for a body
// over the HTTP API's 10 MB.
func TestGatewayCORSAndPayloadLimit(t *testing.T) {
	portalOrigin := stack.LocalParams["PortalOrigin"]
	preflight := func(origin, method string) http.Header {
		req, _ := http.NewRequest("OPTIONS", api.URL+"/claim-attachments", nil)
		req.Header.Set("Origin", origin)
		req.Header.Set("Access-Control-Request-Method", method)
		req.Header.Set("Access-Control-Request-Headers", "authorization,content-type,idempotency-key")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 204 {
			t.Errorf("preflight from %s: %d, want 204", origin, resp.StatusCode)
		}
		return resp.Header
	}
	h := preflight(portalOrigin, "POST")
	if h.Get("Access-Control-Allow-Origin") != portalOrigin || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "POST") ||
		!strings.Contains(h.Get("Access-Control-Allow-Headers"), "idempotency-key") || h.Get("Access-Control-Max-Age") != "600" {
		t.Errorf("preflight from the portal: %v", h)
	}
	if h := preflight("https://evil.example", "POST"); h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("preflight from another origin was allowed: %v", h)
	}
	if h := preflight(portalOrigin, "PUT"); h.Get("Access-Control-Allow-Origin") != "" {
		t.Errorf("a method the template does not allow was allowed: %v", h)
	}
	req, _ := http.NewRequest("GET", api.URL+"/claims/C10000000001", nil)
	req.Header.Set("Authorization", "Bearer "+token(t, sampledata.ProviderA.TIN))
	req.Header.Set("Origin", portalOrigin)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 || resp.Header.Get("Access-Control-Allow-Origin") != portalOrigin {
		t.Errorf("a request from the portal: %d %v", resp.StatusCode, resp.Header)
	}

	for name, body := range map[string]io.Reader{
		"with a length": bytes.NewReader(make([]byte, stack.MaxBody+1)),
		"chunked":       io.MultiReader(bytes.NewReader(make([]byte, stack.MaxBody)), strings.NewReader("x")),
	} {
		req, _ := http.NewRequest("POST", api.URL+"/uploads", body)
		req.Header.Set("Authorization", "Bearer "+token(t, sampledata.ProviderA.TIN))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 413 {
			t.Errorf("a body over 10 MB %s: %d, want 413", name, resp.StatusCode)
		}
	}
}
