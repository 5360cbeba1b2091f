package authorizations

import (
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/portal"
)

// The guide's steps 3 to 5 (find the member, enter the start date of
// service, the COB Information tab) and Add COB Information.

// retroVerdict says whether a retro authorization may go on for the date,
// and if not, why, as the submission would answer.
type retroVerdict struct {
	Allowed bool   `json:"allowed"`
	Code    string `json:"code,omitempty"`
	Detail  string `json:"detail,omitempty"`
}

type memberCoverage struct {
	portal.Coverage
	Retro retroVerdict `json:"retroAuthorization"`
}

// maxMatches bounds a lookup by Medicaid ID or name and date of birth.
const maxMatches = 5

func badQuery(code, detail, field, why string) error {
	return &portal.Error{Kind: portal.KindInvalid, Code: code, Detail: detail, Fields: map[string]string{field: why}}
}

// coverageQuery reads the lookup: exactly one of the guide's three tabs,
// and the start date of service.
func coverageQuery(q url.Values) (method string, dos portal.Date, err error) {
	for k, v := range q {
		if len(v) != 1 || utf8.RuneCountInString(v[0]) > 80 {
			return "", dos, badQuery(portal.CodeInvalidRequest, "Enter each item of the search once, in 80 characters or fewer.", k, "Enter this once, in 80 characters or fewer.")
		}
	}
	// Every problem of the lookup in one answer; one alone keeps its code.
	f, code := portal.Problems{}, ""
	problem := func(c, field, sentence string) {
		f.Set(field, sentence)
		code = c
	}
	dos, derr := portal.ParseDate(q.Get("dateOfService"))
	switch {
	case !q.Has("dateOfService"):
		problem(portal.CodeInvalidDate, "dateOfService", "Enter the start date of service.")
	case derr != nil:
		problem(portal.CodeInvalidDate, "dateOfService", portal.SayNotADate)
	}
	var methods []string
	if q.Has("memberId") {
		methods = append(methods, "memberId")
	}
	if q.Has("medicaidId") {
		methods = append(methods, "medicaidId")
	}
	info := q.Has("lastName") || q.Has("firstName") || q.Has("dateOfBirth")
	if info {
		methods = append(methods, "memberInfo")
	}
	switch {
	case len(methods) == 0:
		problem(portal.CodeSearchMethod, "memberId", "Enter the member ID, the Medicaid ID, or the member's name and date of birth.")
	case len(methods) > 1:
		problem(portal.CodeOneSearchMethod, methods[1], "Find the member one way at a time: clear the other items.")
	case info && (strings.TrimSpace(q.Get("lastName")) == "" || strings.TrimSpace(q.Get("firstName")) == "" || q.Get("dateOfBirth") == ""):
		problem(portal.CodeMemberInfoPartial, "memberInfo", "Enter the member's last name, first name and date of birth together.")
	}
	if err := f.Err(); err != nil {
		if len(f) == 1 {
			err.(*portal.Error).Code = code
		}
		return "", dos, err
	}
	return methods[0], dos, nil
}

func findMembers(r *http.Request, d Deps, provider portal.ProviderID, method string) ([]portal.Member, error) {
	q, ctx := r.URL.Query(), r.Context()
	switch method {
	case "memberId":
		if !portal.ValidIdentifier(q.Get("memberId")) {
			return nil, nil
		}
		m, err := d.Members.Member(ctx, q.Get("memberId"))
		if portal.ErrorCode(err) == portal.CodeMemberNotFound {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return []portal.Member{*m}, nil
	case "medicaidId":
		if !portal.ValidIdentifier(q.Get("medicaidId")) {
			return nil, nil
		}
		return d.Members.MembersByMedicaidID(ctx, q.Get("medicaidId"))
	}
	dob, err := portal.ParseDate(q.Get("dateOfBirth"))
	if err != nil {
		return nil, badQuery(portal.CodeInvalidDate, "Enter the member's date of birth.", "dateOfBirth", portal.SayDate)
	}
	if err := d.Plan.TakeMemberSearch(ctx, d.Searches, provider, d.Now()); err != nil {
		return nil, err
	}
	return d.Members.MembersByName(ctx, q.Get("lastName"), q.Get("firstName"), dob)
}

// coverageBody is POST /members/coverage/search's body: GET
// /members/coverage's query, kept out of the URL because it is PHI.
type coverageBody struct {
	MemberID      *string `json:"memberId,omitempty"`
	MedicaidID    *string `json:"medicaidId,omitempty"`
	LastName      *string `json:"lastName,omitempty"`
	FirstName     *string `json:"firstName,omitempty"`
	DateOfBirth   *string `json:"dateOfBirth,omitempty"`
	DateOfService *string `json:"dateOfService,omitempty"`
}

func handleCoverage(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		method, dos, err := coverageQuery(r.URL.Query())
		if err != nil {
			return err
		}
		members, err := findMembers(r, d, caller.Provider, method)
		if err != nil {
			return err
		}
		if len(members) == 0 {
			return portal.Errorf(portal.KindNotFound, portal.CodeMemberNotFound,
				"No member was found that way. Check the ID on the member's card, or the name and date of birth.")
		}
		if len(members) > maxMatches {
			return portal.Errorf(portal.KindRefused, portal.CodeTooManyMembers,
				"More than %d members match. Search by the member ID on the member's card instead.", maxMatches)
		}
		today := portal.DateOf(d.Now())
		out := struct {
			DateOfService portal.Date      `json:"dateOfService"`
			Members       []memberCoverage `json:"members"`
		}{DateOfService: dos}
		var ids []string
		for i := range members {
			reported, err := d.Requests.ReportedCOB(r.Context(), members[i].ID)
			if err != nil {
				return err
			}
			c := memberCoverage{Coverage: portal.CoverageOn(&members[i], reported, dos), Retro: retroVerdict{Allowed: true}}
			var pe *portal.Error
			if errors.As(d.Plan.CheckRetro(c.Coverage, today), &pe) {
				c.Retro = retroVerdict{Code: pe.Code, Detail: pe.Detail}
			}
			out.Members = append(out.Members, c)
			ids = append(ids, members[i].ID)
		}
		// Member IDs are PHI and stay out of logs: the audit line says who
		// looked coverage up, how, and how many members it showed.
		httpapi.Audit(r, d.Log, caller, "members.coverage."+method, strconv.Itoa(len(ids)))
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	}
}

// cobReport is the guide's "Add COB Information" form.
type cobReport struct {
	Carrier        string      `json:"carrier"`
	PolicyNumber   string      `json:"policyNumber"`
	SubscriberName string      `json:"subscriberName"`
	Relationship   string      `json:"relationship"`
	From           portal.Date `json:"from"`
	To             portal.Date `json:"to"`
}

func (c cobReport) check() error {
	f := portal.Problems{}
	f.Text("carrier", "the carrier", strings.TrimSpace(c.Carrier), 100, true, false)
	f.Text("policyNumber", "the policy number", strings.TrimSpace(c.PolicyNumber), 40, true, false)
	f.Text("subscriberName", "the subscriber's name", strings.TrimSpace(c.SubscriberName), 100, true, false)
	switch c.Relationship {
	case "self", "spouse", "child", "other":
	default:
		f.Choose("relationship", "the member's relationship to the subscriber")
	}
	if c.From.IsZero() {
		f.Required("from", "the first day of the other coverage")
	}
	if !c.To.IsZero() && c.To.Before(c.From) {
		f.Set("to", portal.SayCoverageTo)
	}
	return f.Err()
}

func handleReportCOB(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		var req cobReport
		if err := httpapi.Decode(r, &req); err != nil {
			return err
		}
		if err := req.check(); err != nil {
			return err
		}
		m, err := d.Members.Member(r.Context(), r.PathValue("memberId"))
		if err != nil {
			return err
		}
		now := d.Now().UTC()
		rep := portal.ReportedCOB{MemberID: m.ID, Carrier: strings.TrimSpace(req.Carrier), PolicyNumber: strings.TrimSpace(req.PolicyNumber),
			SubscriberName: strings.TrimSpace(req.SubscriberName), Relationship: req.Relationship, From: req.From, To: req.To,
			ReportedBy: caller.Subject, Provider: caller.Provider, ReportedAt: now}
		ev, err := portal.NewEvent(portal.EventCOBReported, portal.QueueCOB, now, map[string]any{"reported": rep})
		if err != nil {
			return err
		}
		if err := d.Requests.ReportCOB(r.Context(), rep, ev); err != nil {
			return err
		}
		deliver(r, d, ev.ID)
		httpapi.Audit(r, d.Log, caller, "members.cob.report", ev.ID)
		httpapi.Encode(w, http.StatusCreated, struct {
			Reported portal.ReportedCOB `json:"reported"`
			Status   string             `json:"status"`
		}{rep, "reported_not_verified"})
		return nil
	}
}
