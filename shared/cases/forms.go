package cases

import (
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/openpayer/provider-portal/shared/portal"
)

// The forms of the guides' Submit Dispute and Appeal screens, and how they
// are checked: every field's problem in one answer.

// Limits of the forms' free text.
const (
	maxNotes = 4000
	maxText  = 100
)

type problems map[string]string

func (f problems) text(field, v string, n int, required bool) {
	f.textLine(field, v, n, required, true)
}

// textLine checks free text; multiline lets it hold line breaks and tabs.
func (f problems) textLine(field, v string, n int, required, multiline bool) {
	switch {
	case required && strings.TrimSpace(v) == "":
		f[field] = "required"
	case utf8.RuneCountInString(v) > n || strings.ContainsFunc(v, func(r rune) bool { return r < ' ' && !(multiline && (r == '\n' || r == '\r' || r == '\t')) }):
		f[field] = "at most " + strconv.Itoa(n) + " characters, no control characters"
	}
}

func (f problems) uploads(ids []string, required bool) {
	switch {
	case required && len(ids) == 0:
		f["uploadIds"] = "at least one upload"
	case len(ids) > portal.MaxUploadsPerSubmission:
		f["uploadIds"] = "at most 20 uploads"
	}
	for i, id := range ids {
		if !portal.ValidIdentifier(id) || slices.Index(ids, id) != i {
			f["uploadIds"] = "each upload once, by its uploadId"
		}
	}
}

func (f problems) oneOf(field, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		f[field] = "one of " + strings.Join(allowed, ", ")
	}
}

func (f problems) err(detail string) error {
	if len(f) == 0 {
		return nil
	}
	return &portal.Error{Kind: portal.KindInvalid, Code: portal.CodeInvalidRequest, Detail: detail, Fields: f}
}

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
	f := problems{}
	if !portal.ValidIdentifier(fm.ClaimNumber) {
		f["claimNumber"] = "required: the claim number"
	}
	f.oneOf("disputeType", fm.DisputeType, portal.Values(portal.DisputeTypes))
	f.oneOf("issueCategory", fm.IssueCategory, portal.Values(portal.IssueCategories))
	// A trailing line break is what a form field leaves; it is trimmed.
	f.textLine("contactName", strings.TrimSpace(fm.ContactName), maxText, true, false)
	f.text("notes", fm.Notes, maxNotes, true)
	if _, ok := f["notes"]; ok && strings.TrimSpace(fm.Notes) == "" {
		f["notes"] = "required: say why you believe the claim should be adjusted"
	}
	f.uploads(fm.UploadIDs, false)
	return f.err("Some fields of the dispute are missing or invalid: each is listed.")
}

// appealForm is the guide's Appeal form. Draft is its Save button.
type appealForm struct {
	ClaimNumber     string                  `json:"claimNumber"`
	AuthorizationID string                  `json:"authorizationId"`
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

// check reads the form; a draft may leave out what only a submission needs.
func (fm *appealForm) check(submit bool) error {
	f := problems{}
	switch {
	case fm.ClaimNumber != "" && fm.AuthorizationID != "":
		f["authorizationId"] = "appeal a claim or an authorization request, not both"
	case fm.AuthorizationID != "":
		if !portal.ValidAuthorizationID(fm.AuthorizationID) {
			f["authorizationId"] = "the request ID, RA-XXXX-XXXX"
		}
		if fm.AppealType != portal.CaseClinicalAppeal {
			f["appealType"] = "an authorization request takes a clinical_appeal"
		}
	case !portal.ValidIdentifier(fm.ClaimNumber):
		f["claimNumber"] = "required: the claim number (or authorizationId for a denied retro authorization)"
	}
	if _, bad := f["appealType"]; !bad {
		f.oneOf("appealType", string(fm.AppealType), []string{string(portal.CaseClaimAppeal), string(portal.CaseClinicalAppeal)})
	}
	for id, a := range fm.Reasons {
		if !slices.ContainsFunc(portal.AppealQuestions, func(q portal.AppealQuestion) bool { return q.ID == id }) {
			f["reasons"] = "only the listed questions: new_information, policy_misapplied"
			continue
		}
		if a.Answer != "yes" && a.Answer != "no" {
			f["reasons."+id+".answer"] = "yes or no"
		}
		f.text("reasons."+id+".explanation", a.Explanation, 1000, false)
	}
	f.text("notes", fm.Notes, maxNotes, submit)
	if _, ok := f["notes"]; ok && strings.TrimSpace(fm.Notes) == "" {
		f["notes"] = "required: the reason for the appeal"
	}
	if submit {
		for _, q := range portal.AppealQuestions {
			if _, ok := fm.Reasons[q.ID]; !ok {
				f["reasons."+q.ID+".answer"] = "required: yes or no"
			}
		}
	}
	f.uploads(fm.UploadIDs, false)
	return f.err("Some fields of the appeal are missing or invalid: each is listed.")
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
