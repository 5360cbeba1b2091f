package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/shared/filetype/filetypetest"
	"github.com/openpayer/provider-portal/shared/portal"
)

// drain reads every message on a queue of the stack, deleting them: body
// and EventId attribute.
func drain(t *testing.T, queueID string) map[string]string {
	t.Helper()
	url := local.Res.Queues[queueID]
	got := map[string]string{}
	for {
		out, err := local.Clients.SQS.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: &url,
			MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageAttributeNames: []string{"All"}})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) == 0 {
			return got
		}
		for _, m := range out.Messages {
			got[aws.ToString(m.MessageAttributes["EventId"].StringValue)] = aws.ToString(m.Body)
			if _, err := local.Clients.SQS.DeleteMessage(context.Background(), &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func coverage(t *testing.T, tok, query string) (int, map[string]any) {
	t.Helper()
	status, body := get(t, tok, "/members/coverage?"+query+"&dateOfService="+sampledata.RetroDate(portal.DateOf(time.Now())).String())
	var out struct{ Members []map[string]any }
	_ = json.Unmarshal(body, &out)
	if status != 200 || len(out.Members) != 1 {
		return status, nil
	}
	return status, out.Members[0]
}

func TestCoverageAndCOBOnTheDateOfService(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	for name, tc := range map[string]struct {
		query, cob, code string
	}{
		"by member ID, no other insurance":     {"memberId=" + sampledata.MemberAvery, "no_other_insurance", ""},
		"by Medicaid ID":                       {"medicaidId=" + sampledata.MedicaidAvery, "no_other_insurance", ""},
		"by name and date of birth":            {"lastName=sample-quinn&firstName=avery&dateOfBirth=1984-03-07", "no_other_insurance", ""},
		"other insurance starts on it":         {"memberId=" + sampledata.MemberEmery, "other_insurance_active_on_date", portal.CodeNoPriorAuthRequired},
		"other insurance ended the day before": {"memberId=" + sampledata.MemberFinley, "other_insurance_not_active_on_date", ""},
		"other insurance ends on it":           {"memberId=" + sampledata.MemberGray, "other_insurance_active_on_date", portal.CodeNoPriorAuthRequired},
		"not eligible on it":                   {"memberId=" + sampledata.MemberHarper, "no_other_insurance", portal.CodeMemberNotEligible},
	} {
		status, m := coverage(t, a, tc.query)
		if status != 200 || m == nil {
			t.Errorf("%s: %d", name, status)
			continue
		}
		retro, _ := m["retroAuthorization"].(map[string]any)
		if m["cob"] != tc.cob || (retro["code"] != nil && retro["code"] != tc.code) || (tc.code != "" && retro["code"] != tc.code) {
			t.Errorf("%s: %v", name, m)
		}
	}
}

func TestSampleRequestsInEveryStatus(t *testing.T) {
	a, b := token(t, sampledata.ProviderA.TIN), token(t, sampledata.ProviderB.TIN)
	for _, st := range []portal.AuthStatus{portal.AuthReceived, portal.AuthApproved, portal.AuthDenied, portal.AuthMoreInfo, portal.AuthWithdrawn} {
		id := sampleAuthorizations[st]
		status, body := get(t, a, "/authorizations/"+id)
		if status != 200 || !strings.Contains(string(body), `"status":"`+string(st)+`"`) {
			t.Errorf("%s sample %s: %d %s", st, id, status, body)
		}
		if status, _ := get(t, b, "/authorizations/"+id); status != 404 {
			t.Errorf("provider B reads %s: %d", id, status)
		}
	}
	if status, body := get(t, a, "/authorizations?memberId="+sampledata.MemberAvery); status != 200 || !strings.Contains(string(body), sampleAuthorizations[portal.AuthApproved]) {
		t.Errorf("list: %d %s", status, body)
	}
	if _, body := get(t, b, "/authorizations?memberId="+sampledata.MemberAvery); strings.Contains(string(body), "RA-") {
		t.Errorf("provider B lists A's requests: %s", body)
	}
}

// retroRequest is a request for Avery on the sample retro date, for services
// no other test asks for.
func retroRequest(code string) map[string]any {
	return map[string]any{"memberId": sampledata.MemberAvery, "type": "outpatient", "startDate": sampledata.RetroDate(portal.DateOf(time.Now())).String(),
		"cobVerified": true, "requestingNpi": "1234567893", "servicingNpi": "1245319599", "placeOfService": "11", "diagnoses": []string{"M25.561"},
		"services": []map[string]any{{"code": code, "units": 2, "modifiers": []string{"RT"}}}, "contactEmail": "auth@clinic.example"}
}

// A request goes to utilization management through its queue; the
// decision comes back through the decisions queue and shows on the
// request; a duplicate or late decision changes nothing, a malformed one
// is parked with its reason.
func TestDecisionRoundTripThroughTheQueues(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	drain(t, "UtilizationManagementQueue")
	status, body := call(t, a, "POST", "/authorizations", retroRequest("27369"))
	if status != 201 {
		t.Fatalf("submit: %d %s", status, body)
	}
	var created struct{ AuthorizationID string }
	_ = json.Unmarshal(body, &created)
	id := created.AuthorizationID
	// The same services again answer 409 with the open request's ID.
	if status, body := call(t, a, "POST", "/authorizations", retroRequest("27369")); status != 409 || !strings.Contains(string(body), id) {
		t.Errorf("duplicate: %d %s", status, body)
	}
	um := drain(t, "UtilizationManagementQueue")
	found := false
	for eventID, b := range um {
		if strings.Contains(b, id) && strings.Contains(b, portal.EventAuthorizationSubmitted) && strings.Contains(b, eventID) {
			found = true
		}
	}
	if !found || len(um) != 1 {
		t.Errorf("utilization management got %d events, want the one submission with its eventId: %v", len(um), um)
	}
	start := sampledata.RetroDate(portal.DateOf(time.Now()))
	approve := sampledata.Decision(id, portal.AuthApproved, start, time.Now())
	late := []byte(strings.Replace(string(sampledata.Decision(id, portal.AuthDenied, start, time.Now().Add(-time.Minute))), `"decisionId":"D-`, `"decisionId":"L-`, 1))
	malformed := []byte(`{"decisionId":"X-1","authorizationId":"` + id + `","status":"pended","decidedAt":"2026-11-25T09:00:00Z"}`)
	drain(t, "AuthorizationDecisionsDLQ")
	// Standard SQS promises no order, and a final decision stands: a late
	// denial delivered before the approval would be applied and the approval
	// dropped. So the late one is sent once the approval is in, which is the
	// case this test is about (a late decision that changes nothing).
	if err := local.Feed(context.Background(), "AuthorizationDecisionsQueue", [][]byte{approve, approve}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	if err := local.Feed(context.Background(), "AuthorizationDecisionsQueue", [][]byte{late, malformed}, 30*time.Second); err != nil {
		t.Fatal(err)
	}
	status, body = get(t, a, "/authorizations/"+id)
	if status != 200 || !strings.Contains(string(body), `"status":"approved"`) || !strings.Contains(string(body), "AUTH-") {
		t.Errorf("after the decisions: %d %s", status, body)
	}
	url := local.Res.Queues["AuthorizationDecisionsDLQ"]
	out, err := local.Clients.SQS.ReceiveMessage(context.Background(), &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10,
		WaitTimeSeconds: 1, MessageAttributeNames: []string{"All"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) != 1 || aws.ToString(out.Messages[0].MessageAttributes["ErrorCode"].StringValue) != portal.CodeInvalidDecision {
		t.Errorf("parked: %v", dlqCodes(out.Messages))
	}
}

func dlqCodes(ms []types.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, aws.ToString(m.MessageAttributes["ErrorCode"].StringValue))
	}
	return out
}

func TestAuthorizationDocumentsBeforeAndAfterSubmit(t *testing.T) {
	a, b := token(t, sampledata.ProviderA.TIN), token(t, sampledata.ProviderB.TIN)
	first := upload(t, a, "pt-notes.pdf", filetypetest.PDF(0))
	waitChecked(t, a, first)
	req := retroRequest("97110")
	req["answers"] = map[string]string{"visitsRequested": "12", "functionalGoals": "Climb stairs without pain."}
	if status, body := call(t, a, "POST", "/authorizations", req); status != 422 || !strings.Contains(string(body), "DOCUMENTS_REQUIRED") {
		t.Errorf("therapy without documents: %d %s", status, body)
	}
	req["uploadIds"] = []string{first}
	status, body := call(t, a, "POST", "/authorizations", req)
	if status != 201 {
		t.Fatalf("submit: %d %s", status, body)
	}
	var created struct{ AuthorizationID string }
	_ = json.Unmarshal(body, &created)
	// The document is kept with the request: not deletable, never expiring.
	if status, _ := call(t, a, "DELETE", "/uploads/"+first, nil); status != 409 {
		t.Errorf("a request's document deleted: %d", status)
	}
	later := upload(t, a, "plan-of-care.pdf", filetypetest.PDF(0))
	drain(t, "UtilizationManagementQueue")
	path := "/authorizations/" + created.AuthorizationID + "/documents"
	if status, _ := call(t, b, "POST", path, map[string]any{"uploadIds": []string{later}}); status != 404 {
		t.Errorf("provider B adds documents: %d", status)
	}
	status, body = call(t, a, "POST", path, map[string]any{"uploadIds": []string{later}, "note": "Plan of care attached."})
	if status != 200 || !strings.Contains(string(body), later) {
		t.Errorf("add: %d %s", status, body)
	}
	um := drain(t, "UtilizationManagementQueue")
	if len(um) != 1 || !strings.Contains(fmt.Sprint(um), portal.EventDocumentsAdded) {
		t.Errorf("utilization management got %v", um)
	}
}

func TestReportedOtherInsuranceGoesToTheCOBUnit(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	drain(t, "COBReportsQueue")
	retro := sampledata.RetroDate(portal.DateOf(time.Now()))
	status, body := call(t, a, "POST", "/members/"+sampledata.MemberDrew+"/cob", map[string]any{"carrier": "Reported Dental Mutual",
		"policyNumber": "RDM-9", "subscriberName": "Drew Placeholder", "relationship": "self", "from": retro.AddDate(0, 0, -10).String()})
	if status != 201 {
		t.Fatalf("report: %d %s", status, body)
	}
	if cob := drain(t, "COBReportsQueue"); len(cob) != 1 || !strings.Contains(fmt.Sprint(cob), "Reported Dental Mutual") {
		t.Errorf("the COB unit got %v", cob)
	}
	if _, m := coverage(t, a, "memberId="+sampledata.MemberDrew); m == nil || m["cob"] != "other_insurance_active_on_date" ||
		!strings.Contains(fmt.Sprint(m["otherInsurance"]), "reported") {
		t.Errorf("coverage after the report: %v", m)
	}
}

// An inpatient stay: its questions asked, documents required, the admission
// on the start date, discharged since.
func TestInpatientRetroAuthorization(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	status, body := get(t, a, "/authorizations/questions?type=inpatient")
	if status != 200 || !strings.Contains(string(body), "admissionSource") || !strings.Contains(string(body), `"documentsRequired":true`) {
		t.Fatalf("inpatient questions: %d %s", status, body)
	}
	notes := upload(t, a, "history-and-physical.pdf", filetypetest.PDF(0))
	waitChecked(t, a, notes)
	start := sampledata.RetroDate(portal.DateOf(time.Now()))
	// Harper is eligible from the day after the sample date.
	req := map[string]any{"memberId": sampledata.MemberHarper, "type": "inpatient", "startDate": start.AddDate(0, 0, 2).String(),
		"cobVerified": true, "requestingNpi": "1234567893", "servicingNpi": "1245319599", "placeOfService": "21", "diagnoses": []string{"I21.4", "I10"},
		"admission": map[string]any{"type": "emergency", "dischargeDate": start.AddDate(0, 0, 6).String()},
		"answers":   map[string]string{"admissionSource": "emergency_department"}, "uploadIds": []string{notes},
		"contactEmail": "auth@hospital.example", "urgent": true}
	status, body = call(t, a, "POST", "/authorizations", req)
	if status != 400 || !strings.Contains(string(body), "answers.levelOfCare") {
		t.Errorf("a required answer missing: %d %s", status, body)
	}
	req["answers"] = map[string]string{"admissionSource": "emergency_department", "levelOfCare": "intensive_care"}
	// Gray's other insurance ends on the sample date: two days before it,
	// it was active, so no prior authorization is required.
	gray := maps.Clone(req)
	gray["memberId"], gray["startDate"] = sampledata.MemberGray, start.AddDate(0, 0, -2).String()
	if status, body := call(t, a, "POST", "/authorizations", gray); status != 422 || !strings.Contains(string(body), portal.CodeNoPriorAuthRequired) {
		t.Errorf("Gray two days before the sample date: %d %s", status, body)
	}
	status, body = call(t, a, "POST", "/authorizations", req)
	var created struct {
		AuthorizationID string
		SubmittedAt     time.Time
		DecisionDue     time.Time
		Documents       []string
	}
	_ = json.Unmarshal(body, &created)
	if status != 201 || !created.DecisionDue.Equal(created.SubmittedAt.Add(72*time.Hour)) || len(created.Documents) != 1 {
		t.Errorf("an urgent inpatient request: %d %s (decision due in 72 hours)", status, body)
	}
}
