package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"slices"
	"testing"
	"time"

	openapi_types "github.com/oapi-codegen/runtime/types"

	"github.com/openpayer/provider-portal/localstack/apiclient"
	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/shared/filetype/filetypetest"
	"github.com/openpayer/provider-portal/shared/portal"
)

// generatedClient is the Go client oapi-codegen generates from the OpenAPI
// document (make client), signed in as the provider with that TIN.
func generatedClient(t *testing.T, tin string) *apiclient.ClientWithResponses {
	t.Helper()
	tok := token(t, tin)
	c, err := apiclient.NewClientWithResponses(api.URL, apiclient.WithRequestEditorFn(func(_ context.Context, r *http.Request) error {
		r.Header.Set("Authorization", "Bearer "+tok)
		return nil
	}))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// must fails the test unless the call answered want, naming the problem
// when there was one.
func must(t *testing.T, what string, err error, resp *http.Response, body []byte, want int) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s: %d, want %d: %s", what, resp.StatusCode, want, body)
	}
}

// key is a fresh Idempotency-Key, as a client makes one per form sent.
func key(what string) *string {
	k := fmt.Sprintf("%s-%d", what, time.Now().UnixNano())
	return &k
}

// The whole journey a mobile team builds, through the typed methods and
// models a client generated from the OpenAPI document gives it: claim
// search and detail, an upload through the presigned form and its status,
// Document Upload and Claim Attachment, coverage and COB, a retro
// authorization, a dispute, an appeal saved as a draft and submitted, and
// the letters under Provider Documents. A change to the document that
// breaks a generated client fails here (or does not compile).
func TestTheJourneyThroughAGeneratedClient(t *testing.T) {
	ctx := context.Background()
	c := generatedClient(t, sampledata.ProviderC.TIN)
	claims := freshClaims(t, 3, portal.DenialReason{Code: "DUP", Text: "Duplicate of a claim already processed"})
	consentClaim := freshClaim(t, portal.DenialReason{Code: "ESC", Text: "Disallow; consent form required"})

	provider, err := c.GetProviderWithResponse(ctx)
	must(t, "the provider", err, provider.HTTPResponse, provider.Body, 200)
	if provider.JSON200.Tin != sampledata.ProviderC.TIN {
		t.Errorf("signed in as %s", provider.JSON200.Tin)
	}

	// Claim search by body, and the detail with what it offers.
	search, err := c.SearchClaimsByBodyWithResponse(ctx, apiclient.ClaimSearchRequest{ClaimNumber: &claims[0]})
	must(t, "claim search", err, search.HTTPResponse, search.Body, 200)
	if len(search.JSON200.Claims) != 1 || search.JSON200.Claims[0].ClaimNumber != claims[0] || search.JSON200.Claims[0].Status != apiclient.ClaimStatusDenied {
		t.Errorf("claim search: %+v", search.JSON200.Claims)
	}
	none, err := c.SearchClaimsByBodyWithResponse(ctx, apiclient.ClaimSearchRequest{})
	must(t, "a search with no method", err, none.HTTPResponse, none.Body, 400)
	if none.ApplicationproblemJSON400.Code != apiclient.ProblemCodeSEARCHMETHODREQUIRED {
		t.Errorf("a search with no method: %+v", none.ApplicationproblemJSON400)
	}
	detail, err := c.GetClaimWithResponse(ctx, consentClaim)
	must(t, "claim detail", err, detail.HTTPResponse, detail.Body, 200)
	if !detail.JSON200.DocumentUpload.Available {
		t.Fatalf("a consent-form denial offers no Document Upload: %+v", detail.JSON200.DocumentUpload)
	}

	// Uploads: a form, the file straight to storage, its status.
	uploadFile := func(name string) string {
		t.Helper()
		content := filetypetest.PDF(0)
		created, err := c.CreateUploadWithResponse(ctx, &apiclient.CreateUploadParams{IdempotencyKey: key("upload")},
			apiclient.UploadRequest{FileName: name, Size: len(content)})
		must(t, "an upload form", err, created.HTTPResponse, created.Body, 201)
		postUploadForm(t, created.JSON201.Form, content)
		id := created.JSON201.Upload.UploadId
		for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
			st, err := c.GetUploadsWithResponse(ctx, &apiclient.GetUploadsParams{Ids: id})
			must(t, "upload status", err, st.HTTPResponse, st.Body, 200)
			if len(st.JSON200.Uploads) != 1 {
				t.Fatalf("upload status: %+v", st.JSON200)
			}
			if s := st.JSON200.Uploads[0].Status; s != apiclient.UploadStatusPending {
				if s != apiclient.UploadStatusAccepted {
					t.Fatalf("upload %s: %s", id, s)
				}
				return id
			}
			if time.Now().After(deadline) {
				t.Fatalf("upload %s still pending", id)
			}
		}
	}

	// Document Upload on the denied claim, and its Attached Documents.
	signed := uploadFile("consent.pdf")
	sent, err := c.SubmitDeniedClaimDocumentsWithResponse(ctx, consentClaim, &apiclient.SubmitDeniedClaimDocumentsParams{IdempotencyKey: key("denied")},
		apiclient.DeniedClaimSubmission{ContactEmail: "billing@clinic.example", UploadIds: []string{signed}})
	must(t, "Document Upload", err, sent.HTTPResponse, sent.Body, 201)
	if sent.JSON201.Status != apiclient.SubmissionResultStatusAttached {
		t.Errorf("Document Upload: %+v", sent.JSON201)
	}
	docs, err := c.ListClaimDocumentsWithResponse(ctx, consentClaim)
	must(t, "Attached Documents", err, docs.HTTPResponse, docs.Body, 200)
	if !slices.ContainsFunc(docs.JSON200.Documents, func(d apiclient.ClaimDocument) bool { return d.UploadId == signed }) {
		t.Errorf("Attached Documents: %+v", docs.JSON200.Documents)
	}

	// Claim Attachment, before a claim is denied.
	serviceDate := openapi_types.Date{Time: portal.DateOf(time.Now()).AddDate(0, 0, -40).Time()}
	proactive, err := c.SubmitClaimAttachmentWithResponse(ctx, &apiclient.SubmitClaimAttachmentParams{IdempotencyKey: key("attach")},
		apiclient.ProactiveSubmission{MemberId: sampledata.MemberAvery, ServiceDate: serviceDate, ClaimNumber: &claims[2],
			SubmissionReason: apiclient.ProactiveSubmissionSubmissionReasonMedicalRecords, ContactEmail: "billing@clinic.example",
			UploadIds: []string{uploadFile("records.pdf")}})
	must(t, "Claim Attachment", err, proactive.HTTPResponse, proactive.Body, 201)

	// Coverage and COB on a date of service, then a retro authorization.
	retroDate := openapi_types.Date{Time: sampledata.RetroDate(portal.DateOf(time.Now())).Time()}
	member := sampledata.MemberAvery
	coverage, err := c.MemberCoverageByBodyWithResponse(ctx, apiclient.CoverageSearchRequest{MemberId: &member, DateOfService: retroDate})
	must(t, "coverage", err, coverage.HTTPResponse, coverage.Body, 200)
	if len(coverage.JSON200.Members) != 1 || !coverage.JSON200.Members[0].RetroAuthorization.Allowed {
		t.Fatalf("coverage: %+v", coverage.JSON200)
	}
	code := fmt.Sprintf("%04dT", time.Now().UnixNano()%10000)
	services := []apiclient.ServiceLine{{Code: code, Units: 1}}
	auth, err := c.SubmitAuthorizationWithResponse(ctx, &apiclient.SubmitAuthorizationParams{IdempotencyKey: key("auth")}, apiclient.AuthorizationRequest{
		MemberId: member, Type: apiclient.AuthTypeOutpatient, StartDate: retroDate, CobVerified: true,
		RequestingNpi: "1234567893", ServicingNpi: "1245319599", PlaceOfService: apiclient.PlaceOfServiceN11,
		Diagnoses: []string{"M25.561"}, Services: &services, ContactEmail: "auth@clinic.example"})
	must(t, "a retro authorization", err, auth.HTTPResponse, auth.Body, 201)
	got, err := c.GetAuthorizationWithResponse(ctx, auth.JSON201.AuthorizationId)
	must(t, "the request's status", err, got.HTTPResponse, got.Body, 200)
	if got.JSON200.Status != apiclient.AuthStatusReceived {
		t.Errorf("the request: %s", got.JSON200.Status)
	}

	// A dispute, then its status.
	dispute, err := c.SubmitDisputeWithResponse(ctx, &apiclient.SubmitDisputeParams{IdempotencyKey: key("dispute")}, apiclient.DisputeForm{
		ClaimNumber: claims[0], DisputeType: apiclient.DisputeFormDisputeTypeDenial, IssueCategory: apiclient.DisputeFormIssueCategoryClaimDisputeMedical,
		ContactName: "Dana Biller", Notes: "Two visits that day, not one billed twice."})
	must(t, "a dispute", err, dispute.HTTPResponse, dispute.Body, 201)
	again, err := c.SubmitDisputeWithResponse(ctx, &apiclient.SubmitDisputeParams{IdempotencyKey: key("dispute")}, apiclient.DisputeForm{
		ClaimNumber: claims[0], DisputeType: apiclient.DisputeFormDisputeTypeDenial, IssueCategory: apiclient.DisputeFormIssueCategoryClaimDisputeMedical,
		ContactName: "Dana Biller", Notes: "The same again."})
	must(t, "a second dispute", err, again.HTTPResponse, again.Body, 409)
	if p := again.ApplicationproblemJSON409; p.Code != apiclient.ProblemCodeCASEALREADYOPEN || p.OpenCaseId == nil || *p.OpenCaseId != dispute.JSON201.CaseId {
		t.Errorf("a second dispute: %+v", p)
	}
	status, err := c.GetDisputeWithResponse(ctx, dispute.JSON201.CaseId)
	must(t, "the dispute's status", err, status.HTTPResponse, status.Body, 200)
	if status.JSON200.Status != apiclient.CaseStatusReceived {
		t.Errorf("the dispute: %s", status.JSON200.Status)
	}

	// An appeal saved as a draft, finished, and submitted.
	draft := true
	draftResp, err := c.CreateAppealWithResponse(ctx, &apiclient.CreateAppealParams{IdempotencyKey: key("appeal")},
		apiclient.AppealForm{ClaimNumber: &claims[1], AppealType: apiclient.AppealFormAppealTypeClaimAppeal, Draft: &draft})
	must(t, "an appeal draft", err, draftResp.HTTPResponse, draftResp.Body, 201)
	id := draftResp.JSON201.CaseId
	notes := "A second visit, not a duplicate."
	saved, err := c.SaveAppealDraftWithResponse(ctx, id, apiclient.AppealForm{ClaimNumber: &claims[1], AppealType: apiclient.AppealFormAppealTypeClaimAppeal,
		Notes: &notes, Reasons: &apiclient.AppealReasons{NewInformation: &apiclient.AppealAnswer{Answer: apiclient.AppealAnswerAnswerYes},
			PolicyMisapplied: &apiclient.AppealAnswer{Answer: apiclient.AppealAnswerAnswerNo}}})
	must(t, "the draft saved", err, saved.HTTPResponse, saved.Body, 200)
	submitted, err := c.SubmitAppealWithResponse(ctx, id, &apiclient.SubmitAppealParams{IdempotencyKey: key("submit")})
	must(t, "the appeal submitted", err, submitted.HTTPResponse, submitted.Body, 200)
	if submitted.JSON200.Status != apiclient.CaseStatusReceived || len(submitted.JSON200.Letters) != 1 {
		t.Errorf("the appeal: %+v", submitted.JSON200)
	}

	// Provider Documents: both acknowledgements listed, and downloaded (a
	// letter not stored yet is rendered when asked for).
	ack := apiclient.LetterTypeAcknowledgement
	letters, err := c.ListDocumentsWithResponse(ctx, &apiclient.ListDocumentsParams{Type: &ack})
	must(t, "Provider Documents", err, letters.HTTPResponse, letters.Body, 200)
	found := map[string]string{}
	for _, l := range letters.JSON200.Documents {
		found[l.CaseId] = l.DocumentId
	}
	for _, caseID := range []string{dispute.JSON201.CaseId, id} {
		if found[caseID] == "" {
			t.Errorf("no acknowledgement of %s under Provider Documents", caseID)
			continue
		}
		dl, err := c.GetDocumentWithResponse(ctx, found[caseID])
		must(t, "a letter", err, dl.HTTPResponse, dl.Body, 200)
		if dl.JSON200.CaseId != caseID || !bytes.HasPrefix(download(t, dl.JSON200.DownloadUrl), []byte("%PDF-")) {
			t.Errorf("the acknowledgement of %s: %+v", caseID, dl.JSON200)
		}
	}
}

// postUploadForm posts content with the presigned form, as the document's
// UploadForm says: every field, then the file.
func postUploadForm(t *testing.T, form apiclient.UploadForm, content []byte) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range form.Fields {
		if err := mw.WriteField(k, v); err != nil {
			t.Fatal(err)
		}
	}
	fw, err := mw.CreateFormFile("file", "upload")
	if err == nil {
		_, err = fw.Write(content)
	}
	if err == nil {
		err = mw.Close()
	}
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Post(form.Url, mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 204 { // as UploadForm says
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("storage answered the upload %d, want 204: %s", resp.StatusCode, body)
	}
}

func download(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("download: %d %v", resp.StatusCode, err)
	}
	return b
}
