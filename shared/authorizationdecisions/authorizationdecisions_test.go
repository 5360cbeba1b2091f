package authorizationdecisions_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/authorizationdecisions"
	"github.com/openpayer/provider-portal/shared/inmem"
	"github.com/openpayer/provider-portal/shared/portal"
)

type parked struct{ code, reason string }

type dlq struct{ got []parked }

func (d *dlq) Park(_ context.Context, _, _, code, reason string) error {
	d.got = append(d.got, parked{code, reason})
	return nil
}

func TestDecisionsRoundTrip(t *testing.T) {
	ctx := context.Background()
	store := &inmem.Authorizations{}
	a := &portal.Authorization{ID: portal.NewAuthorizationID(), Provider: "111111111", Status: portal.AuthReceived, Version: 1,
		Request: portal.AuthorizationRequest{MemberID: "M1", Type: portal.AuthOutpatient, StartDate: portal.MustDate("2026-10-15")}}
	if _, err := store.CreateAuthorization(ctx, a, portal.OutboundEvent{ID: "e1", At: time.Now()}); err != nil {
		t.Fatal(err)
	}
	d := &dlq{}
	h := authorizationdecisions.New(authorizationdecisions.Deps{Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Requests: store, DeadLetters: d})
	msg := func(id, body string) events.SQSMessage { return events.SQSMessage{MessageId: id, Body: body} }
	approve := `{"decisionId":"D-2","authorizationId":"` + a.ID + `","status":"approved","decidedAt":"2026-11-20T10:00:00Z",
		"authorizationNumber":"AUTH-77","approvedFrom":"2026-10-15","approvedTo":"2026-10-15","approvedUnits":1}`
	more := `{"decisionId":"D-1","authorizationId":"` + a.ID + `","status":"more_information_requested","decidedAt":"2026-11-20T09:00:00Z","informationWanted":"Notes."}`
	resp, err := h.Handle(ctx, events.SQSEvent{Records: []events.SQSMessage{
		msg("m1", more), msg("m2", more), msg("m3", approve), msg("m4", more),
		msg("m5", `{"decisionId":"D-9","authorizationId":"`+a.ID+`","status":"pended","decidedAt":"2026-11-20T09:00:00Z"}`),
		msg("m6", `{"decisionId":"D-8","authorizationId":"RA-ZZZZ-ZZZZ","status":"withdrawn","decidedAt":"2026-11-20T09:00:00Z"}`),
	}})
	if err != nil || len(resp.BatchItemFailures) != 0 {
		t.Fatalf("%+v %v", resp, err)
	}
	got, _ := store.Authorization(ctx, "111111111", a.ID)
	if got.Status != portal.AuthApproved || got.Decision.AuthorizationNumber != "AUTH-77" || len(got.DecisionIDs) != 2 {
		t.Errorf("request after the batch: %+v", got)
	}
	if len(d.got) != 2 || d.got[0].code != portal.CodeInvalidDecision || d.got[1].code != portal.CodeAuthorizationNotFound {
		t.Errorf("parked %+v", d.got)
	}
	for _, p := range d.got {
		if strings.Contains(p.reason, "RA-ZZZZ") {
			t.Errorf("a reason echoes a value: %q", p.reason)
		}
	}
	// A passing failure is retried, not parked.
	store.Fault = func(op string) error { return errors.New("injected: throttled") }
	resp, _ = h.Handle(ctx, events.SQSEvent{Records: []events.SQSMessage{msg("m7", approve)}})
	if len(resp.BatchItemFailures) != 1 || len(d.got) != 2 {
		t.Errorf("a throttled decision: %+v, parked %d", resp, len(d.got))
	}
}

// A poisoned decision (trailing data, dated in the future or before the
// request) is parked with a reason that names what is wrong, and does not
// stop the real decision after it.
func TestPoisonedDecisionsAreParkedAndTheRealOneApplies(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 11, 21, 12, 0, 0, 0, time.UTC)
	store := &inmem.Authorizations{}
	store.Now = func() time.Time { return now }
	submitted := time.Date(2026, 11, 20, 8, 0, 0, 0, time.UTC)
	a := &portal.Authorization{ID: portal.NewAuthorizationID(), Provider: "111111111", Status: portal.AuthReceived, Version: 1, SubmittedAt: submitted,
		Request: portal.AuthorizationRequest{MemberID: "M1", Type: portal.AuthOutpatient, StartDate: portal.MustDate("2026-10-15")}}
	if _, err := store.CreateAuthorization(ctx, a, portal.OutboundEvent{ID: "e1", At: submitted}); err != nil {
		t.Fatal(err)
	}
	d := &dlq{}
	h := authorizationdecisions.New(authorizationdecisions.Deps{Log: slog.New(slog.NewJSONHandler(io.Discard, nil)), Requests: store, DeadLetters: d})
	decision := func(id, status, at, extra string) string {
		return `{"decisionId":"` + id + `","authorizationId":"` + a.ID + `","status":"` + status + `","decidedAt":"` + at + `"` + extra + `}`
	}
	approve := decision("D-REAL", "approved", "2026-11-21T11:00:00Z", `,"authorizationNumber":"AUTH-77","approvedFrom":"2026-10-15","approvedTo":"2026-10-15","approvedUnits":1`)
	poisons := map[string]string{
		"p-trailing": decision("D-1", "more_information_requested", "2026-11-21T10:00:00Z", `,"informationWanted":"Notes."`) + ` }}GARBAGE{{`,
		"p-future":   decision("D-2", "more_information_requested", "2999-01-01T00:00:00Z", `,"informationWanted":"Notes."`),
		"p-early":    decision("D-3", "denied", "2026-11-19T08:00:00Z", `,"reasonCode":"X","reasonText":"No."`),
		"p-unknown":  decision("D-4", "withdrawn", "2026-11-21T10:00:00Z", `,"memberName":"Jane Roe"`),
	}
	want := map[string]string{"p-trailing": "more after", "p-future": "decidedAt is later than now", "p-early": "decidedAt is before", "p-unknown": `"memberName"`}
	for id, body := range poisons {
		d.got = nil
		resp, err := h.Handle(ctx, events.SQSEvent{Records: []events.SQSMessage{{MessageId: id, Body: body}}})
		if err != nil || len(resp.BatchItemFailures) != 0 {
			t.Fatalf("%s: %+v %v", id, resp, err)
		}
		if len(d.got) != 1 || d.got[0].code != portal.CodeInvalidDecision || !strings.Contains(d.got[0].reason, want[id]) || strings.Contains(d.got[0].reason, "Jane") {
			t.Errorf("%s: parked %+v, want a reason with %q", id, d.got, want[id])
		}
	}
	if got, _ := store.Authorization(ctx, "111111111", a.ID); got.Status != portal.AuthReceived || len(got.DecisionIDs) != 0 {
		t.Fatalf("a poisoned decision changed the request: %+v", got)
	}
	d.got = nil
	if resp, err := h.Handle(ctx, events.SQSEvent{Records: []events.SQSMessage{{MessageId: "m-real", Body: approve}}}); err != nil || len(resp.BatchItemFailures) != 0 || len(d.got) != 0 {
		t.Fatalf("the real decision: %+v %v, parked %+v", resp, err, d.got)
	}
	if got, _ := store.Authorization(ctx, "111111111", a.ID); got.Status != portal.AuthApproved || got.Decision.DecisionID != "D-REAL" {
		t.Errorf("the real decision did not apply: %+v", got)
	}
}
