package pas_test

import (
	"encoding/json"
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/pas"
	"github.com/openpayer/provider-portal/shared/pas/pastest"
	"github.com/openpayer/provider-portal/shared/portal"
)

// The package's Subscription as sent asks for an http endpoint and the
// whole resource: both refused, at their place, at once. With an https
// endpoint and id-only content it reads, its filter an NPI.
func TestThePackagesSubscriptionReads(t *testing.T) {
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	example := string(pastest.Example(t, "Subscription-PASSubscriptionExample.json"))
	_, err := pas.ReadSubscription([]byte(example), now, false)
	pe, ok := err.(*portal.Error)
	if !ok || pe.Code != portal.CodeInvalidSubscription ||
		!slices.Equal(slices.Sorted(maps.Keys(pe.Fields)), []string{"Subscription.channel.endpoint", "Subscription.channel.payload.extension"}) {
		t.Fatalf("as sent: %v", err)
	}
	fixed := strings.Replace(strings.Replace(example, `"endpoint":"http://example.org/`, `"endpoint":"https://ehr.example.org/`, 1),
		`"valueCode":"full-resource"`, `"valueCode":"id-only"`, 1)
	r, err := pas.ReadSubscription([]byte(fixed), now, false)
	if err != nil || r.OrgIdentifier != "1234567893" || r.Content != portal.ContentIDOnly || r.Endpoint != "https://ehr.example.org/send-me-subscription-notifications" {
		t.Fatalf("fixed: %+v %v", r, err)
	}
	// The loopback address over http only where allowed (the local stack).
	loop := strings.Replace(fixed, "https://ehr.example.org/", "http://127.0.0.1:8123/", 1)
	if _, err := pas.ReadSubscription([]byte(loop), now, false); err == nil {
		t.Error("http on 127.0.0.1 taken without the local stack's allowance")
	}
	if _, err := pas.ReadSubscription([]byte(loop), now, true); err != nil {
		t.Errorf("http on 127.0.0.1 with it: %v", err)
	}
}

func TestASubscriptionsEveryProblemIsNamedAtOnce(t *testing.T) {
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	body := `{"resourceType":"Subscription","criteria":"http://example.org/other-topic","end":"2020-01-01T00:00:00Z",
		"channel":{"type":"websocket","endpoint":"https://user:pw@ehr.example.org/x","payload":"application/xml",
		"header":["no colon","X-Ok: fine"]}}`
	_, err := pas.ReadSubscription([]byte(body), now, false)
	pe, ok := err.(*portal.Error)
	want := []string{"Subscription.channel.endpoint", "Subscription.channel.header[0]", "Subscription.channel.payload",
		"Subscription.channel.type", "Subscription.criteria", "Subscription.end"}
	if !ok || !slices.Equal(slices.Sorted(maps.Keys(pe.Fields)), want) {
		t.Errorf("%v", err)
	}
	if _, err := pas.ReadSubscription([]byte(`{"resourceType":"Patient"}`), now, false); portal.ErrorCode(err) != portal.CodeInvalidSubscription {
		t.Errorf("a Patient: %v", err)
	}
}

// A notification has the package example's shape: a history Bundle whose
// first entry is the subscription's status (its topic, the event's
// number and, for id-only, the focus), and no patient data.
func TestANotificationIsTheBackportsShape(t *testing.T) {
	at := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	sub := &portal.Subscription{ID: "SUB-ABCD-EFGH", Content: portal.ContentIDOnly}
	b, err := pas.Notification(sub, 3, at, "https://portal.example.com/api/fhir", "RA-ABCD-EFGH")
	if err != nil {
		t.Fatal(err)
	}
	var n struct {
		ResourceType, Type string
		Entry              []struct {
			FullURL  string `json:"fullUrl"`
			Resource *struct {
				ResourceType string
				Parameter    []struct {
					Name           string
					ValueString    string
					ValueCanonical string
					ValueReference struct{ Reference string }
					Part           []struct {
						Name           string
						ValueString    string
						ValueReference struct{ Reference string }
					}
				}
			}
		}
	}
	if err := json.Unmarshal(b, &n); err != nil || n.ResourceType != "Bundle" || n.Type != "history" || len(n.Entry) != 2 {
		t.Fatalf("%v %s", err, b)
	}
	got := map[string]string{}
	for _, p := range n.Entry[0].Resource.Parameter {
		got[p.Name] = p.ValueString + p.ValueCanonical + p.ValueReference.Reference
		for _, part := range p.Part {
			got[p.Name+"."+part.Name] = part.ValueString + part.ValueReference.Reference
		}
	}
	if got["topic"] != portal.PASTopic || got["events-since-subscription-start"] != "3" || got["notification-event.event-number"] != "3" ||
		got["notification-event.focus"] != "https://portal.example.com/api/fhir/ClaimResponse/RA-ABCD-EFGH" ||
		got["subscription"] != "https://portal.example.com/api/fhir/Subscription/SUB-ABCD-EFGH" ||
		n.Entry[1].FullURL != got["notification-event.focus"] || n.Entry[1].Resource != nil {
		t.Errorf("%v\n%s", got, b)
	}
	// The package's example names the same parameters.
	var example struct {
		Entry []struct {
			Resource struct{ Parameter []struct{ Name string } }
		}
	}
	if err := json.Unmarshal(pastest.Example(t, "Bundle-PASSubscriptionNotification.json"), &example); err != nil {
		t.Fatal(err)
	}
	for _, p := range example.Entry[0].Resource.Parameter {
		if _, ok := got[p.Name]; !ok {
			t.Errorf("the package's notification has %q; this one not", p.Name)
		}
	}
	sub.Content = portal.ContentEmpty
	if b, _ := pas.Notification(sub, 4, at, "https://portal.example.com/api/fhir", "RA-ABCD-EFGH"); strings.Contains(string(b), "RA-ABCD-EFGH") {
		t.Errorf("an empty notification names the request: %s", b)
	}
}
