package storetest

import (
	"context"
	"reflect"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// SystemClients runs the registered system clients' contract against the
// store newStore makes.
func SystemClients(t *testing.T, newStore func(t *testing.T) portal.SystemClients) {
	ctx := context.Background()
	t.Run("a client reads back as registered, and a changed one as changed", func(t *testing.T) {
		s := newStore(t)
		c := portal.SystemClient{ID: fresh("ehr"), Name: "Bluegrass EHR", TINs: []portal.ProviderID{"111111111", "222222222"},
			JWKS: `{"keys":[{"kty":"EC","crv":"P-384","x":"a","y":"b","kid":"k1"}]}`, Scopes: []string{"system/Claim.c"}}
		if err := s.RegisterSystemClient(ctx, c); err != nil {
			t.Fatal(err)
		}
		got, found, err := s.SystemClient(ctx, c.ID)
		if err != nil || !found || !reflect.DeepEqual(got, c) {
			t.Fatalf("read back: %+v %v %v, want %+v", got, found, err, c)
		}
		c.Disabled, c.TINs = true, []portal.ProviderID{"111111111"}
		if err := s.RegisterSystemClient(ctx, c); err != nil {
			t.Fatal(err)
		}
		if got, _, err := s.SystemClient(ctx, c.ID); err != nil || !got.Disabled || len(got.TINs) != 1 {
			t.Errorf("after the change: %+v %v", got, err)
		}
	})
	t.Run("an unknown client is not found", func(t *testing.T) {
		got, found, err := newStore(t).SystemClient(ctx, fresh("nobody"))
		if err != nil || found || got.ID != "" {
			t.Errorf("unknown client: %+v %v %v", got, found, err)
		}
	})
}

// AssertionLedger runs the spent-assertion contract against the ledger
// newLedger makes.
func AssertionLedger(t *testing.T, newLedger func(t *testing.T) portal.AssertionLedger) {
	ctx := context.Background()
	t.Run("an assertion is spent once; another jti or client is not", func(t *testing.T) {
		l := newLedger(t)
		client, jti := fresh("ehr"), fresh("jti")
		until := time.Now().Add(5 * time.Minute)
		if ok, err := l.SpendAssertion(ctx, client, jti, until); !ok || err != nil {
			t.Fatalf("first use: %v %v", ok, err)
		}
		if ok, err := l.SpendAssertion(ctx, client, jti, until); ok || err != nil {
			t.Errorf("second use: %v %v", ok, err)
		}
		if ok, err := l.SpendAssertion(ctx, client, fresh("jti"), until); !ok || err != nil {
			t.Errorf("another jti: %v %v", ok, err)
		}
		if ok, err := l.SpendAssertion(ctx, fresh("other"), jti, until); !ok || err != nil {
			t.Errorf("another client's same jti: %v %v", ok, err)
		}
	})
	t.Run("of the same assertion sent at once, one is taken", func(t *testing.T) {
		l := newLedger(t)
		client, jti := fresh("ehr"), fresh("jti")
		taken := atOnce(t, 8, func() (bool, error) { return l.SpendAssertion(ctx, client, jti, time.Now().Add(time.Minute)) })
		if taken != 1 {
			t.Errorf("8 uses at once: %d taken", taken)
		}
	})
}
