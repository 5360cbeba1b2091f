package pas

import (
	"errors"
	"sort"

	"github.com/openpayer/provider-portal/shared/portal"
)

// ProblemSystem is the code system of the portal's problem codes, the same
// catalogue the API's problems use (shared/portal/codes.go).
const ProblemSystem = "https://provider-portal.example/problems"

// OperationOutcome is FHIR's answer of problems.
type OperationOutcome struct {
	ResourceType string  `json:"resourceType"`
	Issue        []Issue `json:"issue"`
}

// Issue is one problem: how bad, what kind, the portal's code and the
// provider's sentence, and where in the Bundle.
type Issue struct {
	Severity    string          `json:"severity"`
	Code        string          `json:"code"`
	Details     CodeableConcept `json:"details"`
	Diagnostics string          `json:"diagnostics,omitempty"`
	Expression  []string        `json:"expression,omitempty"`
}

// issueType is the FHIR issue type of each kind of problem.
var issueType = map[portal.Kind]string{
	portal.KindInvalid:      "invalid",
	portal.KindNotFound:     "not-found",
	portal.KindConflict:     "conflict",
	portal.KindRefused:      "business-rule",
	portal.KindUnauthorized: "forbidden",
	portal.KindTooMany:      "throttled",
	portal.KindInternal:     "exception",
}

// Outcome is err as an OperationOutcome: one issue per field at fault, at
// the FHIRPath locate gives it (all of them at once), or one issue for the
// whole request. Anything but a *portal.Error is an internal error, which
// says nothing of its cause.
func Outcome(err error, locate func(field string) string) OperationOutcome {
	var pe *portal.Error
	if !errors.As(err, &pe) {
		pe = &portal.Error{Kind: portal.KindInternal, Code: portal.CodeInternal,
			Detail: "Internal error. Please try again; if it keeps happening, contact provider services with the time of your request."}
	}
	typ, ok := issueType[pe.Kind]
	if !ok {
		typ = "exception"
	}
	if pe.Code == portal.CodeDuplicateAuthorization {
		typ = "duplicate"
	}
	diagnostics := pe.Code
	if pe.Reason != "" {
		diagnostics += ": " + pe.Reason // for the sending system's developers
	}
	issue := func(detail string, where ...string) Issue {
		return Issue{Severity: "error", Code: typ, Diagnostics: diagnostics, Expression: where,
			Details: CodeableConcept{Coding: []Coding{{System: ProblemSystem, Code: pe.Code}}, Text: detail}}
	}
	out := OperationOutcome{ResourceType: "OperationOutcome"}
	fields := make([]string, 0, len(pe.Fields))
	for f := range pe.Fields {
		fields = append(fields, f)
	}
	sort.Strings(fields)
	for _, f := range fields {
		out.Issue = append(out.Issue, issue(pe.Fields[f], locate(f)))
	}
	if len(out.Issue) == 0 {
		out.Issue = []Issue{issue(pe.Detail)}
	}
	return out
}
