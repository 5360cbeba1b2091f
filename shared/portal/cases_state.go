package portal

import (
	"slices"
	"strings"
	"time"
)

// CaseStatus is where a dispute or appeal stands.
type CaseStatus string

const (
	CaseDraft      CaseStatus = "draft"    // saved, not submitted (the Appeal form's Save)
	CaseReceived   CaseStatus = "received" // submitted; the acknowledgement letter goes out
	CaseInReview   CaseStatus = "in_review"
	CaseDecided    CaseStatus = "decided"
	CaseWithdrawn  CaseStatus = "withdrawn"           // Cancel Appeal, or a dispute withdrawn
	CaseIncomplete CaseStatus = "returned_incomplete" // the plan says what is missing
)

// Open reports whether the case still counts as the claim's open case of
// its kind: a second one is refused while it does.
func (s CaseStatus) Open() bool {
	return s == CaseReceived || s == CaseInReview || s == CaseIncomplete
}

// Final reports whether nothing can change the case any more.
func (s CaseStatus) Final() bool { return s == CaseDecided || s == CaseWithdrawn }

// CaseOutcome is what a decision decided.
type CaseOutcome string

const (
	OutcomeUpheld             CaseOutcome = "upheld"     // the denial or payment stands
	OutcomeOverturned         CaseOutcome = "overturned" // the provider's case won
	OutcomePartlyOverturned   CaseOutcome = "partially_overturned"
	OutcomeReturnedIncomplete CaseOutcome = "returned_incomplete"
	OutcomeAcknowledged       CaseOutcome = "in_review" // the plan took it up; no decision yet
)

// CaseEvent is one step of a case's history.
type CaseEvent struct {
	At     time.Time  `json:"at"`
	Status CaseStatus `json:"status"`
	Note   string     `json:"note,omitempty"`
}

// CaseDecision is a message from the plan's appeals system about a case.
type CaseDecision struct {
	DecisionID string      `json:"decisionId"`
	CaseID     string      `json:"caseId"`
	Outcome    CaseOutcome `json:"outcome"`
	DecidedAt  time.Time   `json:"decidedAt"`
	// Amount is what a partly overturned case pays, in cents.
	Amount  Money  `json:"amount,omitempty"`
	Reason  string `json:"reason,omitempty"`
	Missing string `json:"missing,omitempty"` // returned as incomplete: what is missing
}

// Case is a dispute or an appeal.
type Case struct {
	ID          string     `json:"caseId"`
	Kind        CaseKind   `json:"kind"`
	Provider    ProviderID `json:"providerTin"`
	CreatedBy   string     `json:"createdBy"`
	CreatedAt   time.Time  `json:"createdAt"`
	SubmittedAt *time.Time `json:"submittedAt,omitempty"`
	ClaimNumber string     `json:"claimNumber,omitempty"`
	// AuthorizationID: a clinical appeal of a retro authorization denied
	// for medical necessity names the request instead of a claim.
	AuthorizationID string `json:"authorizationId,omitempty"`
	// ProviderName is the billing provider's name, for the letters.
	ProviderName string            `json:"providerName,omitempty"`
	Status       CaseStatus        `json:"status"`
	History      []CaseEvent       `json:"history"`
	Decision     *CaseDecision     `json:"decision,omitempty"`
	DecisionIDs  []string          `json:"decisionIds,omitempty"`
	Documents    []string          `json:"documents,omitempty"`
	Notes        string            `json:"notes"`
	Fields       map[string]string `json:"fields,omitempty"` // the form's other answers: type, category, contact
	// Letters are the case's letters under Provider Documents.
	Letters   []LetterRef `json:"letters,omitempty"`
	UpdatedAt time.Time   `json:"updatedAt"`
	Version   int64       `json:"version"`
}

// NewCaseID returns an ID a person can read over the phone: "DP-" for a
// dispute, "AP-" for an appeal, then eight characters in two groups.
func NewCaseID(kind CaseKind) string { return readableID(FamilyOfKind(kind).Prefix) }

// Submit turns a draft into a received case.
func (c *Case) Submit(now time.Time) error {
	if c.Status != CaseDraft && c.Status != CaseIncomplete {
		return Errorf(KindConflict, CodeCaseNotDraft, "This case was already submitted: add documents to it, or check its status.")
	}
	c.Status, c.SubmittedAt, c.UpdatedAt = CaseReceived, &now, now
	c.History = append(c.History, CaseEvent{At: now, Status: CaseReceived})
	return nil
}

// Withdraw cancels a case that is not decided (the Appeal form's Cancel
// Appeal).
func (c *Case) Withdraw(now time.Time) error {
	if c.Status.Final() {
		return Errorf(KindConflict, CodeCaseClosed, "This case is %s: it can no longer be withdrawn.", strings.ReplaceAll(string(c.Status), "_", " "))
	}
	c.Status, c.UpdatedAt = CaseWithdrawn, now
	c.History = append(c.History, CaseEvent{At: now, Status: CaseWithdrawn})
	return nil
}

// Decide applies a message from the appeals system once: a message seen
// before, one about a case decided or withdrawn for good, one older than
// the latest applied, or an acknowledgement that arrives after a decision
// changes nothing. It reports whether it changed the case. A message dated
// in the future, or before the case was first submitted, is refused
// (INVALID_CASE_DECISION): applied, it would outrank every real one after it.
func (c *Case) Decide(d CaseDecision, now time.Time) (bool, error) {
	var submitted time.Time
	if at := c.firstSubmittedAt(); at != nil {
		submitted = *at
	}
	if why := decisionTimeProblem(d.DecidedAt, submitted, now, "case"); why != "" {
		return false, Errorf(KindInvalid, CodeInvalidOutcome, "%s", why)
	}
	if slices.Contains(c.DecisionIDs, d.DecisionID) || c.Status.Final() || c.Status == CaseDraft ||
		(c.Decision != nil && d.DecidedAt.Before(c.Decision.DecidedAt)) {
		return false, nil
	}
	status := CaseDecided
	switch d.Outcome {
	case OutcomeAcknowledged:
		status = CaseInReview
	case OutcomeReturnedIncomplete:
		status = CaseIncomplete
	}
	c.Status, c.UpdatedAt = status, now
	c.DecisionIDs = append(c.DecisionIDs, d.DecisionID)
	if d.Outcome != OutcomeAcknowledged {
		c.Decision = &d
	}
	note := string(d.Outcome)
	if d.Missing != "" {
		note = d.Missing
	}
	c.History = append(c.History, CaseEvent{At: d.DecidedAt, Status: status, Note: note})
	return true, nil
}

// firstSubmittedAt is when the case was first submitted (a case returned as
// incomplete is submitted again later), or nil for a draft.
func (c *Case) firstSubmittedAt() *time.Time {
	for _, e := range c.History {
		if e.Status == CaseReceived {
			return &e.At
		}
	}
	return c.SubmittedAt
}
