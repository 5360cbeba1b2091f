package storetest

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Subscriptions runs the subscriptions' contract against the store
// newStore makes.
func Subscriptions(t *testing.T, newStore func(t *testing.T) portal.Subscriptions) {
	ctx := context.Background()
	now := time.Date(2026, 12, 5, 9, 0, 0, 0, time.UTC)
	newSub := func(client string, tin portal.ProviderID) *portal.Subscription {
		return &portal.Subscription{ID: fresh("SUB"), Client: client, Provider: tin, Endpoint: "https://ehr.example/hook",
			Headers: []string{"Authorization: Bearer s3cret"}, Content: portal.ContentIDOnly, Status: portal.SubscriptionActive, Created: now}
	}
	t.Run("a subscription is its client's only, and lists under its organisation while active", func(t *testing.T) {
		s := newStore(t)
		tin := portal.ProviderID(fresh("T"))
		a, b := newSub("ehr-a", tin), newSub("ehr-b", tin)
		for _, sub := range []*portal.Subscription{a, b} {
			if err := s.CreateSubscription(ctx, sub); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.Subscription(ctx, "ehr-a", a.ID)
		if err != nil || got.Endpoint != a.Endpoint || len(got.Headers) != 1 || got.Provider != tin {
			t.Fatalf("read back: %+v %v", got, err)
		}
		if _, err := s.Subscription(ctx, "ehr-b", a.ID); portal.ErrorCode(err) != portal.CodeSubscriptionNotFound {
			t.Errorf("another client reads it: %v", err)
		}
		if _, err := s.EndSubscription(ctx, "ehr-b", a.ID, now); portal.ErrorCode(err) != portal.CodeSubscriptionNotFound {
			t.Errorf("another client ends it: %v", err)
		}
		if list, err := s.ActiveSubscriptions(ctx, tin); err != nil || len(list) != 2 {
			t.Fatalf("active: %d %v", len(list), err)
		}
		ended, err := s.EndSubscription(ctx, "ehr-a", a.ID, now)
		if err != nil || ended.Status != portal.SubscriptionOff || ended.End == nil {
			t.Fatalf("ended: %+v %v", ended, err)
		}
		if list, err := s.ActiveSubscriptions(ctx, tin); err != nil || len(list) != 1 || list[0].ID != b.ID {
			t.Errorf("active after one ended: %+v %v", list, err)
		}
		if list, err := s.ActiveSubscriptions(ctx, portal.ProviderID(fresh("T"))); err != nil || len(list) != 0 {
			t.Errorf("another organisation's: %+v %v", list, err)
		}
	})
	t.Run("a notification keeps its number through retries, numbered in order", func(t *testing.T) {
		s := newStore(t)
		sub := newSub("ehr-a", portal.ProviderID(fresh("T")))
		if err := s.CreateSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
		n1, done, err := s.Notification(ctx, sub.ID, "ev-1")
		if err != nil || n1 != 1 || done {
			t.Fatalf("first: %d %v %v", n1, done, err)
		}
		if again, done, err := s.Notification(ctx, sub.ID, "ev-1"); err != nil || again != 1 || done {
			t.Errorf("retried: %d %v %v", again, done, err)
		}
		if err := s.NotificationDelivered(ctx, sub.ID, "ev-1"); err != nil {
			t.Fatal(err)
		}
		if again, done, err := s.Notification(ctx, sub.ID, "ev-1"); err != nil || again != 1 || !done {
			t.Errorf("after delivery: %d %v %v", again, done, err)
		}
		if n2, _, err := s.Notification(ctx, sub.ID, "ev-2"); err != nil || n2 != 2 {
			t.Errorf("second event: %d %v", n2, err)
		}
		if got, err := s.Subscription(ctx, "ehr-a", sub.ID); err != nil || got.Events != 2 {
			t.Errorf("count: %+v %v", got, err)
		}
		if _, _, err := s.Notification(ctx, fresh("SUB"), "ev-1"); portal.ErrorCode(err) != portal.CodeSubscriptionNotFound {
			t.Errorf("an unknown subscription: %v", err)
		}
	})
	t.Run("the same event numbered at once gets one number", func(t *testing.T) {
		s := newStore(t)
		sub := newSub("ehr-a", portal.ProviderID(fresh("T")))
		if err := s.CreateSubscription(ctx, sub); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		numbers := map[int64]bool{}
		atOnce(t, 6, func() (bool, error) {
			n, _, err := s.Notification(ctx, sub.ID, "ev-1")
			mu.Lock()
			numbers[n] = true
			mu.Unlock()
			return true, err
		})
		if len(numbers) != 1 {
			t.Errorf("numbers handed out for one event: %v", numbers)
		}
	})
}
