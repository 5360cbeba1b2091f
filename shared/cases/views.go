package cases

import (
	"net/http"
	"slices"
	"time"

	"github.com/openpayer/provider-portal/shared/httpapi"
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

// disputeChoices are the Submit Dispute form's lists, as the plan defines them.
type disputeChoices struct {
	DisputeTypes    []portal.Choice `json:"disputeTypes"`
	IssueCategories []portal.Choice `json:"issueCategories"`
}

// appealQuestions are the Appeal form's reason questions.
type appealQuestions struct {
	Questions []portal.AppealQuestion `json:"questions"`
}

// handleDisputeForm answers the Submit Dispute form's choices, so that no
// client keeps a copy of them. They hold no PHI: no audit line.
func (rt *routes) handleDisputeForm() httpapi.ProviderHandler {
	return func(w http.ResponseWriter, _ *http.Request, _ httpapi.Caller) error {
		issues := slices.Clone(portal.IssueCategories)
		for i := range issues {
			if issues[i].Value == portal.IssueOverpayment {
				issues[i].Note = rt.d.Plan.OverpaymentNote()
			}
		}
		httpapi.Encode(w, http.StatusOK, disputeChoices{DisputeTypes: portal.DisputeTypes, IssueCategories: issues})
		return nil
	}
}

// handleAppealForm answers the Appeal form's reason questions.
func (rt *routes) handleAppealForm() httpapi.ProviderHandler {
	return func(w http.ResponseWriter, _ *http.Request, _ httpapi.Caller) error {
		httpapi.Encode(w, http.StatusOK, appealQuestions{Questions: portal.AppealQuestions})
		return nil
	}
}
