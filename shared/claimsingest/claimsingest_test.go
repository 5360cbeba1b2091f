package claimsingest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/shared/claimsingest"
	"github.com/openpayer/provider-portal/shared/inmem"
	"github.com/openpayer/provider-portal/shared/portal"
)

type parked struct{ body, id, code, reason string }

type fakeDLQ struct {
	got []parked
	err error
}

func (f *fakeDLQ) Park(_ context.Context, body, id, code, reason string) error {
	if f.err != nil {
		return f.err
	}
	f.got = append(f.got, parked{body, id, code, reason})
	return nil
}

func newHandler() (*claimsingest.Handler, *inmem.Claims, *fakeDLQ) {
	c := &inmem.Claims{}
	d := &fakeDLQ{}
	return claimsingest.New(claimsingest.Deps{Claims: c, Members: &inmem.Members{}, Attachments: &inmem.Attachments{},
		Events: &sentEvents{}, DeadLetters: d, Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}), c, d
}

// sentEvents records the documents_attached events.
type sentEvents struct{ sent map[string]int }

func (e *sentEvents) Attached(_ context.Context, claim string, docs []portal.Attachment) error {
	if e.sent == nil {
		e.sent = map[string]int{}
	}
	for _, d := range docs {
		e.sent[claim+"/"+d.ID]++
	}
	return nil
}

func stored(t *testing.T, s *inmem.Claims, number string) *portal.Claim {
	t.Helper()
	c, err := s.Claim(context.Background(), portal.ProviderID(sampledata.ProviderA.TIN), number)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func claimEvent(t *testing.T, c portal.Claim) string {
	b, err := json.Marshal(portal.FeedEvent{Type: "claim", Claim: &c})
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func batch(bodies ...string) events.SQSEvent {
	var ev events.SQSEvent
	for i, b := range bodies {
		ev.Records = append(ev.Records, events.SQSMessage{MessageId: string(rune('a' + i)), Body: b})
	}
	return ev
}

func TestNewerVersionWinsInAnyOrder(t *testing.T) {
	h, store, _ := newHandler()
	c := sampledata.New(portal.MustDate("2026-11-24")).Claims[0]
	v2 := c
	v2.Version, v2.Status = 2, portal.ClaimPaid
	v1 := c
	v1.Version, v1.Status = 1, portal.ClaimPending
	resp, err := h.Handle(context.Background(), batch(claimEvent(t, v2), claimEvent(t, v1)))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("resp %+v, err %v", resp, err)
	}
	if got := stored(t, store, c.Number); got.Version != 2 || got.Status != portal.ClaimPaid {
		t.Errorf("stored version %d status %s; the older event overwrote the newer", got.Version, got.Status)
	}
}

func TestMalformedEventsAreParkedWithReason(t *testing.T) {
	h, store, dlq := newHandler()
	bad := sampledata.New(portal.MustDate("2026-11-24")).Claims[0]
	bad.BillingProvider.TIN = "" // half a record: must not be applied
	for _, body := range []string{
		`{not json`,
		`{"type":"claim"}`,
		`{"type":"invoice","claim":{}}`,
		`{"type":"claim","claim":{"claimNumber":"C1"},"extra":1}`,
		claimEvent(t, bad),
	} {
		resp, err := h.Handle(context.Background(), batch(body))
		if err != nil || len(resp.BatchItemFailures) != 0 {
			t.Errorf("%.40s: a malformed event must not be retried: %+v %v", body, resp, err)
		}
	}
	if len(dlq.got) != 5 {
		t.Fatalf("parked %d events, want 5", len(dlq.got))
	}
	for _, p := range dlq.got {
		if p.code != portal.CodeInvalidFeedEvent || p.reason == "" || p.body == "" || p.id == "" {
			t.Errorf("parked without code, reason, body or source ID: %+v", p)
		}
	}
	if !strings.Contains(dlq.got[4].reason, "tin") {
		t.Errorf("reason %q does not say what is wrong", dlq.got[4].reason)
	}
	if _, err := store.Claim(context.Background(), "", bad.Number); portal.ErrorCode(err) != portal.CodeClaimNotFound {
		t.Errorf("a malformed claim was stored: %v", err)
	}
}

func TestPassingFailuresAreRetried(t *testing.T) {
	h, store, dlq := newHandler()
	store.Fault = func(string) error { return errors.New("throttled") }
	c := sampledata.New(portal.MustDate("2026-11-24")).Claims[0]
	resp, _ := h.Handle(context.Background(), batch(claimEvent(t, c), `{bad`))
	if len(resp.BatchItemFailures) != 1 || resp.BatchItemFailures[0].ItemIdentifier != "a" {
		t.Errorf("want only the throttled message retried, got %+v", resp.BatchItemFailures)
	}
	if len(dlq.got) != 1 {
		t.Errorf("the malformed one should still be parked")
	}

	h, _, dlq = newHandler()
	dlq.err = errors.New("dlq down")
	resp, _ = h.Handle(context.Background(), batch(`{bad`))
	if len(resp.BatchItemFailures) != 1 {
		t.Error("a message that could not be parked must stay on the queue")
	}
}

// A feed message's values, and field names its sender made up, can hold
// PHI: the reason it is parked with repeats neither (the schema's own field
// names, it may).
func TestRejectionReasonsRepeatNothingOfTheMessage(t *testing.T) {
	h, _, dlq := newHandler()
	for _, body := range []string{
		`{"type":"claim","claim":{"claimNumber":"C1"},"Avery Sample-Quinn 1984-03-07":1}`,
		`{"type":"claim","claim":{"claimNumber":"C1","patient":{"firstName":7}},"x":"Avery Sample-Quinn"}`,
	} {
		if resp, err := h.Handle(context.Background(), batch(body)); err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("%+v %v", resp, err)
		}
	}
	if len(dlq.got) != 2 {
		t.Fatalf("parked %d, want 2", len(dlq.got))
	}
	for _, p := range dlq.got {
		if strings.Contains(p.reason, "Avery") || strings.Contains(p.reason, "1984") || p.reason == "" {
			t.Errorf("reason %q repeats the message", p.reason)
		}
	}
}
