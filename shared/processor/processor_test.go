package processor_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"testing"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/filetype"
	"github.com/openpayer/provider-portal/shared/filetype/filetypetest"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/processor"
	"github.com/openpayer/provider-portal/shared/storage"
)

// memStore keeps uploads as the real store does: a verdict is recorded once.
type memStore struct {
	portal.AttachmentStore
	uploads map[string]*portal.Attachment
	err     error
}

func (m *memStore) Get(_ context.Context, id string) (*portal.Attachment, error) {
	if m.err != nil {
		return nil, m.err
	}
	a, ok := m.uploads[id]
	if !ok {
		return nil, portal.Errorf(portal.KindNotFound, portal.CodeUploadNotFound, "none")
	}
	c := *a
	return &c, nil
}

func (m *memStore) RecordCheck(_ context.Context, id string, v portal.Attachment) (*portal.Attachment, bool, error) {
	a := m.uploads[id]
	if a.Status != portal.UploadPending {
		return a, false, nil
	}
	a.Status, a.Size, a.DetectedType, a.RejectCode, a.RejectReason, a.BytesRead = v.Status, v.Size, v.DetectedType, v.RejectCode, v.RejectReason, v.BytesRead
	c := *a
	return &c, true, nil
}

type memFiles struct {
	objects map[string][]byte
	deleted []string
}

func (f *memFiles) Size(_ context.Context, key string) (int64, error) {
	b, ok := f.objects[key]
	if !ok {
		return 0, storage.ErrNoObject
	}
	return int64(len(b)), nil
}
func (f *memFiles) Object(key string) storage.RangeReader {
	return &filetypetest.Reader{B: f.objects[key]}
}
func (f *memFiles) Delete(_ context.Context, key string) error {
	delete(f.objects, key)
	f.deleted = append(f.deleted, key)
	return nil
}

type memEvents struct{ sent map[string]int }

func (e *memEvents) Attached(_ context.Context, claim string, docs []portal.Attachment) error {
	for _, d := range docs {
		e.sent[claim+"/"+d.ID]++
	}
	return nil
}

func setup() (*processor.Handler, *memStore, *memFiles, *memEvents) {
	s := &memStore{uploads: map[string]*portal.Attachment{}}
	f := &memFiles{objects: map[string][]byte{}}
	e := &memEvents{sent: map[string]int{}}
	return &processor.Handler{Store: s, Files: f, Events: e, Plan: portal.KYMarketplace, Prefix: "uploads/",
		Log: slog.New(slog.NewJSONHandler(io.Discard, nil))}, s, f, e
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

func handle(t *testing.T, h *processor.Handler, msgs ...events.SQSMessage) events.SQSEventResponse {
	resp, err := h.Handle(context.Background(), events.SQSEvent{Records: msgs})
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestAcceptedDocumentOnAClaimIsAnnouncedOnce(t *testing.T) {
	h, store, files, ev := setup()
	store.uploads["u1"] = &portal.Attachment{ID: "u1", DeclaredType: filetype.PDF, Status: portal.UploadPending, ClaimNumber: "C1"}
	files.objects["uploads/u1"] = filetypetest.PDF(0)
	handle(t, h, s3Event("uploads/u1"), s3Event("uploads/u1"))
	if a := store.uploads["u1"]; a.Status != portal.UploadAccepted || a.BytesRead == 0 {
		t.Errorf("%+v", a)
	}
	if ev.sent["C1/u1"] != 1 {
		t.Errorf("announced %d times, want once", ev.sent["C1/u1"])
	}
}

func TestRefusedFileIsDeleted(t *testing.T) {
	h, store, files, _ := setup()
	store.uploads["u2"] = &portal.Attachment{ID: "u2", DeclaredType: filetype.PDF, Status: portal.UploadPending}
	files.objects["uploads/u2"] = filetypetest.Executable()
	handle(t, h, s3Event("uploads/u2"))
	if a := store.uploads["u2"]; a.Status != portal.UploadRejected || a.RejectCode != portal.CodeFileIsProgram {
		t.Errorf("%+v", a)
	}
	if _, ok := files.objects["uploads/u2"]; ok {
		t.Error("the program is still stored")
	}
}

func TestKeysArriveURLEncoded(t *testing.T) {
	h, store, files, _ := setup()
	store.uploads["u-3"] = &portal.Attachment{ID: "u-3", DeclaredType: filetype.TXT, Status: portal.UploadPending}
	files.objects["uploads/u-3"] = []byte("notes")
	handle(t, h, s3Event("uploads%2Fu-3"))
	if store.uploads["u-3"].Status != portal.UploadAccepted {
		t.Errorf("%+v", store.uploads["u-3"])
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
	h, store, _, _ := setup()
	store.err = errors.New("throttled")
	resp := handle(t, h, s3Event("uploads/u1"))
	if len(resp.BatchItemFailures) != 1 {
		t.Errorf("a throttled message must be retried: %+v", resp)
	}
}
