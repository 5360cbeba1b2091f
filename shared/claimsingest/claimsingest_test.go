package claimsingest_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/shared/claimsingest"
	"github.com/openpayer/provider-portal/shared/documentevents"
	"github.com/openpayer/provider-portal/shared/documentevents/documenteventstest"
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
	h, c, d, _, _ := newHandlerWith(nil)
	return h, c, d
}

// newHandlerWith also returns the attachments store and what was sent to
// core claims; waiting, if set, wraps the store's waiting-document reads.
func newHandlerWith(waiting func(claimsingest.Waiting) claimsingest.Waiting) (*claimsingest.Handler, *inmem.Claims, *fakeDLQ, *inmem.Attachments, *documenteventstest.Recorder) {
	c, d, a, sent := &inmem.Claims{}, &fakeDLQ{}, &inmem.Attachments{}, &documenteventstest.Recorder{}
	var w claimsingest.Waiting = a
	if waiting != nil {
		w = waiting(a)
	}
	return claimsingest.New(claimsingest.Deps{Claims: c, Members: &inmem.Members{}, Attachments: w,
		Events: &documentevents.Publisher{Store: a, Sender: sent}, DeadLetters: d,
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}), c, d, a, sent
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

// waitingDocument is an upload of provider A's for claim c's member and
// first date of service, submitted without a claim number, as accepted
// (checked) or pending.
func waitingDocument(t *testing.T, a *inmem.Attachments, c portal.Claim, checked bool) string {
	t.Helper()
	ctx := context.Background()
	id := portal.NewID()
	if err := a.CreateUpload(ctx, &portal.Attachment{ID: id, Provider: c.Provider(), Status: portal.UploadPending}); err != nil {
		t.Fatal(err)
	}
	sub := portal.Submission{ID: portal.NewID(), Kind: portal.SubmissionProactive, MemberID: c.MemberID,
		ServiceDate: c.ServiceFrom, ReceivedDate: c.DateReceived}
	if _, err := a.Submit(ctx, c.Provider(), []string{id}, sub, ""); err != nil {
		t.Fatal(err)
	}
	if checked {
		if _, ok, err := a.RecordCheck(ctx, id, portal.Attachment{Status: portal.UploadAccepted}); !ok || err != nil {
			t.Fatalf("accept: %v %v", ok, err)
		}
	}
	return id
}

func claimMessage(t *testing.T, c portal.Claim) events.SQSEvent {
	b, err := json.Marshal(map[string]any{"type": "claim", "claim": c})
	if err != nil {
		t.Fatal(err)
	}
	return events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m-" + c.Number, Body: string(b)}}}
}

// A claim event whose first attempt stored the claim and then failed is
// redelivered: the redelivery finds the same version stored and must still
// attach the waiting documents and tell core claims.
func TestRedeliveredClaimAttachesWhatTheFirstAttemptDidNot(t *testing.T) {
	h, _, _, store, sent := newHandlerWith(nil)
	c := sampledata.New(portal.DateOf(time.Now())).Claims[0]
	id := waitingDocument(t, store, c, true)
	failed := false
	store.Fault = func(op string) error {
		if op == "AttachWaiting" && !failed {
			failed = true
			return errors.New("injected: throttled")
		}
		return nil
	}
	resp, err := h.Handle(context.Background(), claimMessage(t, c))
	if err != nil || len(resp.BatchItemFailures) != 1 {
		t.Fatalf("first attempt: %+v %v; want the message reported for retry", resp, err)
	}
	if sent.Total() != 0 {
		t.Fatalf("sent before attaching")
	}
	resp, err = h.Handle(context.Background(), claimMessage(t, c))
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("redelivery: %+v %v", resp, err)
	}
	docs, _ := store.ClaimDocuments(context.Background(), c.Provider(), c.Number)
	if len(docs) != 1 || docs[0].ID != id {
		t.Errorf("claim documents after redelivery: %v, want %s", docs, id)
	}
	if n := sent.Count(c.Number, id); n != 1 {
		t.Errorf("core claims told %d times, want once", n)
	}
}

// staleWaiting answers the waiting-document list as an eventually
// consistent index may: every document still pending.
type staleWaiting struct{ store claimsingest.Waiting }

func (s staleWaiting) Waiting(ctx context.Context, p portal.ProviderID, m string, dos, by portal.Date) ([]portal.Attachment, error) {
	list, err := s.store.Waiting(ctx, p, m, dos, by)
	for i := range list {
		list[i].Status, list[i].CheckedAt = portal.UploadPending, nil
	}
	return list, err
}

func (s staleWaiting) AttachWaiting(ctx context.Context, p portal.ProviderID, id, claim string) (bool, error) {
	return s.store.AttachWaiting(ctx, p, id, claim)
}

// The processor accepts a waiting file (no claim yet: nothing to tell)
// while claims-ingest reads it from the index as still pending: core claims
// must still hear of it, from the record, not the stale read.
func TestAcceptedFileReadAsPendingIsStillAnnounced(t *testing.T) {
	h, _, _, store, sent := newHandlerWith(func(w claimsingest.Waiting) claimsingest.Waiting { return staleWaiting{w} })
	c := sampledata.New(portal.DateOf(time.Now())).Claims[0]
	accepted := waitingDocument(t, store, c, true)
	pending := waitingDocument(t, store, c, false)
	if resp, err := h.Handle(context.Background(), claimMessage(t, c)); err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("claim event: %+v %v", resp, err)
	}
	if n := sent.Count(c.Number, accepted); n != 1 {
		t.Errorf("accepted file announced %d times, want once", n)
	}
	if n := sent.Count(c.Number, pending); n != 0 {
		t.Errorf("a file still being checked was announced")
	}
	if ids := sent.EventIDs(); ids[portal.AttachedEventID(accepted)] != 1 {
		t.Errorf("event IDs %v, want %s", ids, portal.AttachedEventID(accepted))
	}
}
