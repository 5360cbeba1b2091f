package portal_test

import (
	"slices"
	"testing"

	"github.com/openpayer/provider-portal/shared/portal"
)

func TestScopes(t *testing.T) {
	for _, c := range []struct {
		in, want string
		unknown  []string
	}{
		{"system/Claim.cr", "system/Claim.cr", nil},
		{"system/Claim.read system/Claim.write", "system/Claim.cruds", nil},
		{"system/*.rs", "system/Claim.rs system/Subscription.rs", nil},
		{"system/Claim.* patient/Claim.r user/Claim.c", "system/Claim.cruds", []string{"patient/Claim.r", "user/Claim.c"}},
		{"system/Claim.rc system/Claim.cc system/Claim. system/Patient.r system/Claim", "", []string{"system/Claim.rc", "system/Claim.cc", "system/Claim.", "system/Patient.r", "system/Claim"}},
		{"system/Claim.c system/Claim.s", "system/Claim.cs", nil},
	} {
		got, unknown := portal.ParseScopes(c.in)
		if got.String() != c.want || !slices.Equal(unknown, c.unknown) {
			t.Errorf("ParseScopes(%q) = %q, unknown %q; want %q, %q", c.in, got, unknown, c.want, c.unknown)
		}
	}
	asked, _ := portal.ParseScopes("system/Claim.cruds system/Subscription.cruds")
	allowed, _ := portal.ParseScopes("system/Claim.cr")
	within := asked.Within(allowed)
	if within.String() != "system/Claim.cr" || !within.Allows("Claim", 'c') || within.Allows("Claim", 'u') || within.Allows("Subscription", 'r') {
		t.Errorf("within: %q", within)
	}
}
