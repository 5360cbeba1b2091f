package inmem

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Members keeps members, as dynamo.MemberStore does.
type Members struct {
	base
	members map[string]portal.Member
}

func cloneMember(m portal.Member) portal.Member {
	m.Eligibility = slices.Clone(m.Eligibility)
	m.OtherInsurance = slices.Clone(m.OtherInsurance)
	return m
}

// Member returns a member, or MEMBER_NOT_FOUND.
func (s *Members) Member(_ context.Context, id string) (*portal.Member, error) {
	if err := s.fault("Member"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, ok := s.members[id]
	if !ok {
		return nil, portal.ErrMemberNotFound()
	}
	m = cloneMember(m)
	return &m, nil
}

// MembersByMedicaidID returns the members with that Medicaid ID.
func (s *Members) MembersByMedicaidID(_ context.Context, medicaidID string) ([]portal.Member, error) {
	if err := s.fault("MembersByMedicaidID"); err != nil {
		return nil, err
	}
	return s.where(func(m *portal.Member) bool { return medicaidID != "" && m.MedicaidID == medicaidID }), nil
}

// MembersByName returns the members with that name and date of birth;
// case, spaces and punctuation in names do not matter.
func (s *Members) MembersByName(_ context.Context, lastName, firstName string, dob portal.Date) ([]portal.Member, error) {
	if err := s.fault("MembersByName"); err != nil {
		return nil, err
	}
	key := portal.NameKey(lastName, firstName, dob)
	return s.where(func(m *portal.Member) bool { return portal.NameKey(m.LastName, m.FirstName, m.DateOfBirth) == key }), nil
}

func (s *Members) where(match func(*portal.Member) bool) []portal.Member {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []portal.Member
	for _, m := range s.members {
		if match(&m) {
			out = append(out, cloneMember(m))
		}
	}
	slices.SortFunc(out, func(a, b portal.Member) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// UpsertMember stores m unless a version at least as new is stored.
func (s *Members) UpsertMember(_ context.Context, m *portal.Member) (portal.Upserted, error) {
	if err := s.fault("UpsertMember"); err != nil {
		return portal.Stale, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.members[m.ID]; ok && old.Version >= m.Version {
		return upserted(old.Version, m.Version), nil
	}
	if s.members == nil {
		s.members = map[string]portal.Member{}
	}
	s.members[m.ID] = cloneMember(*m)
	return portal.Applied, nil
}

// SearchAllowance counts member searches per provider and hour, as
// dynamo.SearchAllowance does.
type SearchAllowance struct {
	base
	counts map[string]int
}

// TakeMemberSearch counts one search in the provider's hour, unless perHour
// were counted already.
func (s *SearchAllowance) TakeMemberSearch(_ context.Context, provider portal.ProviderID, hour time.Time, perHour int) (bool, error) {
	if err := s.fault("TakeMemberSearch"); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := string(provider) + "#" + hour.UTC().Format(time.RFC3339)
	if s.counts[key] >= perHour {
		return false, nil
	}
	if s.counts == nil {
		s.counts = map[string]int{}
	}
	s.counts[key]++
	return true, nil
}
