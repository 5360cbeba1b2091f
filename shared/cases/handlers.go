package cases

import (
	"cmp"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/portal"
)

// newCase is a draft of kind by the caller.
func (rt *routes) newCase(kind portal.CaseKind, caller httpapi.Caller, claim, authorization, providerName string, now time.Time) *portal.Case {
	return &portal.Case{ID: portal.NewCaseID(kind), Kind: kind, Provider: caller.Provider, CreatedBy: caller.Subject, CreatedAt: now,
		ClaimNumber: claim, AuthorizationID: authorization, ProviderName: providerName, Status: portal.CaseDraft,
		History: []portal.CaseEvent{{At: now, Status: portal.CaseDraft}}, UpdatedAt: now, Version: 1}
}

// submitWrite submits c and returns what a submission writes with it: the
// event to the appeals system with the case and its documents, the
// acknowledgement letter, the documents, the claim's open-case guard.
func (rt *routes) submitWrite(c *portal.Case, uploads []string, now time.Time) (*portal.CaseWrite, error) {
	if err := c.Submit(now); err != nil {
		return nil, err
	}
	letter := c.AddLetter(rt.d.Plan.AcknowledgementLetter(c, c.ProviderName))
	return withEvent(portal.CaseWrite{Letter: letter, Uploads: uploads, Take: true}, portal.EventCaseSubmitted, now,
		map[string]any{"case": c, "documents": c.Documents})
}

// withEvent is w with the event of typ that tells the appeals system.
func withEvent(w portal.CaseWrite, typ string, now time.Time, fields map[string]any) (*portal.CaseWrite, error) {
	ev, err := portal.NewEvent(typ, portal.QueueAppeals, now, fields)
	if err != nil {
		return nil, err
	}
	w.Event = &ev
	return &w, nil
}

// delivered sends the event a write recorded at once; a failure leaves it
// to the sweep. A letter's PDF is not rendered here: the case-events sweep
// or the first download stores it (see shared/caseevents).
func (rt *routes) delivered(r *http.Request, w *portal.CaseWrite) {
	if w == nil {
		return
	}
	if w.Event != nil {
		if err := rt.d.Events.Deliver(r.Context(), w.Event.ID); err != nil {
			rt.d.Log.WarnContext(r.Context(), "event not delivered yet; the sweep will", "eventId", w.Event.ID, "error", err.Error())
		}
	}
}

func (rt *routes) handleCreateDispute() httpapi.ProviderHandler {
	d := rt.d
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		var fm disputeForm
		if err := httpapi.Decode(r, &fm); err != nil {
			return err
		}
		if err := fm.check(); err != nil {
			return err
		}
		now := d.Now().UTC()
		claim, err := d.Claims.Claim(r.Context(), caller.Provider, fm.ClaimNumber)
		if err != nil {
			return err
		}
		if err := d.Plan.CheckDispute(claim, fm.IssueCategory, portal.DateOf(now)); err != nil {
			return err
		}
		c := rt.newCase(portal.CaseDispute, caller, claim.Number, "", claim.BillingProvider.Name, now)
		c.Notes, c.Documents = strings.TrimSpace(fm.Notes), fm.UploadIDs
		c.Fields = map[string]string{"disputeType": fm.DisputeType, "issueCategory": fm.IssueCategory, "contactName": strings.TrimSpace(fm.ContactName)}
		return rt.create(w, r, caller, c, true)
	}
}

func (rt *routes) handleCreateAppeal() httpapi.ProviderHandler {
	d := rt.d
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		var fm appealForm
		if err := httpapi.Decode(r, &fm); err != nil {
			return err
		}
		if err := fm.check(!fm.Draft); err != nil {
			return err
		}
		now := d.Now().UTC()
		c, err := rt.appealable(r, caller, fm.AppealType, fm.claim(), fm.authorization(), now)
		if err != nil {
			return err
		}
		c.Notes, c.Documents, c.Fields = strings.TrimSpace(fm.Notes), fm.UploadIDs, fm.fields()
		return rt.create(w, r, caller, c, !fm.Draft)
	}
}

// appealable reads what an appeal is about, checks it may be appealed
// today, and returns a draft of the appeal.
func (rt *routes) appealable(r *http.Request, caller httpapi.Caller, kind portal.CaseKind, claimNumber, authorizationID string, now time.Time) (*portal.Case, error) {
	d, today := rt.d, portal.DateOf(now)
	if authorizationID != "" {
		a, err := d.Authorizations.Authorization(r.Context(), caller.Provider, authorizationID)
		if err != nil {
			return nil, err
		}
		if err := d.Plan.CheckAuthorizationAppeal(a, today); err != nil {
			return nil, err
		}
		return rt.newCase(kind, caller, "", a.ID, "", now), nil
	}
	claim, err := d.Claims.Claim(r.Context(), caller.Provider, claimNumber)
	if err != nil {
		return nil, err
	}
	if err := d.Plan.CheckAppeal(kind, claim, today); err != nil {
		return nil, err
	}
	return rt.newCase(kind, caller, claim.Number, "", claim.BillingProvider.Name, now), nil
}

// draftUploads refuses what a draft lists unless a submission would take
// it (the caller's, not submitted elsewhere, not refused): a draft must
// not keep, and show, what its submit would refuse.
func (rt *routes) draftUploads(r *http.Request, caller httpapi.Caller, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	stored, err := rt.d.Uploads.Uploads(r.Context(), caller.Provider, ids)
	if err != nil {
		return err
	}
	return portal.CheckSubmittable(caller.Provider, ids, stored)
}

// create writes a new case, submitted or a draft, and answers with it.
func (rt *routes) create(w http.ResponseWriter, r *http.Request, caller httpapi.Caller, c *portal.Case, submit bool) error {
	d := rt.d
	write := &portal.CaseWrite{}
	if !submit {
		if err := rt.draftUploads(r, caller, c.Documents); err != nil {
			return err
		}
	}
	if submit {
		var err error
		if write, err = rt.submitWrite(c, c.Documents, c.CreatedAt); err != nil {
			return err
		}
	}
	if err := d.Cases.CreateCase(r.Context(), c, *write); err != nil {
		return err
	}
	rt.delivered(r, write)
	httpapi.Audit(r, d.Log, caller, rt.family.Name+".create."+string(c.Status), c.ID)
	httpapi.Encode(w, http.StatusCreated, rt.view(c))
	return nil
}

// change applies a change to one of the caller's cases and answers with
// the case as changed.
func (rt *routes) change(w http.ResponseWriter, r *http.Request, caller httpapi.Caller, action string, change portal.CaseChange) error {
	d := rt.d
	var write *portal.CaseWrite
	c, _, err := d.Cases.UpdateCase(r.Context(), caller.Provider, r.PathValue("caseId"), caller.Subject, func(c *portal.Case) (*portal.CaseWrite, error) {
		if !rt.owns(c) {
			return nil, portal.ErrCaseNotFound()
		}
		w, err := change(c)
		write = w
		return w, err
	})
	if err != nil {
		return err
	}
	rt.delivered(r, write)
	httpapi.Audit(r, d.Log, caller, rt.family.Name+"."+action, c.ID)
	httpapi.Encode(w, http.StatusOK, rt.view(c))
	return nil
}

// owns reports whether c is of this function's family: a dispute ID sent
// to /appeals is not found there.
func (rt *routes) owns(c *portal.Case) bool {
	return rt.family.Holds(c.Kind)
}

func (rt *routes) handleSaveDraft() httpapi.ProviderHandler {
	d := rt.d
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		var fm appealForm
		if err := httpapi.Decode(r, &fm); err != nil {
			return err
		}
		if err := fm.check(false); err != nil {
			return err
		}
		if err := rt.draftUploads(r, caller, fm.UploadIDs); err != nil {
			return err
		}
		now := d.Now().UTC()
		return rt.change(w, r, caller, "save", func(c *portal.Case) (*portal.CaseWrite, error) {
			if c.ClaimNumber != fm.claim() || c.AuthorizationID != fm.authorization() || c.Kind != fm.AppealType {
				return nil, &portal.Error{Kind: portal.KindConflict, Code: portal.CodeDraftSubjectFixed,
					Detail: "A draft keeps its claim (or authorization) and appeal type: cancel it and start another to change them.",
					Fields: map[string]string{"appealType": "as the draft has it"}}
			}
			if err := c.SaveDraft(strings.TrimSpace(fm.Notes), fm.fields(), fm.UploadIDs, now); err != nil {
				return nil, err
			}
			return &portal.CaseWrite{}, nil
		})
	}
}

func (rt *routes) handleSubmit() httpapi.ProviderHandler {
	d := rt.d
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		now := d.Now().UTC()
		return rt.change(w, r, caller, "submit", func(c *portal.Case) (*portal.CaseWrite, error) {
			// The form is checked as a submission, and the windows again:
			// a draft saved in time may be submitted too late.
			fm := appealForm{ClaimNumber: optional(c.ClaimNumber), AuthorizationID: optional(c.AuthorizationID), AppealType: c.Kind, Notes: c.Notes, Reasons: map[string]appealAnswer{}}
			for _, q := range portal.AppealQuestions {
				if a, ok := c.Fields["reason."+q.ID]; ok {
					fm.Reasons[q.ID] = appealAnswer{Answer: a}
				}
			}
			if c.Status == portal.CaseDraft {
				var pe *portal.Error
				if err := fm.check(true); errors.As(err, &pe) {
					// The request is fine; the draft is not finished.
					return nil, &portal.Error{Kind: portal.KindRefused, Code: portal.CodeDraftIncomplete,
						Detail: "This draft is not finished: save it with what is listed, then submit it.", Fields: pe.Fields}
				}
				if _, err := rt.appealable(r, caller, c.Kind, c.ClaimNumber, c.AuthorizationID, now); err != nil {
					return nil, err
				}
			}
			uploads := c.Documents
			if c.Status != portal.CaseDraft {
				uploads = nil // a returned case's documents were submitted with it
			}
			return rt.submitWrite(c, uploads, now)
		})
	}
}

type addDocuments struct {
	UploadIDs []string `json:"uploadIds"`
}

func (rt *routes) handleAddDocuments() httpapi.ProviderHandler {
	d := rt.d
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		var req addDocuments
		if err := httpapi.Decode(r, &req); err != nil {
			return err
		}
		f := portal.Problems{}
		f.Uploads("uploadIds", req.UploadIDs, true)
		if err := f.Err(); err != nil {
			return err
		}
		now := d.Now().UTC()
		return rt.change(w, r, caller, "documents", func(c *portal.Case) (*portal.CaseWrite, error) {
			added, err := c.AddDocuments(req.UploadIDs, now)
			if err != nil || len(added) == 0 {
				return nil, err
			}
			return withEvent(portal.CaseWrite{Uploads: added}, portal.EventCaseDocumentsAdded, now, map[string]any{"caseId": c.ID, "documents": added})
		})
	}
}

func (rt *routes) handleWithdraw() httpapi.ProviderHandler {
	d := rt.d
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		now := d.Now().UTC()
		return rt.change(w, r, caller, "withdraw", func(c *portal.Case) (*portal.CaseWrite, error) {
			wasOpen := c.Status.Open()
			if err := c.Withdraw(now); err != nil {
				return nil, err
			}
			if !wasOpen {
				return &portal.CaseWrite{}, nil // a draft: the appeals system never had it
			}
			return withEvent(portal.CaseWrite{Release: true}, portal.EventCaseWithdrawn, now, map[string]any{"caseId": c.ID})
		})
	}
}

func (rt *routes) handleGet() httpapi.ProviderHandler {
	d := rt.d
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		c, err := d.Cases.Case(r.Context(), caller.Provider, r.PathValue("caseId"))
		if err == nil && !rt.owns(c) {
			err = portal.ErrCaseNotFound()
		}
		if err != nil {
			return err
		}
		httpapi.Audit(r, d.Log, caller, rt.family.Name+".read", c.ID)
		httpapi.Encode(w, http.StatusOK, rt.view(c))
		return nil
	}
}

func (rt *routes) handleList() httpapi.ProviderHandler {
	d := rt.d
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		q := r.URL.Query()
		var subject string
		switch {
		case len(q["claimNumber"]) == 1 && !q.Has("authorizationId") && portal.ValidIdentifier(q.Get("claimNumber")):
			subject = portal.ClaimSubject(q.Get("claimNumber"))
		case rt.family.ByAuthorization && len(q["authorizationId"]) == 1 && !q.Has("claimNumber") && portal.ValidAuthorizationID(q.Get("authorizationId")):
			subject = portal.AuthorizationSubject(q.Get("authorizationId"))
		default:
			return (&portal.Error{Kind: portal.KindInvalid, Code: portal.CodeInvalidRequest,
				Detail: "Enter the claim number to check the status of its disputes and appeals, or open a case by its ID.",
				Fields: map[string]string{"claimNumber": portal.SayClaimNumber}}).WithReason(
				"Give claimNumber (or, for appeals, authorizationId) once, as the query, or GET the case by its ID.")
		}
		// The worklist's limit and cursor; a claim has a handful of cases,
		// so a page holds up to 100 unless asked for fewer.
		f := portal.Problems{}
		win := httpapi.Window(url.Values{"limit": {cmp.Or(q.Get("limit"), "100")}, "cursor": q["cursor"]}, portal.DateOf(d.Now()), f)
		if err := f.Err(); err != nil {
			return err
		}
		list, next, err := d.Cases.Cases(r.Context(), portal.SubjectQuery{Provider: caller.Provider, Subject: subject, Limit: win.Limit, Cursor: win.Cursor})
		if err != nil {
			return err
		}
		views, ids := rt.views(list)
		out := struct {
			Cases      []caseView `json:"cases"`
			NextCursor string     `json:"nextCursor,omitempty"`
		}{Cases: views, NextCursor: next}
		httpapi.Audit(r, d.Log, caller, rt.family.Name+".list", ids...)
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	}
}

// handleWorklist lists the provider's cases of the family, drafts included,
// newest first, filtered by status and date, with the counts of those that
// wait for the provider.
func (rt *routes) handleWorklist() httpapi.ProviderHandler {
	d := rt.d
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		q := r.URL.Query()
		f := portal.Problems{}
		wq := portal.WorkQuery{Provider: caller.Provider, Status: q.Get("status"), Window: httpapi.Window(q, portal.DateOf(d.Now()), f)}
		if q.Has("status") && !slices.Contains(portal.CaseStatuses, portal.CaseStatus(wq.Status)) {
			f.Choose("status", "a status")
		}
		if err := f.Err(); err != nil {
			return err
		}
		list, next, err := d.Cases.Worklist(r.Context(), wq)
		if err != nil {
			return err
		}
		waiting, err := portal.CountWaiting(r.Context(), caller.Provider, rt.family.WaitingStatuses(), d.Cases.CountByStatus)
		if err != nil {
			return err
		}
		views, ids := rt.views(list)
		out := struct {
			Cases      []caseView       `json:"cases"`
			NextCursor string           `json:"nextCursor,omitempty"`
			Waiting    []portal.Waiting `json:"waiting"`
		}{Cases: views, NextCursor: next, Waiting: waiting}
		httpapi.Audit(r, d.Log, caller, rt.family.Name+".worklist", ids...)
		httpapi.Encode(w, http.StatusOK, out)
		return nil
	}
}

// views are what the provider sees of the family's cases in list, and
// their IDs for the audit line.
func (rt *routes) views(list []portal.Case) ([]caseView, []string) {
	views, ids := []caseView{}, []string{}
	for i := range list {
		if rt.owns(&list[i]) {
			views = append(views, rt.view(&list[i]))
			ids = append(ids, list[i].ID)
		}
	}
	return views, ids
}

// optional is s as a form would send it: left out when empty.
func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}
