package stack

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-lambda-go/events"
)

// Schedule plays a function's Schedule event: it invokes the function every
// Every, as EventBridge Scheduler would, until the stack stops.
type Schedule struct {
	Function string
	Every    time.Duration
	Fn       ScheduledFunc
	Log      *slog.Logger
}

// Run invokes the function every Every until ctx ends.
func (s *Schedule) Run(ctx context.Context) {
	t := time.NewTicker(s.Every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if err := s.Invoke(ctx); err != nil && ctx.Err() == nil {
				s.Log.Error("scheduled run failed", "function", s.Function, "error", err.Error())
			}
		}
	}
}

// Invoke runs the function once, now, with a scheduled event.
func (s *Schedule) Invoke(ctx context.Context) error {
	return s.Fn(ctx, events.EventBridgeEvent{Version: "0", Source: "aws.scheduler", DetailType: "Scheduled Event",
		Time: time.Now().UTC(), Region: LocalRegion, Detail: []byte("{}")})
}

// parseRate reads a schedule expression of the form rate(5 minutes); the
// local stack does not play cron expressions.
func parseRate(expr string) (time.Duration, error) {
	inner, isRate := strings.CutPrefix(expr, "rate(")
	inner, closed := strings.CutSuffix(inner, ")")
	if !isRate || !closed {
		return 0, fmt.Errorf("schedule %q: the local stack plays rate(...) expressions only", expr)
	}
	num, unit, _ := strings.Cut(strings.TrimSpace(inner), " ")
	n, err := strconv.Atoi(num)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("schedule %q: not a positive rate", expr)
	}
	units := map[string]time.Duration{"minute": time.Minute, "minutes": time.Minute, "hour": time.Hour, "hours": time.Hour,
		"day": 24 * time.Hour, "days": 24 * time.Hour}
	u, ok := units[unit]
	if !ok {
		return 0, fmt.Errorf("schedule %q: unknown unit %q", expr, unit)
	}
	return time.Duration(n) * u, nil
}
