package inmem

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Authorizations keeps retro authorization requests and reported other
// insurance, as dynamo.AuthorizationStore does.
type Authorizations struct {
	eventStore
	// Attachments holds the uploads: a request's documents are submitted
	// with it, all or none.
	Attachments *Attachments
	requests    map[string]*portal.Authorization
	open        map[string]string // open key -> request ID
	reported    map[string][]portal.ReportedCOB
}

func cloneAuthorization(a *portal.Authorization) *portal.Authorization {
	b, _ := json.Marshal(a) // a struct of plain values always marshals
	var c portal.Authorization
	_ = json.Unmarshal(b, &c)
	return &c
}

// CreateAuthorization stores a new request, unless an open one for the same
// member, type, start date and services exists: then it returns that one's
// ID and writes nothing.
func (s *Authorizations) CreateAuthorization(_ context.Context, a *portal.Authorization, ev portal.OutboundEvent) (string, error) {
	if err := s.fault("CreateAuthorization"); err != nil {
		return "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.requests == nil {
		s.requests, s.open, s.reported = map[string]*portal.Authorization{}, map[string]string{}, map[string][]portal.ReportedCOB{}
	}
	if id, ok := s.open[a.OpenKey()]; ok {
		return id, nil
	}
	if err := s.submitDocuments(a.Provider, a.Request.UploadIDs, a.DocumentSubmission(a.SubmittedBy, a.SubmittedAt)); err != nil {
		return "", err
	}
	s.requests[a.ID] = cloneAuthorization(a)
	s.open[a.OpenKey()] = a.ID
	s.record(ev)
	return "", nil
}

// AddDocuments attaches documents and a note to one of the provider's open
// requests, with the event that tells utilization management.
func (s *Authorizations) AddDocuments(_ context.Context, provider portal.ProviderID, id string, uploadIDs []string, note string, ev portal.OutboundEvent) (*portal.Authorization, error) {
	if err := s.fault("AddDocuments"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requests[id]
	if !ok || a.Provider != provider {
		return nil, portal.ErrAuthorizationNotFound()
	}
	next := cloneAuthorization(a)
	if err := next.AddDocuments(uploadIDs, note, s.now().UTC()); err != nil {
		return nil, err
	}
	if err := s.submitDocuments(provider, uploadIDs, next.DocumentSubmission(next.SubmittedBy, next.UpdatedAt)); err != nil {
		return nil, err
	}
	next.Version++
	s.requests[id] = next
	s.record(ev)
	return cloneAuthorization(next), nil
}

// Authorization returns one of the provider's requests.
func (s *Authorizations) Authorization(_ context.Context, provider portal.ProviderID, id string) (*portal.Authorization, error) {
	if err := s.fault("Authorization"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requests[id]
	if !ok || a.Provider != provider {
		return nil, portal.ErrAuthorizationNotFound()
	}
	return cloneAuthorization(a), nil
}

// Authorizations lists the provider's requests for a member whose start
// date falls from from to to, newest first, limit at a time.
func (s *Authorizations) Authorizations(_ context.Context, provider portal.ProviderID, memberID string, from, to portal.Date, limit int, cur string) ([]portal.Authorization, string, error) {
	if err := s.fault("Authorizations"); err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	var all []portal.Authorization
	for _, a := range s.requests {
		r := a.Request
		if a.Provider == provider && r.MemberID == memberID && !r.StartDate.Before(from) && !r.StartDate.After(to) {
			all = append(all, *cloneAuthorization(a))
		}
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b portal.Authorization) int {
		return cmp.Or(b.Request.StartDate.Time().Compare(a.Request.StartDate.Time()), b.SubmittedAt.Compare(a.SubmittedAt), cmp.Compare(b.ID, a.ID))
	})
	return page(all, limit, cur, fingerprint(string(provider), memberID, from.String(), to.String()))
}

// Worklist lists the provider's requests of q.Status (empty: every
// status) submitted in q's window, newest first.
func (s *Authorizations) Worklist(_ context.Context, q portal.WorkQuery) ([]portal.Authorization, string, error) {
	if err := s.fault("Worklist"); err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	var all []portal.Authorization
	for _, a := range s.requests {
		day := portal.DateOf(a.SubmittedAt)
		if a.Provider == q.Provider && (q.Status == "" || string(a.Status) == q.Status) && !day.Before(q.From) && !day.After(q.To) {
			all = append(all, *cloneAuthorization(a))
		}
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b portal.Authorization) int {
		return cmp.Or(b.SubmittedAt.Compare(a.SubmittedAt), cmp.Compare(b.ID, a.ID))
	})
	return page(all, q.Limit, q.Cursor, fingerprint(string(q.Provider), q.Status, q.From.String(), q.To.String()))
}

// CountByStatus counts the provider's requests of a status.
func (s *Authorizations) CountByStatus(_ context.Context, provider portal.ProviderID, status string) (int, error) {
	if err := s.fault("CountByStatus"); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, a := range s.requests {
		if a.Provider == provider && string(a.Status) == status {
			n++
		}
	}
	return n, nil
}

// ApplyDecision applies a decision from utilization management, once; a
// final one closes the request, so that a new one for the same services
// may follow.
func (s *Authorizations) ApplyDecision(_ context.Context, d portal.AuthDecision) (*portal.Authorization, bool, error) {
	if err := s.fault("ApplyDecision"); err != nil {
		return nil, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.requests[d.AuthorizationID]
	if !ok {
		return nil, false, portal.ErrAuthorizationNotFound()
	}
	changed, err := a.Decide(d, s.now().UTC())
	if err != nil {
		return nil, false, err
	}
	if changed {
		a.Version++
		s.record(portal.DecidedEvent(a, s.now()))
		if a.Status.Final() && s.open[a.OpenKey()] == a.ID {
			delete(s.open, a.OpenKey())
		}
	}
	return cloneAuthorization(a), changed, nil
}

// ReportCOB keeps other insurance a provider reported, as reported.
func (s *Authorizations) ReportCOB(_ context.Context, r portal.ReportedCOB, ev portal.OutboundEvent) error {
	if err := s.fault("ReportCOB"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.reported == nil {
		s.reported = map[string][]portal.ReportedCOB{}
	}
	s.reported[r.MemberID] = append(s.reported[r.MemberID], r)
	s.record(ev)
	slices.SortStableFunc(s.reported[r.MemberID], func(a, b portal.ReportedCOB) int { return a.ReportedAt.Compare(b.ReportedAt) })
	return nil
}

// ReportedCOB lists the other insurance reported for a member, in the
// order it was reported.
func (s *Authorizations) ReportedCOB(_ context.Context, memberID string) ([]portal.ReportedCOB, error) {
	if err := s.fault("ReportedCOB"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.reported[memberID]), nil
}

// submitDocuments submits the uploads as a request's documents, all or
// none; the authorizations' lock is held.
func (s *Authorizations) submitDocuments(provider portal.ProviderID, ids []string, sub portal.Submission) error {
	return s.Attachments.submitLocked(provider, ids, sub)
}

// DecidedAuthorizations lists every provider's requests decided from from
// to to, as dynamo.Reports does.
func (s *Authorizations) DecidedAuthorizations(_ context.Context, from, to time.Time) ([]portal.Authorization, error) {
	if err := s.fault("DecidedAuthorizations"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []portal.Authorization
	for _, a := range s.requests {
		if d := a.Decision; d != nil && !d.DecidedAt.Before(from.AddDate(0, 0, -1)) && !d.DecidedAt.After(to.AddDate(0, 0, 1)) {
			out = append(out, *cloneAuthorization(a))
		}
	}
	return out, nil
}
