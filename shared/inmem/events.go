package inmem

import (
	"cmp"
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
		ok = ok && stored[i].Submittable(provider)
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
