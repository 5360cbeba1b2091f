package inmem

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Claims keeps claims, as dynamo.ClaimStore does.
type Claims struct {
	base
	claims map[string]portal.Claim
}

func cloneClaim(c portal.Claim) portal.Claim {
	c.Lines = slices.Clone(c.Lines)
	for i := range c.Lines {
		c.Lines[i].Modifiers = slices.Clone(c.Lines[i].Modifiers)
	}
	return c
}

// Claim returns a claim of the provider's, or CLAIM_NOT_FOUND.
func (s *Claims) Claim(_ context.Context, provider portal.ProviderID, number string) (*portal.Claim, error) {
	if err := s.fault("Claim"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.claims[number]
	if !ok || c.Provider() != provider {
		return nil, portal.ErrClaimNotFound(number)
	}
	c = cloneClaim(c)
	return &c, nil
}

// UpsertClaim stores c unless a version at least as new is stored.
func (s *Claims) UpsertClaim(_ context.Context, c *portal.Claim) (portal.Upserted, error) {
	if err := s.fault("UpsertClaim"); err != nil {
		return portal.Stale, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.claims[c.Number]; ok && old.Version >= c.Version {
		return upserted(old.Version, c.Version), nil
	}
	if s.claims == nil {
		s.claims = map[string]portal.Claim{}
	}
	s.claims[c.Number] = cloneClaim(*c)
	return portal.Applied, nil
}

func indexValue(c *portal.Claim, idx portal.ClaimIndex) (string, error) {
	switch idx {
	case portal.IndexMember:
		return c.MemberID, nil
	case portal.IndexPatientAccount:
		return c.PatientAccountNumber, nil
	case portal.IndexCheck:
		return c.CheckNumber, nil
	case portal.IndexExternalRef:
		return c.ExternalReferenceNumber, nil
	}
	return "", fmt.Errorf("search claims: unknown index %q", idx)
}

// SearchClaims runs q over the provider's claims, newest first across all
// its keys, a page at a time.
func (s *Claims) SearchClaims(_ context.Context, q portal.ClaimQuery) (portal.ClaimPage, error) {
	if err := s.fault("SearchClaims"); err != nil {
		return portal.ClaimPage{}, err
	}
	if _, err := indexValue(&portal.Claim{}, q.Index); err != nil {
		return portal.ClaimPage{}, err
	}
	if len(q.Keys) == 0 {
		return portal.ClaimPage{}, nil
	}
	if len(q.Keys) > portal.MaxSearchKeys {
		return portal.ClaimPage{}, fmt.Errorf("search claims: %d keys, at most %d", len(q.Keys), portal.MaxSearchKeys)
	}
	fp := fingerprint(string(q.Provider), string(q.Index), strings.Join(q.Keys, "\x00"), q.ReceivedFrom.String())
	cur, err := decodeCursor(q.Cursor, fp)
	if err != nil {
		return portal.ClaimPage{}, err
	}
	s.mu.Lock()
	var found []portal.Claim
	for _, c := range s.claims {
		v, _ := indexValue(&c, q.Index)
		if c.Provider() == q.Provider && slices.Contains(q.Keys, v) && !c.DateReceived.Before(q.ReceivedFrom) {
			found = append(found, c)
		}
	}
	s.mu.Unlock()
	slices.SortFunc(found, func(a, b portal.Claim) int {
		return cmp.Or(-cmp.Compare(a.DateReceived.String(), b.DateReceived.String()), cmp.Compare(a.Number, b.Number))
	})
	var page portal.ClaimPage
	for _, c := range found[min(cur.Offset, len(found)):] {
		page.Claims = append(page.Claims, c.Summary())
		if len(page.Claims) == q.Limit {
			break
		}
	}
	if end := cur.Offset + len(page.Claims); end < len(found) {
		page.Next = cursor{Offset: end, Query: fp}.encode()
	}
	return page, nil
}
