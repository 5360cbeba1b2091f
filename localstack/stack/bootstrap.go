package stack

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/localstack/runtimeapi"
)

// FunctionPackage is the main package of a function of template.yaml:
// ClaimsIngestFunction is ./functions/claimsingest, as the Makefile's
// build-<LogicalId> targets build it.
func FunctionPackage(id string) string {
	return "./functions/" + strings.ToLower(strings.TrimSuffix(id, "Function"))
}

// Bootstraps builds each function by running its built bootstrap (by
// logical ID, from Bins) against a local Runtime API, as Lambda runs it: the
// function's own main reads the environment and wires its clients. Stop ends
// every process it started.
type Bootstraps struct {
	Bins map[string]string
	mu   sync.Mutex
	fns  []*runtimeapi.Function
}

func (b *Bootstraps) start(id string, env map[string]string) (*runtimeapi.Function, error) {
	bin, ok := b.Bins[id]
	if !ok {
		return nil, fmt.Errorf("no bootstrap built for %s", id)
	}
	f, err := runtimeapi.Start(bin, env)
	if err != nil {
		return nil, err
	}
	b.mu.Lock()
	b.fns = append(b.fns, f)
	b.mu.Unlock()
	if _, err := f.WaitReady(10 * time.Second); err != nil {
		return nil, fmt.Errorf("%s: %w", id, err)
	}
	return f, nil
}

func invoke[Req, Resp any](f *runtimeapi.Function) func(context.Context, Req) (Resp, error) {
	return func(ctx context.Context, ev Req) (Resp, error) {
		var resp Resp
		in, err := json.Marshal(ev)
		if err != nil {
			return resp, err
		}
		out, err := f.Invoke(ctx, in)
		if err != nil {
			return resp, err
		}
		return resp, json.Unmarshal(out, &resp)
	}
}

func (b *Bootstraps) HTTP(_ context.Context, id string, env map[string]string) (HTTPFunc, error) {
	f, err := b.start(id, env)
	if err != nil {
		return nil, err
	}
	return invoke[events.APIGatewayV2HTTPRequest, events.APIGatewayV2HTTPResponse](f), nil
}

func (b *Bootstraps) SQS(_ context.Context, id string, env map[string]string) (SQSFunc, error) {
	f, err := b.start(id, env)
	if err != nil {
		return nil, err
	}
	return invoke[events.SQSEvent, events.SQSEventResponse](f), nil
}

func (b *Bootstraps) Scheduled(_ context.Context, id string, env map[string]string) (ScheduledFunc, error) {
	f, err := b.start(id, env)
	if err != nil {
		return nil, err
	}
	call := invoke[events.EventBridgeEvent, any](f)
	return func(ctx context.Context, ev events.EventBridgeEvent) error {
		_, err := call(ctx, ev)
		return err
	}, nil
}

// Stop ends every bootstrap process, by its PID.
func (b *Bootstraps) Stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, f := range b.fns {
		f.Stop()
	}
	b.fns = nil
}
