package uploads_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/httpapi/httpapitest"
	"github.com/openpayer/provider-portal/shared/inmem"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/s3"
	"github.com/openpayer/provider-portal/shared/uploads"
)

var (
	now  = time.Date(2026, 11, 20, 9, 0, 0, 0, time.UTC)
	tinA = map[string]string{"sub": "user-a", httpapi.ProviderClaim: "111111111"}
	tinB = map[string]string{"sub": "user-b", httpapi.ProviderClaim: "222222222"}
)

// files is the bucket, in memory: the forms it signed and the keys it
// deleted; failForm and failDelete make those calls fail.
type files struct {
	forms                []string // key|content type|file name|size
	deleted              []string
	failForm, failDelete bool
}

func (f *files) Key(id string) string { return "uploads/" + id }

func (f *files) UploadForm(_ context.Context, key, contentType, fileName string, size int64) (s3.Form, error) {
	if f.failForm {
		return s3.Form{}, errors.New("injected: presign failed")
	}
	f.forms = append(f.forms, fmt.Sprintf("%s|%s|%s|%d", key, contentType, fileName, size))
	return s3.Form{URL: "https://bucket.example/", Fields: map[string]string{"key": key}, Expires: now.Add(15 * time.Minute)}, nil
}

func (f *files) Delete(_ context.Context, key string) error {
	if f.failDelete {
		return errors.New("injected: delete failed")
	}
	f.deleted = append(f.deleted, key)
	return nil
}

type world struct {
	send  httpapitest.BodyInvoker
	store *inmem.Attachments
	files *files
	logs  *bytes.Buffer
}

func setup(t *testing.T) world {
	t.Helper()
	w := world{store: &inmem.Attachments{}, files: &files{}, logs: &bytes.Buffer{}}
	w.store.Now = func() time.Time { return now }
	w.send = httpapitest.NewWithBody(t, uploads.New(uploads.Deps{Log: slog.New(slog.NewJSONHandler(w.logs, nil)), Uploads: w.store, Files: w.files,
		Idempotency: &inmem.Idempotency{TTL: time.Hour}, Plan: portal.KYMarketplace, Now: func() time.Time { return now }, Retention: 48 * time.Hour}))
	return w
}

type answer struct {
	Upload struct {
		UploadID, Status, FileName string
		ExpiresAt                  time.Time
	}
	Form     s3.Form
	MaxBytes int64
	Code     string
	Errors   map[string]string
	Uploads  []struct{ UploadID, Status string }
	NotFound []string
}

func decode(t *testing.T, resp events.APIGatewayV2HTTPResponse) answer {
	t.Helper()
	var raw map[string]any
	if err := json.Unmarshal([]byte(resp.Body), &raw); err != nil {
		t.Fatalf("%v: %s", err, resp.Body)
	}
	delete(raw, "status") // a problem's status is its HTTP status
	b, _ := json.Marshal(raw)
	var a answer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func create(t *testing.T, w world, jwt map[string]string, name string, size int) (events.APIGatewayV2HTTPResponse, answer) {
	t.Helper()
	resp := w.send("POST", "/uploads", `{"fileName":"`+name+`","contentType":"application/pdf","size":`+fmt.Sprint(size)+`}`, jwt)
	if resp.Body == "" {
		return resp, answer{}
	}
	return resp, decode(t, resp)
}

// A form is signed for exactly the upload's key, type and size, after its
// record is written, and stores the file to download under the name the
// provider gave it; the record expires after the retention.
func TestAnUploadGetsItsRecordThenItsForm(t *testing.T) {
	w := setup(t)
	resp, a := create(t, w, tinA, "notes.pdf", 2048)
	if resp.StatusCode != 201 || a.Upload.Status != "pending" || a.Form.URL == "" || a.MaxBytes != portal.KYMarketplace.MaxUploadBytes {
		t.Fatalf("create: %d %s", resp.StatusCode, resp.Body)
	}
	if len(w.files.forms) != 1 || w.files.forms[0] != "uploads/"+a.Upload.UploadID+"|application/pdf|notes.pdf|2048" {
		t.Errorf("the form signed: %v", w.files.forms)
	}
	stored, err := w.store.Upload(context.Background(), "111111111", a.Upload.UploadID)
	if err != nil || stored.Status != portal.UploadPending || stored.ExpiresAt == nil || !stored.ExpiresAt.Equal(now.Add(48*time.Hour)) ||
		stored.ObjectKey != "uploads/"+a.Upload.UploadID || stored.UploadedBy != "user-a" {
		t.Errorf("the record: %+v %v", stored, err)
	}
	if strings.Contains(w.logs.String(), "notes.pdf") {
		t.Error("a file name, which can be PHI, is in the logs")
	}
}

// A refused request, or a form that cannot be signed, leaves no record.
func TestRefusedUploadsLeaveNothing(t *testing.T) {
	w := setup(t)
	for name, tc := range map[string]struct {
		file   string
		size   int
		status int
		code   string
	}{
		"a program":   {"setup.exe", 100, 400, portal.CodeFileTypeNotAllowed},
		"too large":   {"scan.pdf", int(portal.KYMarketplace.MaxUploadBytes) + 1, 400, portal.CodeFileTooLarge},
		"empty":       {"scan.pdf", 0, 400, portal.CodeFileEmpty},
		"with folder": {"../scan.pdf", 10, 400, portal.CodeUnsafeFileName},
	} {
		resp, a := create(t, w, tinA, tc.file, tc.size)
		if resp.StatusCode != tc.status || a.Code != tc.code {
			t.Errorf("%s: %d %s", name, resp.StatusCode, resp.Body)
		}
	}
	w.files.failForm = true
	if resp, a := create(t, w, tinA, "scan.pdf", 10); resp.StatusCode != 500 || a.Code != portal.CodeInternal || strings.Contains(resp.Body, "injected") {
		t.Errorf("a form that cannot be signed: %d %s", resp.StatusCode, resp.Body)
	}
	due, err := w.store.ExpiredUploads(context.Background(), now.Add(-time.Hour), now.Add(100*time.Hour), 10)
	if err != nil || len(due) != 0 || len(w.files.forms) != 0 {
		t.Errorf("a refused upload left %v records and %v forms (%v)", due, w.files.forms, err)
	}
}

// One provider's upload is another's 404, alone or among others.
func TestAnotherProvidersUploadIsNotFound(t *testing.T) {
	w := setup(t)
	_, mine := create(t, w, tinA, "a.pdf", 10)
	_, theirs := create(t, w, tinB, "b.pdf", 10)
	if resp := w.send("GET", "/uploads/"+mine.Upload.UploadID, "", tinA); resp.StatusCode != 200 || !strings.Contains(resp.Body, `"uploadId":"`+mine.Upload.UploadID+`"`) {
		t.Errorf("my upload: %d %s", resp.StatusCode, resp.Body)
	}
	if resp := w.send("GET", "/uploads/"+theirs.Upload.UploadID, "", tinA); resp.StatusCode != 404 || decode(t, resp).Code != portal.CodeUploadNotFound {
		t.Errorf("their upload: %d %s", resp.StatusCode, resp.Body)
	}
	resp := w.send("GET", "/uploads?ids="+mine.Upload.UploadID+","+theirs.Upload.UploadID, "", tinA)
	a := decode(t, resp)
	if resp.StatusCode != 200 || len(a.Uploads) != 1 || a.Uploads[0].UploadID != mine.Upload.UploadID || len(a.NotFound) != 1 || a.NotFound[0] != theirs.Upload.UploadID {
		t.Errorf("statuses: %d %s", resp.StatusCode, resp.Body)
	}
	for _, q := range []string{"", "?ids=", "?ids=a,,b", "?ids=x&other=y", "?ids=" + strings.Repeat("id,", 21) + "id"} {
		if resp := w.send("GET", "/uploads"+q, "", tinA); resp.StatusCode != 400 || decode(t, resp).Code != portal.CodeInvalidRequest {
			t.Errorf("statuses %q: %d %s", q, resp.StatusCode, resp.Body)
		}
	}
}

// Delete Selected removes the record's use at once, then the file, then the
// record; what fails after the mark is left to the expiry sweep, and the
// delete still stands. Another provider's upload is not found, and its file
// is not touched.
func TestDeleteSelected(t *testing.T) {
	w := setup(t)
	_, theirs := create(t, w, tinB, "b.pdf", 10)
	if resp := w.send("DELETE", "/uploads/"+theirs.Upload.UploadID, "", tinA); resp.StatusCode != 404 || len(w.files.deleted) != 0 {
		t.Errorf("deleting their upload: %d %s, deleted %v", resp.StatusCode, resp.Body, w.files.deleted)
	}
	_, mine := create(t, w, tinA, "a.pdf", 10)
	if resp := w.send("DELETE", "/uploads/"+mine.Upload.UploadID, "", tinA); resp.StatusCode != 204 ||
		len(w.files.deleted) != 1 || w.files.deleted[0] != "uploads/"+mine.Upload.UploadID {
		t.Fatalf("delete: %d %s, deleted %v", resp.StatusCode, resp.Body, w.files.deleted)
	}
	if resp := w.send("GET", "/uploads/"+mine.Upload.UploadID, "", tinA); resp.StatusCode != 404 {
		t.Errorf("a deleted upload is still seen: %d", resp.StatusCode)
	}
	w.files.failDelete = true
	_, kept := create(t, w, tinA, "c.pdf", 10)
	if resp := w.send("DELETE", "/uploads/"+kept.Upload.UploadID, "", tinA); resp.StatusCode != 204 {
		t.Fatalf("delete with the bucket failing: %d %s", resp.StatusCode, resp.Body)
	}
	if resp := w.send("GET", "/uploads/"+kept.Upload.UploadID, "", tinA); resp.StatusCode != 404 {
		t.Errorf("an upload whose file could not be deleted is still seen: %d", resp.StatusCode)
	}
	if !strings.Contains(w.logs.String(), "left to the expiry sweep") {
		t.Error("the half-finished delete is not logged for the operator")
	}
}
