package dynamo_test

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/localstack/stack"
	"github.com/openpayer/provider-portal/shared/dynamo"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/sampledata"
)

// These tests run against the real emulator, provisioned from template.yaml:
// key schemas, indexes and conditional writes are AWS behaviour.
var local *stack.Local

func TestMain(m *testing.M) {
	l, _, err := stack.UpForTests(context.Background(), "dynamo", true)
	if err != nil {
		fmt.Fprintln(os.Stderr, "local stack:", err)
		os.Exit(1)
	}
	local = l
	code := m.Run()
	l.Down()
	os.Exit(code)
}

var today = portal.MustDate("2026-11-24")

func stores(t *testing.T) (*dynamo.ClaimStore, *dynamo.MemberStore) {
	now := func() time.Time { return today.Time() }
	return &dynamo.ClaimStore{DB: local.Clients.DynamoDB, Table: local.Res.Tables["ClaimsTable"], Now: now},
		&dynamo.MemberStore{DB: local.Clients.DynamoDB, Table: local.Res.Tables["MembersTable"], Now: now}
}

func claim(number, tin, member string, received portal.Date, version int64) portal.Claim {
	c := sampledata.New(today).Claims[0]
	c.Number, c.BillingProvider.TIN, c.MemberID, c.DateReceived, c.Version = number, tin, member, received, version
	c.PatientAccountNumber, c.CheckNumber, c.ExternalReferenceNumber = "PAN-"+member, "", ""
	return c
}

// putDaily stores n claims of one member, received one a day back from today.
func putDaily(t *testing.T, claims *dynamo.ClaimStore, prefix, member string, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		c := claim(fmt.Sprintf("%s-%d", prefix, i), "111111111", member, today.AddDate(0, 0, -i), 1)
		if _, err := claims.UpsertClaim(context.Background(), &c); err != nil {
			t.Fatal(err)
		}
	}
}

func TestOlderVersionNeverOverwritesNewer(t *testing.T) {
	ctx := context.Background()
	claims, _ := stores(t)
	v3 := claim("V-1", "111111111", "M-V", today, 3)
	v3.Status = portal.ClaimPaid
	if ok, err := claims.UpsertClaim(ctx, &v3); !ok || err != nil {
		t.Fatalf("first write: %v %v", ok, err)
	}
	v2 := v3
	v2.Version, v2.Status = 2, portal.ClaimPending
	if ok, err := claims.UpsertClaim(ctx, &v2); ok || err != nil {
		t.Fatalf("older version applied=%v err=%v", ok, err)
	}
	again := v3
	again.Status = portal.ClaimDenied // same version: a redelivery changes nothing
	if ok, _ := claims.UpsertClaim(ctx, &again); ok {
		t.Error("same version applied twice")
	}
	got, err := claims.Claim(ctx, "111111111", "V-1")
	if err != nil || got.Version != 3 || got.Status != portal.ClaimPaid {
		t.Fatalf("stored %+v %v", got, err)
	}
	v4 := v3
	v4.Version, v4.TotalPaid = 4, 12345
	if ok, err := claims.UpsertClaim(ctx, &v4); !ok || err != nil {
		t.Fatalf("newer version: %v %v", ok, err)
	}
	if got, _ := claims.Claim(ctx, "111111111", "V-1"); got.TotalPaid != 12345 {
		t.Errorf("newer version not applied: %v", got.TotalPaid)
	}
}

func TestClaimOfAnotherProviderIsNotFound(t *testing.T) {
	ctx := context.Background()
	claims, _ := stores(t)
	c := claim("P-1", "222222222", "M-P", today, 1)
	if _, err := claims.UpsertClaim(ctx, &c); err != nil {
		t.Fatal(err)
	}
	_, err := claims.Claim(ctx, "111111111", "P-1")
	_, errMissing := claims.Claim(ctx, "111111111", "P-DOES-NOT-EXIST")
	if portal.ErrorCode(err) != portal.CodeClaimNotFound || err.Error() == "" {
		t.Fatalf("another provider's claim: %v", err)
	}
	// Indistinguishable from a claim that does not exist, but for the number.
	if portal.ErrorCode(errMissing) != portal.ErrorCode(err) {
		t.Errorf("codes differ: %v vs %v", err, errMissing)
	}
}

func TestSearchPagesNewestFirstWithinProvider(t *testing.T) {
	ctx := context.Background()
	claims, _ := stores(t)
	putDaily(t, claims, "S-A", "M-S", 7)
	b := claim("S-B-0", "222222222", "M-S", today, 1)
	old := claim("S-A-OLD", "111111111", "M-S", today.AddDate(-3, 0, 0), 1)
	for _, c := range []*portal.Claim{&b, &old} {
		if _, err := claims.UpsertClaim(ctx, c); err != nil {
			t.Fatal(err)
		}
	}
	q := portal.ClaimQuery{Provider: "111111111", Index: portal.IndexMember, Keys: []string{"M-S"},
		ReceivedFrom: today.AddDate(-2, 0, 0), Limit: 3}
	var got []string
	for page := 0; ; page++ {
		p, err := claims.SearchClaims(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Claims) > 3 {
			t.Fatalf("page of %d over the limit", len(p.Claims))
		}
		for _, c := range p.Claims {
			got = append(got, c.Number)
		}
		if p.Next == "" {
			break
		}
		if page > 5 {
			t.Fatal("pagination does not end")
		}
		q.Cursor = p.Next
	}
	want := []string{"S-A-0", "S-A-1", "S-A-2", "S-A-3", "S-A-4", "S-A-5", "S-A-6"}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("got %v, want %v (newest first, provider A only, inside the window)", got, want)
	}
}

func TestCursorIsBoundToItsQuery(t *testing.T) {
	ctx := context.Background()
	claims, _ := stores(t)
	putDaily(t, claims, "K", "M-K", 3)
	q := portal.ClaimQuery{Provider: "111111111", Index: portal.IndexMember, Keys: []string{"M-K"}, ReceivedFrom: today.AddDate(-1, 0, 0), Limit: 1}
	p, err := claims.SearchClaims(ctx, q)
	if err != nil || p.Next == "" {
		t.Fatalf("first page: %v %v", p, err)
	}
	other := q
	other.Provider, other.Cursor = "222222222", p.Next
	if _, err := claims.SearchClaims(ctx, other); portal.ErrorCode(err) != portal.CodeInvalidCursor {
		t.Errorf("cursor replayed by another provider: %v", err)
	}
	q.Cursor = "not-a-cursor"
	if _, err := claims.SearchClaims(ctx, q); portal.ErrorCode(err) != portal.CodeInvalidCursor {
		t.Errorf("garbage cursor: %v", err)
	}
}

func TestMemberLookups(t *testing.T) {
	ctx := context.Background()
	_, members := stores(t)
	m := sampledata.New(today).Members[0]
	m.ID, m.MedicaidID, m.LastName = "ML-1", "KY-ML-1", "O'Lookup"
	if _, err := members.UpsertMember(ctx, &m); err != nil {
		t.Fatal(err)
	}
	noMedicaid := m
	noMedicaid.ID, noMedicaid.MedicaidID = "ML-2", ""
	if _, err := members.UpsertMember(ctx, &noMedicaid); err != nil {
		t.Fatalf("a member without a Medicaid ID: %v", err)
	}
	byMedicaid, err := members.MembersByMedicaidID(ctx, "KY-ML-1")
	if err != nil || len(byMedicaid) != 1 || byMedicaid[0].ID != "ML-1" {
		t.Errorf("by Medicaid ID: %v %v", byMedicaid, err)
	}
	byName, err := members.MembersByName(ctx, "olookup", m.FirstName, m.DateOfBirth)
	if err != nil || len(byName) != 2 {
		t.Errorf("by name: %d members, %v", len(byName), err)
	}
	got, err := members.Member(ctx, "ML-1")
	if err != nil || len(got.Eligibility) != 1 || !got.DateOfBirth.Equal(m.DateOfBirth) {
		t.Errorf("round trip: %+v %v", got, err)
	}
}
