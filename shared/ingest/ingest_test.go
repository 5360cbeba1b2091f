package ingest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/ingest"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/sampledata"
)

// fakeClaims keeps the highest version of each claim, as the real store does.
type fakeClaims struct {
	portal.ClaimStore
	byNumber map[string]portal.Claim
	err      error
}

func (f *fakeClaims) UpsertClaim(_ context.Context, c *portal.Claim) (bool, error) {
	if f.err != nil {
		return false, f.err
	}
	if old, ok := f.byNumber[c.Number]; ok && old.Version >= c.Version {
		return false, nil
	}
	f.byNumber[c.Number] = *c
	return true, nil
}

type fakeMembers struct {
	portal.MemberStore
	n int
}

func (f *fakeMembers) UpsertMember(context.Context, *portal.Member) (bool, error) {
	f.n++
	return true, nil
}

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

// noWaiting has no documents waiting for any claim.
type noWaiting struct{ portal.AttachmentStore }

func (noWaiting) Waiting(context.Context, portal.ProviderID, string, portal.Date, portal.Date) ([]portal.Attachment, error) {
	return nil, nil
}

func newHandler() (*ingest.Handler, *fakeClaims, *fakeDLQ) {
	c := &fakeClaims{byNumber: map[string]portal.Claim{}}
	d := &fakeDLQ{}
	return &ingest.Handler{Claims: c, Members: &fakeMembers{}, Attachments: noWaiting{}, DeadLetters: d,
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}, c, d
}

func claimEvent(t *testing.T, c portal.Claim) string {
	b, err := json.Marshal(ingest.Event{Type: "claim", Claim: &c})
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
	if got := store.byNumber[c.Number]; got.Version != 2 || got.Status != portal.ClaimPaid {
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
	if len(store.byNumber) != 0 {
		t.Error("a malformed claim was stored")
	}
}

func TestPassingFailuresAreRetried(t *testing.T) {
	h, store, dlq := newHandler()
	store.err = errors.New("throttled")
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
