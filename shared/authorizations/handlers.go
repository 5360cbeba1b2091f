package authorizations

import (
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/portal"
)

// deliver sends a recorded event at once; a failure leaves it to the sweep.
func deliver(r *http.Request, d Deps, id string) {
	if err := d.Events.Deliver(r.Context(), id); err != nil {
		d.Log.WarnContext(r.Context(), "event not delivered yet; the sweep will", "eventId", id, "error", err.Error())
	}
}

func handleQuestions(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, _ httpapi.Caller) error {
		q := r.URL.Query()
		t := portal.AuthType(q.Get("type"))
		if _, ok := d.Plan.AuthForms[t]; !ok {
			return badQuery(portal.CodeInvalidRequest, "Choose the authorization type: inpatient or outpatient.", "type", "Choose the authorization type from the list.")
		}
		var codes []string
		if q.Has("codes") {
			codes = strings.Split(q.Get("codes"), ",")
		}
		if len(codes) > portal.MaxServices || len(q.Get("codes")) > 200 {
			return badQuery(portal.CodeInvalidRequest, "Enter at most 20 codes, separated by commas.", "codes", "Enter at most 20 codes.")
		}
		for _, c := range codes {
			if !portal.ValidProcedureCode(c) {
				return badQuery(portal.CodeInvalidRequest, "Enter procedure codes such as 70553 or J1100, separated by commas.", "codes", portal.SayProcedureCode)
			}
		}
		qs, docs := d.Plan.ClinicalQuestions(t, codes)
		httpapi.Encode(w, http.StatusOK, struct {
			Questions         []portal.ClinicalQuestion `json:"questions"`
			DocumentsRequired bool                      `json:"documentsRequired"`
		}{qs, docs})
		return nil
	}
}

func handleSubmit(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		var req portal.AuthorizationRequest
		if err := httpapi.Decode(r, &req); err != nil {
			return err
		}
		a, err := submit(r, d, caller, req, nil)
		if err != nil {
			return err
		}
		httpapi.Audit(r, d.Log, caller, "authorizations.submit", a.ID)
		httpapi.Encode(w, http.StatusCreated, view(a))
		return nil
	}
}

// viaPAS is what a request a system sent by Da Vinci PAS brings to
// submit: the submitter's identifier, and the documents it carries.
type viaPAS struct {
	trace     portal.TraceID
	documents *inlineDocuments
}

// submit checks a request by the plan's rules and records it, with the
// event that sends it to utilization management: the same for a request
// made at the portal and one a system sent by Da Vinci PAS (via set:
// checked without the two questions only a person at the portal answers,
// its documents' problems answered with the request's, and the documents
// stored once every check passed). The same member, type, start date and
// services open already answers DUPLICATE_AUTHORIZATION naming the open
// request.
func submit(r *http.Request, d Deps, caller httpapi.Caller, req portal.AuthorizationRequest, via *viaPAS) (*portal.Authorization, error) {
	now := d.Now().UTC()
	today := portal.DateOf(now)
	// Every field first, then what depends on stored data.
	check := d.Plan.CheckAuthorizationRequest
	var trace *portal.TraceID
	var docs *inlineDocuments
	if via != nil {
		check, trace, docs = d.Plan.CheckSystemAuthorizationRequest, &via.trace, via.documents
	}
	if err := docs.withDocuments(check(&req, today)); err != nil {
		return nil, err
	}
	m, err := d.Members.Member(r.Context(), req.MemberID)
	if err != nil {
		return nil, err
	}
	reported, err := d.Requests.ReportedCOB(r.Context(), m.ID)
	if err != nil {
		return nil, err
	}
	coverage := portal.CoverageOn(m, reported, req.StartDate)
	if err := d.Plan.CheckRetro(coverage, today); err != nil {
		return nil, err
	}
	// The clinical answers and documents were checked with the form.
	a := &portal.Authorization{ID: portal.NewAuthorizationID(), Provider: caller.Provider, SubmittedBy: caller.Subject, SubmittedAt: now,
		Request: req, COBShown: coverage, COBCheckedAt: now, Status: portal.AuthReceived,
		DecisionDue: d.Plan.RetroDecisionDue(now, req.Urgent), Documents: req.UploadIDs, UpdatedAt: now, Version: 1, Trace: trace}
	ev, err := portal.NewEvent(portal.EventAuthorizationSubmitted, portal.QueueUtilizationManagement, now, map[string]any{"authorization": a})
	if err != nil {
		return nil, err
	}
	if err := docs.store(r.Context(), d); err != nil {
		return nil, err
	}
	open, err := d.Requests.CreateAuthorization(r.Context(), a, ev)
	if err != nil || open != "" {
		docs.forget(r.Context(), d)
	}
	if err != nil {
		return nil, err
	}
	if open != "" {
		return nil, portal.ErrDuplicateAuthorization(open)
	}
	deliver(r, d, ev.ID)
	return a, nil
}

func handleGet(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		a, err := d.Requests.Authorization(r.Context(), caller.Provider, r.PathValue("authorizationId"))
		if err != nil {
			return err
		}
		httpapi.Audit(r, d.Log, caller, "authorizations.read", a.ID)
		httpapi.Encode(w, http.StatusOK, view(a))
		return nil
	}
}

func handleList(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		q := r.URL.Query()
		f := portal.Problems{}
		if !portal.ValidIdentifier(q.Get("memberId")) {
			f.Set("memberId", portal.SayMemberID)
		}
		win := httpapi.Window(q, portal.DateOf(d.Now()), f)
		if err := f.Err(); err != nil {
			return err
		}
		list, next, err := d.Requests.Authorizations(r.Context(), caller.Provider, q.Get("memberId"), win.From, win.To, win.Limit, win.Cursor)
		if err != nil {
			return err
		}
		return listed(w, r, d, caller, "authorizations.list", list, next, nil)
	}
}

// listed answers a page of requests (with the counts of those waiting for
// the provider, on the worklist) and writes its audit line.
func listed(w http.ResponseWriter, r *http.Request, d Deps, caller httpapi.Caller, action string, list []portal.Authorization, next string, waiting []portal.Waiting) error {
	out := struct {
		Authorizations []authorizationView `json:"authorizations"`
		NextCursor     string              `json:"nextCursor,omitempty"`
		Waiting        []portal.Waiting    `json:"waiting,omitempty"`
	}{Authorizations: []authorizationView{}, NextCursor: next, Waiting: waiting}
	var ids []string
	for i := range list {
		out.Authorizations = append(out.Authorizations, view(&list[i]))
		ids = append(ids, list[i].ID)
	}
	httpapi.Audit(r, d.Log, caller, action, ids...)
	httpapi.Encode(w, http.StatusOK, out)
	return nil
}

// handleWorklist lists the provider's requests, newest submitted first,
// filtered by status and date, with the count of those on which
// utilization management waits for the provider.
func handleWorklist(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		q := r.URL.Query()
		f := portal.Problems{}
		wq := portal.WorkQuery{Provider: caller.Provider, Status: q.Get("status"), Window: httpapi.Window(q, portal.DateOf(d.Now()), f)}
		if q.Has("status") && !slices.Contains(portal.AuthStatuses, portal.AuthStatus(wq.Status)) {
			f.Choose("status", "a status")
		}
		if err := f.Err(); err != nil {
			return err
		}
		list, next, err := d.Requests.Worklist(r.Context(), wq)
		if err != nil {
			return err
		}
		waiting, err := portal.CountWaiting(r.Context(), caller.Provider, portal.WaitingAuthStatuses, d.Requests.CountByStatus)
		if err != nil {
			return err
		}
		return listed(w, r, d, caller, "authorizations.worklist", list, next, waiting)
	}
}

type addDocuments struct {
	UploadIDs []string `json:"uploadIds"`
	Note      string   `json:"note"`
}

func handleAddDocuments(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		var req addDocuments
		if err := httpapi.Decode(r, &req); err != nil {
			return err
		}
		f := portal.Problems{}
		f.Uploads("uploadIds", req.UploadIDs, true)
		f.Text("note", "the note", req.Note, 4000, false, true)
		if err := f.Err(); err != nil {
			return err
		}
		now := d.Now().UTC()
		id := r.PathValue("authorizationId")
		ev, err := portal.NewEvent(portal.EventDocumentsAdded, portal.QueueUtilizationManagement, now,
			map[string]any{"authorizationId": id, "uploadIds": req.UploadIDs, "note": req.Note})
		if err != nil {
			return err
		}
		a, err := d.Requests.AddDocuments(r.Context(), caller.Provider, id, req.UploadIDs, req.Note, ev)
		if err != nil {
			return err
		}
		deliver(r, d, ev.ID)
		httpapi.Audit(r, d.Log, caller, "authorizations.documents", append([]string{a.ID}, req.UploadIDs...)...)
		httpapi.Encode(w, http.StatusOK, view(a))
		return nil
	}
}

// authorizationView is what a provider sees of a request.
type authorizationView struct {
	ID          string               `json:"authorizationId"`
	Status      portal.AuthStatus    `json:"status"`
	Type        portal.AuthType      `json:"type"`
	MemberID    string               `json:"memberId"`
	StartDate   portal.Date          `json:"startDate"`
	EndDate     portal.Date          `json:"endDate,omitzero"`
	Urgent      bool                 `json:"urgent"`
	SubmittedAt time.Time            `json:"submittedAt"`
	DecisionDue time.Time            `json:"decisionDue"`
	COB         portal.COBState      `json:"cobShown"`
	COBChecked  time.Time            `json:"cobCheckedAt"`
	Diagnoses   []string             `json:"diagnoses"`
	Services    []portal.ServiceLine `json:"services"`
	Admission   *portal.Admission    `json:"admission,omitempty"`
	Documents   []string             `json:"documents"`
	Decision    *portal.AuthDecision `json:"decision,omitempty"`
	Answers     map[string]string    `json:"answers,omitempty"`
	Responses   []string             `json:"responses,omitempty"`
}

func view(a *portal.Authorization) authorizationView {
	v := authorizationView{ID: a.ID, Status: a.Status, Type: a.Request.Type, MemberID: a.Request.MemberID, StartDate: a.Request.StartDate,
		EndDate: a.Request.EndDate, Urgent: a.Request.Urgent, SubmittedAt: a.SubmittedAt, DecisionDue: a.DecisionDue,
		COB: a.COBShown.COB, COBChecked: a.COBCheckedAt, Diagnoses: a.Request.Diagnoses, Services: a.Request.Services,
		Admission: a.Request.Admission, Documents: a.Documents, Decision: a.Decision, Answers: a.Request.Answers, Responses: a.Responses}
	if v.Services == nil {
		v.Services = []portal.ServiceLine{}
	}
	if v.Documents == nil {
		v.Documents = []string{}
	}
	return v
}
