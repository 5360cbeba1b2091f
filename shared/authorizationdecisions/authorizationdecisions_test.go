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
