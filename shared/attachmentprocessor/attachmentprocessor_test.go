package attachmentprocessor_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/attachmentprocessor"
	"github.com/openpayer/provider-portal/shared/documentevents"
	"github.com/openpayer/provider-portal/shared/documentevents/documenteventstest"
	"github.com/openpayer/provider-portal/shared/filetype"
	"github.com/openpayer/provider-portal/shared/filetype/filetypetest"
	"github.com/openpayer/provider-portal/shared/inmem"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/s3"
)

type memFiles struct {
	mu      sync.Mutex
	objects map[string][]byte
	deleted []string
	latency time.Duration // how long each call takes
}

// call takes the fake's latency and its lock: the processor may call it
// from several goroutines.
func (f *memFiles) call() func() {
	time.Sleep(f.latency)
	f.mu.Lock()
	return f.mu.Unlock
}

// versioned is where memFiles keeps one version of key: objects[key] is
// the version of a bucket without versioning, objects[key#v] version v.
func versioned(key, version string) string {
	if version == "" {
		return key
	}
	return key + "#" + version
}

func (f *memFiles) Size(_ context.Context, key, version string) (int64, error) {
	defer f.call()()
	b, ok := f.objects[versioned(key, version)]
	if !ok {
		return 0, s3.ErrNoObject
	}
	return int64(len(b)), nil
}

func (f *memFiles) ReadRange(ctx context.Context, key, version string, offset, length int64) ([]byte, error) {
	defer f.call()()
	r := filetypetest.Reader{B: f.objects[versioned(key, version)]}
	return r.ReadRange(ctx, offset, length)
}

func (f *memFiles) Delete(_ context.Context, key string) error {
	defer f.call()()
	for k := range f.objects {
		if k == key || strings.HasPrefix(k, key+"#") {
			delete(f.objects, k)
		}
	}
	f.deleted = append(f.deleted, key)
	return nil
}

func (f *memFiles) DeleteVersion(_ context.Context, key, version string) error {
	defer f.call()()
	delete(f.objects, versioned(key, version))
	f.deleted = append(f.deleted, versioned(key, version))
	return nil
}

func setup() (*attachmentprocessor.Handler, *inmem.Attachments, *memFiles, *documenteventstest.Recorder) {
	s := &inmem.Attachments{}
	f := &memFiles{objects: map[string][]byte{}}
	e := &documenteventstest.Recorder{}
	return attachmentprocessor.New(attachmentprocessor.Deps{Uploads: s, Files: f, Events: &documentevents.Publisher{Store: s, Sender: e}, Plan: portal.KYMarketplace,
		Prefix: "uploads/", Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}), s, f, e
}

// pending records a pending upload of the declared type; with claim set, it
// is already submitted on that claim.
func pending(t *testing.T, s *inmem.Attachments, id string, declared filetype.Type, claim string) {
	t.Helper()
	ctx := context.Background()
	if err := s.CreateUpload(ctx, &portal.Attachment{ID: id, Provider: "111111111", DeclaredType: declared, Status: portal.UploadPending}); err != nil {
		t.Fatal(err)
	}
	if claim != "" {
		if _, err := s.Submit(ctx, "111111111", []string{id}, portal.Submission{ID: "s-" + id}, claim); err != nil {
			t.Fatal(err)
		}
	}
}

func upload(t *testing.T, s *inmem.Attachments, id string) *portal.Attachment {
	t.Helper()
	a, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func s3Event(keys ...string) events.SQSMessage {
	body := `{"Records":[`
	for i, k := range keys {
		if i > 0 {
			body += ","
		}
		body += fmt.Sprintf(`{"eventName":"ObjectCreated:Post","s3":{"object":{"key":%q}}}`, k)
	}
	return events.SQSMessage{MessageId: "m1", Body: body + "]}"}
}

func handle(t *testing.T, h *attachmentprocessor.Handler, msgs ...events.SQSMessage) events.SQSEventResponse {
	resp, err := h.Handle(context.Background(), events.SQSEvent{Records: msgs})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestAcceptedDocumentOnAClaimIsAnnouncedOnce(t *testing.T) {
	h, store, files, ev := setup()
	pending(t, store, "u1", filetype.PDF, "C1")
	files.objects["uploads/u1"] = filetypetest.PDF(0)
	handle(t, h, s3Event("uploads/u1"), s3Event("uploads/u1"))
	if a := upload(t, store, "u1"); a.Status != portal.UploadAccepted || a.BytesRead == 0 {
		t.Errorf("%+v", a)
	}
	if n := ev.Count("C1", "u1"); n != 1 {
		t.Errorf("announced %d times, want once", n)
	}
}

func TestRefusedFileIsDeleted(t *testing.T) {
	h, store, files, _ := setup()
	pending(t, store, "u2", filetype.PDF, "")
	files.objects["uploads/u2"] = filetypetest.Executable()
	handle(t, h, s3Event("uploads/u2"))
	if a := upload(t, store, "u2"); a.Status != portal.UploadRejected || a.RejectCode != portal.CodeFileIsProgram {
		t.Errorf("%+v", a)
	}
	if _, ok := files.objects["uploads/u2"]; ok {
		t.Error("the program is still stored")
	}
}

func TestKeysArriveURLEncoded(t *testing.T) {
	h, store, files, _ := setup()
	pending(t, store, "u-3", filetype.TXT, "")
	files.objects["uploads/u-3"] = []byte("notes")
	handle(t, h, s3Event("uploads%2Fu-3"))
	if a := upload(t, store, "u-3"); a.Status != portal.UploadAccepted {
		t.Errorf("%+v", a)
	}
}

func TestOrphanObjectIsDeleted(t *testing.T) {
	h, _, files, _ := setup()
	files.objects["uploads/gone"] = filetypetest.PDF(0)
	handle(t, h, s3Event("uploads/gone"))
	if len(files.deleted) != 1 {
		t.Error("a file without an upload record stayed")
	}
}

func TestWhatCannotSucceedIsNotRetried(t *testing.T) {
	h, _, _, _ := setup()
	resp := handle(t, h,
		events.SQSMessage{MessageId: "a", Body: "not json"},
		events.SQSMessage{MessageId: "b", Body: `{"Service":"Amazon S3","Event":"s3:TestEvent"}`},
		s3Event("elsewhere/x"))
	if len(resp.BatchItemFailures) != 0 {
		t.Errorf("retrying these cannot help: %+v", resp.BatchItemFailures)
	}
}

func TestPassingFailureIsRetried(t *testing.T) {
	h, store, files, _ := setup()
	pending(t, store, "u1", filetype.PDF, "")
	files.objects["uploads/u1"] = filetypetest.PDF(0)
	store.Fault = func(string) error { return errors.New("throttled") }
	resp := handle(t, h, s3Event("uploads/u1"))
	if len(resp.BatchItemFailures) != 1 {
		t.Errorf("a throttled message must be retried: %+v", resp)
	}
	store.Fault = nil
	handle(t, h, s3Event("uploads/u1"))
	if a := upload(t, store, "u1"); a.Status != portal.UploadAccepted {
		t.Errorf("the retry: %+v", a)
	}
}

func TestContentOfAnotherDeclaredTypeIsRefused(t *testing.T) {
	h, store, files, _ := setup()
	pending(t, store, "u5", filetype.PNG, "")
	files.objects["uploads/u5"] = filetypetest.PDF(0)
	handle(t, h, s3Event("uploads/u5"))
	if a := upload(t, store, "u5"); a.Status != portal.UploadRejected || a.RejectCode != portal.CodeFileContentMismatch ||
		!strings.Contains(a.RejectReason, "PNG") {
		t.Errorf("%+v", a)
	}
	if _, ok := files.objects["uploads/u5"]; ok {
		t.Error("the refused file is still stored")
	}
}

// barrierFiles holds every Size call until n are in flight at once: it
// passes only if the processor checks a batch's files concurrently.
type barrierFiles struct {
	*memFiles
	n       int
	mu      sync.Mutex
	waiting int
	all     chan struct{}
}

func (f *barrierFiles) Size(ctx context.Context, key, version string) (int64, error) {
	f.mu.Lock()
	f.waiting++
	if f.waiting == f.n {
		close(f.all)
	}
	f.mu.Unlock()
	select {
	case <-f.all:
	case <-time.After(5 * time.Second):
		return 0, errors.New("the other files of the batch were never checked alongside this one")
	}
	return f.memFiles.Size(ctx, key, version)
}

func TestABatchIsCheckedConcurrently(t *testing.T) {
	_, store, files, ev := setup()
	bf := &barrierFiles{memFiles: files, n: 4, all: make(chan struct{})}
	h := attachmentprocessor.New(attachmentprocessor.Deps{Uploads: store, Files: bf, Events: &documentevents.Publisher{Store: store, Sender: ev}, Plan: portal.KYMarketplace,
		Prefix: "uploads/", Log: slog.New(slog.NewJSONHandler(io.Discard, nil))})
	var msgs []events.SQSMessage
	for i := range bf.n {
		id := fmt.Sprintf("c%d", i)
		pending(t, store, id, filetype.PDF, "")
		files.objects["uploads/"+id] = filetypetest.PDF(0)
		m := s3Event("uploads/" + id)
		m.MessageId = id
		msgs = append(msgs, m)
	}
	if resp := handle(t, h, msgs...); len(resp.BatchItemFailures) != 0 {
		t.Fatalf("failures %+v", resp.BatchItemFailures)
	}
	for i := range bf.n {
		if a := upload(t, store, fmt.Sprintf("c%d", i)); a.Status != portal.UploadAccepted {
			t.Errorf("%+v", a)
		}
	}
}

// versionEvent is the notification of one version of an object.
func versionEvent(key, version string) events.SQSMessage {
	return events.SQSMessage{MessageId: "m-" + version,
		Body: fmt.Sprintf(`{"Records":[{"eventName":"ObjectCreated:Post","s3":{"object":{"key":%q,"versionId":%q}}}]}`, key, version)}
}

// A form stays usable until it expires: a file posted with it after the
// check is another version of the same key. The checked version stays the
// upload's; the other is removed, whatever it holds.
func TestAFilePostedAgainAfterTheCheckIsRemoved(t *testing.T) {
	for _, claim := range []string{"", "C1"} {
		h, store, files, ev := setup()
		pending(t, store, "u1", filetype.PDF, claim)
		files.objects["uploads/u1#v1"] = filetypetest.PDF(0)
		handle(t, h, versionEvent("uploads/u1", "v1"))
		files.objects["uploads/u1#v2"] = filetypetest.Executable()
		handle(t, h, versionEvent("uploads/u1", "v2"))
		handle(t, h, versionEvent("uploads/u1", "v1")) // the first notification again
		got, _ := store.Get(context.Background(), "u1")
		if got.Status != portal.UploadAccepted || got.ObjectVersion != "v1" || got.Size != int64(len(filetypetest.PDF(0))) {
			t.Errorf("claim %q: record %+v, want the first version accepted", claim, got)
		}
		if _, ok := files.objects["uploads/u1#v2"]; ok {
			t.Errorf("claim %q: the version posted after the check is still there", claim)
		}
		if _, ok := files.objects["uploads/u1#v1"]; !ok {
			t.Errorf("claim %q: the checked version was removed", claim)
		}
		if claim != "" && ev.Count(claim, "u1") != 1 {
			t.Errorf("announced %d times, want once", ev.Count(claim, "u1"))
		}
	}
}

// A file that lands after its upload was deleted (Delete Selected, or
// expired) is removed, every version of it.
func TestAFileForADeletedUploadIsRemoved(t *testing.T) {
	h, store, files, ev := setup()
	pending(t, store, "u1", filetype.PDF, "")
	if err := store.DeleteUpload(context.Background(), "111111111", "u1"); err != nil {
		t.Fatal(err)
	}
	files.objects["uploads/u1#v1"] = filetypetest.PDF(0)
	handle(t, h, versionEvent("uploads/u1", "v1"))
	if len(files.objects) != 0 {
		t.Errorf("left %d objects", len(files.objects))
	}
	if ev.Total() != 0 {
		t.Errorf("announced a deleted upload")
	}
}
