package cases

import (
	"slices"
	"strings"

	"github.com/openpayer/provider-portal/shared/portal"
)

// The forms of the guides' Submit Dispute and Appeal screens, and how they
// are checked: every field's problem in one answer.

// Limits of the forms' free text.
const (
	maxNotes = 4000
	maxText  = 100
)

// disputeForm is the guide's Submit Dispute form.
type disputeForm struct {
	ClaimNumber   string   `json:"claimNumber"`
	DisputeType   string   `json:"disputeType"`
	IssueCategory string   `json:"issueCategory"`
	ContactName   string   `json:"contactName"`
	Notes         string   `json:"notes"`
	UploadIDs     []string `json:"uploadIds"`
}

func (fm *disputeForm) check() error {
	f := portal.Problems{}
	if fm.ClaimNumber == "" {
		f.Required("claimNumber", "the claim number")
	} else if !portal.ValidIdentifier(fm.ClaimNumber) {
		f.Set("claimNumber", portal.SayClaimNumber)
	}
	f.OneOf("disputeType", "a dispute type", fm.DisputeType, portal.Values(portal.DisputeTypes))
	f.OneOf("issueCategory", "an issue category", fm.IssueCategory, portal.Values(portal.IssueCategories))
	// A trailing line break is what a form field leaves; it is trimmed.
	f.Text("contactName", "the contact name", strings.TrimSpace(fm.ContactName), maxText, true, false)
	f.Text("notes", "why the claim should be adjusted", fm.Notes, maxNotes, true, true)
	if strings.TrimSpace(fm.Notes) == "" {
		f.Set("notes", portal.SayDisputeNotes)
	}
	f.Uploads("uploadIds", fm.UploadIDs, false)
	return f.Err()
}

// appealForm is the guide's Appeal form. Draft is its Save button.
// ClaimNumber and AuthorizationID are read as sent: one sent empty is named
// as a mistake, not taken for one left out.
type appealForm struct {
	ClaimNumber     *string                 `json:"claimNumber"`
	AuthorizationID *string                 `json:"authorizationId"`
	AppealType      portal.CaseKind         `json:"appealType"`
	Reasons         map[string]appealAnswer `json:"reasons"`
	Notes           string                  `json:"notes"`
	UploadIDs       []string                `json:"uploadIds"`
	Draft           bool                    `json:"draft"`
}

type appealAnswer struct {
	Answer      string `json:"answer"` // yes or no
	Explanation string `json:"explanation"`
}

// claim and authorization are the form's subject, "" where left out.
func (fm *appealForm) claim() string         { return deref(fm.ClaimNumber) }
func (fm *appealForm) authorization() string { return deref(fm.AuthorizationID) }

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

// check reads the form; a draft may leave out what only a submission needs.
func (fm *appealForm) check(submit bool) error {
	f := portal.Problems{}
	switch {
	case fm.ClaimNumber != nil && fm.AuthorizationID != nil && (fm.claim() != "" || fm.authorization() != ""):
		f.Set("authorizationId", portal.SayAppealWhat)
	case fm.AuthorizationID != nil:
		if !portal.ValidAuthorizationID(fm.authorization()) {
			f.Set("authorizationId", portal.SayRequestID)
		}
		if fm.AppealType != portal.CaseClinicalAppeal {
			f.Set("appealType", portal.SayAuthAppealKind)
		}
	case fm.claim() == "":
		f.Required("claimNumber", "the claim number")
	case !portal.ValidIdentifier(fm.claim()):
		f.Set("claimNumber", portal.SayClaimNumber)
	}
	if _, bad := f["appealType"]; !bad {
		f.OneOf("appealType", "the appeal type", string(fm.AppealType), []string{string(portal.CaseClaimAppeal), string(portal.CaseClinicalAppeal)})
	}
	for id, a := range fm.Reasons {
		if !slices.ContainsFunc(portal.AppealQuestions, func(q portal.AppealQuestion) bool { return q.ID == id }) {
			f.Set("reasons", portal.SayUnlistedQuestion)
			continue
		}
		if a.Answer != "yes" && a.Answer != "no" {
			f.Answer("reasons." + id + ".answer")
		}
		f.Text("reasons."+id+".explanation", "the explanation", a.Explanation, 1000, false, true)
	}
	f.Text("notes", "the reason for the appeal", fm.Notes, maxNotes, submit, true)
	if submit && strings.TrimSpace(fm.Notes) == "" {
		f.Set("notes", portal.SayAppealNotes)
	}
	if submit {
		for _, q := range portal.AppealQuestions {
			if _, ok := fm.Reasons[q.ID]; !ok {
				f.Answer("reasons." + q.ID + ".answer")
			}
		}
	}
	f.Uploads("uploadIds", fm.UploadIDs, false)
	return f.Err()
}

func (fm *appealForm) fields() map[string]string {
	out := map[string]string{}
	for id, a := range fm.Reasons {
		out["reason."+id] = a.Answer
		if a.Explanation != "" {
			out["reason."+id+".explanation"] = a.Explanation
		}
	}
	return out
}
