package inmem

import (
	"context"
	"slices"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// SystemClients keeps the registered system clients, as
// dynamo.SystemClientStore does.
type SystemClients struct {
	base
	clients map[string]portal.SystemClient
}

func cloneClient(c portal.SystemClient) portal.SystemClient {
	c.TINs, c.Scopes = slices.Clone(c.TINs), slices.Clone(c.Scopes)
	return c
}

// SystemClient returns the client registered under id.
func (s *SystemClients) SystemClient(_ context.Context, id string) (portal.SystemClient, bool, error) {
	if err := s.fault("SystemClient"); err != nil {
		return portal.SystemClient{}, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.clients[id]
	return cloneClient(c), ok, nil
}

// RegisterSystemClient adds or replaces a client.
func (s *SystemClients) RegisterSystemClient(_ context.Context, c portal.SystemClient) error {
	if err := s.fault("RegisterSystemClient"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.clients == nil {
		s.clients = map[string]portal.SystemClient{}
	}
	s.clients[c.ID] = cloneClient(c)
	return nil
}

// AssertionLedger remembers spent client assertions until they expire, as
// dynamo.AssertionLedger does.
type AssertionLedger struct {
	base
	spent map[string]time.Time
}

// SpendAssertion records (client, jti) until expires; false if spent.
func (s *AssertionLedger) SpendAssertion(_ context.Context, client, jti string, expires time.Time) (bool, error) {
	if err := s.fault("SpendAssertion"); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	key := client + "\x00" + jti
	if until, ok := s.spent[key]; ok && until.After(s.now()) {
		return false, nil
	}
	if s.spent == nil {
		s.spent = map[string]time.Time{}
	}
	s.spent[key] = expires
	return true, nil
}
