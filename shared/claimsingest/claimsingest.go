// Package claimsingest applies the core claims system's feed of claims and members.
package claimsingest

import (
	"context"
	"errors"
	"log/slog"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/sqs"
)

// Claims stores claims from the feed.
type Claims interface {
	// UpsertClaim stores c unless a version at least as new is stored;
	// applied reports whether it was written.
	UpsertClaim(ctx context.Context, c *portal.Claim) (applied bool, err error)
}

// Members stores members from the feed.
type Members interface {
	// UpsertMember stores m unless a version at least as new is stored.
	UpsertMember(ctx context.Context, m *portal.Member) (applied bool, err error)
}

// Waiting holds the documents sent without a claim number until their claim
// arrives.
type Waiting interface {
	// Waiting lists the provider's submitted documents without a claim
	// number for the member and service date, received on or before
	// receivedBy.
	Waiting(ctx context.Context, provider portal.ProviderID, memberID string, serviceDate, receivedBy portal.Date) ([]portal.Attachment, error)
	// AttachWaiting links a waiting document of the provider's to a claim,
	// once; it reports whether this call did.
	AttachWaiting(ctx context.Context, provider portal.ProviderID, id, claimNumber string) (bool, error)
}

// Events tells the core claims system that documents attached to a claim.
type Events interface {
	Attached(ctx context.Context, claimNumber string, docs []portal.Attachment) error
}

// DeadLetters parks a message that can never be applied, with its reason.
type DeadLetters interface {
	Park(ctx context.Context, body, sourceMessageID, code, reason string) error
}

// Deps are the claims-ingest function's collaborators.
type Deps struct {
	Log         *slog.Logger
	Claims      Claims
	Members     Members
	Attachments Waiting
	Events      Events
	DeadLetters DeadLetters
}

// Handler is the claims-ingest function.
type Handler struct{ d Deps }

// New returns the claims-ingest function.
func New(d Deps) *Handler { return &Handler{d: d} }

// Handle applies a batch. A malformed event goes to the dead-letter queue at
// once with its reason; an event that failed for a passing cause (a throttle,
// a timeout) is reported as a batch item failure, so SQS retries it and, if it
// keeps failing, redrives it to the dead-letter queue.
func (h *Handler) Handle(ctx context.Context, batch events.SQSEvent) (events.SQSEventResponse, error) {
	// One at a time: versions would keep concurrent events safe, but a
	// feed batch applied in order is simpler to follow in the logs.
	return sqs.EachMessage(ctx, batch, 1, h.apply), nil
}

func (h *Handler) apply(ctx context.Context, msg events.SQSMessage) error {
	ev, err := portal.ParseFeedEvent([]byte(msg.Body))
	if err != nil {
		var pe *portal.Error
		errors.As(err, &pe)
		// The reason names fields, never their values, so it may be logged.
		h.d.Log.WarnContext(ctx, "feed event rejected", "messageId", msg.MessageId, "code", pe.Code, "reason", pe.Detail)
		if perr := h.d.DeadLetters.Park(ctx, msg.Body, msg.MessageId, pe.Code, pe.Detail); perr != nil {
			h.d.Log.ErrorContext(ctx, "could not park rejected feed event", "messageId", msg.MessageId, "error", perr.Error())
			return perr
		}
		return nil
	}
	var applied bool
	switch ev.Type {
	case "claim":
		if applied, err = h.d.Claims.UpsertClaim(ctx, ev.Claim); err == nil && applied {
			err = h.attachWaiting(ctx, ev.Claim)
		}
	case "member":
		applied, err = h.d.Members.UpsertMember(ctx, ev.Member)
	}
	if err != nil {
		h.d.Log.ErrorContext(ctx, "feed event failed; will retry", "messageId", msg.MessageId, "type", ev.Type, "error", err.Error())
		return err
	}
	attrs := []any{"messageId", msg.MessageId, "type", ev.Type, "applied", applied}
	if ev.Claim != nil {
		attrs = append(attrs, "claimNumber", ev.Claim.Number, "version", ev.Claim.Version)
	} else {
		attrs = append(attrs, "version", ev.Member.Version)
	}
	h.d.Log.InfoContext(ctx, "feed event", attrs...)
	return nil
}

// attachWaiting gives an arriving claim the documents sent for it without a
// claim number: same provider, member and first date of service, received
// on or before the claim was. Documents received after the claim stay
// waiting, as the guide says.
func (h *Handler) attachWaiting(ctx context.Context, c *portal.Claim) error {
	waiting, err := h.d.Attachments.Waiting(ctx, c.Provider(), c.MemberID, c.ServiceFrom, c.DateReceived)
	if err != nil {
		return err
	}
	var attached []portal.Attachment
	for _, a := range waiting {
		ok, err := h.d.Attachments.AttachWaiting(ctx, c.Provider(), a.ID, c.Number)
		if err != nil {
			return err
		}
		if ok && a.Status == portal.UploadAccepted {
			attached = append(attached, a)
		}
	}
	if len(waiting) > 0 {
		h.d.Log.InfoContext(ctx, "waiting documents attached", "claimNumber", c.Number, "count", len(waiting))
	}
	if len(attached) > 0 {
		if err := h.d.Events.Attached(ctx, c.Number, attached); err != nil {
			h.d.Log.ErrorContext(ctx, "documents attached but core claims not told", "claimNumber", c.Number, "error", err.Error())
		}
	}
	return nil
}
