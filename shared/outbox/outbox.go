// Package outbox sweeps an outbox: events recorded in the same write as the
// state change they report, and sent until delivered. Each outbox (the
// documents' marks, the authorizations' event items) is a Source; the
// function that wrote an event delivers it at once, and a scheduled sweep
// delivers whatever is still due after a grace period, reporting the age of
// the oldest event it could not deliver, on which an alarm fires.
package outbox

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/emf"
	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/portal"
)

// Source is one outbox.
type Source interface {
	// Due lists up to limit events due from from to to, oldest first.
	Due(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error)
	// Deliver sends the event, if it is still due, and clears it.
	Deliver(ctx context.Context, id string) error
}

// Sweeper delivers, on each run, every event of its source older than
// Grace (younger ones are still being delivered by whoever wrote them).
type Sweeper struct {
	Log    *slog.Logger
	Source Source
	Grace  time.Duration
	// Name is the outbox's name, the Outbox dimension of its metrics.
	Name string
	// Metrics receives one embedded-metric line per run (the function's
	// standard output in Lambda); Stack is its other dimension.
	Metrics io.Writer
	Stack   string
	Now     func() time.Time
}

// Result is what one sweep did.
type Result struct {
	Delivered, Failed int
	// OldestFailed is how long the oldest event the sweep could not deliver
	// has been due; zero if it delivered all.
	OldestFailed time.Duration
}

const (
	page        = 100
	concurrency = 8
	// reserve is the time a sweep leaves itself before its deadline.
	reserve = 5 * time.Second
)

func (s *Sweeper) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

// Sweep delivers every event older than the grace period, oldest first,
// until none is left or the invocation's time is nearly up.
func (s *Sweeper) Sweep(ctx context.Context) (Result, error) {
	var res Result
	now := s.now()
	to := now.Add(-s.Grace)
	tried := map[string]bool{}
	var from time.Time
	for {
		if dl, ok := ctx.Deadline(); ok && time.Until(dl) < reserve {
			return res, nil // the next run goes on
		}
		due, err := s.Source.Due(ctx, from, to, page)
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
		// Events that failed stay listed: the next page starts at the last
		// one's time, skipping what this run tried.
		if len(due) < page || len(batch) == 0 {
			return res, nil
		}
		from = due[len(due)-1].Since
	}
}

func (s *Sweeper) deliver(ctx context.Context, now time.Time, batch []portal.Due, res *Result) {
	var mu sync.Mutex
	var wg sync.WaitGroup
	slots := make(chan struct{}, concurrency)
	for _, d := range batch {
		slots <- struct{}{}
		wg.Go(func() {
			defer func() { <-slots }()
			err := s.Source.Deliver(ctx, d.UploadID)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				res.Delivered++
				return
			}
			res.Failed++
			res.OldestFailed = max(res.OldestFailed, now.Sub(d.Since))
			s.Log.ErrorContext(ctx, "event not delivered; the next sweep retries", "outbox", s.Name, "id", d.UploadID,
				"dueFor", now.Sub(d.Since).Round(time.Second).String(), "error", err.Error())
		})
	}
	wg.Wait()
}

// Handle runs one sweep for the schedule and reports it as metrics. It
// fails only if it could not read the outbox at all; events it could not
// deliver are counted, and the alarm on their age calls someone.
func (s *Sweeper) Handle(ctx context.Context, _ events.EventBridgeEvent) error {
	res, err := s.Sweep(ctx)
	s.Log.InfoContext(ctx, "outbox swept", "outbox", s.Name, "delivered", res.Delivered, "failed", res.Failed,
		"oldestFailedSeconds", int64(res.OldestFailed.Seconds()))
	if werr := s.metrics(res); werr != nil {
		err = errors.Join(err, werr)
	}
	return err
}

// metrics writes res in CloudWatch's embedded metric format.
func (s *Sweeper) metrics(res Result) error {
	if s.Metrics == nil {
		return nil
	}
	line := map[string]any{
		"Stack": s.Stack, "Outbox": s.Name,
		"EventsDelivered": res.Delivered, "EventsFailed": res.Failed, "OldestUndeliveredEventAge": int64(res.OldestFailed.Seconds()),
	}
	aws := emf.Attr(s.now(), emf.Directive{Dimensions: []string{"Stack", "Outbox"}, Metrics: []emf.Metric{
		{Name: "EventsDelivered", Unit: "Count"}, {Name: "EventsFailed", Unit: "Count"}, {Name: "OldestUndeliveredEventAge", Unit: "Seconds"},
	}})
	line[aws.Key] = aws.Value.Any()
	b, err := json.Marshal(line)
	if err != nil {
		return err
	}
	_, err = s.Metrics.Write(append(b, '\n'))
	return err
}

// Sweepers are the sweeps one scheduled function runs, one after another.
type Sweepers []*Sweeper

// Handle runs every sweep; one that fails does not stop the others.
func (ss Sweepers) Handle(ctx context.Context, ev events.EventBridgeEvent) error {
	var errs []error
	for _, s := range ss {
		errs = append(errs, s.Handle(ctx, ev))
	}
	return errors.Join(errs...)
}

// NewSweeper is the one way a function builds the sweep of an outbox named
// name: the grace it leaves the writer to deliver at once is
// EVENT_SWEEP_GRACE (30 s unless the function names it and sets it), and
// its metrics go to the function's standard output with its stack
// (STACK_NAME, which the function names to lambdaenv.Load).
func NewSweeper(f *lambdaenv.Function, name string, src Source) *Sweeper {
	return &Sweeper{Log: f.Log, Source: src, Grace: f.Env.Duration(lambdaenv.EventSweepGrace), Name: name, Metrics: os.Stdout,
		Stack: f.Env.Text(lambdaenv.StackName)}
}
