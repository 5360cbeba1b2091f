// Package documentevents tells the core claims system that checked documents
// are attached to its claims, from the marks the attachments store writes
// with each state change (see portal.Due): at least once, always under
// the same event ID, whatever fails in between.
//
// The functions that make such a change deliver at once (Publisher.Deliver);
// the document-events function sweeps, on a schedule, whatever is still
// marked (an outbox.Sweeper over the Publisher).
package documentevents

import (
	"context"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Store reads and clears the marks of the attachments store. It acts for
// the plan, not for a provider: no HTTP handler is given it.
type Store interface {
	// DueEvents lists up to limit marked uploads, marked from from to to,
	// oldest first.
	DueEvents(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error)
	// EventState reads an upload, strongly consistent, with its mark's
	// token ("" if unmarked); nil if there is no such upload.
	EventState(ctx context.Context, id string) (*portal.Attachment, string, error)
	// EventHandled clears the mark if it is still token; with sent set, it
	// records when the event was sent. False: marked again since.
	EventHandled(ctx context.Context, id, token string, sent time.Time) (bool, error)
}

// Sender puts one event on the core claims system's queue.
type Sender interface {
	Attached(ctx context.Context, eventID string, a portal.Attachment) error
}

// Publisher delivers the event an upload's mark stands for.
type Publisher struct {
	Store  Store
	Sender Sender
	Now    func() time.Time
}

func (p *Publisher) now() time.Time {
	if p.Now != nil {
		return p.Now()
	}
	return time.Now()
}

// Deliver sends the event upload id's mark stands for, if one is due, and
// clears the mark. A mark with nothing due (a file accepted but on no claim
// yet, or attached but still being checked) is cleared: the write that
// completes the pair marks the record again. If sending fails the mark stays
// for the sweep; if clearing fails after sending, the sweep sends again,
// under the same event ID.
func (p *Publisher) Deliver(ctx context.Context, id string) error {
	a, token, err := p.Store.EventState(ctx, id)
	if err != nil || a == nil || token == "" {
		return err
	}
	var sent time.Time
	if a.AttachedEventDue() {
		if err := p.Sender.Attached(ctx, portal.AttachedEventID(a.ID), *a); err != nil {
			return err
		}
		sent = p.now()
	}
	_, err = p.Store.EventHandled(ctx, id, token, sent)
	return err
}

// Due lists the marks due from from to to: the publisher is the
// documents' outbox.Source.
func (p *Publisher) Due(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error) {
	return p.Store.DueEvents(ctx, from, to, limit)
}
