package inmem

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Letters keeps the letters under Provider Documents, as
// dynamo.LetterStore does.
type Letters struct {
	base
	letters map[string]portal.Letter
}

// add records a new letter; the caller's lock is held, this takes its own.
func (s *Letters) add(l portal.Letter) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.letters == nil {
		s.letters = map[string]portal.Letter{}
	}
	s.letters[l.ID] = l
}

// Get returns a letter, whoever's it is; nil if there is none.
func (s *Letters) Get(_ context.Context, id string) (*portal.Letter, error) {
	if err := s.fault("Get"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.letters[id]
	if !ok {
		return nil, nil
	}
	return &l, nil
}

// Letter returns one of the provider's letters.
func (s *Letters) Letter(ctx context.Context, provider portal.ProviderID, id string) (*portal.Letter, error) {
	l, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if l == nil || l.Provider != provider {
		return nil, portal.ErrLetterNotFound()
	}
	return l, nil
}

// Letters lists the provider's letters as q asks, newest first.
func (s *Letters) Letters(_ context.Context, q portal.LetterQuery) ([]portal.Letter, string, error) {
	if err := s.fault("Letters"); err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	var all []portal.Letter
	for _, l := range s.letters {
		day := portal.DateOf(l.CreatedAt)
		if l.Provider == q.Provider && (q.Type == "" || l.Type == q.Type) && !day.Before(q.From) && !day.After(q.To) {
			all = append(all, l)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b portal.Letter) int { return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(b.ID, a.ID)) })
	return page(all, q.Limit, q.Cursor, fingerprint(string(q.Provider), string(q.Type), q.From.String(), q.To.String()))
}

// DueLetters lists up to limit letters whose PDF is not stored yet,
// written from from to to, oldest first.
func (s *Letters) DueLetters(_ context.Context, from, to time.Time, limit int) ([]portal.Due, error) {
	if err := s.fault("DueLetters"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []portal.Due
	for _, l := range s.letters {
		if l.StoredAt == nil && !l.CreatedAt.Before(from) && !l.CreatedAt.After(to) {
			due = append(due, portal.Due{UploadID: l.ID, Token: l.ID, Since: l.CreatedAt})
		}
	}
	sortDue(due)
	return due[:min(limit, len(due))], nil
}

// LetterStored records that a letter's PDF is stored.
func (s *Letters) LetterStored(_ context.Context, id string, size int64, at time.Time) error {
	if err := s.fault("LetterStored"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.letters[id]
	if !ok {
		return portal.ErrLetterNotFound()
	}
	at = at.UTC()
	l.StoredAt, l.Size = &at, size
	s.letters[id] = l
	return nil
}
