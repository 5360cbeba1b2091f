package outbox

import (
	"context"
	"fmt"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Events is a table's record of events not delivered yet: each an item
// written in the same transaction as the change it reports.
type Events interface {
	DueOutbound(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error)
	Outbound(ctx context.Context, id string) (*portal.OutboundEvent, error)
	OutboundDelivered(ctx context.Context, id string) error
}

// Sender puts one event on a queue.
type Sender interface {
	Send(ctx context.Context, ev portal.OutboundEvent) error
}

// Publisher delivers a table's recorded events to the queue each names
// (utilization management, the COB unit, the appeals system): at least
// once, always under the event's ID. It is the Source of that table's sweep.
type Publisher struct {
	Outbox  Events
	Senders map[string]Sender
}

// Due lists the events not delivered yet, recorded from from to to.
func (p *Publisher) Due(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error) {
	return p.Outbox.DueOutbound(ctx, from, to, limit)
}

// Deliver sends the event if it is still recorded, then forgets it. If
// forgetting fails after sending, the sweep sends it again, under the same
// ID, and the consumer drops the duplicate.
func (p *Publisher) Deliver(ctx context.Context, id string) error {
	ev, err := p.Outbox.Outbound(ctx, id)
	if err != nil || ev == nil {
		return err
	}
	s, ok := p.Senders[ev.Queue]
	if !ok {
		return fmt.Errorf("event %s: no queue for %q", ev.ID, ev.Queue)
	}
	if err := s.Send(ctx, *ev); err != nil {
		return err
	}
	return p.Outbox.OutboundDelivered(ctx, id)
}
