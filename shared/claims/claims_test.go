package claims_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/shared/claims"
	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/httpapi/httpapitest"
	"github.com/openpayer/provider-portal/shared/inmem"
	"github.com/openpayer/provider-portal/shared/portal"
)

var today = portal.MustDate("2026-11-24")

// newServer serves the claims API over in-memory stores holding the sample
// data; the returned stores let a test inject faults.
func newServer(t *testing.T) (*inmem.Claims, *bytes.Buffer, func(path string, jwt map[string]string) events.APIGatewayV2HTTPResponse) {
	store, logs, h := newHandler(t)
	send := httpapitest.New(t, h)
	invoke := func(target string, jwt map[string]string) events.APIGatewayV2HTTPResponse {
		return send("GET", target, jwt)
	}
	return store, logs, invoke
}

// newHandler is the claims API over in-memory stores holding the sample data.
func newHandler(t *testing.T) (*inmem.Claims, *bytes.Buffer, http.Handler) {
	set := sampledata.New(today)
	store, members := &inmem.Claims{}, &inmem.Members{}
	for i := range set.Claims {
		if _, err := store.UpsertClaim(context.Background(), &set.Claims[i]); err != nil {
			t.Fatal(err)
		}
	}
	for i := range set.Members {
		if _, err := members.UpsertMember(context.Background(), &set.Members[i]); err != nil {
			t.Fatal(err)
		}
	}
	var logs bytes.Buffer
	h := claims.New(claims.Deps{Log: slog.New(slog.NewJSONHandler(&logs, nil)), Claims: store, Members: members,
		Searches: &inmem.SearchAllowance{}, Plan: portal.KYMarketplace, Now: func() time.Time { return today.Time().Add(10 * time.Hour) }})
	return store, &logs, h
}

var providerA = map[string]string{"sub": "user-a", httpapi.ProviderClaim: sampledata.ProviderA.TIN}

func problemCode(t *testing.T, resp events.APIGatewayV2HTTPResponse, status int) string {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, resp.Body)
	}
	if ct := resp.Headers["Content-Type"]; ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json", ct)
	}
	var p httpapi.Problem
	if err := json.Unmarshal([]byte(resp.Body), &p); err != nil {
		t.Fatal(err)
	}
	if p.Detail == "" || p.Status != status {
		t.Errorf("problem without detail or status: %+v", p)
	}
	return p.Code
}

func TestTokenWithoutProviderIsRefused(t *testing.T) {
	_, _, invoke := newServer(t)
	resp := invoke("/claims?memberId=100000001", map[string]string{"sub": "someone"})
	if code := problemCode(t, resp, 403); code != portal.CodeProviderUnknown {
		t.Errorf("code %s", code)
	}
}

func TestBadSearchAnswersProblem(t *testing.T) {
	_, _, invoke := newServer(t)
	if code := problemCode(t, invoke("/claims", providerA), 400); code != portal.CodeSearchMethod {
		t.Errorf("code %s", code)
	}
	if code := problemCode(t, invoke("/claims?memberId=1&checkNumber=2", providerA), 400); code != portal.CodeOneSearchMethod {
		t.Errorf("code %s", code)
	}
}

func TestAnotherProvidersClaimIsNotFound(t *testing.T) {
	_, _, invoke := newServer(t)
	if code := problemCode(t, invoke("/claims/C20000000001", providerA), 404); code != portal.CodeClaimNotFound {
		t.Errorf("code %s", code)
	}
	if resp := invoke("/claims/C10000000001", providerA); resp.StatusCode != 200 {
		t.Errorf("own claim: %d", resp.StatusCode)
	}
}

func claimNumbers(t *testing.T, resp events.APIGatewayV2HTTPResponse) []string {
	t.Helper()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
	}
	var out struct {
		Claims []struct{ ClaimNumber string }
	}
	if err := json.Unmarshal([]byte(resp.Body), &out); err != nil {
		t.Fatal(err)
	}
	var n []string
	for _, c := range out.Claims {
		n = append(n, c.ClaimNumber)
	}
	slices.Sort(n)
	return n
}

func TestSearchShowsTheCallersClaimsInTheWindow(t *testing.T) {
	_, _, invoke := newServer(t)
	// Avery has claims with providers A and B, and one of A's was received
	// 27 months ago: only A's recent ones show.
	want := []string{"C10000000001", "C10000000002", "C10000000006"}
	for _, q := range []string{"memberId=" + sampledata.MemberAvery, "medicaidId=" + sampledata.MedicaidAvery,
		"lastName=sample-quinn&firstName=AVERY&dateOfBirth=1984-03-07"} {
		if got := claimNumbers(t, invoke("/claims?"+q, providerA)); !slices.Equal(got, want) {
			t.Errorf("%s: got %v, want %v", q, got, want)
		}
	}
	if got := claimNumbers(t, invoke("/claims?claimNumber=C10000000007", providerA)); len(got) != 0 {
		t.Errorf("claim received 27 months ago was returned: %v", got)
	}
	if got := claimNumbers(t, invoke("/claims?claimNumber=C20000000001", providerA)); len(got) != 0 {
		t.Errorf("another provider's claim was returned: %v", got)
	}
}

func TestInternalErrorsAreHidden(t *testing.T) {
	store, logs, invoke := newServer(t)
	store.Fault = func(string) error { return errors.New("dynamodb: table portal-claims throttled") }
	resp := invoke("/claims/C10000000001", providerA)
	if code := problemCode(t, resp, 500); code != portal.CodeInternal {
		t.Errorf("code %s", code)
	}
	if strings.Contains(resp.Body, "throttled") {
		t.Error("internal detail leaked to the provider")
	}
	if !strings.Contains(logs.String(), "throttled") {
		t.Error("internal detail not logged for operators")
	}
}

func TestUnknownRouteIsProblem(t *testing.T) {
	_, _, invoke := newServer(t)
	if code := problemCode(t, invoke("/nowhere", providerA), 404); code != portal.CodeRouteNotFound {
		t.Errorf("code %s", code)
	}
}

func TestNoPHIInLogs(t *testing.T) {
	_, logs, invoke := newServer(t)
	m := sampledata.New(today).Members[0]
	q := url.Values{"lastName": {m.LastName}, "firstName": {m.FirstName}, "dateOfBirth": {m.DateOfBirth.String()}}
	if resp := invoke("/claims?"+q.Encode(), providerA); resp.StatusCode != 200 || !strings.Contains(resp.Body, m.ID) {
		t.Fatalf("member info search failed: %d %s", resp.StatusCode, resp.Body)
	}
	invoke("/claims?memberId="+m.ID, providerA)
	invoke("/claims/C10000000001", providerA)
	for _, phi := range []string{m.LastName, m.FirstName, m.DateOfBirth.String(), m.ID, m.MedicaidID} {
		if strings.Contains(logs.String(), phi) {
			t.Errorf("logs hold PHI %q:\n%s", phi, logs.String())
		}
	}
	if !strings.Contains(logs.String(), `"audit":true`) {
		t.Error("reads of PHI must leave audit records")
	}
}

// One window for search and detail: a claim received before the last 24
// months is not found by its number either, like a claim that does not exist.
func TestDetailKeepsTheSearchWindow(t *testing.T) {
	_, _, invoke := newServer(t)
	if code := problemCode(t, invoke("/claims/C10000000007", providerA), 404); code != portal.CodeClaimNotFound {
		t.Errorf("a claim received 27 months ago: %s", code)
	}
	if resp := invoke("/claims/C10000000001", providerA); resp.StatusCode != 200 {
		t.Errorf("a claim received 2 months ago: %d", resp.StatusCode)
	}
}

// POST /claims/search takes GET /claims's query as a JSON body, so that
// member IDs, names and dates of birth stay out of URLs: the same claims,
// the same refusals, and a misspelt criterion refused, not ignored.
func TestSearchByPostAnswersAsTheQueryDoes(t *testing.T) {
	_, _, invoke := newServer(t)
	_, _, h := newHandler(t)
	post := httpapitest.NewWithBody(t, h)
	for query, body := range map[string]string{
		"memberId=" + sampledata.MemberAvery:                           `{"memberId":"` + sampledata.MemberAvery + `"}`,
		"lastName=sample-quinn&firstName=AVERY&dateOfBirth=1984-03-07": `{"lastName":"sample-quinn","firstName":"AVERY","dateOfBirth":"1984-03-07"}`,
		"memberId=" + sampledata.MemberAvery + "&limit=1":              `{"memberId":"` + sampledata.MemberAvery + `","limit":1}`,
		"checkNumber=CHK-5001":                                         `{"checkNumber":"CHK-5001"}`,
		"claimNumber=C20000000001":                                     `{"claimNumber":"C20000000001"}`,
	} {
		want, got := invoke("/claims?"+query, providerA), post("POST", "/claims/search", body, providerA)
		if got.StatusCode != 200 || !slices.Equal(claimNumbers(t, got), claimNumbers(t, want)) {
			t.Errorf("%s: POST gave %d %s, GET %s", body, got.StatusCode, got.Body, want.Body)
		}
	}
	for body, code := range map[string]string{
		`{}`:                                 portal.CodeSearchMethod,
		`{"memberId":"1","checkNumber":"2"}`: portal.CodeOneSearchMethod,
		`{"memberID":"100000001"}`:           portal.CodeInvalidJSON,
		`{"memberId":"1","limit":0}`:         portal.CodeInvalidLimit,
	} {
		if got := problemCode(t, post("POST", "/claims/search", body, providerA), 400); got != code {
			t.Errorf("%s: %s, want %s", body, got, code)
		}
	}
}

func TestSearchByPostRefusesAnEmptyCriterion(t *testing.T) {
	_, _, h := newHandler(t)
	post := httpapitest.NewWithBody(t, h)
	resp := post("POST", "/claims/search", `{"checkNumber":"CHK-5001","externalReferenceNumber":""}`, providerA)
	if code := problemCode(t, resp, 400); code != portal.CodeInvalidJSON || !strings.Contains(resp.Body, "externalReferenceNumber") {
		t.Errorf("an empty criterion: %s %s", code, resp.Body)
	}
}

// The provider as the plan knows it: each TIN sees its own practice and
// NPIs, each a valid NPI, and a TIN the plan has no record of an empty one.
func TestTheProviderIsThePlansRecordOfItsTIN(t *testing.T) {
	_, _, invoke := newServer(t)
	var got struct {
		TIN, Name string
		NPIs      []portal.PracticeNPI
	}
	resp := invoke("/provider", providerA)
	if err := json.Unmarshal([]byte(resp.Body), &got); err != nil || resp.StatusCode != 200 {
		t.Fatalf("%d %s %v", resp.StatusCode, resp.Body, err)
	}
	if got.TIN != sampledata.ProviderA.TIN || got.Name != sampledata.ProviderA.Name || len(got.NPIs) < 2 {
		t.Errorf("provider A: %+v", got)
	}
	for _, n := range got.NPIs {
		if !portal.ValidNPI(n.NPI) || n.Name == "" {
			t.Errorf("NPI %+v", n)
		}
	}
	resp = invoke("/provider", map[string]string{"sub": "user-x", httpapi.ProviderClaim: "999999999"})
	if err := json.Unmarshal([]byte(resp.Body), &got); err != nil || resp.StatusCode != 200 || got.Name != "" || got.NPIs == nil || len(got.NPIs) != 0 {
		t.Errorf("a TIN without a record: %d %s", resp.StatusCode, resp.Body)
	}
}

// A provider's searches by name and date of birth stop at the plan's hourly
// allowance with 429, a code, the provider's words and Retry-After; a search
// by member ID, and another provider's, go on.
func TestMemberSearchesByNameStopAtTheHourlyAllowance(t *testing.T) {
	_, _, invoke := newServer(t)
	byName := "/claims?lastName=sample-quinn&firstName=AVERY&dateOfBirth=1984-03-07"
	for i := range portal.KYMarketplace.MemberSearchesPerHour {
		if resp := invoke(byName, providerA); resp.StatusCode != 200 {
			t.Fatalf("search %d: %d %s", i+1, resp.StatusCode, resp.Body)
		}
	}
	resp := invoke(byName, providerA)
	var p httpapi.Problem
	if err := json.Unmarshal([]byte(resp.Body), &p); err != nil {
		t.Fatal(err)
	}
	// The handler's clock is 10:00: the next hour is 3600 seconds away.
	if resp.StatusCode != 429 || p.Code != portal.CodeTooManyMemberSearches || resp.Headers["Retry-After"] != "3600" ||
		!strings.Contains(p.Detail, "member ID") || strings.Contains(p.Detail, "_") {
		t.Errorf("past the allowance: %d %v %+v", resp.StatusCode, resp.Headers, p)
	}
	if resp := invoke("/claims?memberId="+sampledata.MemberAvery, providerA); resp.StatusCode != 200 {
		t.Errorf("by member ID past the allowance: %d", resp.StatusCode)
	}
	providerB := map[string]string{"sub": "user-b", httpapi.ProviderClaim: sampledata.ProviderB.TIN}
	if resp := invoke(byName, providerB); resp.StatusCode != 200 {
		t.Errorf("another provider: %d %s", resp.StatusCode, resp.Body)
	}
}
