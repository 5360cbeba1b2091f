package documentevents_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/documentevents"
	"github.com/openpayer/provider-portal/shared/documentevents/documenteventstest"
	"github.com/openpayer/provider-portal/shared/inmem"
	"github.com/openpayer/provider-portal/shared/outbox"
	"github.com/openpayer/provider-portal/shared/portal"
)

var quiet = slog.New(slog.NewJSONHandler(io.Discard, nil))

// onClaim records an upload submitted to claim and accepted: an event due.
func onClaim(t testing.TB, s *inmem.Attachments, claim string) string {
	t.Helper()
	ctx := context.Background()
	id := portal.NewID()
	if err := s.CreateUpload(ctx, &portal.Attachment{ID: id, Provider: "111111111", Status: portal.UploadPending}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Submit(ctx, "111111111", []string{id}, portal.Submission{ID: portal.NewID()}, claim); err != nil {
		t.Fatal(err)
	}
	if _, ok, err := s.RecordCheck(ctx, id, portal.Attachment{Status: portal.UploadAccepted}); !ok || err != nil {
		t.Fatalf("accept: %v %v", ok, err)
	}
	return id
}

func TestDeliverSendsOnceAndClears(t *testing.T) {
	s, sent := &inmem.Attachments{}, &documenteventstest.Recorder{}
	p := &documentevents.Publisher{Store: s, Sender: sent}
	id := onClaim(t, s, "C1")
	for range 2 {
		if err := p.Deliver(context.Background(), id); err != nil {
			t.Fatal(err)
		}
	}
	if n := sent.Count("C1", id); n != 1 {
		t.Errorf("sent %d times, want once", n)
	}
	a, token, _ := s.EventState(context.Background(), id)
	if token != "" || a.EventSentAt == nil {
		t.Errorf("after delivery: token %q, sent at %v", token, a.EventSentAt)
	}
}

// clearFails fails the first EventHandled: the event went out but the
// mark could not be cleared.
type clearFails struct {
	*inmem.Attachments
	failed bool
}

func (c *clearFails) EventHandled(ctx context.Context, id, token string, sent time.Time) (bool, error) {
	if !c.failed {
		c.failed = true
		return false, errors.New("injected: clear failed")
	}
	return c.Attachments.EventHandled(ctx, id, token, sent)
}

func TestWhatFailsIsSentByTheSweepUnderTheSameID(t *testing.T) {
	ctx := context.Background()
	s, sent := &inmem.Attachments{}, &documenteventstest.Recorder{}
	sendFails := true
	sent.Fail = func() error {
		if sendFails {
			return errors.New("injected: queue unavailable")
		}
		return nil
	}
	store := &clearFails{Attachments: s, failed: true}
	p := &documentevents.Publisher{Store: store, Sender: sent}
	lost := onClaim(t, s, "C1")
	if err := p.Deliver(ctx, lost); err == nil {
		t.Fatal("a failed send reported as delivered")
	}
	var metrics bytes.Buffer
	sweep := &outbox.Sweeper{Log: quiet, Source: p, Grace: time.Nanosecond, Name: "documents", Metrics: &metrics, Stack: "test"}
	time.Sleep(time.Millisecond)
	res, err := sweep.Sweep(ctx)
	if err != nil || res.Failed != 1 || res.OldestFailed <= 0 {
		t.Fatalf("sweep while the queue is down: %+v %v", res, err)
	}
	// The queue is back, but clearing the mark fails once after sending.
	sendFails, store.failed = false, false
	if res, err := sweep.Sweep(ctx); err != nil || res.Failed != 1 {
		t.Fatalf("sweep whose clear fails: %+v %v", res, err)
	}
	if err := sweep.Handle(ctx, events.EventBridgeEvent{}); err != nil {
		t.Fatal(err)
	}
	if n := sent.Count("C1", lost); n != 2 {
		t.Errorf("sent %d times, want twice (once more after the failed clear)", n)
	}
	if ids := sent.EventIDs(); len(ids) != 1 || ids[portal.AttachedEventID(lost)] != 2 {
		t.Errorf("event IDs %v: every send must carry the same ID", ids)
	}
	if res, _ := sweep.Sweep(ctx); res.Delivered+res.Failed != 0 {
		t.Errorf("a delivered event is swept again: %+v", res)
	}
	var line map[string]any
	if err := json.Unmarshal(metrics.Bytes(), &line); err != nil {
		t.Fatalf("metrics line %q: %v", metrics.String(), err)
	}
	if line["EventsDelivered"] != 1.0 || line["OldestUndeliveredEventAge"] != 0.0 || line["Stack"] != "test" || line["Outbox"] != "documents" || line["_aws"] == nil {
		t.Errorf("metrics %v", line)
	}
}

func TestTheSweepGoesPastEventsItCannotDeliver(t *testing.T) {
	ctx := context.Background()
	s, sent := &inmem.Attachments{}, &documenteventstest.Recorder{}
	clock := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	s.Now = func() time.Time { clock = clock.Add(time.Millisecond); return clock }
	// 250 events due, the oldest 120 of them undeliverable (a claim core
	// claims refuses): the sweep must still deliver the 130 behind them.
	var bad, good []string
	for i := range 250 {
		if i < 120 {
			bad = append(bad, onClaim(t, s, "BAD"))
		} else {
			good = append(good, onClaim(t, s, "C2"))
		}
	}
	p := &documentevents.Publisher{Store: &refuse{Attachments: s, claim: "BAD"}, Sender: sent}
	clock = clock.Add(time.Minute)
	sweep := &outbox.Sweeper{Log: quiet, Source: p, Grace: time.Second, Name: "documents", Now: func() time.Time { return clock }}
	res, err := sweep.Sweep(ctx)
	if err != nil || res.Delivered != len(good) || res.Failed != len(bad) {
		t.Fatalf("sweep: %+v %v; want %d delivered, %d failed", res, err, len(good), len(bad))
	}
	for _, id := range good {
		if sent.Count("C2", id) != 1 {
			t.Fatalf("%s not delivered", id)
		}
	}
	if res.OldestFailed < time.Minute {
		t.Errorf("oldest failed %v, want at least a minute", res.OldestFailed)
	}
}

// refuse fails to read the records of one claim's uploads.
type refuse struct {
	*inmem.Attachments
	claim string
}

func (r *refuse) EventState(ctx context.Context, id string) (*portal.Attachment, string, error) {
	a, token, err := r.Attachments.EventState(ctx, id)
	if a != nil && a.ClaimNumber == r.claim {
		return nil, "", errors.New("injected: unreadable")
	}
	return a, token, err
}
