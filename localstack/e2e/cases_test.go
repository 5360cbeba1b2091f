package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/shared/letters/letterstest"
	"github.com/openpayer/provider-portal/shared/portal"
)

// caseStatus is a case's status; in a problem, "status" is the HTTP status
// and reads as its digits.
type caseStatus string

func (s *caseStatus) UnmarshalJSON(b []byte) error {
	*s = caseStatus(strings.Trim(string(b), `"`))
	return nil
}

type caseView struct {
	Status                              caseStatus
	CaseID, ClaimNumber, Missing, Notes string
	Documents                           []string
	History                             []struct{ Status, Note string }
	Letters                             []struct{ DocumentID, Type string }
	Decision                            *struct{ Outcome, Amount string }
	Errors                              map[string]string
	OpenCaseID                          string
	DocumentUploadPath                  string
	Code                                string
}

func decode[T any](t *testing.T, body []byte) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	return v
}

func familyOf(id string) string {
	if strings.HasPrefix(id, "DP-") {
		return "/disputes/"
	}
	return "/appeals/"
}

// freshDenial feeds a claim of provider C's, denied as a duplicate ten days
// ago, that no other test uses.
func freshDenial(t testing.TB) string {
	return freshClaim(t, portal.DenialReason{Code: "DUP", Text: "Duplicate of a claim already processed"})
}

// freshClaim feeds a claim of provider C's, denied for why ten days ago,
// that no other test uses.
func freshClaim(t testing.TB, why portal.DenialReason) string {
	return freshClaims(t, 1, why)[0]
}

// freshClaims feeds n claims of provider C's, denied for why ten days ago,
// that no other test uses.
func freshClaims(t testing.TB, n int, why portal.DenialReason) []string {
	today := portal.DateOf(time.Now())
	var numbers []string
	var feed [][]byte
	for i := range n {
		number := fmt.Sprintf("C39%09d", (time.Now().UnixNano()+int64(i))%1e9)
		c := portal.Claim{Number: number, Type: portal.ClaimProfessional, MemberID: sampledata.MemberAvery, PlanID: portal.KYMarketplace.ID,
			Patient:         portal.Patient{FirstName: "Avery", LastName: "Sample-Quinn", DateOfBirth: portal.MustDate("1984-03-07")},
			BillingProvider: sampledata.ProviderC, ServiceFrom: today.AddDate(0, 0, -40), ServiceTo: today.AddDate(0, 0, -40),
			DateReceived: today.AddDate(0, 0, -30), ProcessedDate: today.AddDate(0, 0, -10), Status: portal.ClaimDenied,
			Denial: why, TotalCharged: 30000, Version: 1,
			Lines: []portal.ClaimLine{{LineNumber: 1, ServiceFrom: today.AddDate(0, 0, -40), ServiceTo: today.AddDate(0, 0, -40), ProcedureCode: "99213",
				Units: 1, Charged: 30000, Status: portal.ClaimDenied, Denial: why}}}
		b, _ := json.Marshal(map[string]any{"type": "claim", "claim": c})
		numbers, feed = append(numbers, number), append(feed, b)
	}
	if err := local.Feed(context.Background(), "ClaimsFeedQueue", feed, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	return numbers
}

// letterText downloads a letter through its short-lived link and returns
// its text.
func letterText(t *testing.T, tok, id string) string {
	t.Helper()
	status, body := get(t, tok, "/documents/"+id)
	link := decode[struct{ DownloadURL string }](t, body)
	if status != 200 || strings.Contains(link.DownloadURL, "Avery") {
		t.Fatalf("letter %s: %d %s", id, status, body)
	}
	resp, err := http.Get(link.DownloadURL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("download: %d %v", resp.StatusCode, err)
	}
	// Named by its case and kind, not by an ID no one can read.
	if cd := resp.Header.Get("Content-Disposition"); !regexp.MustCompile(`^attachment; filename="(DP|AP)-\S+ (acknowledgement|decision|returned incomplete) letter\.pdf"$`).MatchString(cd) {
		t.Errorf("letter %s downloads as %q", id, cd)
	}
	return letterstest.Text(t, b)
}

func TestSampleCasesInEveryStatusWithTheirLetters(t *testing.T) {
	c, a := token(t, sampledata.ProviderC.TIN), token(t, sampledata.ProviderA.TIN)
	letters := map[portal.CaseStatus][]string{
		portal.CaseDraft: nil, portal.CaseReceived: {"acknowledgement"}, portal.CaseInReview: {"acknowledgement"},
		portal.CaseWithdrawn: {"acknowledgement"}, portal.CaseIncomplete: {"acknowledgement", "returned_incomplete"},
		portal.CaseDecided: {"acknowledgement", "decision"},
	}
	for st, want := range letters {
		id := sampleCases[st]
		status, body := get(t, c, familyOf(id)+id)
		v := decode[caseView](t, body)
		var got []string
		for _, l := range v.Letters {
			got = append(got, l.Type)
		}
		if status != 200 || string(v.Status) != string(st) || !slices.Equal(got, want) {
			t.Errorf("%s sample %s: %d status %s, letters %v, want %v", st, id, status, v.Status, got, want)
		}
		if status, _ := get(t, a, familyOf(id)+id); status != 404 {
			t.Errorf("provider A reads %s: %d", id, status)
		}
	}
	decided := decode[caseView](t, func() []byte { _, b := get(t, c, "/appeals/"+sampleCases[portal.CaseDecided]); return b }())
	if decided.Decision == nil || decided.Decision.Outcome != "partially_overturned" || decided.Decision.Amount != "120.00" {
		t.Errorf("the decided sample: %+v", decided.Decision)
	}
	if text := letterText(t, c, decided.Letters[1].DocumentID); !strings.Contains(text, "$120.00 will be paid") || !strings.Contains(text, decided.CaseID) {
		t.Errorf("the decision letter says: %s", text)
	}
}

// Every window edge of the sample data, and every redirect, through the API.
func TestWindowEdgesAndRedirectsOnTheSampleClaims(t *testing.T) {
	c, a := token(t, sampledata.ProviderC.TIN), token(t, sampledata.ProviderA.TIN)
	dispute := func(tok, claim, category string) (int, caseView) {
		status, body := call(t, tok, "POST", "/disputes", map[string]any{"claimNumber": claim, "disputeType": "denial",
			"issueCategory": category, "contactName": "Robin Edge", "notes": "Please look again."})
		return status, decode[caseView](t, body)
	}
	appeal := func(tok, claim, kind string) (int, caseView) {
		status, body := call(t, tok, "POST", "/appeals", map[string]any{"claimNumber": claim, "appealType": kind, "draft": true})
		return status, decode[caseView](t, body)
	}
	for _, e := range sampledata.EdgeClaims(portal.DateOf(time.Now())) {
		var status int
		var v caseView
		closed := portal.CodeAppealWindowClosed
		switch {
		case strings.HasPrefix(e.Rule, "dispute"):
			status, v = dispute(c, e.Number, "claim_dispute_medical")
			closed = portal.CodeDisputeWindowClosed
		case strings.HasPrefix(e.Rule, "claim appeal"):
			status, v = appeal(c, e.Number, "claim_appeal")
		case strings.HasPrefix(e.Rule, "clinical appeal"):
			status, v = appeal(c, e.Number, "clinical_appeal")
		default:
			continue
		}
		// Open: filed (or, for a claim whose sample dispute is open, 409:
		// the window let it through to the one-open-case rule).
		if e.Open && status != 201 && !(status == 409 && v.Code == portal.CodeCaseOpen) {
			t.Errorf("%s (%s): %d %+v, want it filed", e.Rule, e.Number, status, v)
		}
		if !e.Open && (status != 422 || v.Code != closed) {
			t.Errorf("%s (%s): %d %s, want 422 %s", e.Rule, e.Number, status, v.Code, closed)
		}
	}
	for _, tc := range []struct {
		name string
		do   func() (int, caseView)
		code string
	}{
		{"dental dispute", func() (int, caseView) { return dispute(a, "C10000000005", "claim_dispute_medical") }, portal.CodeDentalByMailOrFax},
		{"dental appeal", func() (int, caseView) { return appeal(a, "C10000000005", "claim_appeal") }, portal.CodeDentalByMailOrFax},
		{"pending claim", func() (int, caseView) { return dispute(a, "C10000000006", "claim_dispute_medical") }, portal.CodeClaimNotAdjudicated},
		{"overpayment", func() (int, caseView) { return dispute(c, "C30000000003", "overpayment") }, portal.CodeUseClaimRecovery},
		{"medical necessity disputed", func() (int, caseView) { return dispute(c, "C30000000007", "claim_dispute_medical") }, portal.CodeUseAppeal},
		{"consent form", func() (int, caseView) { return dispute(a, "C10000000002", "claim_dispute_medical") }, portal.CodeUploadRecordsOnClaim},
		{"hospital records", func() (int, caseView) { return dispute(a, "C10000000003", "claim_dispute_medical") }, portal.CodeUploadRecordsOnClaim},
		{"consent form appealed", func() (int, caseView) { return appeal(a, "C10000000002", "claim_appeal") }, portal.CodeUploadRecordsOnClaim},
		{"hospital records appealed", func() (int, caseView) { return appeal(a, "C10000000003", "clinical_appeal") }, portal.CodeUploadRecordsOnClaim},
		{"claim appeal of medical necessity", func() (int, caseView) { return appeal(c, "C30000000007", "claim_appeal") }, portal.CodeUseClinicalAppeal},
		{"clinical appeal of a duplicate", func() (int, caseView) { return appeal(c, "C30000000005", "clinical_appeal") }, portal.CodeUseClaimAppeal},
		{"appeal of a payment", func() (int, caseView) { return appeal(c, "C30000000003", "claim_appeal") }, portal.CodeAppealNeedsDenial},
	} {
		if status, v := tc.do(); status != 422 || v.Code != tc.code {
			t.Errorf("%s: %d %s, want 422 %s", tc.name, status, v.Code, tc.code)
		}
	}
	if status, v := dispute(a, "C10000000002", "claim_dispute_medical"); status != 422 || v.DocumentUploadPath != "/claims/C10000000002/document-submissions" || v.Errors["claimNumber"] == "" {
		t.Errorf("the consent-form refusal does not link the claim's Document Upload: %d %+v", status, v)
	}
	// Another provider's claim is not found, never refused by a rule.
	if status, v := dispute(a, "C30000000001", "claim_dispute_medical"); status != 404 || v.Code != portal.CodeClaimNotFound {
		t.Errorf("provider A disputes C's claim: %d %s", status, v.Code)
	}
}

// A dispute with its document, retried; a second one refused; the appeals
// system told; the acknowledgement listed and downloaded; documents after
// submit; status by claim and by ID; another provider shut out; the
// decision round trip through the queues, with its letter.
func TestDisputeRoundTripThroughTheQueues(t *testing.T) {
	c, a := token(t, sampledata.ProviderC.TIN), token(t, sampledata.ProviderA.TIN)
	claim := freshDenial(t)
	drain(t, "AppealsQueue")
	doc := newUpload(t, c, "notes.pdf", 2048).Upload.UploadID
	form := map[string]any{"claimNumber": claim, "disputeType": "denial", "issueCategory": "claim_dispute_medical",
		"contactName": "Robin Edge", "notes": "Not a duplicate: a second visit the same day.", "uploadIds": []string{doc}}
	key := portal.NewID()
	status, body := postWithKey(t, c, "/disputes", key, form)
	first := decode[caseView](t, body)
	if status != 201 || first.Status != "received" || !slices.Equal(first.Documents, []string{doc}) || len(first.Letters) != 1 {
		t.Fatalf("submit: %d %s", status, body)
	}
	id := first.CaseID
	if status, again := postWithKey(t, c, "/disputes", key, form); status != 201 || decode[caseView](t, again).CaseID != id {
		t.Errorf("a retry with the same key: %d %s", status, again)
	}
	form["uploadIds"] = []string{}
	if status, body := call(t, c, "POST", "/disputes", form); status != 409 || decode[caseView](t, body).OpenCaseID != id {
		t.Errorf("a second open dispute: %d %s", status, body)
	}
	events := drain(t, "AppealsQueue")
	if len(events) != 1 {
		t.Fatalf("the appeals system got %d events, want the submission once: %v", len(events), events)
	}
	for eventID, b := range events {
		if !strings.Contains(b, portal.EventCaseSubmitted) || !strings.Contains(b, id) || !strings.Contains(b, doc) || !strings.Contains(b, eventID) {
			t.Errorf("the submission event: %s", b)
		}
	}
	// The acknowledgement, listed at once and readable at once: the
	// dispute function records it, and the first download renders and
	// stores it (or the case-events sweep does, whichever comes first).
	ack := first.Letters[0].DocumentID
	type listed struct {
		Documents []struct {
			DocumentID string
			Ready      bool
		}
	}
	ackListed := func() (found, ready bool) {
		status, body := get(t, c, "/documents?type=acknowledgement&limit=5")
		for _, d := range decode[listed](t, body).Documents {
			if status == 200 && d.DocumentID == ack {
				return true, d.Ready
			}
		}
		return false, false
	}
	if found, _ := ackListed(); !found {
		t.Errorf("the acknowledgement is not listed")
	}
	text := letterText(t, c, ack)
	for _, w := range []string{"We received your claim dispute " + id, claim, "Decision expected by", sampledata.ProviderC.Name} {
		if !strings.Contains(text, w) {
			t.Errorf("the acknowledgement does not say %q: %s", w, text)
		}
	}
	if found, ready := ackListed(); !found || !ready {
		t.Errorf("after its first download, the acknowledgement is not listed as stored: %v %v", found, ready)
	}
	// A document after submit.
	more := newUpload(t, c, "more.pdf", 1024).Upload.UploadID
	if status, body := call(t, c, "POST", "/disputes/"+id+"/documents", map[string]any{"uploadIds": []string{more}}); status != 200 ||
		!slices.Contains(decode[caseView](t, body).Documents, more) {
		t.Errorf("add a document: %d %s", status, body)
	}
	if events := drain(t, "AppealsQueue"); len(events) != 1 || !strings.Contains(fmt.Sprint(events), portal.EventCaseDocumentsAdded) {
		t.Errorf("the addition's event: %v", events)
	}
	// Status by claim and by ID; provider A sees none of it.
	if status, body := get(t, c, "/disputes?claimNumber="+claim); status != 200 || !strings.Contains(string(body), id) {
		t.Errorf("by claim: %d %s", status, body)
	}
	for _, target := range []string{"/disputes/" + id, "/documents/" + ack, "/appeals/" + id} {
		if status, _ := get(t, a, target); status != 404 {
			t.Errorf("provider A: GET %s answers %d", target, status)
		}
	}
	if status, _ := call(t, a, "POST", "/disputes/"+id+"/withdraw", nil); status != 404 {
		t.Errorf("provider A withdraws it: %d", status)
	}
	if status, body := get(t, a, "/disputes?claimNumber="+claim); status != 200 || strings.Contains(string(body), id) {
		t.Errorf("provider A lists it: %d %s", status, body)
	}
	// The decision: applied once; a late acknowledgement, a malformed one
	// and one for no case change nothing; the two bad ones are parked.
	drain(t, "CaseDecisionsDLQ")
	upheld := sampledata.CaseDecision(id, portal.OutcomeUpheld, time.Now())
	late := sampledata.CaseDecision(id, portal.OutcomeAcknowledged, time.Now().Add(-time.Minute))
	malformed := []byte(`{"decisionId":"X-1","caseId":"` + id + `","outcome":"approved","decidedAt":"2026-11-25T09:00:00Z"}`)
	unknown := sampledata.CaseDecision("DP-ZZZZ-ZZZZ", portal.OutcomeUpheld, time.Now())
	// Sent after the decision is in: standard SQS promises no order.
	if err := local.Feed(context.Background(), "CaseDecisionsQueue", [][]byte{upheld, upheld}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := local.Feed(context.Background(), "CaseDecisionsQueue", [][]byte{late, malformed, unknown}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	status, body = get(t, c, "/disputes/"+id)
	v := decode[caseView](t, body)
	if status != 200 || v.Status != "decided" || v.Decision == nil || v.Decision.Outcome != "upheld" || len(v.Letters) != 2 || v.Letters[1].Type != "decision" {
		t.Fatalf("after the decisions: %d %s", status, body)
	}
	if text := letterText(t, c, v.Letters[1].DocumentID); !strings.Contains(text, "upheld our earlier decision") || !strings.Contains(text, "Reason:") {
		t.Errorf("the decision letter says: %s", text)
	}
	url := local.Res.Queues["CaseDecisionsDLQ"]
	out, err := local.Clients.SQS.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10,
		WaitTimeSeconds: 1, MessageAttributeNames: []string{"All"}})
	if err != nil {
		t.Fatal(err)
	}
	codes := dlqCodes(out.Messages)
	slices.Sort(codes)
	if !slices.Equal(codes, []string{portal.CodeCaseNotFound, portal.CodeInvalidOutcome}) {
		t.Errorf("parked: %v", codes)
	}
	for _, m := range out.Messages {
		if r := aws.ToString(m.MessageAttributes["ErrorReason"].StringValue); strings.Contains(r, "ZZZZ") {
			t.Errorf("a reason echoes a value: %q", r)
		}
	}
	// Decided: it takes no more documents, and the claim is free again.
	if status, body := call(t, c, "POST", "/disputes/"+id+"/documents", map[string]any{"uploadIds": []string{newUpload(t, c, "late.pdf", 10).Upload.UploadID}}); status != 409 {
		t.Errorf("documents after the decision: %d %s", status, body)
	}
	if status, body := call(t, c, "POST", "/disputes", form); status != 201 {
		t.Errorf("a new dispute after the decision: %d %s", status, body)
	}
}

// The Appeal form: Save, Save again, Submit, a second one refused, Cancel
// Appeal, and the appeals system told of each change it must hear about.
func TestAppealDraftSubmitAndCancel(t *testing.T) {
	c := token(t, sampledata.ProviderC.TIN)
	claim := freshDenial(t)
	drain(t, "AppealsQueue")
	status, body := call(t, c, "POST", "/appeals", map[string]any{"claimNumber": claim, "appealType": "claim_appeal", "draft": true})
	draft := decode[caseView](t, body)
	if status != 201 || draft.Status != "draft" || len(draft.Letters) != 0 {
		t.Fatalf("save: %d %s", status, body)
	}
	id := draft.CaseID
	if status, body := call(t, c, "POST", "/appeals/"+id+"/submit", nil); status != 422 || decode[caseView](t, body).Errors["notes"] == "" {
		t.Errorf("submit an unfinished draft: %d %s", status, body)
	}
	form := map[string]any{"claimNumber": claim, "appealType": "claim_appeal", "notes": "A second visit, not a duplicate.",
		"reasons": map[string]any{"new_information": map[string]any{"answer": "yes"}, "policy_misapplied": map[string]any{"answer": "no"}}}
	if status, body := call(t, c, "PUT", "/appeals/"+id, form); status != 200 || decode[caseView](t, body).Notes == "" {
		t.Errorf("save again: %d %s", status, body)
	}
	form["appealType"] = "clinical_appeal"
	if status, body := call(t, c, "PUT", "/appeals/"+id, form); status != 409 {
		t.Errorf("change the draft's type: %d %s", status, body)
	}
	if events := drain(t, "AppealsQueue"); len(events) != 0 {
		t.Errorf("the appeals system heard of a draft: %v", events)
	}
	status, body = call(t, c, "POST", "/appeals/"+id+"/submit", nil)
	if v := decode[caseView](t, body); status != 200 || v.Status != "received" || len(v.Letters) != 1 {
		t.Fatalf("submit: %d %s", status, body)
	}
	form["appealType"] = "claim_appeal"
	if status, body := call(t, c, "POST", "/appeals", form); status != 409 || decode[caseView](t, body).OpenCaseID != id {
		t.Errorf("a second open appeal: %d %s", status, body)
	}
	if status, body := call(t, c, "POST", "/appeals/"+id+"/withdraw", nil); status != 200 || decode[caseView](t, body).Status != "withdrawn" {
		t.Errorf("cancel: %d %s", status, body)
	}
	events := fmt.Sprint(drain(t, "AppealsQueue"))
	if !strings.Contains(events, portal.EventCaseSubmitted) || !strings.Contains(events, portal.EventCaseWithdrawn) {
		t.Errorf("the appeals system heard: %s", events)
	}
	if status, body := call(t, c, "POST", "/appeals", form); status != 201 {
		t.Errorf("a new appeal after the cancel: %d %s", status, body)
	}
}
