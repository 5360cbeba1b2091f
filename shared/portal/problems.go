package portal

import (
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// The catalogue of what a provider is told about a form's fields: every
// sentence the API puts next to a field is written here, in the plan's
// words, and a test holds each to them (no code, field name or value, no
// word such as JSON). The field's key (memberId, reasons.x.answer) is for
// programs; the sentence is for people, and names the field by its label.

// Problems collects every problem of one form, so that one answer lists
// them all: field key -> the sentence for the provider.
type Problems map[string]string

// Required says the field labelled so must be filled in ("the member ID").
func (p Problems) Required(field, label string) { p[field] = "Enter " + label + "." }

// Choose says one of the field's choices must be picked.
func (p Problems) Choose(field, label string) { p[field] = "Choose " + label + " from the list." }

// Answer says a yes-or-no question must be answered.
func (p Problems) Answer(field string) { p[field] = "Answer yes or no." }

// Set records a sentence of the catalogue's own for a field (one of the
// Say… functions), for a rule the helpers above do not cover.
func (p Problems) Set(field, sentence string) { p[field] = sentence }

// Text checks free text: required when asked, at most n characters, and no
// control characters (line breaks and tabs only where multiline).
func (p Problems) Text(field, label, v string, n int, required, multiline bool) {
	switch {
	case required && strings.TrimSpace(v) == "":
		p.Required(field, label)
	case utf8.RuneCountInString(v) > n:
		p[field] = fmt.Sprintf("Shorten %s to %d characters or fewer.", label, n)
	case strings.ContainsFunc(v, func(r rune) bool { return r < ' ' && !(multiline && (r == '\n' || r == '\r' || r == '\t')) }):
		p[field] = fmt.Sprintf("Remove the special characters from %s.", label)
	}
}

// OneOf checks a choice against the values offered.
func (p Problems) OneOf(field, label, v string, allowed []string) {
	if !slices.Contains(allowed, v) {
		p.Choose(field, label)
	}
}

// Uploads checks a form's files: required when asked, at most the plan's
// number, each once.
func (p Problems) Uploads(field string, ids []string, required bool) {
	switch {
	case required && len(ids) == 0:
		p[field] = "Add at least one file."
	case len(ids) > MaxUploadsPerSubmission:
		p[field] = fmt.Sprintf("Send at most %d files at a time.", MaxUploadsPerSubmission)
	}
	for i, id := range ids {
		if !ValidIdentifier(id) || slices.Index(ids, id) != i {
			p[field] = "Remove the files listed twice, then submit again."
		}
	}
}

// Err is the one answer for the form: nil without problems. Its detail
// says how many fields need attention.
func (p Problems) Err() error {
	if len(p) == 0 {
		return nil
	}
	detail := SayOneField
	if len(p) > 1 {
		detail = fmt.Sprintf(SayFields, len(p))
	}
	return &Error{Kind: KindInvalid, Code: CodeInvalidRequest, Detail: detail, Fields: p}
}

// ErrCoded is Err, with the code codes names for a form whose only problem
// is that field (INVALID_EMAIL for the email alone), as clients expect.
func (p Problems) ErrCoded(codes map[string]string) error {
	err := p.Err()
	if len(p) == 1 {
		for field := range p {
			if c, ok := codes[field]; ok {
				err.(*Error).Code = c
			}
		}
	}
	return err
}

// Sentences of the catalogue for rules particular to one field.
const (
	SayEmail            = "Enter an email address such as billing@example.org."
	SayClaimNumber      = "Enter the claim number as it is on the claim: letters, numbers and dashes."
	SayClaimNumberOpt   = "A claim number holds letters, numbers and dashes. Leave it empty if the claim is not sent yet."
	SayMemberID         = "Enter the member ID as it is on the member's card: letters, numbers and dashes."
	SayServiceDate      = "Enter the date of service: for a date range, the first date on the claim."
	SayRequestID        = "Enter the authorization request ID as it is on the request: RA- and eight letters and numbers."
	SayAppealWhat       = "Appeal a claim or an authorization request, not both: clear one of the two."
	SayAuthAppealKind   = "A retro authorization decision is appealed with a clinical appeal."
	SayDisputeNotes     = "Say why you believe the claim should be adjusted."
	SayAppealNotes      = "Give the reason for the appeal."
	SayUnlistedQuestion = "Answer only the questions the form asks."
	SayEndDate          = "The end date of service is on or after the start date, and not after today."
	SayCOBVerified      = "Check the member's other insurance (COB) for the start date of service, then confirm that you checked it."
	SayNPI              = "Enter a 10-digit NPI: this one has a wrong digit or the wrong length."
	SayNoAdmission      = "An admission is given only for an inpatient request."
	SayDischargeDate    = "The discharge date is on or after the start date of service, and not after today."
	SayDiagnoses        = "Enter 1 to 12 diagnosis codes, the primary first."
	SayDiagnosisCode    = "Enter the diagnosis code with its dot, such as E11.9."
	SayListedTwice      = "Remove the code listed twice."
	SayServices         = "Enter 1 to 20 procedure or service codes."
	SayProcedureCode    = "Enter a procedure code such as 70553 or J1100."
	SayModifiers        = "Enter up to 4 modifiers of two letters or numbers, such as 25 or LT."
	SayUnits            = "Enter 1 to 999 units."
	SayDocumentsNeeded  = "These services need supporting documents, such as the clinical notes and the plan of care: add the files."
	SayAnswerThis       = "Answer this question."
	SayNumber           = "Enter a number."
	SayDate             = "Enter a date as MM/DD/YYYY."
	SayNotADate         = "That is not a date on the calendar: enter it as MM/DD/YYYY."
	SayPageSize         = "Show 1 to 100 at a time."
	SayToAfterFrom      = "The end of the range is on or after its start."
	SayLetterType       = "Choose acknowledgement, decision or returned incomplete."
	SayCoverageTo       = "The coverage ends on or after it starts: leave the end empty while it goes on."
	SayFillIn           = "Fill this in."
	// SayOneField and SayFields are a form's detail: one field, or %d.
	SayOneField   = "Correct the highlighted fields and submit again."
	SayFields     = "%d fields need your attention: each is highlighted. Correct them and submit again."
	SayNameLength = "Enter the name as on the member's card, in 80 characters or fewer."
)
