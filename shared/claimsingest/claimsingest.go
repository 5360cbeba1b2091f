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
	// UpsertClaim stores c unless a version at least as new is stored, and
	// says which it was.
	UpsertClaim(ctx context.Context, c *portal.Claim) (portal.Upserted, error)
}

// Members stores members from the feed.
type Members interface {
	// UpsertMember stores m unless a version at least as new is stored.
	UpsertMember(ctx context.Context, m *portal.Member) (portal.Upserted, error)
}

// Waiting holds the documents sent without a claim number until their claim
// arrives.
type Waiting interface {
	// Waiting lists the provider's submitted documents without a claim
	// number for the member and service date, received on or before
	// receivedBy.
	Waiting(ctx context.Context, provider portal.ProviderID, memberID string, serviceDate, receivedBy portal.Date) ([]portal.Attachment, error)
	// AttachWaiting links a waiting document of the provider's to a claim,
	// once, and marks it for core claims in the same write; it reports
	// whether this call did.
	AttachWaiting(ctx context.Context, provider portal.ProviderID, id, claimNumber string) (bool, error)
}

// Events delivers the event an upload's mark stands for, if one is due
// (documentevents.Publisher). What it fails to deliver stays marked for the
// document-events sweep.
type Events interface {
	Deliver(ctx context.Context, uploadID string) error
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
		return sqs.Reject(ctx, h.d.Log, h.d.DeadLetters, "feed event", msg, pe)
	}
	var u portal.Upserted
	switch ev.Type {
	case "claim":
		// The same version again is a redelivery of an event whose first
		// attempt may have stored the claim and then failed: what follows
		// the write is done again (each step once).
		if u, err = h.d.Claims.UpsertClaim(ctx, ev.Claim); err == nil && u.Current() {
			err = h.attachWaiting(ctx, ev.Claim)
		}
	case "member":
		u, err = h.d.Members.UpsertMember(ctx, ev.Member)
	}
	if err != nil {
		h.d.Log.ErrorContext(ctx, "feed event failed; will retry", "messageId", msg.MessageId, "type", ev.Type, "error", err.Error())
		return err
	}
	attrs := []any{"messageId", msg.MessageId, "type", ev.Type, "applied", u == portal.Applied, "upsert", u.String()}
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
	for _, a := range waiting {
		ok, err := h.d.Attachments.AttachWaiting(ctx, c.Provider(), a.ID, c.Number)
		if err != nil {
			return err
		}
		// Whether the file is accepted yet is decided from its record, not
		// from this (possibly stale) index read.
		if ok {
			if err := h.d.Events.Deliver(ctx, a.ID); err != nil {
				h.d.Log.WarnContext(ctx, "document event not delivered yet; the sweep will", "uploadId", a.ID, "error", err.Error())
			}
		}
	}
	if len(waiting) > 0 {
		h.d.Log.InfoContext(ctx, "waiting documents attached", "claimNumber", c.Number, "count", len(waiting))
	}
	return nil
}
