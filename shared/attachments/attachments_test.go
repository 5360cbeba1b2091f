package attachments_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/shared/attachments"
	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/httpapi/httpapitest"
	"github.com/openpayer/provider-portal/shared/inmem"
	"github.com/openpayer/provider-portal/shared/portal"
)

var (
	today = portal.DateOf(time.Now())
	tinA  = map[string]string{"sub": "user-a", httpapi.ProviderClaim: sampledata.ProviderA.TIN}
	tinB  = map[string]string{"sub": "user-b", httpapi.ProviderClaim: sampledata.ProviderB.TIN}
)

// delivered records the uploads whose event the API sent at once.
type delivered struct {
	ids  []string
	fail bool
}

func (d *delivered) Deliver(_ context.Context, id string) error {
	if d.fail {
		return errors.New("injected: queue down")
	}
	d.ids = append(d.ids, id)
	return nil
}

// links signs nothing: it names the key, version and file name it was asked
// for, so a test can see what a link would serve.
type links struct{}

func (links) DownloadLink(_ context.Context, key, version, fileName string) (string, time.Time, error) {
	return "https://bucket.example/" + key + "?versionId=" + version + "&as=" + fileName, time.Now().Add(5 * time.Minute), nil
}

type world struct {
	send    httpapitest.BodyInvoker
	uploads *inmem.Attachments
	events  *delivered
	logs    *bytes.Buffer
	set     sampledata.Set
}

func setup(t *testing.T) world {
	t.Helper()
	ctx := context.Background()
	w := world{uploads: &inmem.Attachments{}, events: &delivered{}, logs: &bytes.Buffer{}, set: sampledata.New(today)}
	claims, members := &inmem.Claims{}, &inmem.Members{}
	for i := range w.set.Claims {
		if _, err := claims.UpsertClaim(ctx, &w.set.Claims[i]); err != nil {
			t.Fatal(err)
		}
	}
	for i := range w.set.Members {
		if _, err := members.UpsertMember(ctx, &w.set.Members[i]); err != nil {
			t.Fatal(err)
		}
	}
	w.send = httpapitest.NewWithBody(t, attachments.New(attachments.Deps{Log: slog.New(slog.NewJSONHandler(w.logs, nil)), Claims: claims,
		Members: members, Documents: w.uploads, Events: w.events, Links: links{}, Idempotency: &inmem.Idempotency{TTL: time.Hour},
		Plan: portal.KYMarketplace, Now: time.Now}))
	return w
}

// upload records an upload of the provider's, in the state given.
func (w world) upload(t *testing.T, provider portal.ProviderID, status portal.UploadStatus) string {
	t.Helper()
	id := portal.NewID()
	if err := w.uploads.CreateUpload(context.Background(), &portal.Attachment{ID: id, Provider: provider, UploadedBy: "user", FileName: "Avery notes.pdf",
		DeclaredType: "pdf", ObjectKey: "uploads/" + id, Status: portal.UploadPending, CreatedAt: time.Now()}); err != nil {
		t.Fatal(err)
	}
	if status == portal.UploadAccepted {
		if _, changed, err := w.uploads.RecordCheck(context.Background(), id, portal.Attachment{Status: portal.UploadAccepted, Size: 10, ObjectVersion: "v1"}); err != nil || !changed {
			t.Fatal(changed, err)
		}
	}
	return id
}

type answer struct {
	SubmissionID, Status, ClaimNumber, Code string
	Errors                                  map[string]string
	Uploads                                 []struct{ UploadID, Status string }
	Documents                               []struct{ UploadID, Status, DownloadURL, FileName string }
}

func decode(t *testing.T, resp events.APIGatewayV2HTTPResponse) answer {
	t.Helper()
	var raw map[string]any
	if err := json.Unmarshal([]byte(resp.Body), &raw); err != nil {
		t.Fatalf("%v: %s", err, resp.Body)
	}
	if _, ok := raw["status"].(float64); ok { // a problem's status is its HTTP status
		delete(raw, "status")
	}
	b, _ := json.Marshal(raw)
	var a answer
	if err := json.Unmarshal(b, &a); err != nil {
		t.Fatal(err)
	}
	return a
}

func body(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// The sample denied claim for a missing consent form (C10000000002) takes
// its documents on its Document Upload: attached to it at once, the event
// for the accepted file sent at once; another provider's claim is a 404.
func TestDocumentUploadOnADeniedClaim(t *testing.T) {
	w := setup(t)
	accepted, pending := w.upload(t, "111111111", portal.UploadAccepted), w.upload(t, "111111111", portal.UploadPending)
	form := map[string]any{"contactEmail": "billing@clinic.example", "notes": "The signed consent form.", "uploadIds": []string{accepted, pending}}
	resp := w.send("POST", "/claims/C10000000002/document-submissions", body(t, form), tinA)
	a := decode(t, resp)
	if resp.StatusCode != 201 || a.Status != "attached" || a.ClaimNumber != "C10000000002" || len(a.Uploads) != 2 || a.Uploads[0].Status != "accepted" || a.Uploads[1].Status != "pending" {
		t.Fatalf("submit: %d %s", resp.StatusCode, resp.Body)
	}
	if len(w.events.ids) != 2 {
		t.Errorf("events delivered at once for %v, want both uploads tried", w.events.ids)
	}
	docs := w.send("GET", "/claims/C10000000002/documents", "", tinA)
	d := decode(t, docs)
	if docs.StatusCode != 200 || len(d.Documents) != 2 {
		t.Fatalf("Attached Documents: %d %s", docs.StatusCode, docs.Body)
	}
	for _, doc := range d.Documents {
		switch doc.UploadID {
		case accepted:
			// Only the version that was checked, under a name that is not
			// the file's (it can hold a patient's name).
			if !strings.Contains(doc.DownloadURL, "versionId=v1") || strings.Contains(doc.DownloadURL, "Avery") {
				t.Errorf("the accepted file's link: %s", doc.DownloadURL)
			}
		case pending:
			if doc.DownloadURL != "" {
				t.Errorf("a file not checked yet has a link: %s", doc.DownloadURL)
			}
		}
	}
	if resp := w.send("GET", "/claims/C10000000002/documents", "", tinB); resp.StatusCode != 404 || decode(t, resp).Code != portal.CodeClaimNotFound {
		t.Errorf("provider B reads A's claim's documents: %d %s", resp.StatusCode, resp.Body)
	}
	if resp := w.send("POST", "/claims/C10000000002/document-submissions", body(t, form), tinB); resp.StatusCode != 404 {
		t.Errorf("provider B submits to A's claim: %d %s", resp.StatusCode, resp.Body)
	}
	// A paid claim offers no Document Upload.
	if resp := w.send("POST", "/claims/C10000000001/document-submissions", body(t, form), tinA); resp.StatusCode != 422 || decode(t, resp).Code != portal.CodeUploadNotOffered {
		t.Errorf("a paid claim: %d %s", resp.StatusCode, resp.Body)
	}
	if strings.Contains(w.logs.String(), "Avery") || strings.Contains(w.logs.String(), "billing@clinic") {
		t.Error("PHI or the contact's address is in the logs")
	}
}

// Claim Attachment without a claim number waits for the member's claims
// from today on; with one, the date must be the claim's; every problem is
// named, and another provider's upload is not found.
func TestClaimAttachment(t *testing.T) {
	w := setup(t)
	m := w.set.Members[0]
	mine := w.upload(t, "111111111", portal.UploadPending)
	form := func(claim string, dos portal.Date, ids ...string) map[string]any {
		f := map[string]any{"memberId": m.ID, "serviceDate": dos.String(), "submissionReason": "medical_records",
			"contactEmail": "billing@clinic.example", "uploadIds": ids}
		if claim != "" {
			f["claimNumber"] = claim
		}
		return f
	}
	resp := w.send("POST", "/claim-attachments", body(t, form("", today.AddDate(0, 0, -3), mine)), tinA)
	if a := decode(t, resp); resp.StatusCode != 201 || a.Status != "waiting_for_claim" || a.ClaimNumber != "" {
		t.Fatalf("without a claim: %d %s", resp.StatusCode, resp.Body)
	}
	if len(w.events.ids) != 0 {
		t.Errorf("an event was sent for documents waiting for a claim: %v", w.events.ids)
	}
	theirs := w.upload(t, "222222222", portal.UploadPending)
	if resp := w.send("POST", "/claim-attachments", body(t, form("", today.AddDate(0, 0, -3), theirs)), tinA); resp.StatusCode != 404 || decode(t, resp).Code != portal.CodeUploadNotFound {
		t.Errorf("another provider's upload: %d %s", resp.StatusCode, resp.Body)
	}
	claim := w.set.Claims[0] // C10000000001, Avery's, provider A's
	other := w.upload(t, "111111111", portal.UploadPending)
	if resp := w.send("POST", "/claim-attachments", body(t, form(claim.Number, claim.ServiceFrom.AddDate(0, 0, 1), other)), tinA); resp.StatusCode != 422 || decode(t, resp).Code != portal.CodeServiceDateMismatch {
		t.Errorf("a date not the claim's: %d %s", resp.StatusCode, resp.Body)
	}
	if resp := w.send("POST", "/claim-attachments", body(t, map[string]any{"memberId": m.ID, "uploadIds": []string{}}), tinA); resp.StatusCode != 400 || len(decode(t, resp).Errors) == 0 {
		t.Errorf("an empty form: %d %s", resp.StatusCode, resp.Body)
	}
}
