package attachmentprocessor_test

import (
	"context"
	"encoding/json"
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
	"github.com/openpayer/provider-portal/shared/malwarescan"
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

// scanResult is the malware scan's result for a version of an object, as
// EventBridge puts it on the upload queue.
func scanResult(key, version, status string, threats ...string) events.SQSMessage {
	ev := malwarescan.Event{Version: "0", ID: "e-" + key + version, DetailType: malwarescan.DetailType, Source: malwarescan.Source,
		Detail: malwarescan.Detail{SchemaVersion: "1.0", ScanStatus: "COMPLETED", ResourceType: "S3_OBJECT",
			S3ObjectDetails:   malwarescan.ObjectDetails{BucketName: "attachments", ObjectKey: key, VersionID: version},
			ScanResultDetails: malwarescan.ResultDetails{ScanResultStatus: status}}}
	for _, name := range threats {
		ev.Detail.ScanResultDetails.Threats = append(ev.Detail.ScanResultDetails.Threats, malwarescan.Threat{Name: name})
	}
	b, err := json.Marshal(ev)
	if err != nil {
		panic(err)
	}
	return events.SQSMessage{MessageId: "m-" + key + version, Body: string(b)}
}

// clean is a scan that found nothing in the object's only version.
func clean(key string) events.SQSMessage { return scanResult(key, "", malwarescan.NoThreatsFound) }

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
	handle(t, h, clean("uploads/u1"), clean("uploads/u1"))
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
	handle(t, h, clean("uploads/u2"))
	if a := upload(t, store, "u2"); a.Status != portal.UploadRejected || a.RejectCode != portal.CodeFileIsProgram {
		t.Errorf("%+v", a)
	}
	if _, ok := files.objects["uploads/u2"]; ok {
		t.Error("the program is still stored")
	}
}

// Only the scan's result starts a check: a bucket notification for a file
// that was not scanned (or a forged one on the queue) leaves it pending.
func TestABucketNotificationChecksNothing(t *testing.T) {
	h, store, files, _ := setup()
	pending(t, store, "u3", filetype.TXT, "")
	files.objects["uploads/u3"] = []byte("notes")
	resp := handle(t, h, events.SQSMessage{MessageId: "n",
		Body: `{"Records":[{"eventName":"ObjectCreated:Post","s3":{"object":{"key":"uploads/u3"}}}]}`})
	if a := upload(t, store, "u3"); a.Status != portal.UploadPending || len(resp.BatchItemFailures) != 0 {
		t.Errorf("%+v %+v", a, resp)
	}
	handle(t, h, clean("uploads/u3"))
	if a := upload(t, store, "u3"); a.Status != portal.UploadAccepted {
		t.Errorf("after its scan: %+v", a)
	}
}

// What the scan did not clear is refused unread, whatever it was declared
// as, and deleted; the provider reads why in plain words.
func TestWhatTheScanDidNotClearIsRefused(t *testing.T) {
	for status, code := range map[string]string{malwarescan.ThreatsFound: portal.CodeFileHasMalware, malwarescan.Unsupported: portal.CodeFileNotScannable} {
		h, store, files, ev := setup()
		pending(t, store, "u4", filetype.PDF, "C1")
		files.objects["uploads/u4"] = filetypetest.PDF(0)
		handle(t, h, scanResult("uploads/u4", "", status, "EICAR-Test-File (not a virus)"))
		a := upload(t, store, "u4")
		if a.Status != portal.UploadRejected || a.RejectCode != code || a.RejectReason == "" || a.BytesRead != 0 {
			t.Errorf("%s: %+v", status, a)
		}
		if _, ok := files.objects["uploads/u4"]; ok {
			t.Errorf("%s: the file is still stored", status)
		}
		if ev.Total() != 0 {
			t.Errorf("%s: announced to core claims", status)
		}
		// A clean result for the same version later changes nothing.
		handle(t, h, clean("uploads/u4"))
		if a := upload(t, store, "u4"); a.Status != portal.UploadRejected {
			t.Errorf("%s then clean: %+v", status, a)
		}
	}
}

// A scan that failed (the scanner's fault) leaves the file pending and the
// message retried, then parked where the uploads DLQ alarm sees it.
func TestAFailedScanIsRetried(t *testing.T) {
	for _, status := range []string{malwarescan.Failed, malwarescan.AccessDenied, "SOMETHING_NEW"} {
		h, store, files, _ := setup()
		pending(t, store, "u6", filetype.PDF, "")
		files.objects["uploads/u6"] = filetypetest.PDF(0)
		resp := handle(t, h, scanResult("uploads/u6", "", status))
		if len(resp.BatchItemFailures) != 1 {
			t.Errorf("%s: not retried: %+v", status, resp)
		}
		if a := upload(t, store, "u6"); a.Status != portal.UploadPending {
			t.Errorf("%s: %+v", status, a)
		}
	}
}

func TestOrphanObjectIsDeleted(t *testing.T) {
	h, _, files, _ := setup()
	files.objects["uploads/gone"] = filetypetest.PDF(0)
	handle(t, h, clean("uploads/gone"))
	if len(files.deleted) != 1 {
		t.Error("a file without an upload record stayed")
	}
}

func TestWhatCannotSucceedIsNotRetried(t *testing.T) {
	h, _, _, _ := setup()
	resp := handle(t, h,
		events.SQSMessage{MessageId: "a", Body: "not json"},
		events.SQSMessage{MessageId: "b", Body: `{"Service":"Amazon S3","Event":"s3:TestEvent"}`},
		events.SQSMessage{MessageId: "c", Body: `{"detail-type":"Object Created","source":"aws.s3","detail":{}}`},
		clean("elsewhere/x"))
	if len(resp.BatchItemFailures) != 0 {
		t.Errorf("retrying these cannot help: %+v", resp.BatchItemFailures)
	}
}

func TestPassingFailureIsRetried(t *testing.T) {
	h, store, files, _ := setup()
	pending(t, store, "u1", filetype.PDF, "")
	files.objects["uploads/u1"] = filetypetest.PDF(0)
	store.Fault = func(string) error { return errors.New("throttled") }
	resp := handle(t, h, clean("uploads/u1"))
	if len(resp.BatchItemFailures) != 1 {
		t.Errorf("a throttled message must be retried: %+v", resp)
	}
	store.Fault = nil
	handle(t, h, clean("uploads/u1"))
	if a := upload(t, store, "u1"); a.Status != portal.UploadAccepted {
		t.Errorf("the retry: %+v", a)
	}
}

func TestContentOfAnotherDeclaredTypeIsRefused(t *testing.T) {
	h, store, files, _ := setup()
	pending(t, store, "u5", filetype.PNG, "")
	files.objects["uploads/u5"] = filetypetest.PDF(0)
	handle(t, h, clean("uploads/u5"))
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
		m := clean("uploads/" + id)
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

// versionEvent is a clean scan of one version of an object.
func versionEvent(key, version string) events.SQSMessage {
	return scanResult(key, version, malwarescan.NoThreatsFound)
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
