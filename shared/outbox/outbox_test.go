package outbox_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/outbox"
	"github.com/openpayer/provider-portal/shared/portal"
)

type none struct{}

func (none) Due(context.Context, time.Time, time.Time, int) ([]portal.Due, error) { return nil, nil }
func (none) Deliver(context.Context, string) error                                { return nil }

// Every function's sweep is built one way: its grace from
// EVENT_SWEEP_GRACE, 30 s unless set, a bad value stopping the function at
// init; its metrics named by its outbox and stack. A function that did not
// name its stack cannot build one.
func TestNewSweeperReadsItsGraceAndStack(t *testing.T) {
	for grace, want := range map[string]time.Duration{"": 30 * time.Second, "2m": 2 * time.Minute, "soon": 0, "-5s": 0} {
		env := map[string]string{"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "PLAN_ID": portal.KYMarketplace.ID, "STACK_NAME": "portal-test", "EVENT_SWEEP_GRACE": grace}
		f, err := lambdaenv.Load(func(k string) string { return env[k] }, lambdaenv.StackName, lambdaenv.EventSweepGrace)
		if want == 0 {
			if err == nil || !strings.Contains(err.Error(), "EVENT_SWEEP_GRACE") {
				t.Errorf("grace %q: %v, want an error naming the variable", grace, err)
			}
			continue
		}
		if err != nil {
			t.Fatal(err)
		}
		s := outbox.NewSweeper(f, "letters", none{})
		if s.Grace != want || s.Name != "letters" || s.Stack != "portal-test" || s.Metrics == nil {
			t.Errorf("grace %q: %+v", grace, s)
		}
	}
	f, err := lambdaenv.Load(func(k string) string {
		return map[string]string{"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test"}[k]
	})
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "STACK_NAME") {
			t.Errorf("a sweep built without its stack: %v, want a stop naming STACK_NAME", r)
		}
	}()
	outbox.NewSweeper(f, "letters", none{})
}
