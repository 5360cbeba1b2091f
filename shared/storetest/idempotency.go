package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Idempotency runs the idempotency store contract against the stores
// newStore makes: their clock is now and their keys live ttl.
func Idempotency(t *testing.T, newStore func(t *testing.T, now func() time.Time, ttl time.Duration) IdempotencyStore) {
	ctx := context.Background()
	clock := &Clock{T: Today.Time()}
	const ttl = time.Hour
	t.Run("a retry gets the first response", func(t *testing.T) {
		s := newStore(t, clock.Now, ttl)
		key := fresh("K")
		if saved, err := s.Begin(ctx, key, "fp"); saved != nil || err != nil {
			t.Fatalf("first begin: %v %v", saved, err)
		}
		if _, err := s.Begin(ctx, key, "fp"); portal.ErrorCode(err) != portal.CodeIdempotencyInProgress {
			t.Errorf("while the first runs: %v", err)
		}
		want := portal.SavedResponse{Status: 201, ContentType: "application/json", Body: []byte(`{"id":"1"}`)}
		if err := s.Complete(ctx, key, want); err != nil {
			t.Fatal(err)
		}
		saved, err := s.Begin(ctx, key, "fp")
		if err != nil || saved == nil || saved.Status != 201 || saved.ContentType != want.ContentType || string(saved.Body) != string(want.Body) {
			t.Fatalf("retry: %+v %v", saved, err)
		}
		if _, err := s.Begin(ctx, key, "other"); portal.ErrorCode(err) != portal.CodeIdempotencyKeyReused {
			t.Errorf("the key for another request: %v", err)
		}
	})
	t.Run("an abandoned key runs again", func(t *testing.T) {
		s := newStore(t, clock.Now, ttl)
		key := fresh("K")
		if _, err := s.Begin(ctx, key, "fp"); err != nil {
			t.Fatal(err)
		}
		if err := s.Abandon(ctx, key); err != nil {
			t.Fatal(err)
		}
		if saved, err := s.Begin(ctx, key, "fp"); saved != nil || err != nil {
			t.Errorf("after abandon: %v %v", saved, err)
		}
	})
	t.Run("a key left in progress by a request that died frees itself", func(t *testing.T) {
		s := newStore(t, clock.Now, ttl)
		key := fresh("K")
		if _, err := s.Begin(ctx, key, "fp"); err != nil {
			t.Fatal(err)
		}
		clock.T = clock.T.Add(portal.IdempotencyInProgressTTL / 2)
		if _, err := s.Begin(ctx, key, "fp"); portal.ErrorCode(err) != portal.CodeIdempotencyInProgress {
			t.Errorf("while it may still run: %v", err)
		}
		clock.T = clock.T.Add(portal.IdempotencyInProgressTTL)
		if saved, err := s.Begin(ctx, key, "fp"); saved != nil || err != nil {
			t.Errorf("after the in-progress time: %v %v", saved, err)
		}
	})
	t.Run("an expired key is a new key", func(t *testing.T) {
		s := newStore(t, clock.Now, ttl)
		key := fresh("K")
		if _, err := s.Begin(ctx, key, "fp"); err != nil {
			t.Fatal(err)
		}
		if err := s.Complete(ctx, key, portal.SavedResponse{Status: 201}); err != nil {
			t.Fatal(err)
		}
		clock.T = clock.T.Add(ttl + time.Minute)
		if saved, err := s.Begin(ctx, key, "another request"); saved != nil || err != nil {
			t.Errorf("after expiry: %v %v", saved, err)
		}
	})
}
