package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/openpayer/provider-portal/shared/portal"
)

func claim(number string, provider portal.ProviderID, member string, received portal.Date, version int64) portal.Claim {
	dos := received.AddDate(0, 0, -7)
	return portal.Claim{Number: number, Type: portal.ClaimProfessional, MemberID: member, PlanID: portal.KYMarketplace.ID,
		Patient:         portal.Patient{FirstName: "Test", LastName: "Patient", DateOfBirth: portal.MustDate("1980-01-01")},
		BillingProvider: portal.BillingProvider{TIN: string(provider), NPI: "1111111111"},
		ServiceFrom:     dos, ServiceTo: dos, DateReceived: received, Status: portal.ClaimPaid,
		TotalCharged: 10000, TotalPaid: 8000, Version: version,
		Lines: []portal.ClaimLine{{LineNumber: 1, ServiceFrom: dos, ServiceTo: dos, ProcedureCode: "99213", Modifiers: []string{"25"},
			Units: 1, Charged: 10000, Paid: 8000, Status: portal.ClaimPaid}}}
}

func put(t *testing.T, s ClaimStore, claims ...portal.Claim) {
	t.Helper()
	for i := range claims {
		// Repeated is what a store answers when the SDK retried its own
		// write whose first attempt was stored (seen once in CI under load):
		// the claim is stored either way, and the searches after check it.
		// The version rules themselves are asserted on UpsertClaim directly.
		if u, err := s.UpsertClaim(context.Background(), &claims[i]); err != nil || (u != portal.Applied && u != portal.Repeated) {
			t.Fatalf("upsert %s: %v err=%v", claims[i].Number, u, err)
		}
	}
}

// searchAll follows q's pages to the end, checking each page's size and
// that results come newest first across pages.
func searchAll(t *testing.T, s ClaimStore, q portal.ClaimQuery) []string {
	t.Helper()
	var got []string
	var last portal.Date
	for page := 0; ; page++ {
		p, err := s.SearchClaims(context.Background(), q)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Claims) > q.Limit {
			t.Fatalf("a page of %d over the limit of %d", len(p.Claims), q.Limit)
		}
		for _, c := range p.Claims {
			if !last.IsZero() && c.DateReceived.After(last) {
				t.Errorf("%s (received %s) comes after a claim received %s: not newest first", c.Number, c.DateReceived, last)
			}
			last = c.DateReceived
			got = append(got, c.Number)
		}
		if p.Next == "" {
			return got
		}
		if page > 50 {
			t.Fatal("pagination does not end")
		}
		q.Cursor = p.Next
	}
}

// Claims runs the claims store contract against the stores newStore makes.
func Claims(t *testing.T, newStore func(t *testing.T) ClaimStore) {
	ctx := context.Background()
	t.Run("an older version never overwrites a newer one", func(t *testing.T) {
		s := newStore(t)
		n := fresh("V")
		v3 := claim(n, providerA, fresh("M"), Today, 3)
		put(t, s, v3)
		v2 := v3
		v2.Version, v2.Status = 2, portal.ClaimPending
		if u, err := s.UpsertClaim(ctx, &v2); u != portal.Stale || err != nil {
			t.Fatalf("older version: %v err=%v", u, err)
		}
		again := v3
		again.Status = portal.ClaimDenied // the same version again: a redelivery changes nothing
		if u, err := s.UpsertClaim(ctx, &again); u != portal.Repeated || err != nil {
			t.Fatalf("same version: %v err=%v, want repeated", u, err)
		}
		got, err := s.Claim(ctx, providerA, n)
		if err != nil || got.Version != 3 || got.Status != portal.ClaimPaid {
			t.Fatalf("stored %+v %v", got, err)
		}
		v4 := v3
		v4.Version, v4.TotalPaid = 4, 12345
		put(t, s, v4)
		if got, _ := s.Claim(ctx, providerA, n); got.TotalPaid != 12345 {
			t.Errorf("newer version not applied: %v", got.TotalPaid)
		}
	})
	t.Run("a claim reads back whole", func(t *testing.T) {
		s := newStore(t)
		c := claim(fresh("R"), providerA, fresh("M"), Today, 1)
		c.Status, c.Denial = portal.ClaimDenied, portal.DenialReason{Code: "ESC", Text: "consent form required"}
		c.PatientAccountNumber, c.CheckNumber, c.ExternalReferenceNumber = "PA-1", "CHK-1", "EXT-1"
		put(t, s, c)
		got, err := s.Claim(ctx, providerA, c.Number)
		if err != nil {
			t.Fatal(err)
		}
		if fmt.Sprintf("%+v", *got) != fmt.Sprintf("%+v", c) {
			t.Errorf("read back\n%+v\nwrote\n%+v", *got, c)
		}
		got.Lines[0].Modifiers[0] = "XX" // the caller's copy is its own
		if again, _ := s.Claim(ctx, providerA, c.Number); again.Lines[0].Modifiers[0] != "25" {
			t.Error("changing a returned claim changed the stored one")
		}
	})
	t.Run("another provider's claim is not found, like a missing one", func(t *testing.T) {
		s := newStore(t)
		c := claim(fresh("P"), providerB, fresh("M"), Today, 1)
		put(t, s, c)
		_, err := s.Claim(ctx, providerA, c.Number)
		_, errMissing := s.Claim(ctx, providerA, fresh("NONE"))
		_, errBad := s.Claim(ctx, providerA, "not a claim number!")
		for _, e := range []error{err, errMissing, errBad} {
			if portal.ErrorCode(e) != portal.CodeClaimNotFound {
				t.Errorf("got %v, want CLAIM_NOT_FOUND", e)
			}
		}
	})
	t.Run("search pages newest first within the provider and the window", func(t *testing.T) {
		s := newStore(t)
		member, prefix := fresh("M"), fresh("S")
		var want []string
		for i := 0; i < 7; i++ {
			c := claim(fmt.Sprintf("%s-%d", prefix, i), providerA, member, Today.AddDate(0, 0, -i), 1)
			put(t, s, c)
			want = append(want, c.Number)
		}
		put(t, s, claim(prefix+"-B", providerB, member, Today, 1), claim(prefix+"-OLD", providerA, member, Today.AddDate(-3, 0, 0), 1))
		for _, limit := range []int{1, 3, 7, 25} {
			got := searchAll(t, s, portal.ClaimQuery{Provider: providerA, Index: portal.IndexMember, Keys: []string{member},
				ReceivedFrom: Today.AddDate(-2, 0, 0), Limit: limit})
			if !slices.Equal(got, want) {
				t.Errorf("limit %d: got %v, want %v", limit, got, want)
			}
		}
	})
	t.Run("search across several members is newest first across them all", func(t *testing.T) {
		s := newStore(t)
		m1, m2, m3 := fresh("M"), fresh("M"), fresh("M")
		prefix := fresh("K")
		put(t, s, claim(prefix+"-1a", providerA, m1, Today.AddDate(0, 0, -2), 1), claim(prefix+"-1b", providerA, m1, Today.AddDate(0, 0, -5), 1),
			claim(prefix+"-3a", providerA, m3, Today, 1), claim(prefix+"-3b", providerA, m3, Today.AddDate(0, 0, -3), 1),
			claim(prefix+"-3c", providerA, m3, Today.AddDate(0, 0, -9), 1), claim(prefix+"-2B", providerB, m2, Today, 1))
		want := []string{prefix + "-3a", prefix + "-1a", prefix + "-3b", prefix + "-1b", prefix + "-3c"}
		for _, limit := range []int{1, 2, 3, 10} {
			got := searchAll(t, s, portal.ClaimQuery{Provider: providerA, Index: portal.IndexMember, Keys: []string{m1, m2, m3},
				ReceivedFrom: Today.AddDate(-1, 0, 0), Limit: limit})
			if !slices.Equal(got, want) {
				t.Errorf("limit %d: got %v, want %v", limit, got, want)
			}
		}
	})
	t.Run("a row shows the claim's summary", func(t *testing.T) {
		s := newStore(t)
		c := claim(fresh("W"), providerA, fresh("M"), Today, 1)
		c.PatientAccountNumber, c.CheckNumber, c.ProcessedDate = "PA-9", "CHK-9", Today
		put(t, s, c)
		p, err := s.SearchClaims(ctx, portal.ClaimQuery{Provider: providerA, Index: portal.IndexMember, Keys: []string{c.MemberID},
			ReceivedFrom: Today.AddDate(-1, 0, 0), Limit: 5})
		if err != nil || len(p.Claims) != 1 {
			t.Fatalf("%+v %v", p, err)
		}
		if got, want := fmt.Sprintf("%+v", p.Claims[0]), fmt.Sprintf("%+v", c.Summary()); got != want {
			t.Errorf("row\n%s\nwant\n%s", got, want)
		}
	})
	t.Run("every index finds only the provider's claims", func(t *testing.T) {
		s := newStore(t)
		ref := fresh("REF")
		a := claim(fresh("I"), providerA, fresh("M"), Today, 1)
		b := claim(fresh("I"), providerB, fresh("M"), Today, 1)
		for _, c := range []*portal.Claim{&a, &b} {
			c.PatientAccountNumber, c.CheckNumber, c.ExternalReferenceNumber = ref, ref, ref
		}
		put(t, s, a, b)
		for _, idx := range []portal.ClaimIndex{portal.IndexPatientAccount, portal.IndexCheck, portal.IndexExternalRef} {
			got := searchAll(t, s, portal.ClaimQuery{Provider: providerA, Index: idx, Keys: []string{ref}, ReceivedFrom: Today.AddDate(-1, 0, 0), Limit: 10})
			if !slices.Equal(got, []string{a.Number}) {
				t.Errorf("%s: got %v, want only %s", idx, got, a.Number)
			}
		}
	})
	t.Run("a cursor is bound to its query", func(t *testing.T) {
		s := newStore(t)
		member, prefix := fresh("M"), fresh("C")
		for i := 0; i < 3; i++ {
			put(t, s, claim(fmt.Sprintf("%s-%d", prefix, i), providerA, member, Today.AddDate(0, 0, -i), 1))
		}
		q := portal.ClaimQuery{Provider: providerA, Index: portal.IndexMember, Keys: []string{member}, ReceivedFrom: Today.AddDate(-1, 0, 0), Limit: 1}
		p, err := s.SearchClaims(ctx, q)
		if err != nil || p.Next == "" {
			t.Fatalf("first page: %+v %v", p, err)
		}
		other := q
		other.Provider, other.Cursor = providerB, p.Next
		if _, err := s.SearchClaims(ctx, other); portal.ErrorCode(err) != portal.CodeInvalidCursor {
			t.Errorf("cursor replayed by another provider: %v", err)
		}
		other = q
		other.Keys, other.Cursor = []string{fresh("M")}, p.Next
		if _, err := s.SearchClaims(ctx, other); portal.ErrorCode(err) != portal.CodeInvalidCursor {
			t.Errorf("cursor replayed on another member: %v", err)
		}
		q.Cursor = "not-a-cursor"
		if _, err := s.SearchClaims(ctx, q); portal.ErrorCode(err) != portal.CodeInvalidCursor {
			t.Errorf("garbage cursor: %v", err)
		}
	})
	t.Run("a search without keys finds nothing", func(t *testing.T) {
		s := newStore(t)
		p, err := s.SearchClaims(ctx, portal.ClaimQuery{Provider: providerA, Index: portal.IndexMember, Limit: 10})
		if err != nil || len(p.Claims) != 0 || p.Next != "" {
			t.Errorf("%+v %v", p, err)
		}
	})
}
