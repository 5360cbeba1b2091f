package portal

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Member is a person covered by the plan, as the core claims system sends it.
type Member struct {
	ID          string `json:"memberId"`   // the plan's member ID (CareSource ID)
	MedicaidID  string `json:"medicaidId"` // the state's ID, where the member has one
	FirstName   string `json:"firstName"`
	LastName    string `json:"lastName"`
	DateOfBirth Date   `json:"dateOfBirth"`
	PlanID      string `json:"planId"`
	// Eligibility lists the spans on which the plan covers the member.
	Eligibility []Span `json:"eligibility"`
	// OtherInsurance lists coordination-of-benefits spans: other coverage
	// that pays first while active.
	OtherInsurance []OtherInsurance `json:"otherInsurance"`
	// Version orders updates from the core system: a higher one wins.
	Version int64 `json:"version"`
}

// OtherInsurance is one span of coverage by another carrier.
type OtherInsurance struct {
	Carrier      string `json:"carrier"`
	PolicyNumber string `json:"policyNumber,omitempty"`
	Span
}

// EligibleOn reports whether the plan covered the member on d.
func (m *Member) EligibleOn(d Date) bool {
	for _, s := range m.Eligibility {
		if s.Contains(d) {
			return true
		}
	}
	return false
}

// OtherInsuranceOn returns the other-insurance spans active on d.
func (m *Member) OtherInsuranceOn(d Date) []OtherInsurance {
	var out []OtherInsurance
	for _, o := range m.OtherInsurance {
		if o.Contains(d) {
			out = append(out, o)
		}
	}
	return out
}

// Validate reports what is missing or inconsistent in a member record.
func (m *Member) Validate() error {
	var problems []string
	if !validID(m.ID) {
		problems = append(problems, "memberId is required (letters, digits and dashes)")
	}
	if m.MedicaidID != "" && !validID(m.MedicaidID) {
		problems = append(problems, "medicaidId may hold only letters, digits and dashes")
	}
	if strings.TrimSpace(m.FirstName) == "" || strings.TrimSpace(m.LastName) == "" {
		problems = append(problems, "firstName and lastName are required")
	}
	if m.DateOfBirth.IsZero() {
		problems = append(problems, "dateOfBirth is required")
	}
	if m.Version <= 0 {
		problems = append(problems, "version must be a positive number")
	}
	for i, s := range m.Eligibility {
		if err := s.Validate(); err != nil {
			problems = append(problems, fmt.Sprintf("eligibility[%d]: %v", i, err))
		}
	}
	for i, o := range m.OtherInsurance {
		if err := o.Span.Validate(); err != nil {
			problems = append(problems, fmt.Sprintf("otherInsurance[%d]: %v", i, err))
		}
		if strings.TrimSpace(o.Carrier) == "" {
			problems = append(problems, fmt.Sprintf("otherInsurance[%d]: carrier is required", i))
		}
	}
	if len(problems) > 0 {
		return Errorf(KindInvalid, CodeInvalidFeedEvent, "member record: %s", strings.Join(problems, "; "))
	}
	return nil
}

// NameKey is how a member is found by name and date of birth: case, spaces
// and punctuation in names do not matter ("O'Neil" finds "ONEIL").
func NameKey(lastName, firstName string, dob Date) string {
	return normalizeName(lastName) + "#" + normalizeName(firstName) + "#" + dob.String()
}

func normalizeName(s string) string {
	var b strings.Builder
	for _, r := range strings.ToUpper(s) {
		if (r >= 'A' && r <= 'Z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// validID accepts the identifiers the core system issues: 1 to 40 letters,
// digits and dashes. Anything else is refused before it reaches a key.
func validID(s string) bool {
	if len(s) == 0 || len(s) > 40 {
		return false
	}
	for _, r := range s {
		if !((r >= 'A' && r <= 'Z') || (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || r == '-') {
			return false
		}
	}
	return true
}

// ValidIdentifier reports whether s has the shape of a member, claim or
// reference number.
func ValidIdentifier(s string) bool { return validID(s) }

// SearchAllowance counts a provider's searches for members by name and date
// of birth, per clock hour.
type SearchAllowance interface {
	// TakeMemberSearch counts one search in the provider's hour that starts
	// at hour, unless perHour were counted already: then it counts nothing
	// and reports false.
	TakeMemberSearch(ctx context.Context, provider ProviderID, hour time.Time, perHour int) (bool, error)
}

// TakeMemberSearch spends one of the provider's member searches by name and
// date of birth this hour, or answers TOO_MANY_MEMBER_SEARCHES, to try again
// when the next hour starts.
func (p Plan) TakeMemberSearch(ctx context.Context, a SearchAllowance, provider ProviderID, now time.Time) error {
	hour := now.UTC().Truncate(time.Hour)
	ok, err := a.TakeMemberSearch(ctx, provider, hour, p.MemberSearchesPerHour)
	if err != nil || ok {
		return err
	}
	wait := hour.Add(time.Hour).Sub(now)
	minutes := int((wait + time.Minute - 1) / time.Minute)
	return &Error{Kind: KindTooMany, Code: CodeTooManyMemberSearches, RetryAfter: wait,
		Detail: fmt.Sprintf("Your organisation has searched for members by name and date of birth %d times this hour, "+
			"the most the portal allows. Search by member ID or Medicaid ID instead, or try again in %d %s.",
			p.MemberSearchesPerHour, minutes, map[bool]string{true: "minute", false: "minutes"}[minutes == 1])}
}
