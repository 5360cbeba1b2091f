// Package ingest applies the core claims system's feed of claims and members.
package ingest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/queue"
)

// Event is one message of the claims feed: a claim or a member, whole, with
// its version. The feed may repeat and reorder events; the highest version
// wins.
type Event struct {
	Type   string         `json:"type"` // "claim" or "member"
	Claim  *portal.Claim  `json:"claim,omitempty"`
	Member *portal.Member `json:"member,omitempty"`
}

// Parse reads and validates a feed message. Every error it returns is a
// KindInvalid *portal.Error: retrying the message cannot help.
func Parse(body []byte) (Event, error) {
	var ev Event
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&ev); err != nil {
		return ev, portal.Errorf(portal.KindInvalid, portal.CodeInvalidFeedEvent, "not a feed event: %v", err)
	}
	switch {
	case ev.Type == "claim" && ev.Claim != nil && ev.Member == nil:
		return ev, ev.Claim.Validate()
	case ev.Type == "member" && ev.Member != nil && ev.Claim == nil:
		return ev, ev.Member.Validate()
	default:
		return ev, portal.Errorf(portal.KindInvalid, portal.CodeInvalidFeedEvent,
			`an event has "type" "claim" with a "claim", or "type" "member" with a "member"`)
	}
}

// DeadLetters parks a message that can never be applied, with its reason.
type DeadLetters interface {
	Park(ctx context.Context, body, sourceMessageID, code, reason string) error
}

// Handler is the claims-ingest function.
type Handler struct {
	Claims      portal.ClaimStore
	Members     portal.MemberStore
	Attachments portal.AttachmentStore
	Events      portal.DocumentEvents
	DeadLetters DeadLetters
	Log         *slog.Logger
}

// Handle applies a batch. A malformed event goes to the dead-letter queue at
// once with its reason; an event that failed for a passing cause (a throttle,
// a timeout) is reported as a batch item failure, so SQS retries it and, if it
// keeps failing, redrives it to the dead-letter queue.
func (h *Handler) Handle(ctx context.Context, batch events.SQSEvent) (events.SQSEventResponse, error) {
	return queue.EachMessage(batch, func(msg events.SQSMessage) error { return h.apply(ctx, msg) }), nil
}

func (h *Handler) apply(ctx context.Context, msg events.SQSMessage) error {
	ev, err := Parse([]byte(msg.Body))
	if err != nil {
		var pe *portal.Error
		errors.As(err, &pe)
		// The reason names fields, never their values, so it may be logged.
		h.Log.WarnContext(ctx, "feed event rejected", "messageId", msg.MessageId, "code", pe.Code, "reason", pe.Detail)
		if perr := h.DeadLetters.Park(ctx, msg.Body, msg.MessageId, pe.Code, pe.Detail); perr != nil {
			h.Log.ErrorContext(ctx, "could not park rejected feed event", "messageId", msg.MessageId, "error", perr.Error())
			return perr
		}
		return nil
	}
	var applied bool
	switch ev.Type {
	case "claim":
		if applied, err = h.Claims.UpsertClaim(ctx, ev.Claim); err == nil && applied {
			err = h.attachWaiting(ctx, ev.Claim)
		}
	case "member":
		applied, err = h.Members.UpsertMember(ctx, ev.Member)
	}
	if err != nil {
		h.Log.ErrorContext(ctx, "feed event failed; will retry", "messageId", msg.MessageId, "type", ev.Type, "error", err.Error())
		return err
	}
	attrs := []any{"messageId", msg.MessageId, "type", ev.Type, "applied", applied}
	if ev.Claim != nil {
		attrs = append(attrs, "claimNumber", ev.Claim.Number, "version", ev.Claim.Version)
	} else {
		attrs = append(attrs, "version", ev.Member.Version)
	}
	h.Log.InfoContext(ctx, "feed event", attrs...)
	return nil
}

// attachWaiting gives an arriving claim the documents sent for it without a
// claim number: same provider, member and first date of service, received
// on or before the claim was. Documents received after the claim stay
// waiting, as the guide says.
func (h *Handler) attachWaiting(ctx context.Context, c *portal.Claim) error {
	waiting, err := h.Attachments.Waiting(ctx, c.Provider(), c.MemberID, c.ServiceFrom, c.DateReceived)
	if err != nil {
		return err
	}
	var attached []portal.Attachment
	for _, a := range waiting {
		ok, err := h.Attachments.AttachWaiting(ctx, c.Provider(), a.ID, c.Number)
		if err != nil {
			return err
		}
		if ok && a.Status == portal.UploadAccepted {
			attached = append(attached, a)
		}
	}
	if len(waiting) > 0 {
		h.Log.InfoContext(ctx, "waiting documents attached", "claimNumber", c.Number, "count", len(waiting))
	}
	if len(attached) > 0 {
		if err := h.Events.Attached(ctx, c.Number, attached); err != nil {
			h.Log.ErrorContext(ctx, "documents attached but core claims not told", "claimNumber", c.Number, "error", err.Error())
		}
	}
	return nil
}
