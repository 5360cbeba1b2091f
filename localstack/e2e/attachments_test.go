package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awss3 "github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/localstack/stack"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/filetype"
	"github.com/openpayer/provider-portal/shared/filetype/filetypetest"
	"github.com/openpayer/provider-portal/shared/malwarescan"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/s3"
)

type uploadCreated struct {
	Upload struct{ UploadID string }
	Form   s3.Form
}

type uploadView struct {
	UploadID, Status, RejectCode, RejectReason, ClaimNumber, DeclaredType string
	Size                                                                  int64
	CheckedAt                                                             time.Time
}

// postForm uploads content with a presigned form, as a browser would.
func postForm(t testing.TB, form s3.Form, fields map[string]string, content []byte) *http.Response {
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range form.Fields {
		if o, ok := fields[k]; ok {
			v = o
		}
		_ = mw.WriteField(k, v)
	}
	fw, _ := mw.CreateFormFile("file", "upload")
	_, _ = fw.Write(content)
	_ = mw.Close()
	resp, err := http.Post(form.URL, mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return resp
}

// newUpload asks for a form for fileName and returns it unused.
func newUpload(t testing.TB, tok, fileName string, size int) uploadCreated {
	tt, _ := t.(*testing.T)
	var status int
	var body []byte
	if tt != nil {
		status, body = call(tt, tok, "POST", "/uploads", map[string]any{"fileName": fileName, "size": size})
	} else {
		status, body = rawCall(t, tok, "POST", "/uploads", map[string]any{"fileName": fileName, "size": size})
	}
	if status != 201 {
		t.Fatalf("POST /uploads %s: %d %s", fileName, status, body)
	}
	var c uploadCreated
	_ = json.Unmarshal(body, &c)
	return c
}

// rawCall is call without OpenAPI checks, for benchmarks and headers.
func rawCall(t testing.TB, tok, method, target string, body any, headers ...string) (int, []byte) {
	return rawCallAt(t, api.URL, tok, method, target, body, headers...)
}

// rawCallAt is rawCall against another gateway at base; no token, no
// Authorization header; a nil body, none.
func rawCallAt(t testing.TB, base, tok, method, target string, body any, headers ...string) (int, []byte) {
	var rd io.Reader
	form, isForm := body.(url.Values)
	if isForm {
		rd = strings.NewReader(form.Encode())
	} else if body != nil {
		b, _ := json.Marshal(body)
		rd = bytes.NewReader(b)
	}
	req, _ := http.NewRequest(method, base+target, rd)
	if isForm {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, out
}

// upload uploads content as fileName and returns its upload ID.
func upload(t testing.TB, tok, fileName string, content []byte) string {
	c := newUpload(t, tok, fileName, len(content))
	if resp := postForm(t, c.Form, nil, content); resp.StatusCode != 204 && resp.StatusCode != 201 && resp.StatusCode != 200 {
		t.Fatalf("upload of %s refused by S3: %d", fileName, resp.StatusCode)
	}
	return c.Upload.UploadID
}

// waitChecked polls the upload until the processor has decided on it.
func waitChecked(t testing.TB, tok, id string) uploadView {
	deadline := time.Now().Add(20 * time.Second)
	for {
		status, body := rawCall(t, tok, "GET", "/uploads/"+id, nil)
		var v uploadView
		_ = json.Unmarshal(body, &v)
		if status != 200 {
			t.Fatalf("GET /uploads/%s: %d %s", id, status, body)
		}
		if v.Status != "pending" {
			return v
		}
		if time.Now().After(deadline) {
			t.Fatalf("upload %s still pending after 20s", id)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

var extensionOf = map[filetype.Type]string{filetype.JPEG: "jpg", filetype.TIFF: "tif"}

func TestEachAcceptedTypeIsAccepted(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	for typ, content := range filetypetest.Samples() {
		ext := string(typ)
		if e, ok := extensionOf[typ]; ok {
			ext = e
		}
		id := upload(t, a, "sample."+ext, content)
		if v := waitChecked(t, a, id); v.Status != "accepted" || v.Size != int64(len(content)) {
			t.Errorf("%s: %+v", typ, v)
		}
		if status, _ := get(t, a, "/uploads/"+id); status != 200 {
			t.Errorf("GET upload: %d", status)
		}
	}
}

func objectExists(t *testing.T, key string) bool {
	_, err := local.Clients.S3.HeadObject(context.Background(), &awss3.HeadObjectInput{
		Bucket: aws.String(local.Res.Buckets["AttachmentsBucket"]), Key: aws.String(key)})
	return err == nil
}

// waitGone waits until the processor has removed the object at key: it
// does so just after it records the verdict.
func waitGone(t *testing.T, key string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for objectExists(t, key) {
		if time.Now().After(deadline) {
			t.Errorf("%s is still in the bucket after 10 s", key)
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func TestRefusedContentIsRemovedWithReason(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	for name, tc := range map[string]struct {
		file    string
		content []byte
		code    string
	}{
		"program renamed .pdf": {"invoice.pdf", filetypetest.Executable(), portal.CodeFileIsProgram},
		"docx declared xlsx":   {"totals.xlsx", filetypetest.OOXML("word/document.xml"), portal.CodeFileContentMismatch},
		"macros named .docx":   {"letter.docx", filetypetest.OOXML("word/document.xml", "word/vbaProject.bin"), portal.CodeFileHasMacros},
		"macros named .xls":    {"totals.xls", filetypetest.OLE2("Workbook", "_VBA_PROJECT_CUR"), portal.CodeFileHasMacros},
		// The malware scan (the local stack's stand-in finds the EICAR test
		// signature) comes first: what it finds is refused unread.
		"test virus as .txt":  {"notes.txt", stack.EICAR(), portal.CodeFileHasMalware},
		"test virus in a PDF": {"scan.pdf", append(filetypetest.PDF(0), stack.EICAR()...), portal.CodeFileHasMalware},
	} {
		id := upload(t, a, tc.file, tc.content)
		v := waitChecked(t, a, id)
		if v.Status != "rejected" || v.RejectCode != tc.code || v.RejectReason == "" {
			t.Errorf("%s: %+v", name, v)
		}
		waitGone(t, "uploads/"+id)
	}
}

func TestUploadRequestsRefusedUpFront(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	for body, code := range map[string]string{
		`{"fileName":"setup.exe","size":10}`:                       portal.CodeFileTypeNotAllowed,
		`{"fileName":"../../etc/passwd.pdf","size":10}`:            portal.CodeUnsafeFileName,
		`{"fileName":"","size":10}`:                                portal.CodeUnsafeFileName,
		`{"fileName":"big.pdf","size":104857601}`:                  portal.CodeFileTooLarge,
		`{"fileName":"a.pdf","size":10,"contentType":"image/png"}`: portal.CodeContentTypeMismatch,
		`{"fileName":"a.pdf","size":10,"colour":"blue"}`:           portal.CodeInvalidJSON,
	} {
		var v map[string]any
		_ = json.Unmarshal([]byte(body), &v)
		status, resp := call(t, a, "POST", "/uploads", v)
		var p struct{ Code string }
		_ = json.Unmarshal(resp, &p)
		if status != 400 || p.Code != code {
			t.Errorf("%s: %d %s, want 400 %s", body, status, resp, code)
		}
	}
}

func TestS3EnforcesTheForm(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	// One byte over 100 MB: refused by S3 itself, before any function runs.
	c := newUpload(t, a, "huge.pdf", 100<<20)
	if resp := postForm(t, c.Form, nil, filetypetest.PDF(100<<20+1)); resp.StatusCode != 400 {
		t.Errorf("100 MB + 1 byte: S3 answered %d, want 400 EntityTooLarge", resp.StatusCode)
	}
	// Another size than declared, either way: refused too.
	c = newUpload(t, a, "notes.txt", 1234)
	for _, n := range []int{15, 1235} {
		if resp := postForm(t, c.Form, nil, bytes.Repeat([]byte("a"), n)); resp.StatusCode != 400 {
			t.Errorf("%d bytes for a declared 1234: S3 answered %d, want 400", n, resp.StatusCode)
		}
	}
	// Tampered: another key, or another content type, than the form's.
	c = newUpload(t, a, "notes.txt", 10)
	if resp := postForm(t, c.Form, map[string]string{"key": "uploads/someone-elses"}, []byte("ten bytes!")); resp.StatusCode != 403 {
		t.Errorf("tampered key: %d, want 403", resp.StatusCode)
	}
	if resp := postForm(t, c.Form, map[string]string{"Content-Type": "application/pdf"}, []byte("ten bytes!")); resp.StatusCode != 403 {
		t.Errorf("tampered content type: %d, want 403", resp.StatusCode)
	}
	// Expired: a form made with a one-second life, as the function makes them.
	f := s3.New(local.Clients.S3, local.Res.Buckets["AttachmentsBucket"], "uploads/", time.Second, time.Minute)
	form, err := f.UploadForm(context.Background(), "uploads/expired-form-test", "text/plain", "late.txt", 4)
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(2100 * time.Millisecond)
	if resp := postForm(t, form, nil, []byte("late")); resp.StatusCode != 403 {
		t.Errorf("expired form: %d, want 403", resp.StatusCode)
	}
}

func attachments() *dynamo.AttachmentStore {
	return &dynamo.AttachmentStore{DB: local.Clients.DynamoDB, Table: local.Res.Tables["AttachmentsTable"], Now: time.Now}
}

func TestLargeFileIsCheckedFromAFewRanges(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	content := filetypetest.PDF(100 << 20)
	id := upload(t, a, "chart.pdf", content)
	if v := waitChecked(t, a, id); v.Status != "accepted" || v.Size != 100<<20 {
		t.Fatalf("%+v", v)
	}
	rec, err := attachments().Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	if rec.BytesRead <= 0 || rec.BytesRead > 64<<10 {
		t.Errorf("the processor read %d bytes of a 100 MB file; at most 64 KiB allowed", rec.BytesRead)
	}
	t.Logf("100 MB PDF checked reading %d bytes", rec.BytesRead)
}

// claimDocEvents drains the core claims queue and counts events per upload.
func claimDocEvents(t *testing.T) map[string]int {
	counts := map[string]int{}
	for {
		out, err := local.Clients.SQS.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(local.Res.Queues["ClaimDocumentsQueue"]), MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			return counts
		}
		for _, m := range out.Messages {
			var ev struct {
				EventID     string
				ClaimNumber string
				Documents   []struct{ UploadID string }
			}
			if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &ev); err != nil {
				t.Errorf("core claims event %s: %v", aws.ToString(m.Body), err)
			}
			for _, d := range ev.Documents {
				counts[ev.ClaimNumber+"/"+d.UploadID]++
				// One document per event, under an ID every resend repeats.
				if ev.EventID != portal.AttachedEventID(d.UploadID) || len(ev.Documents) != 1 {
					t.Errorf("event %s for %d documents, want ID %s for one", ev.EventID, len(ev.Documents), portal.AttachedEventID(d.UploadID))
				}
			}
			_, _ = local.Clients.SQS.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{
				QueueUrl: aws.String(local.Res.Queues["ClaimDocumentsQueue"]), ReceiptHandle: m.ReceiptHandle})
		}
	}
}

func documents(t *testing.T, tok, claim string) []map[string]any {
	status, body := get(t, tok, "/claims/"+claim+"/documents")
	if status != 200 {
		t.Fatalf("documents of %s: %d %s", claim, status, body)
	}
	var out struct{ Documents []map[string]any }
	_ = json.Unmarshal(body, &out)
	return out.Documents
}

func TestDeniedClaimUploadAndRepeatedEvent(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	claimDocEvents(t) // start from an empty queue
	id := upload(t, a, "consent.pdf", filetypetest.PDF(0))
	waitChecked(t, a, id)
	status, body := call(t, a, "POST", "/claims/C10000000002/document-submissions",
		map[string]any{"contactEmail": "billing@example.org", "notes": "signed form attached", "uploadIds": []string{id}})
	if status != 201 || !strings.Contains(string(body), `"attached"`) {
		t.Fatalf("submission: %d %s", status, body)
	}
	// The same scan result delivered twice more changes nothing.
	ev, err := json.Marshal(malwarescan.Event{DetailType: malwarescan.DetailType, Source: malwarescan.Source,
		Detail: malwarescan.Detail{ScanStatus: "COMPLETED", S3ObjectDetails: malwarescan.ObjectDetails{
			BucketName: local.Res.Buckets["AttachmentsBucket"], ObjectKey: "uploads/" + id},
			ScanResultDetails: malwarescan.ResultDetails{ScanResultStatus: malwarescan.NoThreatsFound}}})
	if err != nil {
		t.Fatal(err)
	}
	if err := local.Feed(context.Background(), "UploadQueue", [][]byte{ev, ev}, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	var n int
	for _, d := range documents(t, a, "C10000000002") {
		if d["uploadId"] == id {
			n++
			if d["status"] != "accepted" || d["downloadUrl"] == nil {
				t.Errorf("document %v", d)
			}
			// The file downloads under the name the provider gave it, which
			// can hold a patient's name: stored with the object by its upload
			// form, never in the link.
			u, _ := d["downloadUrl"].(string)
			if strings.Contains(u, "consent") || strings.Contains(u, "response-content-disposition") {
				t.Errorf("download link %s", u)
			}
			resp, err := http.Get(u)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if cd := resp.Header.Get("Content-Disposition"); resp.StatusCode != 200 || cd != s3.Disposition("consent.pdf") || !strings.Contains(cd, "consent.pdf") {
				t.Errorf("download: %d, Content-Disposition %q", resp.StatusCode, cd)
			}
		}
	}
	if n != 1 {
		t.Errorf("the document is listed %d times on the claim, want once", n)
	}
	// The link pastes as it is: "&", not JSON's HTML-safe "\u0026".
	if _, raw := get(t, a, "/claims/C10000000002/documents"); !strings.Contains(string(raw), "&X-Amz-") || strings.Contains(string(raw), `\u0026`) {
		t.Errorf("download links are escaped: %s", raw)
	}
	if got := claimDocEvents(t)["C10000000002/"+id]; got != 1 {
		t.Errorf("core claims was told %d times, want once", got)
	}
	// A submitted file can no longer be deleted.
	if status, _ := call(t, a, "DELETE", "/uploads/"+id, nil); status != 409 {
		t.Errorf("delete of a submitted upload: %d, want 409", status)
	}
}

func TestDeniedClaimPathsNameTheAlternative(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	id := upload(t, a, "records.pdf", filetypetest.PDF(0))
	waitChecked(t, a, id)
	for claim, code := range map[string]string{
		"C10000000001": portal.CodeUploadNotOffered, // paid
		"C10000000004": portal.CodeUseAppeal,        // medical necessity
		"C10000000005": portal.CodeDentalByMailOrFax,
	} {
		status, body := call(t, a, "POST", "/claims/"+claim+"/document-submissions",
			map[string]any{"contactEmail": "billing@example.org", "uploadIds": []string{id}})
		var p struct{ Code string }
		_ = json.Unmarshal(body, &p)
		if status != 422 || p.Code != code {
			t.Errorf("%s: %d %s, want 422 %s", claim, status, body, code)
		}
	}
	// Delete Selected works before submission.
	if status, _ := call(t, a, "DELETE", "/uploads/"+id, nil); status != 204 {
		t.Errorf("delete: %d", status)
	}
	if status, _ := get(t, a, "/uploads/"+id); status != 404 {
		t.Errorf("deleted upload still answers %d", status)
	}
}

func feedClaim(t *testing.T, c portal.Claim) {
	b, _ := json.Marshal(map[string]any{"type": "claim", "claim": c})
	if err := local.Feed(context.Background(), "ClaimsFeedQueue", [][]byte{b}, 20*time.Second); err != nil {
		t.Fatal(err)
	}
}

func TestProactiveWithoutClaimNumberWaitsForALaterClaim(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	id, later := waitingForClaim(t)
	earlier := later
	earlier.Number, earlier.DateReceived = later.Number+"-E", later.DateReceived.AddDate(0, 0, -1) // received before the documents
	feedClaim(t, earlier)
	feedClaim(t, later)
	if docs := documents(t, a, earlier.Number); len(docs) != 0 {
		t.Errorf("documents attached to a claim received before them: %v", docs)
	}
	docs := documents(t, a, later.Number)
	if len(docs) != 1 || docs[0]["uploadId"] != id {
		t.Errorf("the later claim has %v, want the waiting document", docs)
	}
}

func TestProactiveRules(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	id := upload(t, a, "records.pdf", filetypetest.PDF(0))
	waitChecked(t, a, id)
	c := set.Claims[0] // C10000000001, provider A, member Avery
	form := func(change map[string]any) map[string]any {
		f := map[string]any{"memberId": c.MemberID, "serviceDate": c.ServiceFrom.String(), "submissionReason": "medical_records",
			"claimNumber": c.Number, "contactEmail": "billing@example.org", "uploadIds": []string{id}}
		for k, v := range change {
			f[k] = v
		}
		return f
	}
	for name, tc := range map[string]struct {
		change map[string]any
		status int
		code   string
	}{
		"service date not the claim's": {map[string]any{"serviceDate": c.ServiceFrom.AddDate(0, 0, 1).String()}, 422, portal.CodeServiceDateMismatch},
		"member not eligible":          {map[string]any{"serviceDate": portal.DateOf(time.Now()).AddDate(-5, 0, 0).String(), "claimNumber": ""}, 422, portal.CodeMemberNotEligible},
		"unknown reason":               {map[string]any{"submissionReason": "because"}, 400, portal.CodeInvalidReason},
		"bad email":                    {map[string]any{"contactEmail": "not-an-email"}, 400, portal.CodeInvalidEmail},
		"another provider's claim":     {map[string]any{"claimNumber": "C20000000001"}, 404, portal.CodeClaimNotFound},
	} {
		status, body := call(t, a, "POST", "/claim-attachments", form(tc.change))
		var p struct{ Code string }
		_ = json.Unmarshal(body, &p)
		if status != tc.status || p.Code != tc.code {
			t.Errorf("%s: %d %s, want %d %s", name, status, body, tc.status, tc.code)
		}
	}
	status, body := call(t, a, "POST", "/claim-attachments", form(nil))
	if status != 201 || !strings.Contains(string(body), `"attached"`) {
		t.Errorf("valid submission with claim number: %d %s", status, body)
	}
}

func TestAnotherProviderCanNeitherSeeNorAttach(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	b := token(t, sampledata.ProviderB.TIN)
	idA := upload(t, a, "a.pdf", filetypetest.PDF(0))
	idB := upload(t, b, "b.pdf", filetypetest.PDF(0))
	waitChecked(t, a, idA)
	waitChecked(t, b, idB)
	for name, st := range map[string]int{
		"B reads A's claim documents": func() int { s, _ := get(t, b, "/claims/C10000000003/documents"); return s }(),
		"B reads A's upload":          func() int { s, _ := get(t, b, "/uploads/"+idA); return s }(),
		"B deletes A's upload":        func() int { s, _ := call(t, b, "DELETE", "/uploads/"+idA, nil); return s }(),
		"B sends documents to A's claim": func() int {
			s, _ := call(t, b, "POST", "/claims/C10000000003/document-submissions", map[string]any{"contactEmail": "x@example.org", "uploadIds": []string{idB}})
			return s
		}(),
		"B submits A's upload on B's claim": func() int {
			s, _ := call(t, b, "POST", "/claims/C20000000002/document-submissions", map[string]any{"contactEmail": "x@example.org", "uploadIds": []string{idA}})
			return s
		}(),
	} {
		if st != 404 {
			t.Errorf("%s: %d, want 404", name, st)
		}
	}
	if v := waitChecked(t, a, idA); v.ClaimNumber != "" {
		t.Errorf("A's upload was attached by B: %+v", v)
	}
}

func postWithKey(t *testing.T, tok, target, key string, body any) (int, []byte) {
	return rawCall(t, tok, "POST", target, body, "Idempotency-Key", key)
}

func TestRetriesWithIdempotencyKeyReturnTheFirstResult(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	key := fmt.Sprintf("retry-%d", time.Now().UnixNano())
	req := map[string]any{"fileName": "consent.pdf", "size": 100}
	s1, b1 := postWithKey(t, a, "/uploads", key, req)
	s2, b2 := postWithKey(t, a, "/uploads", key, req)
	var u1, u2 uploadCreated
	_ = json.Unmarshal(b1, &u1)
	_ = json.Unmarshal(b2, &u2)
	if s1 != 201 || s2 != 201 || u1.Upload.UploadID == "" || u1.Upload.UploadID != u2.Upload.UploadID {
		t.Fatalf("retry made a second upload: %d %s / %d %s", s1, b1, s2, b2)
	}
	req["size"] = 200
	if s, b := postWithKey(t, a, "/uploads", key, req); s != 422 || !strings.Contains(string(b), portal.CodeIdempotencyKeyReused) {
		t.Errorf("same key, other request: %d %s", s, b)
	}
	// Another provider's identical key is another key.
	if s, _ := postWithKey(t, token(t, sampledata.ProviderB.TIN), "/uploads", key, map[string]any{"fileName": "x.pdf", "size": 1}); s != 201 {
		t.Errorf("provider B with A's key: %d", s)
	}

	id := upload(t, a, "records.pdf", filetypetest.PDF(0))
	waitChecked(t, a, id)
	sub := map[string]any{"contactEmail": "billing@example.org", "uploadIds": []string{id}}
	s1, b1 = postWithKey(t, a, "/claims/C10000000003/document-submissions", key+"-sub", sub)
	s2, b2 = postWithKey(t, a, "/claims/C10000000003/document-submissions", key+"-sub", sub)
	if s1 != 201 || s2 != 201 || string(b1) != string(b2) {
		t.Errorf("retried submission: %d %s / %d %s", s1, b1, s2, b2)
	}
}

// A file may be submitted before it has arrived: the claim lists it as
// pending, and once the processor accepts it, core claims is told once.
func TestSubmittedBeforeTheFileArrives(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	claimDocEvents(t)
	c := newUpload(t, a, "records.pdf", len(filetypetest.PDF(0)))
	status, body := call(t, a, "POST", "/claims/C10000000003/document-submissions",
		map[string]any{"contactEmail": "billing@example.org", "uploadIds": []string{c.Upload.UploadID}})
	if status != 201 || !strings.Contains(string(body), `"pending"`) {
		t.Fatalf("submission of a pending upload: %d %s", status, body)
	}
	statusOf := func() any {
		for _, d := range documents(t, a, "C10000000003") {
			if d["uploadId"] == c.Upload.UploadID {
				return d["status"]
			}
		}
		return nil
	}
	if s := statusOf(); s != "pending" {
		t.Errorf("before the file: listed as %v, want pending", s)
	}
	if resp := postForm(t, c.Form, nil, filetypetest.PDF(0)); resp.StatusCode >= 300 {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	waitChecked(t, a, c.Upload.UploadID)
	if s := statusOf(); s != "accepted" {
		t.Errorf("after the file: listed as %v, want accepted", s)
	}
	if n := claimDocEvents(t)["C10000000003/"+c.Upload.UploadID]; n != 1 {
		t.Errorf("core claims told %d times, want once", n)
	}
}

// A file that lands for an upload deleted in the meantime does not stay.
func TestFileForADeletedUploadIsRemoved(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	c := newUpload(t, a, "late.pdf", len(filetypetest.PDF(0)))
	if status, _ := call(t, a, "DELETE", "/uploads/"+c.Upload.UploadID, nil); status != 204 {
		t.Fatalf("delete: %d", status)
	}
	if resp := postForm(t, c.Form, nil, filetypetest.PDF(0)); resp.StatusCode >= 300 {
		t.Fatalf("upload: %d", resp.StatusCode)
	}
	waitGone(t, "uploads/"+c.Upload.UploadID)
}

// A page with several files polls their status in one call; another
// provider's upload is as unknown as a missing one.
func TestStatusOfSeveralUploadsAtOnce(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	pdf := upload(t, a, "records.pdf", filetypetest.PDF(0))
	prog := upload(t, a, "invoice.pdf", filetypetest.Executable())
	theirs := upload(t, token(t, sampledata.ProviderB.TIN), "b.pdf", filetypetest.PDF(0))
	waitChecked(t, a, pdf)
	waitChecked(t, a, prog)
	status, body := get(t, a, "/uploads?ids="+pdf+","+theirs+","+prog)
	var out struct {
		Uploads  []uploadView
		NotFound []string
	}
	if err := json.Unmarshal(body, &out); err != nil || status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	if len(out.Uploads) != 2 || out.Uploads[0].UploadID != pdf || out.Uploads[0].Status != "accepted" ||
		out.Uploads[1].UploadID != prog || out.Uploads[1].Status != "rejected" || out.Uploads[1].RejectCode != portal.CodeFileIsProgram {
		t.Errorf("uploads %+v", out.Uploads)
	}
	if len(out.NotFound) != 1 || out.NotFound[0] != theirs {
		t.Errorf("not found %v, want provider B's upload", out.NotFound)
	}
	for _, bad := range []string{"/uploads", "/uploads?ids=", "/uploads?ids=" + strings.Repeat(pdf+",", 20) + pdf, "/uploads?ids=" + pdf + "&colour=blue"} {
		if status, body := get(t, a, bad); status != 400 {
			t.Errorf("%s: %d %s, want 400", bad, status, body)
		}
	}
}

// Deleting a file removes every version of it in a versioned bucket, as the
// template's is, and nothing of a key that merely shares its prefix.
func TestDeleteRemovesEveryVersion(t *testing.T) {
	ctx := context.Background()
	bucket := "versions-test-" + strings.ToLower(portal.NewID()[:8])
	if _, err := local.Clients.S3.CreateBucket(ctx, &awss3.CreateBucketInput{Bucket: &bucket}); err != nil {
		t.Fatal(err)
	}
	if _, err := local.Clients.S3.PutBucketVersioning(ctx, &awss3.PutBucketVersioningInput{Bucket: &bucket,
		VersioningConfiguration: &s3types.VersioningConfiguration{Status: s3types.BucketVersioningStatusEnabled}}); err != nil {
		t.Fatal(err)
	}
	put := func(key, body string) {
		if _, err := local.Clients.S3.PutObject(ctx, &awss3.PutObjectInput{Bucket: &bucket, Key: &key, Body: strings.NewReader(body)}); err != nil {
			t.Fatal(err)
		}
	}
	versions := func(key string) int {
		out, err := local.Clients.S3.ListObjectVersions(ctx, &awss3.ListObjectVersionsInput{Bucket: &bucket, Prefix: &key})
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, v := range out.Versions {
			if aws.ToString(v.Key) == key {
				n++
			}
		}
		for _, m := range out.DeleteMarkers {
			if aws.ToString(m.Key) == key {
				n++
			}
		}
		return n
	}
	put("uploads/doc", "first, checked")
	put("uploads/doc", "second, posted later")
	put("uploads/doc-other", "another upload")
	if n := versions("uploads/doc"); n != 2 {
		t.Fatalf("%d versions stored, want 2: the bucket does not keep versions", n)
	}
	f := s3.New(local.Clients.S3, bucket, "uploads/", time.Minute, time.Minute)
	if err := f.Delete(ctx, "uploads/doc"); err != nil {
		t.Fatal(err)
	}
	if n := versions("uploads/doc"); n != 0 {
		t.Errorf("%d versions or markers left after delete, want none", n)
	}
	if n := versions("uploads/doc-other"); n != 1 {
		t.Errorf("the key sharing the prefix has %d versions, want its 1", n)
	}
}

// The same Document Upload form sent twice without an Idempotency-Key (a
// double click, or a retry whose answer was lost) is answered with the first
// submission, not 409: it went through.
func TestTheSameSubmissionTwiceIsTheFirst(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	id := upload(t, a, "records.pdf", filetypetest.PDF(0))
	waitChecked(t, a, id)
	form := map[string]any{"contactEmail": "billing@example.org", "notes": "stay records", "uploadIds": []string{id}}
	var first, second struct{ SubmissionID, Status string }
	s1, b1 := call(t, a, "POST", "/claims/C10000000003/document-submissions", form)
	s2, b2 := call(t, a, "POST", "/claims/C10000000003/document-submissions", form)
	_ = json.Unmarshal(b1, &first)
	_ = json.Unmarshal(b2, &second)
	if s1 != 201 || s2 != 201 || first.SubmissionID == "" || second.SubmissionID != first.SubmissionID || second.Status != "attached" {
		t.Errorf("twice: %d %s / %d %s", s1, b1, s2, b2)
	}
	form["notes"] = "another form"
	if s, b := call(t, a, "POST", "/claims/C10000000003/document-submissions", form); s != 409 || !strings.Contains(string(b), portal.CodeUploadSubmitted) {
		t.Errorf("another form for the same file: %d %s", s, b)
	}
}
