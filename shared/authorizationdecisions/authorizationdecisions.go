// Package authorizationdecisions applies the decisions of the plan's
// utilization management system to retro authorization requests: approved,
// denied, more information requested, withdrawn. A decision applies once; a
// duplicate or a late one changes nothing; a malformed one goes to the
// dead-letter queue with its reason.
package authorizationdecisions

import (
	"context"
	"errors"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// Requests applies decisions. It acts for the plan, not a provider.
type Requests interface {
	ApplyDecision(ctx context.Context, d portal.AuthDecision) (*portal.Authorization, bool, error)
}

// DeadLetters parks a message that can never be applied, with its reason.
type DeadLetters interface {
	Park(ctx context.Context, body, sourceMessageID, code, reason string) error
}

// Events delivers a recorded event at once; what it fails to deliver the
// authorization-events sweep sends.
type Events interface {
	Deliver(ctx context.Context, id string) error
}

// Deps are the function's collaborators.
type Deps struct {
	Log         *slog.Logger
	Requests    Requests
	DeadLetters DeadLetters
	// Events tells the notifier of each decision applied, at once.
	Events Events
}

// Handler is the authorization-decisions function.
type Handler struct{ d Deps }

// New returns the authorization-decisions function.
func New(d Deps) *Handler { return &Handler{d: d} }

// Handle applies a batch, one decision at a time; a decision that failed
// for a passing cause is reported for retry.
func (h *Handler) Handle(ctx context.Context, batch events.SQSEvent) (events.SQSEventResponse, error) {
	return sqs.EachMessage(ctx, batch, 1, h.apply), nil
}

func (h *Handler) park(ctx context.Context, msg events.SQSMessage, pe *portal.Error) error {
	return sqs.Reject(ctx, h.d.Log, h.d.DeadLetters, "decision", msg, pe)
}

func (h *Handler) apply(ctx context.Context, msg events.SQSMessage) error {
	d, err := portal.ParseAuthDecision([]byte(msg.Body))
	var pe *portal.Error
	if errors.As(err, &pe) {
		return h.park(ctx, msg, pe)
	}
	a, applied, err := h.d.Requests.ApplyDecision(ctx, *d)
	if errors.As(err, &pe) && pe.Code == portal.CodeAuthorizationNotFound {
		return h.park(ctx, msg, portal.Errorf(portal.KindNotFound, pe.Code, "decision for a request the portal does not have"))
	}
	if errors.As(err, &pe) && pe.Code == portal.CodeInvalidDecision {
		return h.park(ctx, msg, pe)
	}
	if err != nil {
		h.d.Log.ErrorContext(ctx, "decision failed; will retry", "messageId", msg.MessageId, "error", err.Error())
		return err
	}
	h.d.Log.InfoContext(ctx, "decision", "messageId", msg.MessageId, "authorizationId", a.ID, "decisionId", d.DecisionID,
		"status", string(d.Status), "applied", applied, "now", string(a.Status))
	if applied && h.d.Events != nil {
		// Recorded with the decision: if this fails, the sweep sends it.
		if err := h.d.Events.Deliver(ctx, portal.DecidedEventID(a)); err != nil {
			h.d.Log.WarnContext(ctx, "decision event left to the sweep", "authorizationId", a.ID, "error", err.Error())
		}
	}
	return nil
}
