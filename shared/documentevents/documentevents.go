// Package documentevents tells the core claims system that checked documents
// are attached to its claims, from the marks the attachments store writes
// with each state change (see portal.Due): at least once, always under
// the same event ID, whatever fails in between.
//
// The functions that make such a change deliver at once (Publisher.Deliver);
// the document-events function sweeps, on a schedule, whatever is still
// marked, and reports the age of the oldest event it could not deliver, on
// which an alarm fires.
package documentevents

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

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

// Sweeper is the document-events function: on each scheduled run it
// delivers every mark older than Grace (younger ones are still being
// delivered by the function that wrote them).
type Sweeper struct {
	Log       *slog.Logger
	Publisher *Publisher
	Grace     time.Duration
	// Metrics receives one CloudWatch embedded-metric line per run (the
	// function's standard output in Lambda); Stack is its dimension.
	Metrics io.Writer
	Stack   string
}

// SweepResult is what one sweep did.
type SweepResult struct {
	Delivered, Failed int
	// OldestFailed is how long the oldest event this sweep could not
	// deliver has been due; zero if it delivered all.
	OldestFailed time.Duration
}

const (
	sweepPage        = 100
	sweepConcurrency = 8
	// sweepReserve is the time a sweep leaves itself before its deadline to
	// report what it did.
	sweepReserve = 5 * time.Second
)

// Sweep delivers every mark older than the grace period, oldest first, until
// none is left or the invocation's time is nearly up.
func (s *Sweeper) Sweep(ctx context.Context) (SweepResult, error) {
	var res SweepResult
	now := s.Publisher.now()
	to := now.Add(-s.Grace)
	tried := map[string]bool{}
	var from time.Time
	for {
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < sweepReserve {
			return res, nil // the next run goes on
		}
		due, err := s.Publisher.Store.DueEvents(ctx, from, to, sweepPage)
		if err != nil {
			return res, err
		}
		var batch []portal.Due
		for _, d := range due {
			if !tried[d.UploadID] {
				tried[d.UploadID] = true
				batch = append(batch, d)
			}
		}
		s.deliver(ctx, now, batch, &res)
		// Marks that failed stay listed: the next page starts at the last
		// mark's time, skipping what this run tried.
		if len(due) < sweepPage || len(batch) == 0 {
			return res, nil
		}
		from = due[len(due)-1].Since
	}
}

func (s *Sweeper) deliver(ctx context.Context, now time.Time, batch []portal.Due, res *SweepResult) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, sweepConcurrency)
	for _, d := range batch {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			err := s.Publisher.Deliver(ctx, d.UploadID)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				res.Delivered++
				return
			}
			res.Failed++
			res.OldestFailed = max(res.OldestFailed, now.Sub(d.Since))
			s.Log.ErrorContext(ctx, "document event not delivered; the next sweep retries", "uploadId", d.UploadID,
				"dueFor", now.Sub(d.Since).Round(time.Second).String(), "error", err.Error())
		})
	}
	wg.Wait()
}

// Handle runs one sweep for the schedule and reports it as metrics. It
// fails only if it could not read the marks at all; events it could not
// deliver are counted, and the alarm on their age calls someone.
func (s *Sweeper) Handle(ctx context.Context, _ events.EventBridgeEvent) error {
	res, err := s.Sweep(ctx)
	s.Log.InfoContext(ctx, "document events swept", "delivered", res.Delivered, "failed", res.Failed,
		"oldestFailedSeconds", int64(res.OldestFailed.Seconds()))
	if werr := s.metrics(res); werr != nil {
		err = errors.Join(err, werr)
	}
	return err
}

// metrics writes res in CloudWatch's embedded metric format.
func (s *Sweeper) metrics(res SweepResult) error {
	if s.Metrics == nil {
		return nil
	}
	type metric struct{ Name, Unit string }
	line, err := json.Marshal(map[string]any{
		"_aws": map[string]any{
			"Timestamp": s.Publisher.now().UnixMilli(),
			"CloudWatchMetrics": []any{map[string]any{
				"Namespace":  MetricsNamespace,
				"Dimensions": [][]string{{"Stack"}},
				"Metrics": []metric{
					{"DocumentEventsDelivered", "Count"}, {"DocumentEventsFailed", "Count"},
					{"OldestUndeliveredDocumentEventAge", "Seconds"},
				},
			}},
		},
		"Stack":                             s.Stack,
		"DocumentEventsDelivered":           res.Delivered,
		"DocumentEventsFailed":              res.Failed,
		"OldestUndeliveredDocumentEventAge": int64(res.OldestFailed.Seconds()),
	})
	if err != nil {
		return err
	}
	_, err = s.Metrics.Write(append(line, '\n'))
	return err
}

// MetricsNamespace is where the sweep's metrics go; template.yaml's alarm
// reads them there.
const MetricsNamespace = "ProviderPortal"
