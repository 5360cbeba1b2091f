package cases_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/cases"
	"github.com/openpayer/provider-portal/shared/httpapi/httpapitest"
	"github.com/openpayer/provider-portal/shared/inmem"
	"github.com/openpayer/provider-portal/shared/portal"
)

var (
	now  = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	tinA = map[string]string{"custom:tin": "111111111", "sub": "user-a"}
	tinB = map[string]string{"custom:tin": "222222222", "sub": "user-b"}
)

// delivered records the IDs delivered at once; fail makes delivery fail.
type delivered struct {
	ids  []string
	fail bool
}

func (d *delivered) Deliver(_ context.Context, id string) error {
	if d.fail {
		return errors.New("injected: queue unavailable")
	}
	d.ids = append(d.ids, id)
	return nil
}

type world struct {
	logs           *bytes.Buffer
	disputes       httpapitest.BodyInvoker
	appeals        httpapitest.BodyInvoker
	events         *delivered
	disputeStore   *inmem.Cases
	appealStore    *inmem.Cases
	letterStore    *inmem.Letters
	authorizations *inmem.Authorizations
	uploads        *inmem.Attachments
}

func claim(number string, status portal.ClaimStatus, code string, processed portal.Date) portal.Claim {
	return portal.Claim{Number: number, Type: portal.ClaimProfessional, MemberID: "M-1", Version: 1,
		Patient:         portal.Patient{FirstName: "Avery", LastName: "Quinn", DateOfBirth: portal.MustDate("1980-02-03")},
		BillingProvider: portal.BillingProvider{TIN: "111111111", Name: "Quinn Family Clinic"},
		ServiceFrom:     processed.AddDate(0, 0, -20), ServiceTo: processed.AddDate(0, 0, -20), DateReceived: processed.AddDate(0, 0, -10),
		ProcessedDate: processed, Status: status, Denial: portal.DenialReason{Code: code}}
}

func setup(t *testing.T) world {
	t.Helper()
	ctx := context.Background()
	claims := &inmem.Claims{}
	today := portal.DateOf(now)
	for _, c := range []portal.Claim{
		claim("C-DUP", portal.ClaimDenied, "DUP", today.AddDate(0, 0, -10)),
		claim("C-PAID", portal.ClaimPaid, "", today.AddDate(0, 0, -10)),
		claim("C-OLD", portal.ClaimDenied, "DUP", today.AddDate(0, -24, -1)),
	} {
		if _, err := claims.UpsertClaim(ctx, &c); err != nil {
			t.Fatal(err)
		}
	}
	uploads, letters := &inmem.Attachments{}, &inmem.Letters{}
	disputes := &inmem.Cases{Attachments: uploads, Letters: letters}
	appeals := &inmem.Cases{Attachments: uploads, Letters: letters}
	logs, events := &bytes.Buffer{}, &delivered{}
	auths := &inmem.Authorizations{}
	deps := func(store cases.Store) cases.Deps {
		return cases.Deps{Log: slog.New(slog.NewJSONHandler(logs, nil)), Claims: claims, Authorizations: auths,
			Cases: store, Uploads: uploads, Events: events, Idempotency: &inmem.Idempotency{TTL: time.Hour}, Plan: portal.KYMarketplace,
			Now: func() time.Time { return now }}
	}
	return world{logs: logs, disputes: httpapitest.NewWithBody(t, cases.Disputes(deps(disputes))),
		appeals: httpapitest.NewWithBody(t, cases.Appeals(deps(appeals))), events: events,
		disputeStore: disputes, appealStore: appeals, letterStore: letters, authorizations: auths, uploads: uploads}
}

func body(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

type view struct {
	CaseID, Status, Code string
	Errors               map[string]string
	OpenCaseID           string
	Letters              []struct{ DocumentID string }
}

func decode(t *testing.T, resp events.APIGatewayV2HTTPResponse) view {
	t.Helper()
	var raw map[string]any
	if err := json.Unmarshal([]byte(resp.Body), &raw); err != nil {
		t.Fatalf("%v: %s", err, resp.Body)
	}
	if _, ok := raw["status"].(float64); ok { // a problem's status is the HTTP status
		raw["status"] = ""
	}
	b, _ := json.Marshal(raw)
	var v view
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func dispute(claim string) map[string]any {
	return map[string]any{"claimNumber": claim, "disputeType": "denial", "issueCategory": "claim_dispute_medical",
		"contactName": "Dana Biller", "notes": "Patient Avery Quinn was seen twice that day."}
}

func TestADisputeIsWrittenWithItsEventAndLetterAndDeliveredAtOnce(t *testing.T) {
	w := setup(t)
	resp := w.disputes("POST", "/disputes", body(t, dispute("C-DUP")), tinA)
	v := decode(t, resp)
	if resp.StatusCode != 201 || v.Status != "received" || len(v.Letters) != 1 {
		t.Fatalf("submit: %d %s", resp.StatusCode, resp.Body)
	}
	if len(w.events.ids) != 1 {
		t.Errorf("the event is not delivered at once: %v", w.events.ids)
	}
	// The letter's PDF is left to the case-events sweep or the first
	// download: the case function renders nothing.
	due, err := w.letterStore.DueLetters(context.Background(), now.Add(-time.Minute), now.Add(time.Minute), 10)
	if err != nil || len(due) != 1 || due[0].UploadID != v.Letters[0].DocumentID {
		t.Errorf("the letter is not recorded for the sweep: %v %v", due, err)
	}
	l, err := w.letterStore.Letter(context.Background(), "111111111", v.Letters[0].DocumentID)
	if err != nil || l.ProviderName != "Quinn Family Clinic" || l.DecisionDue != portal.DateOf(now).AddDate(0, 0, 30) {
		t.Errorf("the acknowledgement: %+v %v", l, err)
	}
	// A second open dispute: 409 naming the first; another provider: 404.
	if resp := w.disputes("POST", "/disputes", body(t, dispute("C-DUP")), tinA); resp.StatusCode != 409 || decode(t, resp).OpenCaseID != v.CaseID {
		t.Errorf("a second dispute: %d %s", resp.StatusCode, resp.Body)
	}
	if resp := w.disputes("GET", "/disputes/"+v.CaseID, "", tinB); resp.StatusCode != 404 {
		t.Errorf("provider B reads it: %d", resp.StatusCode)
	}
	// An appeal ID sent to /disputes is not found there.
	if resp := w.disputes("GET", "/disputes/AP-0000-0000", "", tinA); resp.StatusCode != 404 {
		t.Errorf("an appeal ID under /disputes: %d", resp.StatusCode)
	}
}

func TestWhatFailsToDeliverStaysRecordedForTheSweep(t *testing.T) {
	w := setup(t)
	w.events.fail = true
	resp := w.disputes("POST", "/disputes", body(t, dispute("C-DUP")), tinA)
	if resp.StatusCode != 201 {
		t.Fatalf("a delivery failure failed the submit: %d %s", resp.StatusCode, resp.Body)
	}
	due, err := w.disputeStore.DueOutbound(context.Background(), now.Add(-time.Minute), now.Add(time.Minute), 10)
	if err != nil || len(due) != 1 {
		t.Errorf("the event is not left for the sweep: %v %v", due, err)
	}
	letters, err := w.letterStore.DueLetters(context.Background(), now.Add(-time.Minute), now.Add(time.Minute), 10)
	if err != nil || len(letters) != 1 {
		t.Errorf("the letter is not left for the sweep: %v %v", letters, err)
	}
}

func TestRefusalsNameThePathAndWriteNothing(t *testing.T) {
	w := setup(t)
	for _, tc := range []struct {
		name, path string
		body       map[string]any
		status     int
		code       string
	}{
		{"24 months and a day", "/disputes", dispute("C-OLD"), 422, portal.CodeDisputeWindowClosed},
		{"overpayment", "/disputes", func() map[string]any { d := dispute("C-PAID"); d["issueCategory"] = "overpayment"; return d }(), 422, portal.CodeUseClaimRecovery},
		{"appeal of a payment", "/appeals", map[string]any{"claimNumber": "C-PAID", "appealType": "claim_appeal", "draft": true}, 422, portal.CodeAppealNeedsDenial},
		{"another provider's claim", "/disputes", dispute("C-DUP"), 404, portal.CodeClaimNotFound},
		{"no notes", "/disputes", func() map[string]any { d := dispute("C-DUP"); d["notes"] = " "; return d }(), 400, portal.CodeInvalidRequest},
		{"claim and authorization", "/appeals", map[string]any{"claimNumber": "C-DUP", "authorizationId": "RA-0000-0000", "appealType": "clinical_appeal", "draft": true}, 400, portal.CodeInvalidRequest},
	} {
		send, jwt := w.disputes, tinA
		if tc.path == "/appeals" {
			send = w.appeals
		}
		if tc.code == portal.CodeClaimNotFound {
			jwt = tinB
		}
		resp := send("POST", tc.path, body(t, tc.body), jwt)
		if v := decode(t, resp); resp.StatusCode != tc.status || v.Code != tc.code {
			t.Errorf("%s: %d %s, want %d %s", tc.name, resp.StatusCode, resp.Body, tc.status, tc.code)
		}
	}
	if len(w.events.ids) != 0 {
		t.Errorf("a refusal delivered something: %v", w.events.ids)
	}
}

// Names, notes and contact names are PHI or may hold it: no log line holds
// them, whatever the route.
func TestNoPHIInLogs(t *testing.T) {
	w := setup(t)
	v := decode(t, w.disputes("POST", "/disputes", body(t, dispute("C-DUP")), tinA))
	w.disputes("GET", "/disputes/"+v.CaseID, "", tinA)
	w.disputes("GET", "/disputes?claimNumber=C-DUP", "", tinA)
	w.appeals("POST", "/appeals", body(t, map[string]any{"claimNumber": "C-DUP", "appealType": "claim_appeal", "draft": true,
		"notes": "Avery Quinn's records attached."}), tinA)
	if w.logs.Len() == 0 {
		t.Fatal("nothing was logged: the test would prove nothing")
	}
	for _, phi := range []string{"Avery", "Quinn", "1980-02-03", "Dana", "Biller", "M-1"} {
		if strings.Contains(w.logs.String(), phi) {
			t.Errorf("the logs hold %q", phi)
		}
	}
}

// A retro authorization denied for medical necessity takes a clinical
// appeal, by its request ID; a claim appeal of it is refused.
func TestClinicalAppealOfADeniedAuthorization(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	a := &portal.Authorization{ID: "RA-7K3Q-9XH2", Provider: "111111111", Status: portal.AuthReceived, Version: 1,
		Request: portal.AuthorizationRequest{MemberID: "M-1", Type: portal.AuthOutpatient, StartDate: portal.DateOf(now).AddDate(0, 0, -30)}}
	if _, err := w.authorizations.CreateAuthorization(ctx, a, portal.OutboundEvent{ID: "e1", At: now}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := w.authorizations.ApplyDecision(ctx, portal.AuthDecision{DecisionID: "D-1", AuthorizationID: a.ID,
		Status: portal.AuthDenied, DecidedAt: now.Add(-24 * time.Hour), ReasonCode: "NMN"}); err != nil {
		t.Fatal(err)
	}
	form := map[string]any{"authorizationId": a.ID, "appealType": "clinical_appeal", "notes": "Conservative care was tried for 8 weeks.",
		"reasons": map[string]any{"new_information": map[string]any{"answer": "yes"}, "policy_misapplied": map[string]any{"answer": "no"}}}
	resp := w.appeals("POST", "/appeals", body(t, form), tinA)
	if v := decode(t, resp); resp.StatusCode != 201 || v.Status != "received" {
		t.Fatalf("appeal: %d %s", resp.StatusCode, resp.Body)
	}
	if resp := w.appeals("GET", "/appeals?authorizationId="+a.ID, "", tinA); resp.StatusCode != 200 || !strings.Contains(resp.Body, a.ID) {
		t.Errorf("status by request: %d %s", resp.StatusCode, resp.Body)
	}
	form["appealType"] = "claim_appeal"
	if resp := w.appeals("POST", "/appeals", body(t, form), tinA); resp.StatusCode != 400 {
		t.Errorf("a claim appeal of a request: %d %s", resp.StatusCode, resp.Body)
	}
	form["appealType"] = "clinical_appeal"
	if resp := w.appeals("POST", "/appeals", body(t, form), tinB); resp.StatusCode != 404 {
		t.Errorf("provider B appeals A's request: %d %s", resp.StatusCode, resp.Body)
	}
}

// A draft keeps only files its submit would take: another provider's upload,
// a refused one or one submitted elsewhere is refused when the draft is
// saved, with the problem submit would give, and nothing is saved.
func TestADraftKeepsOnlyFilesItsSubmitWouldTake(t *testing.T) {
	w := setup(t)
	ctx := context.Background()
	upload := func(id string, provider portal.ProviderID, status portal.UploadStatus) string {
		if err := w.uploads.CreateUpload(ctx, &portal.Attachment{ID: id, Provider: provider, Status: status, CreatedAt: now,
			FileName: "notes.pdf"}); err != nil {
			t.Fatal(err)
		}
		return id
	}
	mine := upload("UP-MINE", "111111111", portal.UploadAccepted)
	theirs := upload("UP-THEIRS", "222222222", portal.UploadAccepted)
	refused := upload("UP-REFUSED", "111111111", portal.UploadRejected)
	draft := func(ids ...string) map[string]any {
		return map[string]any{"claimNumber": "C-DUP", "appealType": "claim_appeal", "draft": true, "notes": "Draft.", "uploadIds": ids}
	}
	for name, tc := range map[string]struct {
		ids    []string
		status int
		code   string
	}{
		"another provider's": {[]string{mine, theirs}, 404, portal.CodeUploadNotFound},
		"unknown":            {[]string{"UP-NONE"}, 404, portal.CodeUploadNotFound},
		"refused":            {[]string{refused}, 422, portal.CodeUploadRejected},
	} {
		resp := w.appeals("POST", "/appeals", body(t, draft(tc.ids...)), tinA)
		if v := decode(t, resp); resp.StatusCode != tc.status || v.Code != tc.code || v.Errors["uploadIds"] == "" {
			t.Errorf("a new draft with %s upload: %d %s", name, resp.StatusCode, resp.Body)
		}
	}
	resp := w.appeals("POST", "/appeals", body(t, draft(mine)), tinA)
	v := decode(t, resp)
	if resp.StatusCode != 201 || v.Status != "draft" {
		t.Fatalf("a draft with the provider's own upload: %d %s", resp.StatusCode, resp.Body)
	}
	form := draft(mine, theirs)
	delete(form, "draft")
	resp = w.appeals("PUT", "/appeals/"+v.CaseID, body(t, form), tinA)
	if got := decode(t, resp); resp.StatusCode != 404 || got.Code != portal.CodeUploadNotFound {
		t.Errorf("saved again with another provider's upload: %d %s", resp.StatusCode, resp.Body)
	}
	c, err := w.appealStore.Case(ctx, "111111111", v.CaseID)
	if err != nil || len(c.Documents) != 1 || c.Documents[0] != mine {
		t.Errorf("the refused save changed the draft: %+v %v", c, err)
	}
}

// The forms' lists come from the API, so that no client keeps a copy: each
// value the dispute form takes with its label, and the appeal questions in
// order. A value the form takes is one the list offers, and only those.
func TestTheFormsListsComeFromTheAPI(t *testing.T) {
	w := setup(t)
	resp := w.disputes("GET", "/disputes/form", "", tinA)
	var d struct{ DisputeTypes, IssueCategories []portal.Choice }
	if err := json.Unmarshal([]byte(resp.Body), &d); err != nil || resp.StatusCode != 200 {
		t.Fatalf("dispute form: %d %s %v", resp.StatusCode, resp.Body, err)
	}
	if len(d.DisputeTypes) != 5 || d.DisputeTypes[0] != (portal.Choice{Value: "payment_amount", Label: "Payment amount"}) ||
		len(d.IssueCategories) != 4 || d.IssueCategories[3].Value != portal.IssueOverpayment ||
		!strings.Contains(d.IssueCategories[3].Note, portal.KYMarketplace.Cases.ClaimRecovery) || d.IssueCategories[0].Note != "" {
		t.Errorf("dispute form: %+v", d)
	}
	for _, c := range d.DisputeTypes {
		f := dispute("C-DUP")
		f["disputeType"] = c.Value
		f["issueCategory"] = "not_listed"
		v := decode(t, w.disputes("POST", "/disputes", body(t, f), tinA))
		if _, bad := v.Errors["disputeType"]; bad || v.Errors["issueCategory"] == "" {
			t.Errorf("the listed dispute type %s: %+v", c.Value, v)
		}
	}
	resp = w.appeals("GET", "/appeals/form", "", tinA)
	var a struct{ Questions []portal.AppealQuestion }
	if err := json.Unmarshal([]byte(resp.Body), &a); err != nil || resp.StatusCode != 200 {
		t.Fatalf("appeal form: %d %s %v", resp.StatusCode, resp.Body, err)
	}
	if len(a.Questions) != 2 || a.Questions[0].ID != "new_information" || !strings.HasSuffix(a.Questions[1].Text, "?") {
		t.Errorf("appeal questions: %+v", a)
	}
	// Without a provider's token (the gateway answers 401 before this).
	if resp := w.disputes("GET", "/disputes/form", "", nil); resp.StatusCode != 403 {
		t.Errorf("the lists without a provider: %d", resp.StatusCode)
	}
}

func TestTheWorklistListsTheProvidersCasesAndDraftsWithCounts(t *testing.T) {
	w := setup(t)
	draft := map[string]any{"claimNumber": "C-DUP", "appealType": "claim_appeal", "draft": true, "notes": "Draft."}
	saved := decode(t, w.appeals("POST", "/appeals", body(t, draft), tinA))
	no := map[string]string{"answer": "no"}
	appeal := map[string]any{"claimNumber": "C-DUP", "appealType": "claim_appeal", "notes": "Seen twice.",
		"reasons": map[string]any{"new_information": no, "policy_misapplied": no}}
	filed := decode(t, w.appeals("POST", "/appeals", body(t, appeal), tinA))
	if saved.Status != "draft" || filed.Status != "received" {
		t.Fatalf("setup: %+v %+v", saved, filed)
	}
	type list struct {
		Cases []struct {
			CaseID, Status string
		}
		NextCursor string
		Waiting    []portal.Waiting
	}
	get := func(path string, who map[string]string) (int, list, view) {
		resp := w.appeals("GET", path, "", who)
		var l list
		if err := json.Unmarshal([]byte(resp.Body), &l); err != nil {
			t.Fatalf("%s: %v %s", path, err, resp.Body)
		}
		return resp.StatusCode, l, decode(t, resp)
	}
	code, l, _ := get("/appeals/worklist", tinA)
	if code != 200 || len(l.Cases) != 2 || l.Cases[0].CaseID != filed.CaseID && l.Cases[1].CaseID != filed.CaseID {
		t.Errorf("every appeal: %d %+v", code, l)
	}
	if want := []portal.Waiting{{Status: "draft", Count: 1}, {Status: "returned_incomplete", Count: 0}}; !slices.Equal(l.Waiting, want) {
		t.Errorf("counts: %+v, want %+v", l.Waiting, want)
	}
	code, l, _ = get("/appeals/worklist?status=draft&limit=1", tinA)
	if code != 200 || len(l.Cases) != 1 || l.Cases[0].CaseID != saved.CaseID || l.NextCursor != "" {
		t.Errorf("drafts: %d %+v", code, l)
	}
	// The claim's own list, a page at a time, each case once.
	code, l, _ = get("/appeals?claimNumber=C-DUP&limit=1", tinA)
	if code != 200 || len(l.Cases) != 1 || l.NextCursor == "" {
		t.Fatalf("the claim's first page: %d %+v", code, l)
	}
	first := l.Cases[0].CaseID
	code, l, _ = get("/appeals?claimNumber=C-DUP&limit=1&cursor="+url.QueryEscape(l.NextCursor), tinA)
	if code != 200 || len(l.Cases) != 1 || l.Cases[0].CaseID == first || l.NextCursor != "" {
		t.Errorf("the claim's second page: %d %+v", code, l)
	}
	if code, _, v := get("/appeals?claimNumber=C-OTHER&cursor="+url.QueryEscape(l.NextCursor+"x"), tinA); code != 400 || v.Code != portal.CodeInvalidCursor {
		t.Errorf("a cursor of no list: %d %+v", code, v)
	}
	// Another provider sees none of them, and its counts are its own.
	code, l, _ = get("/appeals/worklist", tinB)
	if code != 200 || len(l.Cases) != 0 || l.Waiting[0].Count != 0 {
		t.Errorf("provider B: %d %+v", code, l)
	}
	// Every problem of the query at once, in the provider's words.
	code, _, v := get("/appeals/worklist?status=open&from=12/01/2026&limit=0", tinA)
	if code != 400 || v.Errors["status"] != "Choose a status from the list." || v.Errors["from"] != portal.SayDate || v.Errors["limit"] != portal.SayPageSize {
		t.Errorf("a bad query: %d %+v", code, v)
	}
	// Disputes have no drafts: only what the plan returned is counted.
	resp := w.disputes("GET", "/disputes/worklist", "", tinA)
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, `"waiting":[{"status":"returned_incomplete","count":0}]`) {
		t.Errorf("disputes: %d %s", resp.StatusCode, resp.Body)
	}
}

// A claim number sent empty beside a request ID is a mistake to name, as
// the OpenAPI document's pattern says, not a claim left out.
func TestAnEmptyClaimNumberBesideARequestIsNamed(t *testing.T) {
	w := setup(t)
	for name, form := range map[string]map[string]any{
		"empty claim number": {"appealType": "clinical_appeal", "authorizationId": "RA-0000-0000", "claimNumber": "", "draft": true},
		"empty request ID":   {"appealType": "claim_appeal", "authorizationId": "", "claimNumber": "C-DUP", "draft": true},
	} {
		resp := w.appeals("POST", "/appeals", body(t, form), tinA)
		if v := decode(t, resp); resp.StatusCode != 400 || v.Errors["authorizationId"] != portal.SayAppealWhat {
			t.Errorf("%s: %d %s", name, resp.StatusCode, resp.Body)
		}
	}
}
