// Package runtimeapi plays the Lambda Runtime API on 127.0.0.1 for one
// function process, so that a built bootstrap can be run as Lambda runs it:
// the process starts, asks for its next invocation, and posts the response.
// Tests use it to exercise each function's main and environment wiring, and
// benchmarks to time a cold start (exec until the first request for work).
package runtimeapi

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

const prefix = "/2018-06-01/runtime/"

// Function is a bootstrap running against this Runtime API.
type Function struct {
	cmd     *exec.Cmd
	srv     *http.Server
	started time.Time
	// ready is closed when the process first asks for work: its init is done.
	ready     chan struct{}
	readyOnce sync.Once
	readyAt   time.Time
	initError []byte
	exited    chan struct{}
	output    bytes.Buffer // the process's stdout and stderr

	mu      sync.Mutex
	queue   chan *invocation
	pending map[string]*invocation
	seq     int
}

type invocation struct {
	id      string
	payload []byte
	done    chan result
}

type result struct {
	body   []byte
	failed bool
}

// Start runs the bootstrap at bin with env (plus AWS_LAMBDA_RUNTIME_API)
// and serves it the Runtime API on a free 127.0.0.1 port. Stop ends it.
func Start(bin string, env map[string]string) (*Function, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &Function{ready: make(chan struct{}), exited: make(chan struct{}), queue: make(chan *invocation, 16),
		pending: map[string]*invocation{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+prefix+"invocation/next", f.next)
	mux.HandleFunc("POST "+prefix+"invocation/{id}/response", f.respond(false))
	mux.HandleFunc("POST "+prefix+"invocation/{id}/error", f.respond(true))
	mux.HandleFunc("POST "+prefix+"init/error", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		f.initError = b
		f.mu.Unlock()
		w.WriteHeader(http.StatusAccepted)
	})
	f.srv = &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = f.srv.Serve(ln) }()

	f.cmd = exec.Command(bin)
	f.cmd.Env = []string{"AWS_LAMBDA_RUNTIME_API=" + ln.Addr().String(), "PATH=" + os.Getenv("PATH")}
	for k, v := range env {
		f.cmd.Env = append(f.cmd.Env, k+"="+v)
	}
	f.cmd.Stdout, f.cmd.Stderr = &lockedWriter{w: &f.output, mu: &f.mu}, &lockedWriter{w: &f.output, mu: &f.mu}
	f.cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	f.started = time.Now()
	if err := f.cmd.Start(); err != nil {
		_ = f.srv.Close()
		return nil, err
	}
	go func() { _ = f.cmd.Wait(); close(f.exited) }()
	return f, nil
}

type lockedWriter struct {
	w  io.Writer
	mu *sync.Mutex
}

func (l *lockedWriter) Write(b []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(b)
}

func (f *Function) next(w http.ResponseWriter, r *http.Request) {
	f.readyOnce.Do(func() { f.readyAt = time.Now(); close(f.ready) })
	select {
	case inv := <-f.queue:
		h := w.Header()
		h.Set("Lambda-Runtime-Aws-Request-Id", inv.id)
		h.Set("Lambda-Runtime-Deadline-Ms", strconv.FormatInt(time.Now().Add(30*time.Second).UnixMilli(), 10))
		h.Set("Lambda-Runtime-Invoked-Function-Arn", "arn:aws:lambda:us-east-1:123456789012:function:local")
		h.Set("Lambda-Runtime-Trace-Id", "Root=1-00000000-000000000000000000000000;Sampled=0")
		h.Set("Content-Type", "application/json")
		_, _ = w.Write(inv.payload)
	case <-r.Context().Done():
	}
}

func (f *Function) respond(failed bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		f.mu.Lock()
		inv, ok := f.pending[r.PathValue("id")]
		delete(f.pending, r.PathValue("id"))
		f.mu.Unlock()
		if !ok {
			http.Error(w, "unknown invocation", http.StatusBadRequest)
			return
		}
		inv.done <- result{body: body, failed: failed}
		w.WriteHeader(http.StatusAccepted)
	}
}

// WaitReady waits until the process asks for its first invocation and
// returns how long its init took from exec. It fails if the process exits
// or reports an init error first.
func (f *Function) WaitReady(timeout time.Duration) (time.Duration, error) {
	select {
	case <-f.ready:
		return f.readyAt.Sub(f.started), nil
	case <-f.exited:
		return 0, fmt.Errorf("exited during init: %s%s", f.initError, f.Output())
	case <-time.After(timeout):
		return 0, fmt.Errorf("not ready after %s: %s", timeout, f.Output())
	}
}

// ErrFunction is an invocation the function answered with an error.
var ErrFunction = errors.New("function error")

// Invoke sends one event and returns the function's response. A function
// error returns ErrFunction with the error document.
func (f *Function) Invoke(ctx context.Context, payload []byte) ([]byte, error) {
	f.mu.Lock()
	f.seq++
	inv := &invocation{id: fmt.Sprintf("req-%d", f.seq), payload: payload, done: make(chan result, 1)}
	f.pending[inv.id] = inv
	f.mu.Unlock()
	select {
	case f.queue <- inv:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	select {
	case res := <-inv.done:
		if res.failed {
			return res.body, fmt.Errorf("%w: %s", ErrFunction, res.body)
		}
		return res.body, nil
	case <-f.exited:
		return nil, fmt.Errorf("the function exited: %s", f.Output())
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Output is what the process wrote to stdout and stderr so far.
func (f *Function) Output() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.output.String()
}

// PeakRSS is the process's peak resident memory so far, from VmHWM in
// /proc (rusage's figure is no use here: it also counts the parent's pages
// the child shared before its exec).
func (f *Function) PeakRSS() (int64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", f.cmd.Process.Pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10, err
		}
	}
	return 0, errors.New("no VmHWM in /proc status")
}

// Stop kills the process by its PID (its process group), waits for it and
// closes the Runtime API.
func (f *Function) Stop() {
	_ = syscall.Kill(-f.cmd.Process.Pid, syscall.SIGKILL)
	<-f.exited
	_ = f.srv.Close()
}

// HelloPackage is a hello-world Go Lambda, the baseline of cold starts.
const HelloPackage = "./localstack/runtimeapi/testdata/hello"

// Build compiles the main package pkg (such as ./functions/claims) of the
// repository at root into dir as a bootstrap, with the flags the Makefile
// gives `sam build`, for this machine's architecture. It returns its path.
func Build(ctx context.Context, root, pkg, dir string) (string, error) {
	return BuildFor(ctx, root, pkg, dir, runtime.GOARCH)
}

// BuildFor is Build for Linux on goarch; "arm64" builds what deploys.
func BuildFor(ctx context.Context, root, pkg, dir, goarch string) (string, error) {
	out := filepath.Join(dir, goarch, filepath.Base(pkg))
	cmd := exec.CommandContext(ctx, "go", "build", "-tags", "lambda.norpc", "-trimpath", "-ldflags", "-s -w", "-o", out, pkg)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0", "GOOS=linux", "GOARCH="+goarch)
	if b, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build %s: %v\n%s", pkg, err, b)
	}
	return out, nil
}
