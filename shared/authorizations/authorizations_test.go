package authorizations_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-lambda-go/events"

	"github.com/openpayer/provider-portal/shared/authorizations"
	"github.com/openpayer/provider-portal/shared/httpapi/httpapitest"
	"github.com/openpayer/provider-portal/shared/inmem"
	"github.com/openpayer/provider-portal/shared/outbox"
	"github.com/openpayer/provider-portal/shared/portal"
)

var (
	dos  = portal.MustDate("2026-10-15")
	now  = time.Date(2026, 11, 25, 15, 0, 0, 0, time.UTC)
	tinA = map[string]string{"custom:tin": "111111111", "sub": "user-a"}
	tinB = map[string]string{"custom:tin": "222222222", "sub": "user-b"}
)

// sent records what went to each queue.
type sent struct {
	events []portal.OutboundEvent
	fail   bool
}

func (s *sent) Send(_ context.Context, ev portal.OutboundEvent) error {
	if s.fail {
		return errors.New("injected: queue unavailable")
	}
	s.events = append(s.events, ev)
	return nil
}

type world struct {
	logs     *bytes.Buffer
	send     httpapitest.BodyInvoker
	requests *inmem.Authorizations
	uploads  *inmem.Attachments
	um, cob  *sent
	systems  *inmem.SystemClients
	// subscriptions are the systems' subscriptions.
	subscriptions *inmem.Subscriptions
	// files is the bucket inline documents are written to.
	files *bucket
}

// bucket keeps what was written to it, by key; with fail set, it writes
// nothing and fails.
type bucket struct {
	mu      sync.Mutex
	objects map[string][]byte
	types   map[string]string
	fail    bool
}

func (b *bucket) Key(id string) string { return "uploads/" + id }

func (b *bucket) Put(_ context.Context, key, contentType, _ string, body []byte) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.fail {
		return errors.New("injected: bucket unavailable")
	}
	if b.objects == nil {
		b.objects, b.types = map[string][]byte{}, map[string]string{}
	}
	b.objects[key], b.types[key] = slices.Clone(body), contentType
	return nil
}

func setup(t *testing.T) world {
	t.Helper()
	members := &inmem.Members{}
	for _, m := range []portal.Member{
		{ID: "M-PLAIN", MedicaidID: "MC-1", FirstName: "Avery", LastName: "Quinn", DateOfBirth: portal.MustDate("1980-02-03"), Version: 1,
			Eligibility: []portal.Span{{From: portal.MustDate("2026-01-01")}}},
		{ID: "M-COB", FirstName: "Blake", LastName: "Rowe", DateOfBirth: portal.MustDate("1975-05-06"), Version: 1,
			Eligibility:    []portal.Span{{From: portal.MustDate("2026-01-01")}},
			OtherInsurance: []portal.OtherInsurance{{Carrier: "Other Health", PolicyNumber: "OH-1", Span: portal.Span{From: dos}}}},
		{ID: "M-ENDED", FirstName: "Casey", LastName: "Stone", DateOfBirth: portal.MustDate("1990-07-08"), Version: 1,
			Eligibility:    []portal.Span{{From: portal.MustDate("2026-01-01")}},
			OtherInsurance: []portal.OtherInsurance{{Carrier: "Old Health", Span: portal.Span{From: portal.MustDate("2025-01-01"), To: dos.AddDate(0, 0, -1)}}}},
		{ID: "M-NOTELIG", FirstName: "Drew", LastName: "Tate", DateOfBirth: portal.MustDate("1985-09-10"), Version: 1,
			Eligibility: []portal.Span{{From: dos.AddDate(0, 0, 1)}}},
	} {
		if _, err := members.UpsertMember(context.Background(), &m); err != nil {
			t.Fatal(err)
		}
	}
	uploads := &inmem.Attachments{}
	requests := &inmem.Authorizations{Attachments: uploads}
	um, cob := &sent{}, &sent{}
	logs, files := &bytes.Buffer{}, &bucket{}
	// The systems registered for the FHIR routes: an EHR of A's and one
	// of B's, a clearinghouse for A and B and one for A and C.
	systems, subscriptions := &inmem.SystemClients{}, &inmem.Subscriptions{}
	for id, tins := range map[string][]portal.ProviderID{"ehr-a": {"111111111"}, "ehr-b": {"222222222"},
		"hub": {"111111111", "222222222"}, "hub3": {"111111111", "333333333"}} {
		if err := systems.RegisterSystemClient(context.Background(), portal.SystemClient{ID: id, Name: id, TINs: tins}); err != nil {
			t.Fatal(err)
		}
	}
	h := authorizations.New(authorizations.Deps{Log: slog.New(slog.NewJSONHandler(logs, nil)), Members: members, Requests: requests,
		SystemClients: systems, Subscriptions: subscriptions, Uploads: uploads, Files: files,
		Events:      &outbox.Publisher{Outbox: requests, Senders: map[string]outbox.Sender{portal.QueueUtilizationManagement: um, portal.QueueCOB: cob}},
		Idempotency: &inmem.Idempotency{TTL: time.Hour}, Searches: &inmem.SearchAllowance{}, Plan: portal.KYMarketplace,
		Now: func() time.Time { return now }})
	return world{logs: logs, send: httpapitest.NewWithBody(t, h), requests: requests, uploads: uploads, um: um, cob: cob, systems: systems, subscriptions: subscriptions, files: files}
}

func body(t *testing.T, v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func decode(t *testing.T, resp events.APIGatewayV2HTTPResponse, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(resp.Body), v); err != nil {
		t.Fatalf("%v: %s", err, resp.Body)
	}
}

type problem struct {
	Code                string
	Errors              map[string]string
	OpenAuthorizationID string
}

func TestCoverageByEachWayAndCOBOnTheDate(t *testing.T) {
	w := setup(t)
	for name, tc := range map[string]struct {
		query, cob, retroCode string
		status                int
	}{
		"member ID, no other insurance":        {"memberId=M-PLAIN", string(portal.COBNone), "", 200},
		"Medicaid ID":                          {"medicaidId=MC-1", string(portal.COBNone), "", 200},
		"name and date of birth":               {"lastName=quinn&firstName=AVERY&dateOfBirth=1980-02-03", string(portal.COBNone), "", 200},
		"other insurance starting on the date": {"memberId=M-COB", string(portal.COBActive), portal.CodeNoPriorAuthRequired, 200},
		"other insurance ended the day before": {"memberId=M-ENDED", string(portal.COBOnFileNotActive), "", 200},
		"not eligible on the date":             {"memberId=M-NOTELIG", string(portal.COBNone), portal.CodeMemberNotEligible, 200},
		"no such member":                       {"memberId=NOBODY", "", "", 404},
		"two ways at once":                     {"memberId=M-PLAIN&medicaidId=MC-1", "", "", 400},
		"name without date of birth":           {"lastName=Quinn&firstName=Avery", "", "", 400},
	} {
		resp := w.send("GET", "/members/coverage?"+tc.query+"&dateOfService="+dos.String(), "", tinA)
		// POST /members/coverage/search, with the query as a JSON body (out
		// of the URL), answers the same.
		q, err := url.ParseQuery(tc.query + "&dateOfService=" + dos.String())
		if err != nil {
			t.Fatal(err)
		}
		criteria := map[string]string{}
		for k := range q {
			criteria[k] = q.Get(k)
		}
		post := w.send("POST", "/members/coverage/search", body(t, criteria), tinA)
		if post.StatusCode != resp.StatusCode || strings.Replace(post.Body, `"instance":"/members/coverage/search"`, `"instance":"/members/coverage"`, 1) != resp.Body {
			t.Errorf("%s: POST answered %d %s, GET %d %s", name, post.StatusCode, post.Body, resp.StatusCode, resp.Body)
		}
		if resp.StatusCode != tc.status {
			t.Errorf("%s: %d %s", name, resp.StatusCode, resp.Body)
			continue
		}
		if tc.status != 200 {
			continue
		}
		var out struct {
			Members []struct {
				COB   string `json:"cob"`
				Retro struct {
					Allowed bool
					Code    string
				} `json:"retroAuthorization"`
			}
		}
		decode(t, resp, &out)
		if len(out.Members) != 1 || out.Members[0].COB != tc.cob || out.Members[0].Retro.Code != tc.retroCode || out.Members[0].Retro.Allowed != (tc.retroCode == "") {
			t.Errorf("%s: %s", name, resp.Body)
		}
	}
}

// Other insurance a provider reports is kept as reported, told to the COB
// unit, and decides later lookups like the plan's own.
func TestReportedOtherInsuranceDecidesTheDate(t *testing.T) {
	w := setup(t)
	resp := w.send("POST", "/members/M-PLAIN/cob", body(t, map[string]any{"carrier": "Told Us Health", "policyNumber": "T-9",
		"subscriberName": "Pat Quinn", "relationship": "spouse", "from": "2026-10-01"}), tinA)
	if resp.StatusCode != 201 || !strings.Contains(resp.Body, "reported_not_verified") {
		t.Fatalf("report: %d %s", resp.StatusCode, resp.Body)
	}
	if len(w.cob.events) != 1 || w.cob.events[0].Type != portal.EventCOBReported || !strings.Contains(w.cob.events[0].Body, "Told Us Health") {
		t.Errorf("the COB unit was told %+v", w.cob.events)
	}
	resp = w.send("GET", "/members/coverage?memberId=M-PLAIN&dateOfService="+dos.String(), "", tinB)
	if !strings.Contains(resp.Body, `"source":"reported"`) || !strings.Contains(resp.Body, portal.CodeNoPriorAuthRequired) {
		t.Errorf("after the report: %s", resp.Body)
	}
	if resp := w.send("POST", "/members/M-PLAIN/cob", body(t, map[string]any{"carrier": "", "relationship": "cousin", "from": "2026-10-01", "to": "2026-09-01"}), tinA); resp.StatusCode != 400 {
		t.Errorf("a bad report: %d %s", resp.StatusCode, resp.Body)
	} else {
		var p problem
		decode(t, resp, &p)
		for _, f := range []string{"carrier", "policyNumber", "subscriberName", "relationship", "to"} {
			if p.Errors[f] == "" {
				t.Errorf("a bad report does not name %s: %s", f, resp.Body)
			}
		}
	}
}

func request(member string) map[string]any {
	return map[string]any{"memberId": member, "type": "outpatient", "startDate": dos.String(), "cobVerified": true,
		"requestingNpi": "1234567893", "servicingNpi": "1245319599", "placeOfService": "22", "diagnoses": []string{"G43.909"},
		"services": []map[string]any{{"code": "70553", "units": 1}}, "contactEmail": "auth@clinic.example",
		"answers": map[string]string{"conservativeTreatmentWeeks": "6", "redFlagSymptoms": "yes"}}
}

func TestSubmitFollowAndDuplicates(t *testing.T) {
	w := setup(t)
	resp := w.send("POST", "/authorizations", body(t, request("M-PLAIN")), tinA)
	if resp.StatusCode != 201 {
		t.Fatalf("submit: %d %s", resp.StatusCode, resp.Body)
	}
	var a struct {
		AuthorizationID, Status string
		DecisionDue             time.Time
		CobShown                string
	}
	decode(t, resp, &a)
	if !strings.HasPrefix(a.AuthorizationID, "RA-") || a.Status != "received" || !a.DecisionDue.Equal(now.AddDate(0, 0, 7)) || a.CobShown != string(portal.COBNone) {
		t.Errorf("submitted: %s", resp.Body)
	}
	if len(w.um.events) != 1 || w.um.events[0].Type != portal.EventAuthorizationSubmitted || !strings.Contains(w.um.events[0].Body, a.AuthorizationID) {
		t.Errorf("utilization management was told %+v", w.um.events)
	}
	// The same services again: 409 naming the open request.
	resp = w.send("POST", "/authorizations", body(t, request("M-PLAIN")), tinA)
	var p problem
	decode(t, resp, &p)
	if resp.StatusCode != 409 || p.Code != portal.CodeDuplicateAuthorization || p.OpenAuthorizationID != a.AuthorizationID {
		t.Errorf("duplicate: %d %s", resp.StatusCode, resp.Body)
	}
	// Status: the owner sees it, another provider gets 404.
	if resp := w.send("GET", "/authorizations/"+a.AuthorizationID, "", tinA); resp.StatusCode != 200 {
		t.Errorf("status: %d %s", resp.StatusCode, resp.Body)
	}
	if resp := w.send("GET", "/authorizations/"+a.AuthorizationID, "", tinB); resp.StatusCode != 404 {
		t.Errorf("another provider: %d", resp.StatusCode)
	}
	if resp := w.send("GET", "/authorizations?memberId=M-PLAIN", "", tinA); !strings.Contains(resp.Body, a.AuthorizationID) {
		t.Errorf("list: %s", resp.Body)
	}
	if resp := w.send("GET", "/authorizations?memberId=M-PLAIN", "", tinB); strings.Contains(resp.Body, a.AuthorizationID) {
		t.Errorf("another provider's list shows it: %s", resp.Body)
	}
}

func TestSubmitRefusals(t *testing.T) {
	w := setup(t)
	for name, tc := range map[string]struct {
		edit   func(r map[string]any)
		status int
		code   string
	}{
		"other insurance active":   {func(r map[string]any) { r["memberId"] = "M-COB" }, 422, portal.CodeNoPriorAuthRequired},
		"not eligible":             {func(r map[string]any) { r["memberId"] = "M-NOTELIG" }, 422, portal.CodeMemberNotEligible},
		"no such member":           {func(r map[string]any) { r["memberId"] = "NOBODY" }, 404, portal.CodeMemberNotFound},
		"COB not verified":         {func(r map[string]any) { r["cobVerified"] = false }, 400, portal.CodeCOBNotVerified},
		"answer missing":           {func(r map[string]any) { r["answers"] = map[string]string{"conservativeTreatmentWeeks": "6"} }, 400, portal.CodeAnswersMissing},
		"outside the retro window": {func(r map[string]any) { r["startDate"] = "2026-01-02" }, 422, portal.CodeOutsideRetroWindow},
		"documents required": {func(r map[string]any) {
			r["services"] = []map[string]any{{"code": "97110", "units": 8}}
			r["answers"] = map[string]string{"visitsRequested": "8", "functionalGoals": "Walk without a cane."}
		}, 422, portal.CodeDocumentsRequired},
		"fields first": {func(r map[string]any) { r["memberId"], r["requestingNpi"] = "NOBODY", "1" }, 400, portal.CodeInvalidAuthRequest},
	} {
		r := request("M-PLAIN")
		tc.edit(r)
		resp := w.send("POST", "/authorizations", body(t, r), tinA)
		var p problem
		decode(t, resp, &p)
		if resp.StatusCode != tc.status || p.Code != tc.code {
			t.Errorf("%s: %d %s, want %d %s", name, resp.StatusCode, resp.Body, tc.status, tc.code)
		}
	}
	// A request "other insurance ended the day before" goes on, recording
	// what COB was shown.
	resp := w.send("POST", "/authorizations", body(t, request("M-ENDED")), tinA)
	if resp.StatusCode != 201 || !strings.Contains(resp.Body, string(portal.COBOnFileNotActive)) {
		t.Errorf("COB on file, not active: %d %s", resp.StatusCode, resp.Body)
	}
	if len(w.um.events) != 1 {
		t.Errorf("refused requests told utilization management: %d events", len(w.um.events))
	}
}

func upload(t *testing.T, w world, tin string) string {
	t.Helper()
	a := &portal.Attachment{ID: portal.NewID(), Provider: portal.ProviderID(tin), Status: portal.UploadAccepted, CreatedAt: now}
	if err := w.uploads.CreateUpload(context.Background(), a); err != nil {
		t.Fatal(err)
	}
	return a.ID
}

// Documents go with the request at submit, and can be added to an open one
// later (an answer to a request for more information among them).
func TestDocumentsBeforeAndAfterSubmit(t *testing.T) {
	w := setup(t)
	first, later, theirs := upload(t, w, "111111111"), upload(t, w, "111111111"), upload(t, w, "222222222")
	r := request("M-PLAIN")
	r["services"] = []map[string]any{{"code": "97110", "units": 8}}
	r["answers"] = map[string]string{"visitsRequested": "8", "functionalGoals": "Walk without a cane."}
	r["uploadIds"] = []string{first}
	resp := w.send("POST", "/authorizations", body(t, r), tinA)
	if resp.StatusCode != 201 {
		t.Fatalf("submit: %d %s", resp.StatusCode, resp.Body)
	}
	var a struct{ AuthorizationID string }
	decode(t, resp, &a)
	if u, _ := w.uploads.Upload(context.Background(), "111111111", first); u.Submission == nil || u.Submission.AuthorizationID != a.AuthorizationID {
		t.Errorf("the document was not submitted with the request: %+v", u)
	}
	if resp := w.send("POST", "/authorizations/"+a.AuthorizationID+"/documents", body(t, map[string]any{"uploadIds": []string{theirs}}), tinA); resp.StatusCode != 404 {
		t.Errorf("another provider's upload: %d %s", resp.StatusCode, resp.Body)
	}
	if resp := w.send("POST", "/authorizations/"+a.AuthorizationID+"/documents", body(t, map[string]any{"uploadIds": []string{later}}), tinB); resp.StatusCode != 404 {
		t.Errorf("another provider's request: %d", resp.StatusCode)
	}
	resp = w.send("POST", "/authorizations/"+a.AuthorizationID+"/documents", body(t, map[string]any{"uploadIds": []string{later}, "note": "Plan of care."}), tinA)
	if resp.StatusCode != 200 || !strings.Contains(resp.Body, later) {
		t.Errorf("add: %d %s", resp.StatusCode, resp.Body)
	}
	if len(w.um.events) != 2 || w.um.events[1].Type != portal.EventDocumentsAdded {
		t.Errorf("utilization management was told %+v", w.um.events)
	}
}

// An event whose send fails stays recorded for the sweep.
func TestAnUndeliveredEventStaysForTheSweep(t *testing.T) {
	w := setup(t)
	w.um.fail = true
	resp := w.send("POST", "/authorizations", body(t, request("M-PLAIN")), tinA)
	if resp.StatusCode != 201 {
		t.Fatalf("a submission whose event could not be sent yet: %d %s", resp.StatusCode, resp.Body)
	}
	due, err := w.requests.DueOutbound(context.Background(), time.Time{}, now.Add(time.Hour), 10)
	if err != nil || len(due) != 1 {
		t.Fatalf("due: %v %v", due, err)
	}
	w.um.fail = false
	p := &outbox.Publisher{Outbox: w.requests, Senders: map[string]outbox.Sender{portal.QueueUtilizationManagement: w.um}}
	if err := p.Deliver(context.Background(), due[0].UploadID); err != nil || len(w.um.events) != 1 || w.um.events[0].ID != due[0].UploadID {
		t.Errorf("redelivery: %v %+v", err, w.um.events)
	}
}

func TestClinicalQuestionsEndpoint(t *testing.T) {
	w := setup(t)
	resp := w.send("GET", "/authorizations/questions?type=outpatient&codes=70553,97110", "", tinA)
	var out struct {
		Questions         []portal.ClinicalQuestion
		DocumentsRequired bool
	}
	decode(t, resp, &out)
	if resp.StatusCode != 200 || len(out.Questions) != 5 || !out.DocumentsRequired {
		t.Errorf("%d %s", resp.StatusCode, resp.Body)
	}
	for _, q := range []string{"type=dental", "type=outpatient&codes=7055", "type=outpatient&codes=" + strings.Repeat("70553,", 21)} {
		if resp := w.send("GET", "/authorizations/questions?"+q, "", tinA); resp.StatusCode != 400 {
			t.Errorf("%s: %d", q, resp.StatusCode)
		}
	}
}

// Member IDs, names and dates of birth are PHI: no log line holds them,
// whatever the route.
func TestNoPHIInLogs(t *testing.T) {
	w := setup(t)
	w.send("GET", "/members/coverage?lastName=Quinn&firstName=Avery&dateOfBirth=1980-02-03&dateOfService="+dos.String(), "", tinA)
	w.send("POST", "/members/M-PLAIN/cob", body(t, map[string]any{"carrier": "Told Us Health", "policyNumber": "T-9",
		"subscriberName": "Pat Quinn", "relationship": "spouse", "from": "2026-10-01"}), tinA)
	w.send("POST", "/authorizations", body(t, request("M-ENDED")), tinA)
	w.send("GET", "/authorizations?memberId=M-ENDED", "", tinA)
	if w.logs.Len() == 0 {
		t.Fatal("nothing was logged: the test would prove nothing")
	}
	for _, phi := range []string{"M-PLAIN", "M-ENDED", "Quinn", "Avery", "1980-02-03", "Pat", "T-9"} {
		if strings.Contains(w.logs.String(), phi) {
			t.Errorf("the logs hold %q", phi)
		}
	}
}

func TestTheWorklistListsTheProvidersRequestsWithTheCountWaitingForIt(t *testing.T) {
	w := setup(t)
	var ids []string
	for _, code := range []string{"70553", "70551"} {
		r := request("M-PLAIN")
		r["services"] = []map[string]any{{"code": code, "units": 1}}
		resp := w.send("POST", "/authorizations", body(t, r), tinA)
		var a struct{ AuthorizationID string }
		decode(t, resp, &a)
		if resp.StatusCode != 201 {
			t.Fatalf("submit: %d %s", resp.StatusCode, resp.Body)
		}
		ids = append(ids, a.AuthorizationID)
	}
	if _, ok, err := w.requests.ApplyDecision(context.Background(), portal.AuthDecision{DecisionID: "D-1", AuthorizationID: ids[0],
		Status: portal.AuthMoreInfo, DecidedAt: now, InformationWanted: "Therapy notes."}); !ok || err != nil {
		t.Fatalf("more information: %v %v", ok, err)
	}
	type list struct {
		Authorizations []struct{ AuthorizationID string }
		Waiting        []portal.Waiting
	}
	get := func(path string, who map[string]string) (int, list, problem) {
		resp := w.send("GET", path, "", who)
		var l list
		var p problem
		decode(t, resp, &l)
		decode(t, resp, &p)
		return resp.StatusCode, l, p
	}
	code, l, _ := get("/authorizations/worklist", tinA)
	if code != 200 || len(l.Authorizations) != 2 || !slices.Equal(l.Waiting, []portal.Waiting{{Status: "more_information_requested", Count: 1}}) {
		t.Errorf("every request: %d %+v", code, l)
	}
	code, l, _ = get("/authorizations/worklist?status=more_information_requested", tinA)
	if code != 200 || len(l.Authorizations) != 1 || l.Authorizations[0].AuthorizationID != ids[0] {
		t.Errorf("more information requested: %d %+v", code, l)
	}
	if code, l, _ = get("/authorizations/worklist", tinB); code != 200 || len(l.Authorizations) != 0 || l.Waiting[0].Count != 0 {
		t.Errorf("provider B: %d %+v", code, l)
	}
	code, _, p := get("/authorizations/worklist?status=pending&to=2026-02-30", tinA)
	if code != 400 || p.Errors["status"] != "Choose a status from the list." || p.Errors["to"] != portal.SayDate {
		t.Errorf("a bad query: %d %+v", code, p)
	}
}
