package authorizations_test

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/filetype/filetypetest"
	"github.com/openpayer/provider-portal/shared/pas"
	"github.com/openpayer/provider-portal/shared/pas/pastest"
	"github.com/openpayer/provider-portal/shared/portal"
)

// withDocs is the medical request carrying docs.
func withDocs(t *testing.T, docs ...pastest.Doc) string {
	return string(pastest.WithDocuments(t, []byte(medical(t)), docs...))
}

// therapy is the medical request for eight units of therapeutic exercise
// (97110), which the plan decides on documents, with the questions it
// asks answered.
func therapy(t *testing.T, docs ...pastest.Doc) string {
	var b map[string]any
	if err := json.Unmarshal(pastest.WithDocuments(t, []byte(medical(t)), docs...), &b); err != nil {
		t.Fatal(err)
	}
	claim := b["entry"].([]any)[0].(map[string]any)["resource"].(map[string]any)
	item := claim["item"].([]any)[0].(map[string]any)
	item["productOrService"] = map[string]any{"coding": []any{map[string]any{"system": pas.SystemCPT, "code": "97110"}}}
	item["quantity"] = map[string]any{"value": 8}
	infos, _ := claim["supportingInfo"].([]any)
	for id, v := range map[string]string{"visitsRequested": "8", "functionalGoals": "Walk without a cane."} {
		infos = append(infos, map[string]any{"sequence": 50 + len(infos),
			"category": map[string]any{"coding": []any{map[string]any{"system": pas.QuestionSystem, "code": id}}}, "valueString": v})
	}
	claim["supportingInfo"] = infos
	out, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return string(out)
}

// authDocuments is the request's documents as the portal shows it.
func authDocuments(t *testing.T, w world, id string) []string {
	t.Helper()
	resp := w.send("GET", "/authorizations/"+id, "", tinA)
	var a struct{ Documents []string }
	decode(t, resp, &a)
	return a.Documents
}

// A document a request carries becomes an upload of the provider's, under
// a name of its title and type, its file in the bucket under the upload
// prefix as sent, submitted with the request: the portal shows it on the
// request, utilization management hears of it with the request, and the
// attachment processor checks it as it checks every upload.
func TestADocumentInARequestIsAnUploadOfTheRequest(t *testing.T) {
	w := setup(t)
	pdf := filetypetest.PDF(2000)
	resp := w.send("POST", "/fhir/Claim/$submit", withDocs(t,
		pastest.Doc{Title: "Operative note", ContentType: "application/pdf", Data: pdf},
		pastest.Doc{Title: "vitals.txt", ContentType: "text/plain; charset=utf-8", Data: []byte("BP 120/80, pulse 72.\n")}), ehrA)
	if resp.StatusCode != 200 {
		t.Fatalf("submit: %d %s", resp.StatusCode, resp.Body)
	}
	id := raID(t, resp)
	docs := authDocuments(t, w, id)
	if len(docs) != 2 {
		t.Fatalf("the request's documents: %v", docs)
	}
	for i, want := range []struct {
		name, contentType string
		data              []byte
	}{{"Operative note.pdf", "application/pdf", pdf}, {"vitals.txt", "text/plain", []byte("BP 120/80, pulse 72.\n")}} {
		u, err := w.uploads.Upload(context.Background(), "111111111", docs[i])
		if err != nil {
			t.Fatal(err)
		}
		if u.FileName != want.name || u.Status != portal.UploadPending || u.UploadedBy != "system/ehr-a" || u.ExpiresAt != nil ||
			u.Submission == nil || u.Submission.AuthorizationID != id || u.ObjectKey != "uploads/"+u.ID {
			t.Errorf("upload %d: %+v", i, u)
		}
		if got := w.files.objects[u.ObjectKey]; !slices.Equal(got, want.data) || w.files.types[u.ObjectKey] != want.contentType {
			t.Errorf("file %d: %d bytes, %q", i, len(got), w.files.types[u.ObjectKey])
		}
	}
	if len(w.um.events) != 1 || !strings.Contains(w.um.events[0].Body, docs[0]) {
		t.Errorf("utilization management's event does not name the documents")
	}
	// Another provider's system cannot see them.
	if _, err := w.uploads.Upload(context.Background(), "222222222", docs[0]); portal.ErrorCode(err) != portal.CodeUploadNotFound {
		t.Errorf("provider B reads A's document: %v", err)
	}
}

// Services the plan decides on documents need a document: one sent in the
// request is one.
func TestAnInlineDocumentIsTheDocumentTheServicesNeed(t *testing.T) {
	w := setup(t)
	resp := w.send("POST", "/fhir/Claim/$submit", therapy(t), ehrA)
	if resp.StatusCode != 422 || readFHIR(t, resp).Issue[0].Details.Coding[0].Code != portal.CodeDocumentsRequired {
		t.Fatalf("without a document: %d %s", resp.StatusCode, resp.Body)
	}
	resp = w.send("POST", "/fhir/Claim/$submit", therapy(t, pastest.Doc{ContentType: "application/pdf", Data: filetypetest.PDF(500)}), ehrA)
	if resp.StatusCode != 200 || len(authDocuments(t, w, raID(t, resp))) != 1 {
		t.Fatalf("with one: %d %s", resp.StatusCode, resp.Body)
	}
}

// A document the portal's checks refuse is answered at its place, with
// the request's own problems, all at once, in the plan's words; nothing is
// stored and nothing is sent.
func TestARefusedDocumentIsAnsweredAtItsPlaceAndNothingIsKept(t *testing.T) {
	w := setup(t)
	program := pastest.Doc{Title: "scan.pdf", ContentType: "application/pdf", Data: filetypetest.Executable()}
	for name, tc := range map[string]struct {
		body   string
		status int
		code   string
		at     []string
	}{
		"a program named a PDF": {withDocs(t, program), 400, portal.CodeFileIsProgram, []string{".data"}},
		"a type the plan does not take": {withDocs(t, pastest.Doc{ContentType: "application/zip", Data: []byte("PK\x03\x04")}), 400,
			portal.CodeFileTypeNotAllowed, []string{".contentType"}},
		"one with the request's own problem": {strings.Replace(withDocs(t, program), `"1234567893"`, `"1234567890"`, 1), 400,
			portal.CodeInvalidAuthRequest, []string{".data", "identifier"}},
	} {
		resp := w.send("POST", "/fhir/Claim/$submit", tc.body, ehrA)
		out := readFHIR(t, resp)
		if resp.StatusCode != tc.status || len(out.Issue) < len(tc.at) || out.Issue[0].Details.Coding[0].Code != tc.code {
			t.Errorf("%s: %d %s", name, resp.StatusCode, resp.Body)
			continue
		}
		var at []string
		for _, is := range out.Issue {
			at = append(at, is.Expression...)
			for _, word := range []string{"FHIR", "base64", "application/", "Attachment"} {
				if strings.Contains(is.Details.Text, word) {
					t.Errorf("%s: %q", name, is.Details.Text)
				}
			}
		}
		for i, suffix := range tc.at {
			if !slices.ContainsFunc(at, func(e string) bool { return strings.HasSuffix(e, suffix) }) {
				t.Errorf("%s: no issue at …%s (%d): %v", name, suffix, i, at)
			}
		}
	}
	if len(w.files.objects) != 0 || len(w.um.events) != 0 {
		t.Errorf("%d files stored, %d events sent", len(w.files.objects), len(w.um.events))
	}
}

// A request sent again (the EHR's retry, the same identifier) is answered
// as it stands and writes nothing again; a duplicate of the open request
// (another identifier, the same member, type, date and services) is
// refused and keeps no copy of its documents; one the bucket cannot take
// is not made, and keeps none.
func TestARequestNotMadeKeepsNoDocuments(t *testing.T) {
	w := setup(t)
	doc := pastest.Doc{ContentType: "application/pdf", Data: filetypetest.PDF(300)}
	first := w.send("POST", "/fhir/Claim/$submit", withDocs(t, doc), ehrA)
	again := w.send("POST", "/fhir/Claim/$submit", withDocs(t, doc), ehrA)
	if first.StatusCode != 200 || again.StatusCode != 200 || raID(t, first) != raID(t, again) {
		t.Fatalf("%d %s / %d %s", first.StatusCode, first.Body, again.StatusCode, again.Body)
	}
	kept := authDocuments(t, w, raID(t, first))
	if len(w.files.objects) != 1 || len(kept) != 1 || len(w.um.events) != 1 {
		t.Fatalf("the retry: %d files written, %d kept, %d events", len(w.files.objects), len(kept), len(w.um.events))
	}
	other := strings.Replace(withDocs(t, doc), `"value":"111099"`, `"value":"111100"`, 1)
	if dup := w.send("POST", "/fhir/Claim/$submit", other, ehrA); dup.StatusCode != 409 {
		t.Fatalf("the duplicate: %d %s", dup.StatusCode, dup.Body)
	}
	if len(w.files.objects) != 2 {
		t.Fatalf("the duplicate's document was not written before its refusal: %d files", len(w.files.objects))
	}
	for key := range w.files.objects {
		id := strings.TrimPrefix(key, "uploads/")
		_, err := w.uploads.Upload(context.Background(), "111111111", id)
		if (id == kept[0]) != (err == nil) {
			t.Errorf("upload %s: %v (kept %s)", id, err, kept[0])
		}
	}

	w = setup(t)
	w.files.fail = true
	resp := w.send("POST", "/fhir/Claim/$submit", withDocs(t, doc, doc), ehrA)
	if resp.StatusCode != 500 || readFHIR(t, resp).Issue[0].Code != "exception" {
		t.Fatalf("bucket down: %d %s", resp.StatusCode, resp.Body)
	}
	if len(w.um.events) != 0 {
		t.Errorf("a request was made without its documents")
	}
	due, err := w.uploads.ExpiredUploads(context.Background(), time.Time{}, time.Now().AddDate(1, 0, 0), 10)
	if err != nil || len(due) != 2 {
		t.Errorf("the records written are not left to the sweep: %v %v", due, err)
	}
}

// A Bundle larger than a function takes (documents count in base64) is
// refused whole, saying where larger documents go.
func TestABundleOverSixMegabytesIsRefusedWhole(t *testing.T) {
	w := setup(t)
	big := filetypetest.PDF(4_800_000) // 6.4 MB in base64
	resp := w.send("POST", "/fhir/Claim/$submit", withDocs(t, pastest.Doc{ContentType: "application/pdf", Data: big}), ehrA)
	out := readFHIR(t, resp)
	if resp.StatusCode != 400 || len(out.Issue) != 1 || !slices.Equal(out.Issue[0].Expression, []string{"Bundle"}) ||
		!strings.Contains(out.Issue[0].Details.Text, "6 MB") || !strings.Contains(out.Issue[0].Details.Text, "Add documents") {
		t.Fatalf("%d %s", resp.StatusCode, resp.Body)
	}
	if len(w.files.objects) != 0 || len(w.um.events) != 0 {
		t.Errorf("%d files stored, %d events sent", len(w.files.objects), len(w.um.events))
	}
	// Just under: taken.
	resp = w.send("POST", "/fhir/Claim/$submit", withDocs(t, pastest.Doc{ContentType: "application/pdf", Data: filetypetest.PDF(4_400_000)}), ehrA)
	if resp.StatusCode != 200 {
		t.Fatalf("4.4 MB: %d %.300s", resp.StatusCode, resp.Body)
	}
}

// A document the malware scan refuses after the request was made is told
// to the system that sent it: a note of the request's next answer, in the
// plan's words, the answer still conformant.
func TestADocumentRefusedLaterIsToldInTheNextAnswer(t *testing.T) {
	w := setup(t)
	body := withDocs(t, pastest.Doc{Title: "Operative note", ContentType: "application/pdf", Data: filetypetest.PDF(300)},
		pastest.Doc{Title: "labs.txt", ContentType: "text/plain", Data: []byte("Hemoglobin 13.5\n")})
	resp := w.send("POST", "/fhir/Claim/$submit", body, ehrA)
	if resp.StatusCode != 200 || strings.Contains(resp.Body, "was refused") {
		t.Fatalf("submit: %d %s", resp.StatusCode, resp.Body)
	}
	docs := authDocuments(t, w, raID(t, resp))
	if _, _, err := w.uploads.RecordCheck(context.Background(), docs[0], portal.Attachment{Status: portal.UploadRejected,
		RejectCode: portal.CodeFileHasMalware, RejectReason: portal.FileHasMalware}); err != nil {
		t.Fatal(err)
	}
	inquiry := w.send("POST", "/fhir/Claim/$inquire", body, ehrA)
	want := "The document Operative note.pdf sent with this request was refused: " + portal.FileHasMalware
	if inquiry.StatusCode != 200 || !strings.Contains(inquiry.Body, want) || strings.Contains(inquiry.Body, "labs.txt") {
		t.Fatalf("inquiry: %d %s", inquiry.StatusCode, inquiry.Body)
	}
	checkAnswer(t, "the inquiry", []byte(inquiry.Body), pas.ProfileInquiryResponseBundle, pas.ProfileInquiryResponse)
}
