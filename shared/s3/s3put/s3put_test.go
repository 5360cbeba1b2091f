package s3put

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// received is one request as the test server saw it.
type received struct {
	method, path string
	header       http.Header
	body         []byte
}

// server answers each request with the next of statuses (the last one
// again once they run out), and records what it received.
func server(t *testing.T, statuses ...int) (*httptest.Server, func() []received) {
	var mu sync.Mutex
	var got []received
	s := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Error(err)
		}
		mu.Lock()
		got = append(got, received{r.Method, r.URL.EscapedPath(), r.Header.Clone(), body})
		status := statuses[min(len(got), len(statuses))-1]
		mu.Unlock()
		w.WriteHeader(status)
		if status != http.StatusOK {
			_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>`+http.StatusText(status)+`</Code><Key>uploads/secret</Key></Error>`)
		}
	}))
	t.Cleanup(s.Close)
	return s, func() []received { mu.Lock(); defer mu.Unlock(); return append([]received(nil), got...) }
}

func bucket(endpoint string) *Bucket {
	creds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIDTEST", SecretAccessKey: "secret", SessionToken: "session"}, nil
	})
	return &Bucket{Creds: creds, Region: "us-east-1",
		Signer: v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true }), Endpoint: endpoint, PathStyle: true,
		Name: "attachments", Prefix: "uploads/", HTTP: http.DefaultClient}
}

// A PUT names exactly the key in the bucket, carries the content type and
// the download name, and signs the payload's SHA-256 with the function's
// credentials (session token included) for S3 in its region.
func TestAPutIsOneSignedRequestForExactlyTheKey(t *testing.T) {
	s, got := server(t, http.StatusOK)
	b := bucket(s.URL)
	body := []byte("%PDF-1.7 a note")
	if err := b.Put(context.Background(), b.Key("abc123"), "application/pdf", "Operative note.pdf", body); err != nil {
		t.Fatal(err)
	}
	reqs := got()
	if len(reqs) != 1 {
		t.Fatalf("%d requests", len(reqs))
	}
	r := reqs[0]
	sum := sha256.Sum256(body)
	auth := r.header.Get("Authorization")
	switch {
	case r.method != http.MethodPut || r.path != "/attachments/uploads/abc123" || string(r.body) != string(body):
		t.Errorf("%s %s %q", r.method, r.path, r.body)
	case r.header.Get("Content-Type") != "application/pdf" || r.header.Get("Content-Disposition") != `attachment; filename="Operative note.pdf"`:
		t.Errorf("headers %v", r.header)
	case r.header.Get("X-Amz-Content-Sha256") != hex.EncodeToString(sum[:]) || r.header.Get("X-Amz-Security-Token") != "session":
		t.Errorf("payload hash %q, token %q", r.header.Get("X-Amz-Content-Sha256"), r.header.Get("X-Amz-Security-Token"))
	case !strings.HasPrefix(auth, "AWS4-HMAC-SHA256 Credential=AKIDTEST/") || !strings.Contains(auth, "/us-east-1/s3/aws4_request") ||
		!strings.Contains(auth, "SignedHeaders=content-disposition;") || !strings.Contains(auth, ";content-type;") || !strings.Contains(auth, "x-amz-content-sha256"):
		t.Errorf("Authorization %q", auth)
	}
}

// A passing failure (5xx, throttling) is tried again, up to the attempts;
// a refusal is not; the error says S3's code, never the key.
func TestPassingFailuresAreRetriedAndRefusalsAreNot(t *testing.T) {
	for name, tc := range map[string]struct {
		statuses []int
		requests int
		fails    bool
	}{
		"a 503, then taken":       {[]int{503, 200}, 2, false},
		"throttled, then taken":   {[]int{429, 200}, 2, false},
		"5xx every time":          {[]int{500}, 3, true},
		"access denied: no retry": {[]int{403}, 1, true},
	} {
		s, got := server(t, tc.statuses...)
		b := bucket(s.URL)
		err := b.Put(context.Background(), b.Key("abc123"), "text/plain", "notes.txt", []byte("x"))
		if (err != nil) != tc.fails || len(got()) != tc.requests {
			t.Errorf("%s: %v after %d requests", name, err, len(got()))
		}
		if err != nil && (strings.Contains(err.Error(), "secret") || strings.Contains(err.Error(), "abc123") || strings.Contains(err.Error(), "notes.txt")) {
			t.Errorf("%s: the error names the object: %v", name, err)
		}
	}
}

// On AWS the bucket is the host (virtual-hosted style, in the function's
// region); on another server, without path style, the bucket leads the
// server's host; a key's segments are escaped.
func TestTheObjectsAddress(t *testing.T) {
	for _, tc := range []struct {
		b    Bucket
		key  string
		want string
	}{
		{Bucket{Name: "portal-attachments", Region: "us-east-2"}, "uploads/abc", "https://portal-attachments.s3.us-east-2.amazonaws.com/uploads/abc"},
		{Bucket{Name: "b", Endpoint: "http://127.0.0.1:8333", PathStyle: true}, "uploads/a b", "http://127.0.0.1:8333/b/uploads/a%20b"},
		{Bucket{Name: "b", Endpoint: "https://s3.example.org/"}, "letters/x", "https://b.s3.example.org/letters/x"},
	} {
		if got, err := tc.b.url(tc.key); err != nil || got != tc.want {
			t.Errorf("%+v %s: %q %v, want %q", tc.b, tc.key, got, err, tc.want)
		}
	}
	if _, err := (&Bucket{Name: "b", Endpoint: "::"}).url("k"); err == nil {
		t.Error("an endpoint that is no URL was taken")
	}
}

// The bucket's credentials are the function's: a provider that fails
// fails the PUT before any request.
func TestCredentialsThatFailStopThePut(t *testing.T) {
	s, got := server(t, http.StatusOK)
	b := bucket(s.URL)
	b.Creds = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, io.ErrUnexpectedEOF
	})
	if err := b.Put(context.Background(), "uploads/x", "text/plain", "x.txt", []byte("x")); err == nil || len(got()) != 0 {
		t.Errorf("%v, %d requests", err, len(got()))
	}
}
