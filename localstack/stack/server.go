package stack

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"time"
)

// Pinned versions of the local servers; the Makefile installs the same.
const MotoVersion = "5.2.5"

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
	Endpoint string
	cmd      *exec.Cmd
	done     chan struct{}
}

// PID is the server's process ID.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// StartAWS starts the emulator that serves DynamoDB, SQS and S3 on
// 127.0.0.1 at port (0: any free port), logging to logPath. It fails loudly
// when the tool is not installed: run `make tools`.
func StartAWS(ctx context.Context, port int, logPath string) (*Server, error) {
	bin := filepath.Join(ToolsDir(), "moto-"+MotoVersion, "bin", "moto_server")
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("moto_server %s is not installed at %s: run `make tools` first", MotoVersion, bin)
	}
	if port == 0 {
		var err error
		if port, err = freePort(); err != nil {
			return nil, err
		}
	}
	return startServer(ctx, "moto_server", bin, []string{"-H", "127.0.0.1", "-p", fmt.Sprint(port)}, "",
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
	s := &Server{Endpoint: endpoint, cmd: cmd, done: make(chan struct{})}
	go func() { _ = cmd.Wait(); logf.Close(); close(s.done) }()
	deadline := time.Now().Add(timeout)
	for {
		select {
		case <-s.done:
			return nil, fmt.Errorf("%s exited at start; see %s", name, logPath)
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

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
