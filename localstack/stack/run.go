package stack

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// Local is a running local stack: the emulators, the provisioned resources
// and the wired functions.
type Local struct {
	// DynamoDB and SQS are moto, one process each; S3 is SeaweedFS. Each is
	// nil when Options.Endpoint named a running emulator, and S3 without S3.
	DynamoDB, SQS, S3 *Server
	// AWSEnv is the AWS part of every function's environment.
	AWSEnv   map[string]string
	Clients  Clients
	Res      *Provisioned
	Wired    *Wired
	cancel   context.CancelFunc
	pollers  sync.WaitGroup
	notifier *http.Server
	proxies  []*http.Server
	dir      string
	temp     bool // dir is the stack's own, removed by Down
}

// Options say how to bring the stack up.
type Options struct {
	Template  string // path to template.yaml
	StackName string
	// Port is the first of the emulators' ports: DynamoDB on Port, SQS on
	// Port+1, S3 on Port+2. 0 picks free ports.
	Port int
	Dir  string // state: server logs and S3 data
	// Endpoint, if set, is an AWS-compatible endpoint already running (such
	// as LocalStack) for every service: no server is started.
	Endpoint string
	// WithoutS3 skips the S3 server and the buckets, for tests of tables and
	// queues alone.
	WithoutS3 bool
	Auth      *DevAuth
	Log       *slog.Logger
	// Count, if set, counts every request to the servers, by operation.
	Count *Calls
}

func (o Options) port(offset int) int {
	if o.Port == 0 {
		return 0
	}
	return o.Port + offset
}

// Up starts the servers, provisions the template and starts the pollers.
// Call Down to stop everything; each server is stopped by its PID.
func Up(ctx context.Context, o Options) (*Local, error) {
	t, err := LoadTemplate(o.Template)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return nil, err
	}
	l := &Local{dir: o.Dir}
	fail := func(err error) (*Local, error) { l.Down(); return nil, err }
	dynamoEndpoint, sqsEndpoint, s3Endpoint := o.Endpoint, o.Endpoint, o.Endpoint
	notifier := &Notifier{Log: o.Log}
	if o.Endpoint == "" {
		if l.DynamoDB, err = StartMoto(ctx, "DynamoDB", o.port(0), filepath.Join(o.Dir, "dynamodb.log")); err != nil {
			return fail(err)
		}
		if l.SQS, err = StartMoto(ctx, "SQS", o.port(1), filepath.Join(o.Dir, "sqs.log")); err != nil {
			return fail(err)
		}
		dynamoEndpoint, sqsEndpoint, s3Endpoint = l.DynamoDB.Endpoint, l.SQS.Endpoint, ""
		if !o.WithoutS3 {
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				return fail(err)
			}
			l.notifier = &http.Server{Handler: notifier, ReadHeaderTimeout: 10 * time.Second}
			go func() { _ = l.notifier.Serve(ln) }()
			if l.S3, err = StartS3(ctx, o.port(2), filepath.Join(o.Dir, "s3"), "http://"+ln.Addr().String()+"/filer-events",
				filepath.Join(o.Dir, "s3.log")); err != nil {
				return fail(err)
			}
			s3Endpoint = l.S3.Endpoint
		}
	}
	if o.Count != nil {
		for _, e := range []struct {
			service string
			url     *string
		}{{"DynamoDB", &dynamoEndpoint}, {"SQS", &sqsEndpoint}, {"S3", &s3Endpoint}} {
			if *e.url == "" {
				continue
			}
			srv, proxied, err := countingProxy(e.service, *e.url, o.Count)
			if err != nil {
				return fail(err)
			}
			l.proxies = append(l.proxies, srv)
			*e.url = proxied
		}
	}
	l.AWSEnv = AWSEnv(dynamoEndpoint, sqsEndpoint, s3Endpoint)
	if l.Clients, err = NewClients(l.AWSEnv); err != nil {
		return fail(err)
	}
	if l.Res, err = Provision(ctx, l.Clients, t, o.StackName, LocalParams, o.Endpoint != ""); err != nil {
		return fail(fmt.Errorf("provision: %w", err))
	}
	// The notifier's routes are set before any object can be written.
	notifier.SetRoutes(l.Clients, l.Res)
	if l.Wired, err = Wire(ctx, l.Clients, t, l.Res, l.AWSEnv, o.Auth, o.Log); err != nil {
		return fail(fmt.Errorf("wire functions: %w", err))
	}
	var pctx context.Context
	pctx, l.cancel = context.WithCancel(context.Background())
	for _, p := range l.Wired.Pollers {
		l.pollers.Go(func() { p.Run(pctx) })
	}
	for _, s := range l.Wired.Schedules {
		l.pollers.Go(func() { s.Run(pctx) })
	}
	return l, nil
}

// LocalParams are the template parameters the local stack deploys with.
var LocalParams = map[string]string{
	"JwtIssuer": DevIssuer, "JwtAudience": DevAudience + "," + DevNativeAudience, "PortalOrigin": "http://127.0.0.1:3000",
}

// Servers are the emulator processes the stack started.
func (l *Local) Servers() []*Server {
	var out []*Server
	for _, s := range []*Server{l.DynamoDB, l.SQS, l.S3} {
		if s != nil {
			out = append(out, s)
		}
	}
	return out
}

// Wait returns nil when ctx ends, or an error naming the first server that
// exited on its own and its log: without it, every request would fail.
func (l *Local) Wait(ctx context.Context) error {
	died := make(chan *Server, 3)
	for _, s := range l.Servers() {
		go func() {
			select {
			case <-s.Done():
				died <- s
			case <-ctx.Done():
			}
		}()
	}
	select {
	case <-ctx.Done():
		return nil
	case s := <-died:
		return fmt.Errorf("%s %s; see %s", s.Name, s.Exit(), s.Log)
	}
}

// Down stops the pollers, the notifier and the servers, and removes the
// S3 server's data (and the whole state folder of a test stack).
func (l *Local) Down() {
	if l.cancel != nil {
		l.cancel()
	}
	l.pollers.Wait()
	if l.notifier != nil {
		_ = l.notifier.Close()
	}
	for _, p := range l.proxies {
		_ = p.Close()
	}
	for _, s := range l.Servers() {
		s.Stop()
	}
	if l.S3 != nil {
		_ = os.RemoveAll(filepath.Join(l.dir, "s3"))
	}
	if l.temp {
		_ = os.RemoveAll(l.dir)
	}
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

// RepoTemplate is the repository's root and its template.yaml, for tests
// in any package.
func RepoTemplate() (string, *Template, error) {
	root, err := RepoRoot()
	if err != nil {
		return "", nil, err
	}
	t, err := LoadTemplate(filepath.Join(root, "template.yaml"))
	return root, t, err
}

// UpForTests brings up a private stack for a test binary: its own emulator
// on a free 127.0.0.1 port, a fresh signing key, logs in a temporary folder.
// The caller must call Down, which stops the emulator by its PID.
func UpForTests(ctx context.Context, name string, withoutS3 bool) (*Local, *DevAuth, error) {
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
	logf, err := os.Create(filepath.Join(dir, "stack.log"))
	if err != nil {
		return nil, nil, err
	}
	l, err := Up(ctx, Options{Template: filepath.Join(root, "template.yaml"), StackName: "test-" + name,
		Dir: dir, WithoutS3: withoutS3, Auth: auth, Log: slog.New(slog.NewJSONHandler(logf, nil))})
	if err != nil {
		return nil, nil, fmt.Errorf("%w (logs kept in %s)", err, dir)
	}
	l.temp = true
	return l, auth, nil
}

// RunScheduled runs a scheduled function of the stack once, now, as its
// schedule would.
func (l *Local) RunScheduled(ctx context.Context, function string) error {
	for _, s := range l.Wired.Schedules {
		if s.Function == function {
			return s.Invoke(ctx)
		}
	}
	return fmt.Errorf("no scheduled function %s", function)
}
