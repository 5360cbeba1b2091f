package portal

import (
	"slices"
	"strings"
	"time"

	"github.com/openpayer/provider-portal/shared/strictjson"
)

// AuthStatus is where a retro authorization request stands.
type AuthStatus string

const (
	AuthReceived  AuthStatus = "received"
	AuthMoreInfo  AuthStatus = "more_information_requested"
	AuthApproved  AuthStatus = "approved"
	AuthDenied    AuthStatus = "denied"
	AuthWithdrawn AuthStatus = "withdrawn"
)

// Final reports whether no later decision can change the status.
func (s AuthStatus) Final() bool {
	return s == AuthApproved || s == AuthDenied || s == AuthWithdrawn
}

// Authorization is a submitted retro authorization request and where it
// stands.
type Authorization struct {
	ID          string               `json:"authorizationId"`
	Provider    ProviderID           `json:"providerTin"`
	SubmittedBy string               `json:"submittedBy"`
	SubmittedAt time.Time            `json:"submittedAt"`
	Request     AuthorizationRequest `json:"request"`
	// COBShown is the COB information shown for the start date when the
	// provider verified it, and when.
	COBShown     Coverage   `json:"cobShown"`
	COBCheckedAt time.Time  `json:"cobCheckedAt"`
	Status       AuthStatus `json:"status"`
	DecisionDue  time.Time  `json:"decisionDue"`
	// Decision is the latest decision applied; DecisionIDs every one seen,
	// so that a redelivered decision changes nothing.
	Decision    *AuthDecision `json:"decision,omitempty"`
	DecisionIDs []string      `json:"decisionIds,omitempty"`
	// Documents are the uploads attached, at submit and after; Responses
	// the provider's notes sent with documents after submit.
	Documents []string  `json:"documents,omitempty"`
	Responses []string  `json:"responses,omitempty"`
	UpdatedAt time.Time `json:"updatedAt"`
	// Version counts the record's writes: each update is conditional on it.
	Version int64 `json:"version"`
	// Trace is the identifier a system that sent the request by Da Vinci
	// PAS gave it (its Claim's identifier): $inquire finds the request by
	// it, and PAS answers repeat it. Nil for a request made at the portal.
	Trace *TraceID `json:"trace,omitempty"`
}

// TraceID is another system's identifier of a request: a system (a URI)
// and a value.
type TraceID struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value"`
}

// AuthDecision is a decision from the plan's utilization management system.
type AuthDecision struct {
	DecisionID      string     `json:"decisionId"`
	AuthorizationID string     `json:"authorizationId"`
	Status          AuthStatus `json:"status"`
	DecidedAt       time.Time  `json:"decidedAt"`
	// Approved: the authorization number, dates and units approved.
	AuthorizationNumber string  `json:"authorizationNumber,omitempty"`
	ApprovedFrom        Date    `json:"approvedFrom,omitzero"`
	ApprovedTo          Date    `json:"approvedTo,omitzero"`
	ApprovedUnits       Integer `json:"approvedUnits,omitempty"`
	// Denied: the reason.
	ReasonCode string `json:"reasonCode,omitempty"`
	ReasonText string `json:"reasonText,omitempty"`
	// More information requested: what is wanted.
	InformationWanted string `json:"informationWanted,omitempty"`
}

// ParseAuthDecision reads a decision event strictly; its problems name
// fields, never values, so they may be logged.
func ParseAuthDecision(body []byte) (*AuthDecision, error) {
	var d AuthDecision
	if err := strictjson.Decode(body, &d); err != nil {
		return nil, Errorf(KindInvalid, CodeInvalidDecision, "decision event: not a decision: %s", strictjson.Describe(err))
	}
	var problems []string
	if !validID(d.DecisionID) {
		problems = append(problems, "decisionId is required")
	}
	if !strings.HasPrefix(d.AuthorizationID, "RA-") || len(d.AuthorizationID) != 12 {
		problems = append(problems, "authorizationId is not a request ID")
	}
	if d.DecidedAt.IsZero() {
		problems = append(problems, "decidedAt is required")
	}
	switch d.Status {
	case AuthApproved:
		if d.AuthorizationNumber == "" || len(d.AuthorizationNumber) > 40 || d.ApprovedFrom.IsZero() || d.ApprovedTo.Before(d.ApprovedFrom) || d.ApprovedUnits < 1 {
			problems = append(problems, "an approval needs authorizationNumber, approvedFrom, approvedTo (not before it) and approvedUnits")
		}
	case AuthDenied:
		if d.ReasonCode == "" || d.ReasonText == "" {
			problems = append(problems, "a denial needs reasonCode and reasonText")
		}
	case AuthMoreInfo:
		if d.InformationWanted == "" {
			problems = append(problems, "a request for more information needs informationWanted")
		}
	case AuthWithdrawn:
	default:
		problems = append(problems, "status must be approved, denied, more_information_requested or withdrawn")
	}
	if len(d.ReasonText) > 2000 || len(d.InformationWanted) > 2000 || len(d.ReasonCode) > 40 {
		problems = append(problems, "reasonCode, reasonText or informationWanted is too long")
	}
	if len(problems) > 0 {
		return nil, Errorf(KindInvalid, CodeInvalidDecision, "decision event: %s", strings.Join(problems, "; "))
	}
	return &d, nil
}

// Decide applies a decision to the request, once: a decision seen before,
// one for a request already decided for good, or one older than the latest
// applied changes nothing. It reports whether it changed the request. A
// decision dated in the future or before the request was submitted is
// refused (INVALID_DECISION_EVENT): once applied, it would outrank every
// real decision after it, which would then be dropped as older.
func (a *Authorization) Decide(d AuthDecision, now time.Time) (bool, error) {
	if why := decisionTimeProblem(d.DecidedAt, a.SubmittedAt, now, "request"); why != "" {
		return false, Errorf(KindInvalid, CodeInvalidDecision, "decision event: %s", why)
	}
	if slices.Contains(a.DecisionIDs, d.DecisionID) || a.Status.Final() ||
		(a.Decision != nil && d.DecidedAt.Before(a.Decision.DecidedAt)) {
		return false, nil
	}
	a.Status, a.Decision = d.Status, &d
	a.DecisionIDs = append(a.DecisionIDs, d.DecisionID)
	a.UpdatedAt = now
	return true, nil
}

// DecisionClockSkew is how far another system's clock may be from the
// portal's, either way, when it dates a decision: seconds, not minutes.
const DecisionClockSkew = 2 * time.Minute

// decisionTimeProblem says what is wrong with when a decision says it was
// made, or "" if nothing: later than now, or before the request or case was
// submitted (what: "request" or "case"), each give or take the skew.
func decisionTimeProblem(decidedAt, submittedAt, now time.Time, what string) string {
	switch {
	case decidedAt.After(now.Add(DecisionClockSkew)):
		return "decidedAt is later than now"
	case !submittedAt.IsZero() && decidedAt.Before(submittedAt.Add(-DecisionClockSkew)):
		return "decidedAt is before the " + what + " was submitted"
	}
	return ""
}

// ErrAuthorizationNotFound answers a request ID that is not the caller's.
func ErrAuthorizationNotFound() *Error {
	return Errorf(KindNotFound, CodeAuthorizationNotFound,
		"No such authorization request was found for your organisation. Check the request ID (RA-XXXX-XXXX).")
}

// ErrDuplicateAuthorization answers a second open request for the same
// member, type, start date and services.
func ErrDuplicateAuthorization(open string) *Error {
	return &Error{Kind: KindConflict, Code: CodeDuplicateAuthorization,
		Detail:              "An open request for this member, type, start date and services exists: " + open + ". Add documents or notes to it instead.",
		OpenAuthorizationID: open}
}

// OpenKey names the open request a new one would duplicate.
func (a *Authorization) OpenKey() string {
	r := &a.Request
	return strings.Join([]string{string(a.Provider), r.MemberID, string(r.Type), r.StartDate.String(), r.ServiceKey()}, "#")
}

// AddDocuments attaches more documents (and a note) to an open request: an
// answer to a request for more information puts it back with utilization
// management. A request decided for good takes no more.
func (a *Authorization) AddDocuments(ids []string, note string, now time.Time) error {
	if a.Status.Final() {
		return Errorf(KindConflict, CodeAuthorizationClosed,
			"This request was %s: it takes no more documents. Submit a new request if one is needed.", strings.ReplaceAll(string(a.Status), "_", " "))
	}
	for _, id := range ids {
		if !slices.Contains(a.Documents, id) {
			a.Documents = append(a.Documents, id)
		}
	}
	if note != "" {
		a.Responses = append(a.Responses, note)
	}
	if a.Status == AuthMoreInfo {
		a.Status = AuthReceived
	}
	a.UpdatedAt = now
	return nil
}

// DocumentSubmission is how the request's documents are recorded on their
// uploads: submitted with the request, waiting for no claim. A system's
// request (Da Vinci PAS, traced) carries its documents inside it.
func (a *Authorization) DocumentSubmission(by string, at time.Time) Submission {
	return Submission{ID: NewSubmissionID(), Kind: SubmissionAuthorization, MemberID: a.Request.MemberID, ServiceDate: a.Request.StartDate,
		ContactEmail: a.Request.ContactEmail, SubmittedBy: by, SubmittedAt: at, ReceivedDate: DateOf(at), AuthorizationID: a.ID,
		Inline: a.Trace != nil}
}
