package inmem

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Subscriptions keeps the systems' subscriptions and their notifications'
// numbers, as dynamo.SubscriptionStore does.
type Subscriptions struct {
	base
	subs  map[string]portal.Subscription
	notes map[string]notification
}

type notification struct {
	number    int64
	delivered bool
}

func cloneSubscription(s portal.Subscription) *portal.Subscription {
	s.Headers = slices.Clone(s.Headers)
	return &s
}

// CreateSubscription keeps a new subscription.
func (s *Subscriptions) CreateSubscription(_ context.Context, sub *portal.Subscription) error {
	if err := s.fault("CreateSubscription"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.subs == nil {
		s.subs = map[string]portal.Subscription{}
	}
	s.subs[sub.ID] = *cloneSubscription(*sub)
	return nil
}

// Subscription is the client's subscription id.
func (s *Subscriptions) Subscription(_ context.Context, client, id string) (*portal.Subscription, error) {
	if err := s.fault("Subscription"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, err := s.owned(client, id)
	if err != nil {
		return nil, err
	}
	return cloneSubscription(sub), nil
}

// owned is the client's subscription id; the lock is held.
func (s *Subscriptions) owned(client, id string) (portal.Subscription, error) {
	sub, ok := s.subs[id]
	if !ok || sub.Client != client {
		return portal.Subscription{}, portal.ErrSubscriptionNotFound()
	}
	return sub, nil
}

// EndSubscription turns the client's subscription off.
func (s *Subscriptions) EndSubscription(_ context.Context, client, id string, at time.Time) (*portal.Subscription, error) {
	if err := s.fault("EndSubscription"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub, err := s.owned(client, id)
	if err != nil {
		return nil, err
	}
	if sub.Status != portal.SubscriptionOff {
		at = at.UTC()
		sub.Status, sub.End = portal.SubscriptionOff, &at
		s.subs[id] = sub
	}
	return cloneSubscription(sub), nil
}

// ActiveSubscriptions are the active subscriptions to provider's requests.
func (s *Subscriptions) ActiveSubscriptions(_ context.Context, provider portal.ProviderID) ([]portal.Subscription, error) {
	if err := s.fault("ActiveSubscriptions"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []portal.Subscription
	for _, sub := range s.subs {
		if sub.Provider == provider && sub.Status == portal.SubscriptionActive {
			out = append(out, *cloneSubscription(sub))
		}
	}
	slices.SortFunc(out, func(a, b portal.Subscription) int { return cmp.Compare(a.ID, b.ID) })
	return out, nil
}

// Notification numbers the subscription's notification of an event once.
func (s *Subscriptions) Notification(_ context.Context, subscriptionID, eventID string) (int64, bool, error) {
	if err := s.fault("Notification"); err != nil {
		return 0, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := subscriptionID + "#" + eventID
	if n, ok := s.notes[key]; ok {
		return n.number, n.delivered, nil
	}
	sub, ok := s.subs[subscriptionID]
	if !ok {
		return 0, false, portal.ErrSubscriptionNotFound()
	}
	sub.Events++
	s.subs[subscriptionID] = sub
	if s.notes == nil {
		s.notes = map[string]notification{}
	}
	s.notes[key] = notification{number: sub.Events}
	return sub.Events, false, nil
}

// NotificationDelivered records that the endpoint took it.
func (s *Subscriptions) NotificationDelivered(_ context.Context, subscriptionID, eventID string) error {
	if err := s.fault("NotificationDelivered"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := subscriptionID + "#" + eventID
	n := s.notes[key]
	n.delivered = true
	s.notes[key] = n
	return nil
}
