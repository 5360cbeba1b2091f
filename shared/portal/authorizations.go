package portal

import (
	"crypto/rand"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"time"
)

// Retro authorizations (the guide's "Submit a retro authorization"): find
// the member, decide coordination of benefits (COB) on the start date of
// service from the spans the plan keeps, then an inpatient or outpatient
// request with its clinical indications and documents. Unlike the guide's
// portal, a provider is never sent to fax: other insurance on file but not
// active on the date lets the provider continue.

// COBState is what a member's other insurance means for a retro
// authorization on one date of service.
type COBState string

const (
	// COBNone: no other insurance on file; the provider continues.
	COBNone COBState = "no_other_insurance"
	// COBOnFileNotActive: other insurance is on file but was not active on
	// the date; the provider continues, and the request records what was shown.
	COBOnFileNotActive COBState = "other_insurance_not_active_on_date"
	// COBActive: other insurance was active on the date: it pays first, its
	// rules apply, and no prior authorization is required.
	COBActive COBState = "other_insurance_active_on_date"
)

// ReportedCOB is other insurance a provider told the plan of ("Add COB
// Information"): stored as reported, not verified, and sent to the plan's
// COB unit. It counts like the plan's own spans when it covers a date.
type ReportedCOB struct {
	MemberID       string     `json:"memberId"`
	Carrier        string     `json:"carrier"`
	PolicyNumber   string     `json:"policyNumber"`
	SubscriberName string     `json:"subscriberName"`
	Relationship   string     `json:"relationship"` // self, spouse, child, other
	From           Date       `json:"from"`
	To             Date       `json:"to,omitzero"`
	ReportedBy     string     `json:"reportedBy"`
	Provider       ProviderID `json:"providerTin"`
	ReportedAt     time.Time  `json:"reportedAt"`
}

// COBEntry is one other insurance as the provider sees it on a date.
type COBEntry struct {
	Carrier      string `json:"carrier"`
	PolicyNumber string `json:"policyNumber,omitempty"`
	From         Date   `json:"from"`
	To           Date   `json:"to,omitzero"`
	ActiveOnDate bool   `json:"activeOnDate"`
	// Source is "plan" for the plan's own record, "reported" for one a
	// provider added, not verified yet.
	Source string `json:"source"`
}

// Coverage is what a provider needs to know of a member on the start date
// of service, and no more.
type Coverage struct {
	MemberID       string     `json:"memberId"`
	FirstName      string     `json:"firstName"`
	LastName       string     `json:"lastName"`
	DateOfBirth    Date       `json:"dateOfBirth"`
	DateOfService  Date       `json:"dateOfService"`
	Eligible       bool       `json:"eligibleOnDate"`
	COB            COBState   `json:"cob"`
	OtherInsurance []COBEntry `json:"otherInsurance"`
}

// CoverageOn decides the member's coverage on dos from the plan's spans and
// the reported ones. Spans include their first and last day.
func CoverageOn(m *Member, reported []ReportedCOB, dos Date) Coverage {
	c := Coverage{MemberID: m.ID, FirstName: m.FirstName, LastName: m.LastName, DateOfBirth: m.DateOfBirth,
		DateOfService: dos, Eligible: m.EligibleOn(dos), COB: COBNone, OtherInsurance: []COBEntry{}}
	add := func(e COBEntry) {
		c.OtherInsurance = append(c.OtherInsurance, e)
		if e.ActiveOnDate {
			c.COB = COBActive
		} else if c.COB == COBNone {
			c.COB = COBOnFileNotActive
		}
	}
	for _, o := range m.OtherInsurance {
		add(COBEntry{Carrier: o.Carrier, PolicyNumber: o.PolicyNumber, From: o.From, To: o.To, ActiveOnDate: o.Contains(dos), Source: "plan"})
	}
	for _, r := range reported {
		s := Span{From: r.From, To: r.To}
		add(COBEntry{Carrier: r.Carrier, PolicyNumber: r.PolicyNumber, From: r.From, To: r.To, ActiveOnDate: s.Contains(dos), Source: "reported"})
	}
	return c
}

// RetroRules are a plan's rules for retro authorizations, as data.
type RetroRules struct {
	// WindowDays is how far back a start date of service may lie.
	WindowDays int
	// StandardDecision and UrgentDecision are the decision times the plan
	// commits to (CMS-0057-F: 7 calendar days standard, 72 hours expedited).
	StandardDecision, UrgentDecision time.Duration
}

// CheckRetro decides whether a retro authorization may go on for this
// coverage on its date, today being today: the member eligible, the date in
// the past and inside the plan's window, no other insurance active on it.
func (p Plan) CheckRetro(c Coverage, today Date) error {
	dos := c.DateOfService
	switch {
	case dos.After(today):
		return &Error{Kind: KindInvalid, Code: CodeServiceInFuture,
			Detail: "A retro authorization is for services already given: for a date of service after today, request a prior authorization instead.",
			Fields: map[string]string{"dateOfService": "after today"}}
	case dos.Before(today.AddDate(0, 0, -p.Retro.WindowDays)):
		return &Error{Kind: KindRefused, Code: CodeOutsideRetroWindow,
			Detail: fmt.Sprintf("Retro authorizations can be requested up to %d days after the start date of service, the plan's time limit for filing the claim. This date is earlier.", p.Retro.WindowDays),
			Fields: map[string]string{"dateOfService": "outside the retro window"}}
	case !c.Eligible:
		return &Error{Kind: KindRefused, Code: CodeMemberNotEligible,
			Detail: "The member was not covered by the plan on that date of service, so no authorization can be given for it. Check the date and the member's coverage.",
			Fields: map[string]string{"dateOfService": "member not eligible"}}
	case c.COB == COBActive:
		return &Error{Kind: KindRefused, Code: CodeNoPriorAuthRequired,
			Detail: "The member had other insurance active on that date of service. That insurance pays first and its rules apply, so no prior authorization is required from this plan.",
			Fields: map[string]string{"dateOfService": "other insurance active"}}
	}
	return nil
}

// RetroDecisionDue is when the plan owes a decision on a request received
// at received.
func (p Plan) RetroDecisionDue(received time.Time, urgent bool) time.Time {
	if urgent {
		return received.Add(p.Retro.UrgentDecision)
	}
	return received.Add(p.Retro.StandardDecision)
}

// readable is Crockford's base32 alphabet: no I, L, O or U, so an ID read
// over the phone cannot be misheard as another.
const readable = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

// NewAuthorizationID returns an ID a person can read over the phone:
// "RA-" and eight characters in two groups, 40 random bits.
func NewAuthorizationID() string { return readableID("RA-") }

// NewSubmissionID is the reference of a document submission, read out over
// the phone like a request's or a case's: "DS-7K2M-9QXD".
func NewSubmissionID() string { return readableID("DS-") }

// readableID is prefix and eight random characters of the readable
// alphabet, in two groups of four.
func readableID(prefix string) string {
	b := make([]byte, 8)
	if _, err := rand.Read(b); err != nil {
		panic(err) // crypto/rand does not fail on Linux
	}
	var s strings.Builder
	s.WriteString(prefix)
	for i, c := range b {
		if i == 4 {
			s.WriteByte('-')
		}
		s.WriteByte(readable[int(c)%len(readable)])
	}
	return s.String()
}

// ValidNPI reports whether s is a National Provider Identifier: ten digits
// whose last is the Luhn check digit of the others prefixed by 80840.
func ValidNPI(s string) bool {
	if len(s) != 10 || strings.Trim(s, "0123456789") != "" {
		return false
	}
	digits := "80840" + s
	sum := 0
	for i := len(digits) - 1; i >= 0; i-- {
		d := int(digits[i] - '0')
		if (len(digits)-1-i)%2 == 1 {
			d *= 2
			if d > 9 {
				d -= 9
			}
		}
		sum += d
	}
	return sum%10 == 0
}

var (
	icd10cm = regexp.MustCompile(`^[A-Z][0-9][0-9A-Z](\.[0-9A-Z]{1,4})?$`)
	// A CPT code (five digits; Category II and III and PLA codes end in F, T
	// or U) or a HCPCS Level II code (a letter and four digits).
	procedure = regexp.MustCompile(`^([0-9]{4}[0-9FTU]|[A-V][0-9]{4})$`)
	modifier  = regexp.MustCompile(`^[0-9A-Z]{2}$`)
)

// ValidICD10CM reports whether s has the form of an ICD-10-CM diagnosis
// code, written with its dot (E11.9).
func ValidICD10CM(s string) bool { return icd10cm.MatchString(s) }

// ValidProcedureCode reports whether s has the form of a CPT or HCPCS code.
func ValidProcedureCode(s string) bool { return procedure.MatchString(s) }

// ValidModifier reports whether s has the form of a CPT/HCPCS modifier.
func ValidModifier(s string) bool { return modifier.MatchString(s) }

// AuthType is the guide's choice between inpatient and outpatient.
type AuthType string

const (
	AuthInpatient  AuthType = "inpatient"
	AuthOutpatient AuthType = "outpatient"
)

// QuestionKind is the form of an answer to a clinical question.
type QuestionKind string

const (
	AnswerYesNo  QuestionKind = "yes_no"
	AnswerChoice QuestionKind = "choice"
	AnswerNumber QuestionKind = "number"
	AnswerDate   QuestionKind = "date"
	AnswerText   QuestionKind = "text"
)

// ClinicalQuestion is one clinical indication the plan asks for.
type ClinicalQuestion struct {
	ID       string       `json:"id"`
	Text     string       `json:"text"`
	Kind     QuestionKind `json:"kind"`
	Choices  []string     `json:"choices,omitempty"`
	Required bool         `json:"required"`
}

// ClinicalRule says which questions a type of request asks, for which
// codes (a code matches a listed code or a listed prefix ending in "*"),
// and whether documents must come with it. No codes: every request of the
// type.
type ClinicalRule struct {
	Type              AuthType
	Codes             []string
	Questions         []ClinicalQuestion
	DocumentsRequired bool
}

func (r ClinicalRule) matches(t AuthType, codes []string) bool {
	if r.Type != t {
		return false
	}
	if len(r.Codes) == 0 {
		return true
	}
	for _, c := range codes {
		for _, rc := range r.Codes {
			if p, ok := strings.CutSuffix(rc, "*"); (ok && strings.HasPrefix(c, p)) || c == rc {
				return true
			}
		}
	}
	return false
}

// ClinicalQuestions returns the questions a request of type t for codes
// must answer ("if prompted": none for most), each once, and whether it
// must carry documents.
func (p Plan) ClinicalQuestions(t AuthType, codes []string) ([]ClinicalQuestion, bool) {
	qs := []ClinicalQuestion{}
	docs := false
	for _, r := range p.ClinicalRules {
		if !r.matches(t, codes) {
			continue
		}
		docs = docs || r.DocumentsRequired
		for _, q := range r.Questions {
			if !slices.ContainsFunc(qs, func(x ClinicalQuestion) bool { return x.ID == q.ID }) {
				qs = append(qs, q)
			}
		}
	}
	return qs, docs
}

// CheckAnswers refuses answers that leave a required question unanswered,
// answer one in the wrong form, or answer one not asked; the problem lists
// every question at fault.
func CheckAnswers(qs []ClinicalQuestion, answers map[string]string) error {
	f := Problems{}
	answerProblems(qs, answers, f)
	if len(f) == 0 {
		return nil
	}
	return &Error{Kind: KindInvalid, Code: CodeAnswersMissing, Detail: "Answer the clinical questions marked, then submit again.", Fields: f}
}

// answerProblems adds the problems of the answers to the questions asked.
func answerProblems(qs []ClinicalQuestion, answers map[string]string, f Problems) {
	asked := map[string]bool{}
	for _, q := range qs {
		asked[q.ID] = true
		a, ok := answers[q.ID]
		a = strings.TrimSpace(a)
		at := "answers." + q.ID
		switch {
		case !ok || a == "":
			if q.Required {
				f.Set(at, SayAnswerThis)
			}
		case len(a) > 2000:
			f.Text(at, "the answer", a, 2000, false, true)
		case q.Kind == AnswerYesNo && a != "yes" && a != "no":
			f.Answer(at)
		case q.Kind == AnswerChoice && !slices.Contains(q.Choices, a):
			f.Choose(at, "an answer")
		case q.Kind == AnswerNumber && !isNumber(a):
			f.Set(at, SayNumber)
		case q.Kind == AnswerDate && !isDate(a):
			f.Set(at, SayDate)
		}
	}
	for id := range answers {
		if !asked[id] {
			f.Set("answers."+cut(id, 40), SayUnlistedQuestion)
		}
	}
}

func isNumber(s string) bool {
	var f float64
	_, err := fmt.Sscan(s, &f)
	return err == nil && strings.Trim(s, "0123456789.-") == ""
}

func isDate(s string) bool { _, err := ParseDate(s); return err == nil }

func cut(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
