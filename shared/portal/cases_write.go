package portal

import (
	"encoding/json"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/openpayer/provider-portal/shared/strictjson"
)

// CaseWrite is what a change to a case writes with it, in one transaction:
// the event that tells the plan's appeals system, the letter the provider
// gets, the uploads submitted to the case, and the open-case guard taken
// (on submit) or released (when the case closes). All or none is written.
type CaseWrite struct {
	Event   *OutboundEvent
	Letter  *Letter
	Uploads []string
	Take    bool
	Release bool
}

// CaseChange decides, on a case as stored, how it changes and what is
// written with the change; a nil write means nothing changes.
type CaseChange func(c *Case) (*CaseWrite, error)

// ClaimSubject and AuthorizationSubject name what cases are about, as
// Case.SubjectKey does.
func ClaimSubject(number string) string     { return "C#" + number }
func AuthorizationSubject(id string) string { return "A#" + id }

// QueueAppeals is the plan's appeals system, which decides disputes and
// appeals.
const QueueAppeals = "appeals"

// Event types of disputes and appeals.
const (
	EventCaseSubmitted      = "case_submitted"
	EventCaseDocumentsAdded = "case_documents_added"
	EventCaseWithdrawn      = "case_withdrawn"
)

// NewEvent builds an event for queue whose body is fields plus the event's
// ID, type and time.
func NewEvent(typ, queue string, at time.Time, fields map[string]any) (OutboundEvent, error) {
	id := NewID()
	fields["eventId"], fields["type"], fields["at"] = id, typ, at.UTC().Format(time.RFC3339)
	b, err := json.Marshal(fields)
	if err != nil {
		return OutboundEvent{}, err
	}
	return OutboundEvent{ID: id, Type: typ, Queue: queue, Body: string(b), At: at}, nil
}

// OpenKey names the one open case of its kind a claim (or a retro
// authorization) may have.
func (c *Case) OpenKey() string {
	return strings.Join([]string{string(c.Provider), c.SubjectKey(), string(c.Kind)}, "#")
}

// SubjectKey names what the case is about: a claim, or a retro
// authorization.
func (c *Case) SubjectKey() string {
	if c.AuthorizationID != "" {
		return AuthorizationSubject(c.AuthorizationID)
	}
	return ClaimSubject(c.ClaimNumber)
}

// ValidCaseID reports whether id has the form of a case ID of either kind.
func ValidCaseID(id string) bool { return FamilyOf(id) != nil }

// ValidAuthorizationID reports whether id has the form of a retro
// authorization request's ID.
func ValidAuthorizationID(id string) bool { return validReadable(id, "RA-") }

func validReadable(id, prefix string) bool {
	return len(id) == len(prefix)+9 && strings.HasPrefix(id, prefix) && id[len(prefix)+4] == '-' &&
		!strings.ContainsFunc(id[len(prefix):len(prefix)+4]+id[len(prefix)+5:], func(r rune) bool { return !strings.ContainsRune(readable, r) })
}

// ErrCaseNotFound answers a case that is not the caller's.
func ErrCaseNotFound() *Error {
	return Errorf(KindNotFound, CodeCaseNotFound,
		"No such dispute or appeal was found for your organisation. Check the case ID (DP-XXXX-XXXX or AP-XXXX-XXXX).")
}

// ErrCaseOpen answers a second open case of the same kind on a claim.
func ErrCaseOpen(open string) *Error {
	return &Error{Kind: KindConflict, Code: CodeCaseOpen,
		Detail:     "This claim already has an open case of this kind: " + open + ". Add documents to it, or withdraw it first.",
		OpenCaseID: open}
}

// DocumentSubmission is how a case's documents are recorded on their
// uploads: kept with the case, waiting for no claim.
func (c *Case) DocumentSubmission(by string, at time.Time) Submission {
	return Submission{ID: NewSubmissionID(), Kind: SubmissionCase, ClaimNumber: c.ClaimNumber, SubmittedBy: by, SubmittedAt: at,
		ReceivedDate: DateOf(at), AuthorizationID: c.AuthorizationID, CaseID: c.ID}
}

// SaveDraft replaces a draft's answers (the Appeal form's Save).
func (c *Case) SaveDraft(notes string, fields map[string]string, uploads []string, now time.Time) error {
	if c.Status != CaseDraft {
		return Errorf(KindConflict, CodeCaseNotDraft, "This case was already submitted: add documents to it, or check its status.")
	}
	c.Notes, c.Fields, c.Documents, c.UpdatedAt = notes, fields, uploads, now
	return nil
}

// AddDocuments attaches more documents to a submitted case that is not
// closed, and reports which of ids are new to it.
func (c *Case) AddDocuments(ids []string, now time.Time) ([]string, error) {
	switch {
	case c.Status == CaseDraft:
		return nil, Errorf(KindConflict, CodeCaseNotSubmitted, "This case is a draft: save its documents with it, then submit it.")
	case c.Status.Final():
		return nil, Errorf(KindConflict, CodeCaseClosed, "This case is %s: it takes no more documents.", c.Status)
	}
	var added []string
	for _, id := range ids {
		if !slices.Contains(c.Documents, id) {
			c.Documents = append(c.Documents, id)
			added = append(added, id)
		}
	}
	c.UpdatedAt = now
	return added, nil
}

// ParseCaseDecision reads a message from the appeals system strictly; its
// problems name fields, never values, so they may be logged.
func ParseCaseDecision(body []byte) (*CaseDecision, error) {
	var d CaseDecision
	bad := func(why string) error { return Errorf(KindInvalid, CodeInvalidOutcome, "%s", why) }
	if err := strictjson.Decode(body, &d); err != nil {
		return nil, bad("not a case decision: " + strictjson.Describe(err))
	}
	text := func(s string, n int) bool { return utf8.ValidString(s) && len(s) <= n }
	switch {
	case d.DecisionID == "" || !ValidIdentifier(d.DecisionID):
		return nil, bad("decisionId missing or malformed")
	case !ValidCaseID(d.CaseID):
		return nil, bad("caseId missing or malformed")
	case d.DecidedAt.IsZero():
		return nil, bad("decidedAt missing")
	case !text(d.Reason, 2000) || !text(d.Missing, 2000):
		return nil, bad("reason or missing too long")
	case d.Amount < 0:
		return nil, bad("amount negative")
	}
	switch d.Outcome {
	case OutcomeAcknowledged, OutcomeUpheld, OutcomeOverturned:
		if d.Amount != 0 {
			return nil, bad("amount given for an outcome without one")
		}
	case OutcomePartlyOverturned:
		if d.Amount == 0 {
			return nil, bad("amount missing for a partial overturn")
		}
	case OutcomeReturnedIncomplete:
		if strings.TrimSpace(d.Missing) == "" {
			return nil, bad("missing not said for a case returned as incomplete")
		}
	default:
		return nil, bad("outcome not one of in_review, upheld, overturned, partially_overturned, returned_incomplete")
	}
	return &d, nil
}
