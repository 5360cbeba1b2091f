package portal

import (
	"strings"
	"time"
)

// Letters under Provider Documents: an acknowledgement when a dispute or
// appeal is received, a decision letter when it is decided, and a letter
// saying what is missing when it is returned as incomplete. A letter's
// record is written in the same transaction as the change it reports, with
// everything the letter says, so it is listed at once; its PDF is rendered
// and stored right after, and by a sweep if that fails.

// LetterType tells letters apart; providers filter by it.
type LetterType string

const (
	LetterAcknowledgement LetterType = "acknowledgement"
	LetterDecision        LetterType = "decision"
	LetterIncomplete      LetterType = "returned_incomplete"
)

// ValidLetterType reports whether t is a letter type.
func ValidLetterType(t LetterType) bool {
	return t == LetterAcknowledgement || t == LetterDecision || t == LetterIncomplete
}

// Letter is one letter to a provider.
type Letter struct {
	ID        string     `json:"documentId"`
	Type      LetterType `json:"type"`
	Provider  ProviderID `json:"providerTin"`
	CreatedAt time.Time  `json:"createdAt"`
	// What the letter is about.
	CaseID          string   `json:"caseId"`
	CaseKind        CaseKind `json:"caseKind"`
	ClaimNumber     string   `json:"claimNumber,omitempty"`
	AuthorizationID string   `json:"authorizationId,omitempty"`
	// What it says.
	PlanName     string      `json:"planName"`
	ProviderName string      `json:"providerName,omitempty"`
	ReceivedAt   time.Time   `json:"receivedAt"`
	DecisionDue  Date        `json:"decisionDue,omitzero"`
	Outcome      CaseOutcome `json:"outcome,omitempty"`
	DecidedAt    *time.Time  `json:"decidedAt,omitempty"`
	Amount       Money       `json:"amount,omitempty"`
	Reason       string      `json:"reason,omitempty"`
	Missing      string      `json:"missing,omitempty"`
	// StoredAt is when its PDF was stored; nil while it is being prepared.
	StoredAt *time.Time `json:"storedAt,omitempty"`
	Size     int64      `json:"size,omitempty"`
}

// LetterRef names a letter on its case.
type LetterRef struct {
	ID        string     `json:"documentId"`
	Type      LetterType `json:"type"`
	CreatedAt time.Time  `json:"createdAt"`
}

// AddLetter records l on its case and returns it.
func (c *Case) AddLetter(l *Letter) *Letter {
	c.Letters = append(c.Letters, LetterRef{ID: l.ID, Type: l.Type, CreatedAt: l.CreatedAt})
	return l
}

// LetterQuery lists a provider's letters, newest first.
type LetterQuery struct {
	Provider ProviderID
	Type     LetterType // empty: every type
	Window              // by the day the letter was written
}

// ErrLetterNotFound answers a letter that is not the caller's.
func ErrLetterNotFound() *Error {
	return Errorf(KindNotFound, CodeDocumentNotFound, "No such document was found for your organisation. Pick one from the Provider Documents list.")
}

// AcknowledgementLetter is the letter that says c was received, and by
// when the plan will decide it.
func (p Plan) AcknowledgementLetter(c *Case, providerName string) *Letter {
	at := *c.SubmittedAt
	return &Letter{ID: NewID(), Type: LetterAcknowledgement, Provider: c.Provider, CreatedAt: at, CaseID: c.ID, CaseKind: c.Kind,
		ClaimNumber: c.ClaimNumber, AuthorizationID: c.AuthorizationID, PlanName: p.Name, ProviderName: providerName,
		ReceivedAt: at, DecisionDue: p.CaseDecisionDue(c.Kind, at)}
}

// DecisionLetter is the letter that tells the provider what the plan
// decided on c, or what it needs to go on.
func (p Plan) DecisionLetter(c *Case, d CaseDecision, now time.Time) *Letter {
	t := LetterDecision
	if d.Outcome == OutcomeReturnedIncomplete {
		t = LetterIncomplete
	}
	decided := d.DecidedAt
	return &Letter{ID: NewID(), Type: t, Provider: c.Provider, CreatedAt: now, CaseID: c.ID, CaseKind: c.Kind,
		ClaimNumber: c.ClaimNumber, AuthorizationID: c.AuthorizationID, PlanName: p.Name, ProviderName: c.ProviderName,
		ReceivedAt: *c.SubmittedAt, Outcome: d.Outcome, DecidedAt: &decided, Amount: d.Amount, Reason: d.Reason, Missing: d.Missing}
}

// CaseDecisionDue is the day the plan commits to decide a case received at.
func (p Plan) CaseDecisionDue(kind CaseKind, at time.Time) Date {
	return DateOf(at).AddDate(0, 0, p.Cases.DecisionDays[kind])
}

// FileName is the name a letter downloads under: its case and kind, such
// as "AP-7K2M-9QXD acknowledgement letter.pdf". It holds no PHI.
func (l *Letter) FileName() string {
	return l.CaseID + " " + strings.ReplaceAll(string(l.Type), "_", " ") + " letter.pdf"
}
