package inmem

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// outboundLog is a store's outbox: events recorded with the changes they
// report, until delivered. The store's lock is held around every use.
type outboundLog map[string]portal.OutboundEvent

// due lists up to limit events recorded from from to to, oldest first.
func (l outboundLog) due(from, to time.Time, limit int) []portal.Due {
	var due []portal.Due
	for _, ev := range l {
		if !ev.At.Before(from) && !ev.At.After(to) {
			due = append(due, portal.Due{UploadID: ev.ID, Token: ev.ID, Since: ev.At})
		}
	}
	sortDue(due)
	return due[:min(limit, len(due))]
}

func sortDue(due []portal.Due) {
	slices.SortFunc(due, func(a, b portal.Due) int {
		return cmp.Or(a.Since.Compare(b.Since), cmp.Compare(a.UploadID, b.UploadID))
	})
}

// get returns an event not delivered yet; nil if delivered or none.
func (l outboundLog) get(id string) *portal.OutboundEvent {
	ev, ok := l[id]
	if !ok {
		return nil
	}
	return &ev
}

// eventStore is a store with an outbox: its lock, clock and fault hook,
// and the events recorded with its changes.
type eventStore struct {
	base
	outbound outboundLog
}

// record keeps an event with the change it reports; the lock is held.
func (s *eventStore) record(ev portal.OutboundEvent) {
	if s.outbound == nil {
		s.outbound = outboundLog{}
	}
	s.outbound[ev.ID] = ev
}

// DueOutbound lists up to limit events not delivered yet, recorded from
// from to to, oldest first.
func (s *eventStore) DueOutbound(_ context.Context, from, to time.Time, limit int) ([]portal.Due, error) {
	if err := s.fault("DueOutbound"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.outbound.due(from, to, limit), nil
}

// Outbound returns an event not delivered yet; nil if delivered or none.
func (s *eventStore) Outbound(_ context.Context, id string) (*portal.OutboundEvent, error) {
	if err := s.fault("Outbound"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.outbound.get(id), nil
}

// OutboundDelivered forgets a delivered event.
func (s *eventStore) OutboundDelivered(_ context.Context, id string) error {
	if err := s.fault("OutboundDelivered"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.outbound, id)
	return nil
}

// submitLocked submits the uploads with sub, all or none; the caller holds
// its own store's lock, this takes the attachments'.
func (at *Attachments) submitLocked(provider portal.ProviderID, ids []string, sub portal.Submission) error {
	if len(ids) == 0 {
		return nil
	}
	if at == nil {
		return portal.WhyNotSubmittable(provider, ids, make([]*portal.Attachment, len(ids)))
	}
	at.mu.Lock()
	defer at.mu.Unlock()
	stored := make([]*portal.Attachment, len(ids))
	ok := true
	for i, id := range ids {
		if u, found := at.uploads[id]; found {
			stored[i] = &u.Attachment
		}
		ok = ok && stored[i].Joins(provider, sub)
	}
	if !ok {
		return portal.WhyNotSubmittable(provider, ids, stored)
	}
	for _, id := range ids {
		u := at.uploads[id]
		sc := sub
		u.Submission, u.ExpiresAt = &sc, nil
	}
	return nil
}
