// Package storetest is the contract every implementation of the portal's
// stores keeps: one suite per store, run against the in-memory stores
// (shared/inmem) and the DynamoDB stores on the local emulator
// (shared/dynamo). Only tests import it.
//
// The suites share their tables with other tests, so every identifier they
// write is fresh.
package storetest

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// ClaimStore is everything a claims store does, for any of its consumers.
type ClaimStore interface {
	Claim(ctx context.Context, provider portal.ProviderID, number string) (*portal.Claim, error)
	SearchClaims(ctx context.Context, q portal.ClaimQuery) (portal.ClaimPage, error)
	UpsertClaim(ctx context.Context, c *portal.Claim) (portal.Upserted, error)
}

// MemberStore is everything a members store does.
type MemberStore interface {
	Member(ctx context.Context, id string) (*portal.Member, error)
	MembersByMedicaidID(ctx context.Context, medicaidID string) ([]portal.Member, error)
	MembersByName(ctx context.Context, lastName, firstName string, dob portal.Date) ([]portal.Member, error)
	UpsertMember(ctx context.Context, m *portal.Member) (portal.Upserted, error)
}

// AttachmentStore is everything an attachments store does.
type AttachmentStore interface {
	CreateUpload(ctx context.Context, a *portal.Attachment) error
	Upload(ctx context.Context, provider portal.ProviderID, id string) (*portal.Attachment, error)
	Uploads(ctx context.Context, provider portal.ProviderID, ids []string) ([]*portal.Attachment, error)
	Get(ctx context.Context, id string) (*portal.Attachment, error)
	DeleteUpload(ctx context.Context, provider portal.ProviderID, id string) error
	RecordCheck(ctx context.Context, id string, verdict portal.Attachment) (*portal.Attachment, bool, error)
	Submit(ctx context.Context, provider portal.ProviderID, ids []string, s portal.Submission, claim string) (portal.Submission, error)
	ClaimDocuments(ctx context.Context, provider portal.ProviderID, claimNumber string) ([]portal.Attachment, error)
	Waiting(ctx context.Context, provider portal.ProviderID, memberID string, serviceDate, receivedBy portal.Date) ([]portal.Attachment, error)
	AttachWaiting(ctx context.Context, provider portal.ProviderID, id, claimNumber string) (bool, error)
	DueEvents(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error)
	ExpiredUploads(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error)
	RemoveUpload(ctx context.Context, id string) (*portal.Attachment, error)
	ForgetUpload(ctx context.Context, id string) error
	EventState(ctx context.Context, id string) (*portal.Attachment, string, error)
	EventHandled(ctx context.Context, id, token string, sent time.Time) (bool, error)
}

// IdempotencyStore is everything an idempotency store does.
type IdempotencyStore interface {
	Begin(ctx context.Context, key, fingerprint string) (*portal.SavedResponse, error)
	Complete(ctx context.Context, key string, r portal.SavedResponse) error
	Abandon(ctx context.Context, key string) error
}

// Clock is a clock a test moves by hand.
type Clock struct{ T time.Time }

// Now returns the clock's time.
func (c *Clock) Now() time.Time { return c.T }

// Today is the date the suites treat as today.
var Today = portal.MustDate("2026-11-24")

const (
	providerA portal.ProviderID = "111111111"
	providerB portal.ProviderID = "222222222"
)

// fresh returns an identifier no earlier test wrote.
func fresh(prefix string) string { return prefix + "-" + portal.NewID()[:12] }

func asError(err error, target **portal.Error) bool { return errors.As(err, target) }

// atOnce runs try n times at once and counts the tries that took what
// they tried for; an error fails the test.
func atOnce(t *testing.T, n int, try func() (bool, error)) int {
	var wg sync.WaitGroup
	var mu sync.Mutex
	taken := 0
	for range n {
		wg.Go(func() {
			ok, err := try()
			if err != nil {
				t.Error(err)
			}
			if ok {
				mu.Lock()
				taken++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return taken
}
