package cases

import (
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// What a provider sees of a case.

// caseView is what a provider sees of a case: its answers, where it
// stands, its history and its letters.
type caseView struct {
	ID              string             `json:"caseId"`
	Kind            portal.CaseKind    `json:"kind"`
	Status          portal.CaseStatus  `json:"status"`
	ClaimNumber     string             `json:"claimNumber,omitempty"`
	AuthorizationID string             `json:"authorizationId,omitempty"`
	CreatedAt       time.Time          `json:"createdAt"`
	SubmittedAt     *time.Time         `json:"submittedAt,omitempty"`
	DecisionDue     portal.Date        `json:"decisionDue,omitzero"`
	Notes           string             `json:"notes"`
	Fields          map[string]string  `json:"fields"`
	Documents       []string           `json:"documents"`
	History         []portal.CaseEvent `json:"history"`
	Decision        *decisionView      `json:"decision,omitempty"`
	Missing         string             `json:"missing,omitempty"`
	Letters         []portal.LetterRef `json:"letters"`
}

type decisionView struct {
	Outcome   portal.CaseOutcome `json:"outcome"`
	DecidedAt time.Time          `json:"decidedAt"`
	Amount    portal.Money       `json:"amount,omitempty"`
	Reason    string             `json:"reason,omitempty"`
}

func (rt *routes) view(c *portal.Case) caseView {
	v := caseView{ID: c.ID, Kind: c.Kind, Status: c.Status, ClaimNumber: c.ClaimNumber, AuthorizationID: c.AuthorizationID,
		CreatedAt: c.CreatedAt, SubmittedAt: c.SubmittedAt, Notes: c.Notes, Fields: c.Fields, Documents: c.Documents,
		History: c.History, Letters: c.Letters}
	if c.SubmittedAt != nil && c.Status.Open() {
		v.DecisionDue = rt.d.Plan.CaseDecisionDue(c.Kind, *c.SubmittedAt)
	}
	if dd := c.Decision; dd != nil {
		if c.Status == portal.CaseIncomplete {
			v.Missing = dd.Missing
		} else {
			v.Decision = &decisionView{Outcome: dd.Outcome, DecidedAt: dd.DecidedAt, Amount: dd.Amount, Reason: dd.Reason}
		}
	}
	if v.Fields == nil {
		v.Fields = map[string]string{}
	}
	if v.Documents == nil {
		v.Documents = []string{}
	}
	if v.Letters == nil {
		v.Letters = []portal.LetterRef{}
	}
	return v
}
