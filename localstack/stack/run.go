package stack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// Local is a running local stack: the emulator, the provisioned resources
// and the wired functions.
type Local struct {
	Server   *Server // nil when Options.Endpoint named a running one
	Endpoint string
	Config   aws.Config
	Clients  Clients
	Res      *Provisioned
	Wired    *Wired
	cancel   context.CancelFunc
}

// Options say how to bring the stack up.
type Options struct {
	Template  string // path to template.yaml
	StackName string
	Port      int // emulator port; 0 picks a free one
	// Endpoint, if set, is an AWS-compatible endpoint already running (such
	// as LocalStack): no emulator is started.
	Endpoint string
	LogPath  string
	Auth     *DevAuth
	Log      *slog.Logger
}

// Up starts the emulator, provisions the template and starts the pollers.
// Call Down to stop everything; the emulator is stopped by its PID.
func Up(ctx context.Context, o Options) (*Local, error) {
	t, err := LoadTemplate(o.Template)
	if err != nil {
		return nil, err
	}
	l := &Local{}
	endpoint := o.Endpoint
	if endpoint == "" {
		if l.Server, err = StartAWS(ctx, o.Port, o.LogPath); err != nil {
			return nil, err
		}
		endpoint = l.Server.Endpoint
	}
	l.Endpoint = endpoint
	fail := func(err error) (*Local, error) { l.Down(); return nil, err }
	if l.Config, err = AWSConfig(ctx, endpoint); err != nil {
		return fail(err)
	}
	l.Clients = NewClients(l.Config)
	if l.Res, err = Provision(ctx, l.Clients, t, o.StackName, LocalParams); err != nil {
		return fail(fmt.Errorf("provision: %w", err))
	}
	if l.Wired, err = Wire(ctx, l.Config, l.Clients, t, l.Res, o.Auth, o.Log); err != nil {
		return fail(fmt.Errorf("wire functions: %w", err))
	}
	var pctx context.Context
	pctx, l.cancel = context.WithCancel(context.Background())
	l.Wired.Start(pctx)
	return l, nil
}

// LocalParams are the template parameters the local stack deploys with.
var LocalParams = map[string]string{
	"JwtIssuer": DevIssuer, "JwtAudience": DevAudience, "PortalOrigin": "http://127.0.0.1:3000",
}

// Down stops the pollers and the emulator.
func (l *Local) Down() {
	if l.cancel != nil {
		l.cancel()
	}
	l.Server.Stop()
}

// Feed sends messages to a queue of the stack, by logical ID, and waits
// until the queue is drained.
func (l *Local) Feed(ctx context.Context, queueID string, bodies [][]byte, timeout time.Duration) error {
	url, ok := l.Res.Queues[queueID]
	if !ok {
		return fmt.Errorf("no queue %s", queueID)
	}
	for _, b := range bodies {
		if _, err := l.Clients.SQS.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String(string(b))}); err != nil {
			return fmt.Errorf("send to %s: %w", queueID, err)
		}
	}
	return WaitIdle(ctx, l.Clients.SQS, url, timeout)
}

// RepoRoot finds the repository root (where go.mod is) from the working
// directory, so tests in any package can find template.yaml.
func RepoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// UpForTests brings up a private stack for a test binary: its own emulator
// on a free 127.0.0.1 port, a fresh signing key, logs in a temporary folder.
// The caller must call Down, which stops the emulator by its PID.
func UpForTests(ctx context.Context, name string) (*Local, *DevAuth, error) {
	root, err := RepoRoot()
	if err != nil {
		return nil, nil, err
	}
	auth, err := NewDevAuth()
	if err != nil {
		return nil, nil, err
	}
	if os.Getenv("LOG_LEVEL") == "" {
		os.Setenv("LOG_LEVEL", "warn") // keep test output to what matters
	}
	dir, err := os.MkdirTemp("", "portal-"+name+"-")
	if err != nil {
		return nil, nil, err
	}
	l, err := Up(ctx, Options{Template: filepath.Join(root, "template.yaml"), StackName: "test-" + name,
		LogPath: filepath.Join(dir, "aws.log"), Auth: auth,
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	return l, auth, err
}
