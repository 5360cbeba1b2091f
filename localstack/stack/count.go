package stack

import (
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Calls counts the requests the stack's functions and pollers make to each
// AWS service, by operation: the basis of the README's cost table. Set
// Options.Count to have Up put a counting proxy in front of each server.
type Calls struct {
	mu sync.Mutex
	n  map[string]int
}

// Snapshot returns the counts so far, by "Service Operation".
func (c *Calls) Snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return maps.Clone(c.n)
}

func (c *Calls) add(key string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.n == nil {
		c.n = map[string]int{}
	}
	c.n[key]++
}

// operation names the request as AWS bills it: DynamoDB and SQS by their
// JSON protocol target, S3 by method (listing a bucket's keys or versions
// is a LIST).
func operation(service string, r *http.Request) string {
	if t := r.Header.Get("X-Amz-Target"); t != "" {
		_, op, _ := strings.Cut(t, ".")
		return service + " " + op
	}
	if a := r.URL.Query().Get("Action"); a != "" {
		return service + " " + a
	}
	if service == "S3" {
		bucketOnly := strings.Count(strings.Trim(r.URL.Path, "/"), "/") == 0
		if r.Method == http.MethodGet && bucketOnly {
			return "S3 LIST"
		}
		if r.Method == http.MethodPost && r.URL.Query().Has("delete") {
			return "S3 DELETE (batch)"
		}
	}
	return service + " " + r.Method
}

// countingProxy serves on 127.0.0.1, counts each request and passes it on
// to target unchanged (signatures stay valid: the host is not rewritten).
func countingProxy(service, target string, calls *Calls) (*http.Server, string, error) {
	u, err := url.Parse(target)
	if err != nil {
		return nil, "", err
	}
	proxy := httputil.NewSingleHostReverseProxy(u)
	proxy.ErrorLog = log.New(io.Discard, "", 0) // a long poll cut short at Down is not news
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", err
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		calls.add(operation(service, r))
		proxy.ServeHTTP(w, r)
	})}
	go func() { _ = srv.Serve(ln) }()
	return srv, "http://" + ln.Addr().String(), nil
}
