package storetest

import (
	"context"
	"testing"

	"github.com/openpayer/provider-portal/shared/portal"
)

func member(id string) portal.Member {
	return portal.Member{ID: id, MedicaidID: "KY" + id, FirstName: "Avery", LastName: "O'Lookup",
		DateOfBirth: portal.MustDate("1984-03-07"), PlanID: portal.KYMarketplace.ID,
		Eligibility: []portal.Span{{From: Today.AddDate(-1, 0, 0)}},
		OtherInsurance: []portal.OtherInsurance{{Carrier: "Example Health", PolicyNumber: "EH-1",
			Span: portal.Span{From: Today.AddDate(0, -6, 0), To: Today.AddDate(0, -1, 0)}}},
		Version: 1}
}

// Members runs the members store contract against the stores newStore makes.
func Members(t *testing.T, newStore func(t *testing.T) MemberStore) {
	ctx := context.Background()
	t.Run("a member reads back whole", func(t *testing.T) {
		s := newStore(t)
		m := member(fresh("ML"))
		if u, err := s.UpsertMember(ctx, &m); u != portal.Applied || err != nil {
			t.Fatalf("upsert: %v %v", u, err)
		}
		got, err := s.Member(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(got.Eligibility) != 1 || len(got.OtherInsurance) != 1 || !got.DateOfBirth.Equal(m.DateOfBirth) ||
			got.OtherInsurance[0].Carrier != "Example Health" || !got.OtherInsurance[0].To.Equal(m.OtherInsurance[0].To) {
			t.Errorf("read back %+v", got)
		}
	})
	t.Run("an unknown member is not found", func(t *testing.T) {
		s := newStore(t)
		for _, id := range []string{fresh("NONE"), "not an id!"} {
			if _, err := s.Member(ctx, id); portal.ErrorCode(err) != portal.CodeMemberNotFound {
				t.Errorf("%q: %v, want MEMBER_NOT_FOUND", id, err)
			}
		}
	})
	t.Run("an older version never overwrites a newer one", func(t *testing.T) {
		s := newStore(t)
		m := member(fresh("MV"))
		m.Version = 2
		if u, err := s.UpsertMember(ctx, &m); u != portal.Applied || err != nil {
			t.Fatalf("upsert: %v %v", u, err)
		}
		older := m
		older.Version, older.FirstName = 1, "Older"
		if u, err := s.UpsertMember(ctx, &older); u != portal.Stale || err != nil {
			t.Fatalf("older version: %v err=%v", u, err)
		}
		if u, err := s.UpsertMember(ctx, &m); u != portal.Repeated || err != nil {
			t.Fatalf("the same version again: %v err=%v, want repeated", u, err)
		}
		if got, _ := s.Member(ctx, m.ID); got.FirstName != "Avery" {
			t.Errorf("stored %q", got.FirstName)
		}
	})
	t.Run("lookups by Medicaid ID and by name", func(t *testing.T) {
		s := newStore(t)
		m := member(fresh("ML"))
		m.LastName = "O'Lookup-" + m.ID // a name no other test uses
		noMedicaid := m
		noMedicaid.ID, noMedicaid.MedicaidID = fresh("ML"), ""
		for _, x := range []*portal.Member{&m, &noMedicaid} {
			if _, err := s.UpsertMember(ctx, x); err != nil {
				t.Fatalf("upsert %s: %v", x.ID, err)
			}
		}
		byMedicaid, err := s.MembersByMedicaidID(ctx, m.MedicaidID)
		if err != nil || len(byMedicaid) != 1 || byMedicaid[0].ID != m.ID {
			t.Errorf("by Medicaid ID: %v %v", byMedicaid, err)
		}
		// Case, spaces and punctuation do not matter.
		byName, err := s.MembersByName(ctx, "olookup "+m.ID, "AVERY", m.DateOfBirth)
		if err != nil || len(byName) != 2 {
			t.Errorf("by name: %d members, %v", len(byName), err)
		}
		if other, _ := s.MembersByName(ctx, m.LastName, m.FirstName, m.DateOfBirth.AddDate(0, 0, 1)); len(other) != 0 {
			t.Errorf("another date of birth found %d", len(other))
		}
	})
}
