package s3_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/lambdaenv"
	"github.com/openpayer/provider-portal/shared/s3"
)

// fakeBucket is an S3 bucket with versioning, on 127.0.0.1: it answers the
// few REST calls Files makes (path-style), records each, and lists versions
// a few at a time so that pagination is exercised.
type fakeBucket struct {
	t    *testing.T
	name string
	mu   sync.Mutex
	// objects holds each key's versions, oldest first.
	objects  map[string][]version
	next     int
	calls    []string
	pageSize int
	// refuse makes DeleteObjects report every object as not deleted.
	refuse bool
}

type version struct {
	id          string
	body        []byte
	marker      bool
	disposition string // the Content-Disposition it was stored with
}

func newFakeBucket(t *testing.T) (*fakeBucket, *httptest.Server) {
	b := &fakeBucket{t: t, name: "attachments", objects: map[string][]version{}, pageSize: 2}
	srv := httptest.NewServer(b)
	t.Cleanup(srv.Close)
	return b, srv
}

func (b *fakeBucket) add(key string, v version) string {
	b.next++
	v.id = fmt.Sprintf("v%04d", b.next)
	b.objects[key] = append(b.objects[key], v)
	return v.id
}

func (b *fakeBucket) find(key, id string) (version, bool) {
	vs := b.objects[key]
	if id == "" {
		if len(vs) == 0 || vs[len(vs)-1].marker {
			return version{}, false
		}
		return vs[len(vs)-1], true
	}
	for _, v := range vs {
		if v.id == id && !v.marker {
			return v, true
		}
	}
	return version{}, false
}

func (b *fakeBucket) remove(key, id string) bool {
	vs := b.objects[key]
	for i, v := range vs {
		if v.id == id {
			b.objects[key] = slices.Delete(vs, i, i+1)
			if len(b.objects[key]) == 0 {
				delete(b.objects, key)
			}
			return true
		}
	}
	return false
}

func (b *fakeBucket) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b.mu.Lock()
	defer b.mu.Unlock()
	q := r.URL.Query()
	key := strings.TrimPrefix(strings.TrimPrefix(r.URL.Path, "/"+b.name), "/")
	call := r.Method + " " + key
	if _, ok := q["versions"]; ok {
		call += " ?versions"
	}
	if _, ok := q["delete"]; ok {
		call += " ?delete"
	}
	b.calls = append(b.calls, call)
	switch {
	case r.Method == http.MethodPut && key != "":
		body, err := io.ReadAll(r.Body)
		if err != nil {
			b.t.Errorf("read put: %v", err)
		}
		w.Header().Set("x-amz-version-id", b.add(key, version{body: body, disposition: r.Header.Get("Content-Disposition")}))
	case (r.Method == http.MethodHead || r.Method == http.MethodGet) && key != "":
		v, ok := b.find(key, q.Get("versionId"))
		if !ok {
			w.Header().Set("Content-Type", "application/xml")
			w.WriteHeader(http.StatusNotFound)
			fmt.Fprint(w, `<Error><Code>NoSuchKey</Code><Message>no such key</Message></Error>`)
			return
		}
		body := v.body
		if rng := r.Header.Get("Range"); rng != "" {
			var from, to int
			if _, err := fmt.Sscanf(rng, "bytes=%d-%d", &from, &to); err != nil {
				b.t.Errorf("range %q: %v", rng, err)
			}
			body = body[from:min(to+1, len(body))]
			w.Header().Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", from, from+len(body)-1, len(v.body)))
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(http.StatusPartialContent)
		} else {
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		}
		if r.Method == http.MethodGet {
			_, _ = w.Write(body)
		}
	case r.Method == http.MethodGet && call == "GET  ?versions":
		b.listVersions(w, q)
	case r.Method == http.MethodPost && call == "POST  ?delete":
		b.deleteObjects(w, r)
	case r.Method == http.MethodDelete && key != "":
		if !b.remove(key, q.Get("versionId")) {
			b.t.Errorf("delete of %s %s, which is not there", key, q.Get("versionId"))
		}
		w.WriteHeader(http.StatusNoContent)
	default:
		b.t.Errorf("unexpected call %s %s", r.Method, r.URL)
		w.WriteHeader(http.StatusNotImplemented)
	}
}

type listed struct {
	Key       string `xml:"Key"`
	VersionID string `xml:"VersionId"`
}

// listVersions lists every version and delete marker under the prefix, in
// key then version order, pageSize at a time from the markers.
func (b *fakeBucket) listVersions(w http.ResponseWriter, q url.Values) {
	type entry struct {
		listed
		marker bool
	}
	var all []entry
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range b.objects {
			if !yield(k) {
				return
			}
		}
	}) {
		if !strings.HasPrefix(k, q.Get("prefix")) {
			continue
		}
		for _, v := range b.objects[k] {
			all = append(all, entry{listed{k, v.id}, v.marker})
		}
	}
	start := 0
	if km := q.Get("key-marker"); km != "" {
		start = slices.IndexFunc(all, func(e entry) bool { return e.Key == km && e.VersionID == q.Get("version-id-marker") }) + 1
	}
	page := all[start:min(start+b.pageSize, len(all))]
	var out struct {
		XMLName             xml.Name `xml:"ListVersionsResult"`
		IsTruncated         bool
		NextKeyMarker       string   `xml:",omitempty"`
		NextVersionIDMarker string   `xml:"NextVersionIdMarker,omitempty"`
		Versions            []listed `xml:"Version"`
		DeleteMarkers       []listed `xml:"DeleteMarker"`
	}
	for _, e := range page {
		if e.marker {
			out.DeleteMarkers = append(out.DeleteMarkers, e.listed)
		} else {
			out.Versions = append(out.Versions, e.listed)
		}
	}
	if start+len(page) < len(all) {
		last := page[len(page)-1]
		out.IsTruncated, out.NextKeyMarker, out.NextVersionIDMarker = true, last.Key, last.VersionID
	}
	w.Header().Set("Content-Type", "application/xml")
	_ = xml.NewEncoder(w).Encode(out)
}

func (b *fakeBucket) deleteObjects(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Objects []listed `xml:"Object"`
	}
	if err := xml.NewDecoder(r.Body).Decode(&in); err != nil {
		b.t.Errorf("delete objects: %v", err)
	}
	type failed struct {
		listed
		Code string
	}
	var out struct {
		XMLName xml.Name `xml:"DeleteResult"`
		Errors  []failed `xml:"Error"`
	}
	for _, o := range in.Objects {
		if b.refuse {
			out.Errors = append(out.Errors, failed{o, "AccessDenied"})
			continue
		}
		if !b.remove(o.Key, o.VersionID) {
			b.t.Errorf("delete of %s %s, which is not there", o.Key, o.VersionID)
		}
	}
	w.Header().Set("Content-Type", "application/xml")
	_ = xml.NewEncoder(w).Encode(out)
}

// files is the adapter as a function builds it, on the fake bucket.
func files(t *testing.T, endpoint string, env map[string]string) *s3.Files {
	t.Helper()
	all := map[string]string{"AWS_REGION": "us-east-1", "AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test",
		"AWS_ENDPOINT_URL_S3": endpoint, "S3_FORCE_PATH_STYLE": "true", "ATTACHMENTS_BUCKET": "attachments"}
	for k, v := range env {
		all[k] = v
	}
	f, err := lambdaenv.Load(func(k string) string { return all[k] }, lambdaenv.AttachmentsBucket,
		lambdaenv.UploadPrefix, lambdaenv.UploadFormTTL, lambdaenv.DownloadLinkTTL)
	if err != nil {
		t.Fatal(err)
	}
	return s3.NewFiles(f)
}

// The adapter is built from the function's checked environment: its
// bucket, prefix and the two lifetimes, defaults where unset.
func TestNewFilesTakesTheFunctionsBucketAndSettings(t *testing.T) {
	f := files(t, "http://127.0.0.1:9", map[string]string{"UPLOAD_PREFIX": "incoming/", "UPLOAD_FORM_TTL": "10m"})
	if f.Bucket != "attachments" || f.Prefix != "incoming/" || f.FormTTL != 10*time.Minute || f.LinkTTL != 5*time.Minute {
		t.Errorf("built %+v", f)
	}
	if got := f.Key("UP-1"); got != "incoming/UP-1" {
		t.Errorf("key %q, want the prefix and the upload ID alone", got)
	}
}

// A form allows exactly one POST: of the upload's key, of its type, of
// exactly its declared size, until it expires; S3 refuses anything else.
func TestUploadFormPresignsExactlyTheKeyTypeAndSize(t *testing.T) {
	f := files(t, "http://127.0.0.1:9", nil)
	before := time.Now()
	form, err := f.UploadForm(context.Background(), "uploads/UP-1", "application/pdf", "Quinn, Avery – records.pdf", 2048)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(form.URL, "/attachments") || form.Fields["key"] != "uploads/UP-1" || form.Fields["Content-Type"] != "application/pdf" {
		t.Errorf("form %+v", form)
	}
	if d := form.Expires.Sub(before); d < 14*time.Minute || d > 15*time.Minute+time.Second {
		t.Errorf("form expires in %v, want the form TTL of 15m", d)
	}
	raw, err := base64.StdEncoding.DecodeString(form.Fields["policy"])
	if err != nil {
		t.Fatalf("policy: %v", err)
	}
	var policy struct {
		Expiration time.Time
		Conditions []any
	}
	if err := json.Unmarshal(raw, &policy); err != nil {
		t.Fatalf("policy %s: %v", raw, err)
	}
	// The file's name goes with the object, in the form's body, so that it
	// downloads under it without the name in any URL.
	disposition := `attachment; filename*=utf-8''Quinn%2C%20Avery%20%E2%80%93%20records.pdf`
	if form.Fields["Content-Disposition"] != disposition || strings.Contains(form.URL, "Quinn") {
		t.Errorf("form %+v, want the disposition %s in its fields only", form, disposition)
	}
	want := []string{`["content-length-range",2048,2048]`, `{"Content-Type":"application/pdf"}`, `{"bucket":"attachments"}`, `{"key":"uploads/UP-1"}`,
		`{"Content-Disposition":"` + disposition + `"}`}
	var got []string
	for _, c := range policy.Conditions {
		b, _ := json.Marshal(c)
		got = append(got, string(b))
	}
	for _, w := range want {
		if !slices.Contains(got, w) {
			t.Errorf("policy conditions %v lack %s", got, w)
		}
	}
	if d := policy.Expiration.Sub(before); d < 14*time.Minute || d > 15*time.Minute+time.Second {
		t.Errorf("policy expires in %v", d)
	}
}

// A download link names the version that was checked and expires with the
// link TTL. Without a name it carries none (the object has its own); a name
// given (one without PHI, such as a letter's) overrides it.
func TestDownloadLinkNamesTheVersionAndTheFileName(t *testing.T) {
	f := files(t, "http://127.0.0.1:9", map[string]string{"DOWNLOAD_LINK_TTL": "2m"})
	link, expires, err := f.DownloadLink(context.Background(), "uploads/UP-1", "v0007", "Operative report.pdf")
	if err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	if u.Path != "/attachments/uploads/UP-1" || q.Get("versionId") != "v0007" || q.Get("X-Amz-Expires") != "120" {
		t.Errorf("link %s", link)
	}
	if cd := q.Get("response-content-disposition"); cd != `attachment; filename="Operative report.pdf"` {
		t.Errorf("disposition %q", cd)
	}
	bare, _, err := f.DownloadLink(context.Background(), "uploads/UP-1", "v0007", "")
	if err != nil || strings.Contains(bare, "response-content-disposition") {
		t.Errorf("a link without a name: %s %v", bare, err)
	}
	if d := time.Until(expires); d < time.Minute || d > 2*time.Minute {
		t.Errorf("expires in %v, want 2m", d)
	}
}

// Reads name the version that was checked: a later POST to the same key
// is not what was checked. A missing key or version is ErrNoObject; a
// range reads exactly its bytes, and an empty one makes no call.
func TestReadsNameTheVersionAndTheRange(t *testing.T) {
	b, srv := newFakeBucket(t)
	f := files(t, srv.URL, nil)
	ctx := context.Background()
	if err := f.Put(ctx, "uploads/UP-1", "application/pdf", "first.pdf", []byte("%PDF-1.7 first")); err != nil {
		t.Fatal(err)
	}
	first := b.objects["uploads/UP-1"][0].id
	if err := f.Put(ctx, "uploads/UP-1", "application/pdf", "second.pdf", []byte("%PDF-1.7 second, longer")); err != nil {
		t.Fatal(err)
	}
	if n, err := f.Size(ctx, "uploads/UP-1", first); err != nil || n != 14 {
		t.Errorf("size of the first version: %d %v, want 14", n, err)
	}
	if n, err := f.Size(ctx, "uploads/UP-1", ""); err != nil || n != 23 {
		t.Errorf("size of the latest: %d %v, want 23", n, err)
	}
	got, err := f.ReadRange(ctx, "uploads/UP-1", first, 9, 5)
	if err != nil || string(got) != "first" {
		t.Errorf("range of the first version: %q %v", got, err)
	}
	calls := len(b.calls)
	if got, err := f.ReadRange(ctx, "uploads/UP-1", first, 0, 0); err != nil || got != nil || len(b.calls) != calls {
		t.Errorf("an empty range: %q %v, %d calls", got, err, len(b.calls)-calls)
	}
	for _, v := range []struct{ key, version string }{{"uploads/UP-2", ""}, {"uploads/UP-1", "v9999"}} {
		if _, err := f.Size(ctx, v.key, v.version); !errors.Is(err, s3.ErrNoObject) {
			t.Errorf("size of %s %q: %v, want ErrNoObject", v.key, v.version, err)
		}
	}
	if _, err := f.ReadRange(ctx, "uploads/UP-2", "", 0, 4); err == nil || errors.Is(err, s3.ErrNoObject) {
		t.Errorf("range of a missing key: %v, want an error", err)
	}
}

// Delete removes every version and delete marker of exactly the key,
// across pages of the listing and batches of a thousand, and leaves a key
// that only starts like it.
func TestDeleteRemovesEveryVersionOfExactlyTheKey(t *testing.T) {
	b, srv := newFakeBucket(t)
	f := files(t, srv.URL, nil)
	for i := 0; i < 3; i++ {
		b.add("uploads/UP-1", version{body: []byte{byte(i)}})
	}
	b.add("uploads/UP-1", version{marker: true})
	b.add("uploads/UP-10", version{body: []byte("another upload")})
	if err := f.Delete(context.Background(), "uploads/UP-1"); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.objects["uploads/UP-1"]; ok {
		t.Errorf("left %v", b.objects["uploads/UP-1"])
	}
	if len(b.objects["uploads/UP-10"]) != 1 {
		t.Errorf("removed the other upload's versions too: %v", b.objects["uploads/UP-10"])
	}
	lists := 0
	for _, c := range b.calls {
		if strings.HasSuffix(c, "?versions") {
			lists++
		}
	}
	if lists != 3 {
		t.Errorf("%d listings of 5 versions two at a time, want 3: %v", lists, b.calls)
	}

	b.calls, b.pageSize = nil, 2000
	for i := 0; i < 1001; i++ {
		b.add("uploads/UP-2", version{body: []byte{1}})
	}
	if err := f.Delete(context.Background(), "uploads/UP-2"); err != nil {
		t.Fatal(err)
	}
	if _, ok := b.objects["uploads/UP-2"]; ok || !slices.Equal(b.calls, []string{"GET  ?versions", "POST  ?delete", "POST  ?delete"}) {
		t.Errorf("1,001 versions: %d left, calls %v", len(b.objects["uploads/UP-2"]), b.calls)
	}
	if err := f.Delete(context.Background(), "uploads/UP-3"); err != nil {
		t.Errorf("a key already gone: %v", err)
	}
}

// A delete S3 refuses in part is an error naming S3's code, for the
// expiry sweep to try again; nothing is reported done.
func TestDeleteReportsVersionsNotDeleted(t *testing.T) {
	b, srv := newFakeBucket(t)
	f := files(t, srv.URL, nil)
	b.add("uploads/UP-1", version{body: []byte("x")})
	b.refuse = true
	err := f.Delete(context.Background(), "uploads/UP-1")
	if err == nil || !strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("refused delete: %v, want an error naming AccessDenied", err)
	}
	if len(b.objects["uploads/UP-1"]) != 1 {
		t.Errorf("versions %v", b.objects["uploads/UP-1"])
	}
}

// DeleteVersion removes the one version named, and refuses to guess one.
func TestDeleteVersionRemovesOnlyThatVersion(t *testing.T) {
	b, srv := newFakeBucket(t)
	f := files(t, srv.URL, nil)
	first := b.add("uploads/UP-1", version{body: []byte("checked")})
	b.add("uploads/UP-1", version{body: []byte("posted again")})
	later := b.objects["uploads/UP-1"][1].id
	if err := f.DeleteVersion(context.Background(), "uploads/UP-1", later); err != nil {
		t.Fatal(err)
	}
	if vs := b.objects["uploads/UP-1"]; len(vs) != 1 || vs[0].id != first {
		t.Errorf("left %v, want the checked version alone", vs)
	}
	calls := len(b.calls)
	if err := f.DeleteVersion(context.Background(), "uploads/UP-1", ""); err == nil || len(b.calls) != calls {
		t.Errorf("no version named: %v after %d calls, want an error and no call", err, len(b.calls)-calls)
	}
}

// Put stores the bytes under the key, with their type and length, to
// download under the name given.
func TestPutStoresTheBytes(t *testing.T) {
	b, srv := newFakeBucket(t)
	f := files(t, srv.URL, nil)
	body := bytes.Repeat([]byte("letter "), 100)
	if err := f.Put(context.Background(), "letters/L-1.pdf", "application/pdf", "DP-7K3Q-9XH2 decision letter.pdf", body); err != nil {
		t.Fatal(err)
	}
	if vs := b.objects["letters/L-1.pdf"]; len(vs) != 1 || !bytes.Equal(vs[0].body, body) ||
		vs[0].disposition != `attachment; filename="DP-7K3Q-9XH2 decision letter.pdf"` {
		t.Errorf("stored %+v", vs)
	}
	srv.Close()
	if err := f.Put(context.Background(), "letters/L-2.pdf", "application/pdf", "L-2.pdf", body); err == nil {
		t.Error("put to a server that is gone: no error")
	}
}
