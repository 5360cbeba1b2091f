package stack

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// Pinned versions of the local servers and of Schemathesis; the Makefile
// installs the same.
const (
	MotoVersion         = "5.2.5"
	SchemathesisVersion = "4.32.5"
)

// ToolsDir is where the Makefile installs the local servers: outside the
// clone, so that every fresh clone on a machine reuses them.
func ToolsDir() string {
	if d := os.Getenv("PORTAL_TOOLS_DIR"); d != "" {
		return d
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "provider-portal-tools")
	}
	home, _ := os.UserHomeDir()
	return filepath.Join(home, ".cache", "provider-portal-tools")
}

// Server is a local AWS-compatible server process.
type Server struct {
	Name     string // what it serves, for messages: "moto (DynamoDB)"
	Endpoint string
	Log      string // where its output goes
	cmd      *exec.Cmd
	done     chan struct{}
	state    *os.ProcessState // how it ended, once done is closed
}

// PID is the server's process ID.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Done is closed when the server process exits.
func (s *Server) Done() <-chan struct{} { return s.done }

// PortInUseError says that a server's fixed port is taken.
type PortInUseError struct {
	Port    int
	Service string
}

func (e *PortInUseError) Error() string {
	return fmt.Sprintf("port %d (%s) is in use", e.Port, e.Service)
}

// claimPort returns port if it is free on 127.0.0.1, or any free port if
// port is 0.
func claimPort(port int, service string) (int, error) {
	if port == 0 {
		return freePort()
	}
	l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	if err != nil {
		return 0, &PortInUseError{Port: port, Service: service}
	}
	l.Close()
	return port, nil
}

// motoLauncher runs moto's server with three changes.
//
// One makes it behave as AWS does: DynamoDB calls run one at a time. moto
// 5.2.5 serves requests on threads and takes no lock, and its
// TransactWriteItems is not atomic against other calls: it checks and
// writes item by item, iterates tables other threads change ("dictionary
// changed size during iteration"), and on a failed condition rolls back by
// putting back a copy of each whole table taken when it began, which wipes
// or revives other calls' writes. Under concurrent submits that left two
// open cases on one claim, or a winner without its guard. One lock around
// every DynamoDB action makes each call, and so each transaction, atomic.
// It costs no throughput that matters: one Python process runs one request
// at a time anyway. MOTO_TRANSACTIONS_UNLOCKED=1 leaves the lock out, to
// show TestTransactionsAreAtomic failing on the emulator as shipped.
//
// Two keep it fast under load and change no behaviour: werkzeug's access
// log is off (a line a request cost a quarter of the emulator's CPU;
// errors and tracebacks are still logged), and an SQS receive checks each
// message's retention from the queue's retention period alone. moto 5.2.5
// computes every attribute of the queue for that, three times a message,
// each walking every message in the queue, so a backlog slowed every
// receive further.
const motoLauncher = `import logging, os, sys, threading
logging.getLogger("werkzeug").setLevel(logging.WARNING)
from moto.core.utils import unix_time
from moto.sqs.models import SQSBackend
def is_message_valid_based_on_retention_period(self, queue_name, message):
    retention = int(self.get_queue(queue_name).message_retention_period)
    return retention + message.sent_timestamp / 1000 > unix_time()
SQSBackend.is_message_valid_based_on_retention_period = is_message_valid_based_on_retention_period
if os.environ.get("MOTO_TRANSACTIONS_UNLOCKED") != "1":
    from moto.dynamodb.responses import DynamoHandler
    dynamodb_lock = threading.Lock()
    dynamodb_call_action = DynamoHandler.call_action
    def call_action(self):
        with dynamodb_lock:
            return dynamodb_call_action(self)
    DynamoHandler.call_action = call_action
from moto.server import main
main(sys.argv[1:])`

// StartMoto starts moto's server on 127.0.0.1 at port (0: any free port) for
// one service, logging to logPath. DynamoDB and SQS each get their own
// process, as they are separate services in AWS: one Python process serves
// one request at a time, and two use both cores. It fails loudly when moto
// is not installed: run `make tools`.
func StartMoto(ctx context.Context, service string, port int, logPath string) (*Server, error) {
	python := filepath.Join(ToolsDir(), "moto-"+MotoVersion, "bin", "python")
	if _, err := os.Stat(python); err != nil {
		return nil, fmt.Errorf("moto %s is not installed at %s: run `make tools` first", MotoVersion, filepath.Dir(python))
	}
	name := "moto (" + service + ")"
	port, err := claimPort(port, service)
	if err != nil {
		return nil, err
	}
	return startServer(ctx, name, python, []string{"-c", motoLauncher, "-H", "127.0.0.1", "-p", fmt.Sprint(port)}, "",
		fmt.Sprintf("http://127.0.0.1:%d", port), "/moto-api/", logPath, 30*time.Second)
}

// startServer runs bin in its own process group, logging to logPath, and
// waits until endpoint+probe answers HTTP. It fails loudly if the server
// exits or does not answer in time.
func startServer(ctx context.Context, name, bin string, args []string, dir, endpoint, probe, logPath string, timeout time.Duration) (*Server, error) {
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Dir = dir
	cmd.Stdout, cmd.Stderr = logf, logf
	// Its own process group, so Stop ends it and any child it forks; and it
	// ends if the process that started it dies.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGTERM}
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start %s: %w", name, err)
	}
	s := &Server{Name: name, Endpoint: endpoint, Log: logPath, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); s.state = cmd.ProcessState; logf.Close(); close(s.done) }()
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-s.done:
			return nil, fmt.Errorf("%s exited at start (%s); see %s", name, lastLine(logPath), logPath)
		default:
		}
		if resp, err := http.Get(endpoint + probe); err == nil {
			resp.Body.Close()
			return s, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			s.Stop()
			return nil, fmt.Errorf("%s did not answer on %s within %s; see %s", name, endpoint, timeout, logPath)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// Exit says how the server ended, once Done is closed: the signal that
// killed it (its log's last line would be a stale traceback, not the
// cause), or its exit status with the log's last line.
func (s *Server) Exit() string {
	if ws, ok := s.state.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		return fmt.Sprintf("was killed by signal %d (%s)", int(ws.Signal()), ws.Signal())
	}
	return fmt.Sprintf("exited with status %d (%s)", s.state.ExitCode(), lastLine(s.Log))
}

// Stop ends the server by its PID (its process group) and waits for it.
func (s *Server) Stop() {
	if s == nil || s.cmd.Process == nil {
		return
	}
	_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		_ = syscall.Kill(-s.cmd.Process.Pid, syscall.SIGKILL)
		<-s.done
	}
}

// freeLowPort returns a free port below Linux's ephemeral range (10000 to
// 32767), picked at random so that stacks starting at once rarely meet.
func freeLowPort() (int, error) {
	for range 100 {
		port := 10000 + rand.IntN(22768)
		if l, err := net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", port)); err == nil {
			l.Close()
			return port, nil
		}
	}
	return 0, errors.New("no free port found below 32768")
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// lastLine returns the last non-empty line of a log, where a server that
// failed says why.
func lastLine(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "no log"
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if l := strings.TrimSpace(lines[len(lines)-1]); l != "" {
		return l
	}
	return "it printed nothing"
}
