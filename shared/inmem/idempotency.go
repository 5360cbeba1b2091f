package inmem

import (
	"context"
	"slices"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Idempotency keeps the first response to each Idempotency-Key, as
// dynamo.IdempotencyStore does: a key is claimed for
// IdempotencyInProgressTTL, then kept TTL once its response is stored.
type Idempotency struct {
	base
	TTL  time.Duration
	keys map[string]idempotencyEntry
}

type idempotencyEntry struct {
	fingerprint string
	done        bool
	saved       portal.SavedResponse
	expires     time.Time
}

// Begin claims key for a request with this fingerprint; see
// httpapi.IdempotencyStore.
func (s *Idempotency) Begin(_ context.Context, key, fingerprint string) (*portal.SavedResponse, error) {
	if err := s.fault("Begin"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	e, ok := s.keys[key]
	if !ok || e.expires.Before(now) {
		if s.keys == nil {
			s.keys = map[string]idempotencyEntry{}
		}
		s.keys[key] = idempotencyEntry{fingerprint: fingerprint, expires: now.Add(portal.IdempotencyInProgressTTL)}
		return nil, nil
	}
	switch {
	case e.fingerprint != fingerprint:
		return nil, portal.ErrIdempotencyKeyReused()
	case !e.done:
		return nil, portal.ErrIdempotencyInProgress()
	}
	saved := e.saved
	saved.Body = slices.Clone(saved.Body)
	return &saved, nil
}

// Complete stores the response for key.
func (s *Idempotency) Complete(_ context.Context, key string, r portal.SavedResponse) error {
	if err := s.fault("Complete"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.keys == nil {
		s.keys = map[string]idempotencyEntry{}
	}
	e := s.keys[key]
	e.done, e.saved, e.expires = true, r, s.now().Add(s.TTL)
	e.saved.Body = slices.Clone(r.Body)
	s.keys[key] = e
	return nil
}

// Abandon frees key, so that a retry runs again.
func (s *Idempotency) Abandon(_ context.Context, key string) error {
	if err := s.fault("Abandon"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.keys, key)
	return nil
}
