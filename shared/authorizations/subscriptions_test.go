package authorizations_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/openpayer/provider-portal/shared/portal"
)

func subscription(endpoint, filter string) string {
	crit := ""
	if filter != "" {
		crit = `,"_criteria":{"extension":[{"url":"http://hl7.org/fhir/uv/subscriptions-backport/StructureDefinition/backport-filter-criteria","valueString":"orgIdentifier=` + filter + `"}]}`
	}
	return `{"resourceType":"Subscription","status":"requested","reason":"results","criteria":"` + portal.PASTopic + `"` + crit + `,
		"channel":{"type":"rest-hook","endpoint":"` + endpoint + `","payload":"application/fhir+json","header":["Authorization: Bearer hook-secret"]}}`
}

// A system subscribes for one of its organisations (the filter's NPI
// names it; a system of one needs none), reads and ends its own
// subscriptions only, with the scopes each needs; the endpoint's headers
// are never shown again.
func TestSystemsSubscribeForTheirOrganisations(t *testing.T) {
	w := setup(t)
	subs := map[string]string{"client_id": "ehr-a", "sub": "ehr-a", "scope": "system/Subscription.cruds"}
	resp := w.send("POST", "/fhir/Subscription", subscription("https://ehr.example.org/hook", ""), subs)
	var out struct {
		ID, Status string
	}
	if err := json.Unmarshal([]byte(resp.Body), &out); err != nil || resp.StatusCode != 201 || out.Status != "active" ||
		resp.Headers["Location"] != "Subscription/"+out.ID || strings.Contains(resp.Body, "hook-secret") {
		t.Fatalf("subscribe: %d %v %s", resp.StatusCode, resp.Headers, resp.Body)
	}
	if got := w.send("GET", "/fhir/Subscription/"+out.ID, "", subs); got.StatusCode != 200 || !strings.Contains(got.Body, out.ID) {
		t.Errorf("read: %d %s", got.StatusCode, got.Body)
	}
	hub := map[string]string{"client_id": "hub", "sub": "hub", "scope": "system/Subscription.cruds"}
	if got := w.send("GET", "/fhir/Subscription/"+out.ID, "", hub); got.StatusCode != 404 {
		t.Errorf("another system reads it: %d", got.StatusCode)
	}
	if got := w.send("DELETE", "/fhir/Subscription/"+out.ID, "", hub); got.StatusCode != 404 {
		t.Errorf("another system ends it: %d", got.StatusCode)
	}
	readOnly := map[string]string{"client_id": "ehr-a", "sub": "ehr-a", "scope": "system/Subscription.r"}
	if got := w.send("DELETE", "/fhir/Subscription/"+out.ID, "", readOnly); got.StatusCode != 403 || !strings.Contains(got.Body, portal.CodeScopeNotGranted) {
		t.Errorf("ending with a read scope: %d %s", got.StatusCode, got.Body)
	}
	if got := w.send("DELETE", "/fhir/Subscription/"+out.ID, "", subs); got.StatusCode != 200 || !strings.Contains(got.Body, `"status":"off"`) {
		t.Errorf("end: %d %s", got.StatusCode, got.Body)
	}
	// A clearinghouse names the organisation by a practice NPI.
	if got := w.send("POST", "/fhir/Subscription", subscription("https://hub.example.org/hook", ""), hub); got.StatusCode != 400 ||
		!strings.Contains(got.Body, portal.CodeInvalidSubscription) {
		t.Errorf("a system of two organisations, no filter: %d %s", got.StatusCode, got.Body)
	}
	got := w.send("POST", "/fhir/Subscription", subscription("https://hub.example.org/hook", "2222222236"), hub)
	if got.StatusCode != 201 {
		t.Fatalf("the hub for B by Dr. Ames's NPI: %d %s", got.StatusCode, got.Body)
	}
	var b struct{ ID string }
	_ = json.Unmarshal([]byte(got.Body), &b)
	if list, err := w.subscriptions.ActiveSubscriptions(t.Context(), "222222222"); err != nil || len(list) != 1 || list[0].ID != b.ID || list[0].OrgNPI != "2222222236" {
		t.Errorf("B's subscriptions: %+v %v", list, err)
	}
	if got := w.send("POST", "/fhir/Subscription", subscription("https://hub.example.org/hook", "3333333334"), hub); got.StatusCode != 404 ||
		!strings.Contains(got.Body, portal.CodeOrganizationNotFound) {
		t.Errorf("an NPI of an organisation the hub does not act for: %d %s", got.StatusCode, got.Body)
	}
	// Only a secure address on the internet (the unit tests do not allow
	// the loopback).
	if got := w.send("POST", "/fhir/Subscription", subscription("http://127.0.0.1:9/hook", ""), subs); got.StatusCode != 400 {
		t.Errorf("http on the loopback: %d %s", got.StatusCode, got.Body)
	}
	if got := w.send("POST", "/fhir/Subscription", subscription("https://ehr.example.org/hook", ""),
		map[string]string{"client_id": "ehr-a", "sub": "ehr-a", "scope": "system/Claim.cr"}); got.StatusCode != 403 {
		t.Errorf("subscribing with Claim scopes: %d %s", got.StatusCode, got.Body)
	}
}
