package claimsapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"
	"github.com/awslabs/aws-lambda-go-api-proxy/httpadapter"

	"github.com/openpayer/provider-portal/shared/claimsapi"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/sampledata"
	"github.com/openpayer/provider-portal/shared/web"
)

var today = portal.MustDate("2026-11-24")

// memStore is a hand-written in-memory store that keeps the contract: a
// claim of another provider is not found.
type memStore struct {
	claims  map[string]portal.Claim
	queries []portal.ClaimQuery
	err     error
}

func (m *memStore) Claim(_ context.Context, p portal.ProviderID, n string) (*portal.Claim, error) {
	if m.err != nil {
		return nil, m.err
	}
	c, ok := m.claims[n]
	if !ok || c.Provider() != p {
		return nil, portal.Errorf(portal.KindNotFound, portal.CodeClaimNotFound, "not found")
	}
	return &c, nil
}

func (m *memStore) SearchClaims(_ context.Context, q portal.ClaimQuery) (portal.ClaimPage, error) {
	m.queries = append(m.queries, q)
	if m.err != nil {
		return portal.ClaimPage{}, m.err
	}
	var page portal.ClaimPage
	for _, c := range m.claims {
		if c.Provider() == q.Provider && q.Index == portal.IndexMember && contains(q.Keys, c.MemberID) && !c.DateReceived.Before(q.ReceivedFrom) {
			page.Claims = append(page.Claims, c)
		}
	}
	return page, nil
}

func (m *memStore) UpsertClaim(context.Context, *portal.Claim) (bool, error) { return false, nil }

func contains(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}

type memMembers struct {
	portal.MemberStore
	members []portal.Member
}

func (m *memMembers) MembersByName(_ context.Context, last, first string, dob portal.Date) ([]portal.Member, error) {
	var out []portal.Member
	for _, x := range m.members {
		if portal.NameKey(x.LastName, x.FirstName, x.DateOfBirth) == portal.NameKey(last, first, dob) {
			out = append(out, x)
		}
	}
	return out, nil
}

func newServer(t *testing.T) (*memStore, *bytes.Buffer, func(path string, claims map[string]string) events.APIGatewayV2HTTPResponse) {
	set := sampledata.New(today)
	store := &memStore{claims: map[string]portal.Claim{}}
	for _, c := range set.Claims {
		store.claims[c.Number] = c
	}
	var logs bytes.Buffer
	h := claimsapi.NewServer(slog.New(slog.NewJSONHandler(&logs, nil)), store, &memMembers{members: set.Members},
		portal.KYMarketplace, func() time.Time { return today.Time().Add(10 * time.Hour) })
	proxy := httpadapter.NewV2(h)
	invoke := func(target string, claims map[string]string) events.APIGatewayV2HTTPResponse {
		u, _ := url.Parse(target)
		ev := events.APIGatewayV2HTTPRequest{RawPath: u.Path, RawQueryString: u.RawQuery,
			RequestContext: events.APIGatewayV2HTTPRequestContext{HTTP: events.APIGatewayV2HTTPRequestContextHTTPDescription{Method: "GET", Path: u.Path}}}
		if claims != nil {
			ev.RequestContext.Authorizer = &events.APIGatewayV2HTTPRequestContextAuthorizerDescription{
				JWT: &events.APIGatewayV2HTTPRequestContextAuthorizerJWTDescription{Claims: claims}}
		}
		resp, err := proxy.ProxyWithContext(context.Background(), ev)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	return store, &logs, invoke
}

var providerA = map[string]string{"sub": "user-a", web.ProviderClaim: sampledata.ProviderA.TIN}

func problemCode(t *testing.T, resp events.APIGatewayV2HTTPResponse, status int) string {
	t.Helper()
	if resp.StatusCode != status {
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, resp.Body)
	}
	if ct := resp.Headers["Content-Type"]; ct != "application/problem+json" {
		t.Fatalf("content type %q, want application/problem+json", ct)
	}
	var p web.Problem
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

func TestSearchUsesCallersProviderAndWindow(t *testing.T) {
	store, _, invoke := newServer(t)
	resp := invoke("/claims?memberId="+sampledata.MemberAvery, providerA)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d: %s", resp.StatusCode, resp.Body)
	}
	q := store.queries[len(store.queries)-1]
	if q.Provider != portal.ProviderID(sampledata.ProviderA.TIN) || q.ReceivedFrom != portal.MustDate("2024-11-24") {
		t.Errorf("query %+v: want provider A and the 24-month window", q)
	}
	// A claim number search outside the window finds nothing.
	var out struct{ Claims []map[string]any }
	_ = json.Unmarshal([]byte(invoke("/claims?claimNumber=C10000000007", providerA).Body), &out)
	if len(out.Claims) != 0 {
		t.Errorf("claim received 27 months ago was returned: %v", out.Claims)
	}
}

func TestInternalErrorsAreHidden(t *testing.T) {
	store, logs, invoke := newServer(t)
	store.err = errors.New("dynamodb: table portal-claims throttled")
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
