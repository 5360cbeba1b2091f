package notifications_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/inmem"
	"github.com/openpayer/provider-portal/shared/notifications"
	"github.com/openpayer/provider-portal/shared/portal"
)

var now = time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)

// receiver is a subscribed system's endpoint: it records what it took and
// refuses while down.
type receiver struct {
	mu     sync.Mutex
	down   bool
	got    []string
	header []string
	srv    *httptest.Server
}

func newReceiver(t *testing.T) *receiver {
	r := &receiver{}
	r.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		b, _ := io.ReadAll(req.Body)
		r.mu.Lock()
		defer r.mu.Unlock()
		if r.down {
			w.WriteHeader(http.StatusServiceUnavailable)
			return
		}
		r.got = append(r.got, string(b))
		r.header = append(r.header, req.Header.Get("Authorization"))
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(r.srv.Close)
	return r
}

func (r *receiver) received() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

type world struct {
	h       *notifications.Handler
	subs    *inmem.Subscriptions
	clients *inmem.SystemClients
}

func setup(t *testing.T) world {
	w := world{subs: &inmem.Subscriptions{}, clients: &inmem.SystemClients{}}
	ctx := context.Background()
	for id, tins := range map[string][]portal.ProviderID{"ehr-a": {"111111111"}, "hub": {"111111111", "222222222"}} {
		if err := w.clients.RegisterSystemClient(ctx, portal.SystemClient{ID: id, TINs: tins}); err != nil {
			t.Fatal(err)
		}
	}
	w.h = notifications.New(notifications.Deps{Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Subscriptions: w.subs, Clients: w.clients,
		HTTP: notifications.NewHTTPClient(true), Base: "https://portal.example.com/api/fhir", Now: func() time.Time { return now }})
	return w
}

func (w world) subscribe(t *testing.T, client string, tin portal.ProviderID, npi, endpoint string) *portal.Subscription {
	s := &portal.Subscription{ID: portal.NewSubscriptionID(), Client: client, Provider: tin, OrgNPI: npi, Endpoint: endpoint,
		Headers: []string{"Authorization: Bearer hook-secret"}, Content: portal.ContentIDOnly, Status: portal.SubscriptionActive, Created: now}
	if err := w.subs.CreateSubscription(context.Background(), s); err != nil {
		t.Fatal(err)
	}
	return s
}

func decided(t *testing.T, id string, tin portal.ProviderID, npi string, version int64) events.SQSEvent {
	b, err := json.Marshal(portal.Decided{AuthorizationID: id, Provider: tin, RequestingNPI: npi, Status: portal.AuthApproved, Version: version, At: now})
	if err != nil {
		t.Fatal(err)
	}
	return events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m-" + id, Body: string(b)}}}
}

// Each active subscription of the organisation, filtered by its NPI, gets
// one notification per decision, with its headers; an endpoint that is
// down makes the decision retried, and the retry sends only what did not
// arrive, under the same number.
func TestEachSubscriberIsToldOnceUntilItsEndpointTakesIt(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	up, flaky, otherNPI, otherOrg := newReceiver(t), newReceiver(t), newReceiver(t), newReceiver(t)
	w.subscribe(t, "ehr-a", "111111111", "", up.srv.URL)
	w.subscribe(t, "hub", "111111111", "1111111112", flaky.srv.URL)
	w.subscribe(t, "hub", "111111111", "1111111120", otherNPI.srv.URL)
	w.subscribe(t, "hub", "222222222", "", otherOrg.srv.URL)
	flaky.down = true
	resp, _ := w.h.Handle(ctx, decided(t, "RA-AAAA-BBBB", "111111111", "1111111112", 2))
	if len(resp.BatchItemFailures) != 1 {
		t.Fatalf("with one endpoint down: %+v", resp)
	}
	if len(up.received()) != 1 || len(flaky.received()) != 0 || len(otherNPI.received()) != 0 || len(otherOrg.received()) != 0 {
		t.Fatalf("first try: %d %d %d %d", len(up.received()), len(flaky.received()), len(otherNPI.received()), len(otherOrg.received()))
	}
	flaky.down = false
	resp, _ = w.h.Handle(ctx, decided(t, "RA-AAAA-BBBB", "111111111", "1111111112", 2))
	if len(resp.BatchItemFailures) != 0 || len(up.received()) != 1 || len(flaky.received()) != 1 {
		t.Fatalf("the retry: %+v, %d %d", resp, len(up.received()), len(flaky.received()))
	}
	n := up.received()[0]
	if !strings.Contains(n, `"events-since-subscription-start","valueString":"1"`) || !strings.Contains(n, "ClaimResponse/RA-AAAA-BBBB") ||
		up.header[0] != "Bearer hook-secret" {
		t.Errorf("the notification: %s (Authorization %q)", n, up.header[0])
	}
	// The next decision is number 2 for the same subscription.
	if resp, _ := w.h.Handle(ctx, decided(t, "RA-AAAA-BBBB", "111111111", "1111111112", 3)); len(resp.BatchItemFailures) != 0 ||
		len(up.received()) != 2 || !strings.Contains(up.received()[1], `"event-number","valueString":"2"`) {
		t.Errorf("the next decision: %+v %v", resp, up.received())
	}
}

// A subscription whose client no longer acts for the organisation, or is
// disabled, or which ended, is told nothing.
func TestNoNotificationOutsideTheRegistration(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	r := newReceiver(t)
	s := w.subscribe(t, "hub", "222222222", "", r.srv.URL)
	hub, _, _ := w.clients.SystemClient(ctx, "hub")
	hub.TINs = []portal.ProviderID{"111111111"}
	if err := w.clients.RegisterSystemClient(ctx, hub); err != nil {
		t.Fatal(err)
	}
	if resp, _ := w.h.Handle(ctx, decided(t, "RA-CCCC-DDDD", "222222222", "", 2)); len(resp.BatchItemFailures) != 0 || len(r.received()) != 0 {
		t.Errorf("the organisation taken off the client: %+v %d", resp, len(r.received()))
	}
	ended := w.subscribe(t, "ehr-a", "111111111", "", r.srv.URL)
	if _, err := w.subs.EndSubscription(ctx, "ehr-a", ended.ID, now); err != nil {
		t.Fatal(err)
	}
	if resp, _ := w.h.Handle(ctx, decided(t, "RA-CCCC-DDDD", "111111111", "", 2)); len(resp.BatchItemFailures) != 0 || len(r.received()) != 0 {
		t.Errorf("an ended subscription: %+v %d (%s)", resp, len(r.received()), s.ID)
	}
	if resp, _ := w.h.Handle(ctx, events.SQSEvent{Records: []events.SQSMessage{{MessageId: "junk", Body: "{}"}}}); len(resp.BatchItemFailures) != 1 {
		t.Errorf("a message that is no decided event is not left for the dead-letter queue: %+v", resp)
	}
}

// The notifier dials public internet addresses only: not the loopback
// (unless the local stack allows it), private ranges or the instance
// metadata service; and it follows no redirect.
func TestTheNotifierCallsOnlyThePublicInternet(t *testing.T) {
	for addr, public := range map[string]bool{"93.184.216.34": true, "2606:4700::1111": true, "127.0.0.1": false, "10.1.2.3": false,
		"172.16.0.1": false, "192.168.1.1": false, "169.254.169.254": false, "100.64.0.1": false, "0.0.0.0": false, "::1": false,
		"fd00::1": false, "fe80::1": false, "::ffff:127.0.0.1": false, "224.0.0.1": false} {
		if got := notifications.Public(netip.MustParseAddr(addr)); got != public {
			t.Errorf("%s public: %v", addr, got)
		}
	}
	r := newReceiver(t)
	if _, err := notifications.NewHTTPClient(false).Post(r.srv.URL, "application/fhir+json", strings.NewReader("{}")); err == nil ||
		!strings.Contains(err.Error(), "not a public internet address") {
		t.Errorf("the loopback without the local allowance: %v", err)
	}
	redirect := httptest.NewServer(http.RedirectHandler(r.srv.URL, http.StatusTemporaryRedirect))
	defer redirect.Close()
	resp, err := notifications.NewHTTPClient(true).Post(redirect.URL, "application/fhir+json", strings.NewReader("{}"))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTemporaryRedirect || len(r.received()) != 0 {
		t.Errorf("a redirect was followed: %d, %d received", resp.StatusCode, len(r.received()))
	}
}

// A failure is logged without the endpoint's address, which may carry the
// endpoint's own secret in its query.
func TestAFailureIsLoggedWithoutTheAddress(t *testing.T) {
	w := setup(t)
	var logs strings.Builder
	w.h = notifications.New(notifications.Deps{Log: slog.New(slog.NewTextHandler(&logs, nil)), Subscriptions: w.subs, Clients: w.clients,
		HTTP: notifications.NewHTTPClient(true), Base: "https://portal.example.com/api/fhir", Now: func() time.Time { return now }})
	w.subscribe(t, "ehr-a", "111111111", "", "http://127.0.0.1:9/hook?token=endpoint-secret")
	if resp, _ := w.h.Handle(context.Background(), decided(t, "RA-EEEE-FFFF", "111111111", "", 2)); len(resp.BatchItemFailures) != 1 {
		t.Fatalf("a refusing endpoint: %+v", resp)
	}
	if out := logs.String(); !strings.Contains(out, "not delivered") || strings.Contains(out, "endpoint-secret") || strings.Contains(out, "/hook") {
		t.Errorf("the log: %s", out)
	}
}
