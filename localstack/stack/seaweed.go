package stack

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// SeaweedFSVersion is the pinned SeaweedFS (Apache-2.0) the Makefile builds.
// It serves S3 locally because it checks what the attachment flow relies
// on: SigV4 signatures and POST policies (content-length-range, exact key,
// content type, expiry), and ranged GETs.
const SeaweedFSVersion = "v0.0.0-20261109003541-7506e5f91cd6"

// S3 access keys of the local S3 server.
const (
	LocalAccessKey = "local"
	LocalSecretKey = "local-secret"
)

// StartS3 starts SeaweedFS's S3 gateway on 127.0.0.1 at port (0: any free
// port) with its data in dir. Its filer posts every object write to
// webhookURL; the local runner turns those into S3 event notifications.
func StartS3(ctx context.Context, port int, dir, webhookURL, logPath string) (*Server, error) {
	bin := filepath.Join(ToolsDir(), "seaweedfs-"+SeaweedFSVersion, "bin", "weed")
	if _, err := os.Stat(bin); err != nil {
		return nil, fmt.Errorf("SeaweedFS is not installed at %s: run `make tools` first", bin)
	}
	dir, err := filepath.Abs(dir) // the server runs in dir: every path must be absolute
	if err != nil {
		return nil, err
	}
	s3Port, err := claimPort(port, "S3")
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Join(dir, "data"), 0o700); err != nil {
		return nil, err
	}
	identities := fmt.Sprintf(`{"identities":[{"name":"local","credentials":[{"accessKey":%q,"secretKey":%q}],"actions":["Admin","Read","Write","List","Tagging"]}]}`,
		LocalAccessKey, LocalSecretKey)
	notification := fmt.Sprintf("[notification.webhook]\nenabled = true\nendpoint = %q\nevent_types = [\"create\", \"update\"]\npath_prefixes = [\"/buckets/\"]\nmax_retries = 10\nbackoff_seconds = 1\n", webhookURL)
	for name, body := range map[string]string{"s3.json": identities, "notification.toml": notification} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			return nil, err
		}
	}
	// SeaweedFS's own servers (master, volume, filer, admin, gRPC) take
	// ports below the ephemeral range, which outbound connections cannot
	// take between our check and its bind; another process still can, so a
	// start that loses a port is tried again with others.
	for attempt := 1; ; attempt++ {
		ports := make([]int, 10)
		for i := range ports {
			if ports[i], err = freeLowPort(); err != nil {
				return nil, err
			}
		}
		ports[6] = s3Port
		args := []string{"mini", "-dir=" + filepath.Join(dir, "data"), "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
			"-s3.config=" + filepath.Join(dir, "s3.json"), "-admin.ui=false", "-webdav=false",
			"-s3.port.iceberg=0", "-s3.port.lance=0", "-admin.port.legacy=0"}
		for i, flag := range []string{"master.port", "master.port.grpc", "volume.port", "volume.port.grpc", "filer.port",
			"filer.port.grpc", "s3.port", "s3.port.grpc", "admin.port", "admin.port.grpc"} {
			args = append(args, fmt.Sprintf("-%s=%d", flag, ports[i]))
		}
		// The filer reads notification.toml from its working directory.
		s, err := startServer(ctx, "SeaweedFS (S3)", bin, args, dir, fmt.Sprintf("http://127.0.0.1:%d", ports[6]), "", logPath, 60*time.Second)
		if err == nil || attempt == 3 || !logSays(logPath, "address already in use") {
			return s, err
		}
	}
}

// logSays reports whether a server's log holds text.
func logSays(path, text string) bool {
	b, err := os.ReadFile(path)
	return err == nil && strings.Contains(string(b), text)
}
