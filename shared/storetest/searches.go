package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// SearchAllowance runs the member-search allowance contract against the
// allowances newAllowance makes.
func SearchAllowance(t *testing.T, newAllowance func(t *testing.T) portal.SearchAllowance) {
	ctx := context.Background()
	hour := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	t.Run("the allowance, then no more until the next hour", func(t *testing.T) {
		a := newAllowance(t)
		p, other := portal.ProviderID(fresh("P")), portal.ProviderID(fresh("P"))
		for i := range 3 {
			if ok, err := a.TakeMemberSearch(ctx, p, hour, 3); !ok || err != nil {
				t.Fatalf("search %d of 3: %v %v", i+1, ok, err)
			}
		}
		if ok, err := a.TakeMemberSearch(ctx, p, hour, 3); ok || err != nil {
			t.Errorf("the fourth search of the hour: %v %v", ok, err)
		}
		if ok, err := a.TakeMemberSearch(ctx, other, hour, 3); !ok || err != nil {
			t.Errorf("another provider's first search: %v %v", ok, err)
		}
		if ok, err := a.TakeMemberSearch(ctx, p, hour.Add(time.Hour), 3); !ok || err != nil {
			t.Errorf("the next hour's first search: %v %v", ok, err)
		}
	})
	t.Run("searches at once never count past the allowance", func(t *testing.T) {
		a := newAllowance(t)
		p := portal.ProviderID(fresh("P"))
		taken := atOnce(t, 12, func() (bool, error) { return a.TakeMemberSearch(ctx, p, hour, 5) })
		if taken != 5 {
			t.Errorf("12 searches at once against an allowance of 5: %d allowed", taken)
		}
	})
}
