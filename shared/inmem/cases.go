package inmem

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Cases keeps disputes or appeals, as dynamo.CaseStore does: each change
// with its guard, event, letter and uploads, all or none.
type Cases struct {
	eventStore
	Attachments *Attachments
	Letters     *Letters
	cases       map[string]*portal.Case
	open        map[string]string // open key -> case ID
}

func cloneCase(c *portal.Case) *portal.Case {
	b, _ := json.Marshal(c) // a struct of plain values always marshals
	var d portal.Case
	_ = json.Unmarshal(b, &d)
	return &d
}

// write stores c with what w carries, or nothing; the lock is held.
func (s *Cases) write(c *portal.Case, w portal.CaseWrite, by string) error {
	if s.cases == nil {
		s.cases, s.open = map[string]*portal.Case{}, map[string]string{}
	}
	key := c.OpenKey()
	if id, ok := s.open[key]; w.Take && ok && id != c.ID {
		return portal.ErrCaseOpen(id)
	}
	if err := s.Attachments.submitLocked(c.Provider, w.Uploads, c.DocumentSubmission(by, c.UpdatedAt)); err != nil {
		return err
	}
	switch {
	case w.Take:
		s.open[key] = c.ID
	case w.Release && s.open[key] == c.ID:
		delete(s.open, key)
	}
	if w.Event != nil {
		s.record(*w.Event)
	}
	if w.Letter != nil {
		s.Letters.add(*w.Letter)
	}
	s.cases[c.ID] = cloneCase(c)
	return nil
}

// CreateCase stores a new case, unless w takes the guard of a claim that
// has an open case of its kind: then it answers CASE_ALREADY_OPEN.
func (s *Cases) CreateCase(_ context.Context, c *portal.Case, w portal.CaseWrite) error {
	if err := s.fault("CreateCase"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.write(c, w, c.CreatedBy)
}

// Case returns one of the provider's cases.
func (s *Cases) Case(_ context.Context, provider portal.ProviderID, id string) (*portal.Case, error) {
	if err := s.fault("Case"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.cases[id]
	if !ok || c.Provider != provider {
		return nil, portal.ErrCaseNotFound()
	}
	return cloneCase(c), nil
}

// Cases lists the provider's cases about a subject, newest first.
func (s *Cases) Cases(_ context.Context, q portal.SubjectQuery) ([]portal.Case, string, error) {
	if err := s.fault("Cases"); err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	list := []portal.Case{}
	for _, c := range s.cases {
		if c.Provider == q.Provider && c.SubjectKey() == q.Subject {
			list = append(list, *cloneCase(c))
		}
	}
	s.mu.Unlock()
	slices.SortFunc(list, func(a, b portal.Case) int { return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(b.ID, a.ID)) })
	return page(list, q.Limit, q.Cursor, fingerprint(string(q.Provider), "subject", q.Subject))
}

// UpdateCase changes one of the provider's cases as change decides.
func (s *Cases) UpdateCase(_ context.Context, provider portal.ProviderID, id, by string, change portal.CaseChange) (*portal.Case, bool, error) {
	if provider == "" {
		return nil, false, portal.ErrCaseNotFound()
	}
	return s.update(provider, id, by, change)
}

// ApplyToCase changes a case for the plan, whoever's it is.
func (s *Cases) ApplyToCase(_ context.Context, id string, change portal.CaseChange) (*portal.Case, bool, error) {
	return s.update("", id, "plan", change)
}

func (s *Cases) update(provider portal.ProviderID, id, by string, change portal.CaseChange) (*portal.Case, bool, error) {
	if err := s.fault("UpdateCase"); err != nil {
		return nil, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored, ok := s.cases[id]
	if !ok || (provider != "" && stored.Provider != provider) {
		return nil, false, portal.ErrCaseNotFound()
	}
	c := cloneCase(stored)
	w, err := change(c)
	if err != nil || w == nil {
		return cloneCase(stored), false, err
	}
	c.Version++
	if err := s.write(c, *w, by); err != nil {
		return nil, false, err
	}
	return cloneCase(c), true, nil
}

// Worklist lists the provider's cases of q.Status (empty: every status)
// created in q's window, newest first.
func (s *Cases) Worklist(_ context.Context, q portal.WorkQuery) ([]portal.Case, string, error) {
	if err := s.fault("Worklist"); err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	var all []portal.Case
	for _, c := range s.cases {
		day := portal.DateOf(c.CreatedAt)
		if c.Provider == q.Provider && (q.Status == "" || string(c.Status) == q.Status) && !day.Before(q.From) && !day.After(q.To) {
			all = append(all, *cloneCase(c))
		}
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b portal.Case) int { return cmp.Or(b.CreatedAt.Compare(a.CreatedAt), cmp.Compare(b.ID, a.ID)) })
	return page(all, q.Limit, q.Cursor, fingerprint(string(q.Provider), q.Status, q.From.String(), q.To.String()))
}

// CountByStatus counts the provider's cases of a status.
func (s *Cases) CountByStatus(_ context.Context, provider portal.ProviderID, status string) (int, error) {
	if err := s.fault("CountByStatus"); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, c := range s.cases {
		if c.Provider == provider && string(c.Status) == status {
			n++
		}
	}
	return n, nil
}

// AuthorizationAppeals lists the decided appeals of retro authorization
// requests, as dynamo.Reports does.
func (s *Cases) AuthorizationAppeals(context.Context) ([]portal.Case, error) {
	if err := s.fault("AuthorizationAppeals"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []portal.Case
	for _, c := range s.cases {
		if c.AuthorizationID != "" && c.Decision != nil {
			out = append(out, *cloneCase(c))
		}
	}
	return out, nil
}
