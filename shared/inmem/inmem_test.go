package inmem_test

import (
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/inmem"
	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/storetest"
)

func TestClaimsContract(t *testing.T) {
	storetest.Claims(t, func(*testing.T) storetest.ClaimStore { return &inmem.Claims{} })
}

func TestMembersContract(t *testing.T) {
	storetest.Members(t, func(*testing.T) storetest.MemberStore { return &inmem.Members{} })
}

func TestAttachmentsContract(t *testing.T) {
	storetest.Attachments(t, func(_ *testing.T, now func() time.Time) storetest.AttachmentStore {
		s := &inmem.Attachments{}
		s.Now = now
		return s
	})
}

func TestIdempotencyContract(t *testing.T) {
	storetest.Idempotency(t, func(_ *testing.T, now func() time.Time, ttl time.Duration) storetest.IdempotencyStore {
		s := &inmem.Idempotency{TTL: ttl}
		s.Now = now
		return s
	})
}

func TestAuthorizationsContract(t *testing.T) {
	storetest.Authorizations(t, func(*testing.T) (storetest.AuthorizationStore, storetest.AttachmentStore) {
		uploads := &inmem.Attachments{}
		return &inmem.Authorizations{Attachments: uploads}, uploads
	})
}

func TestCasesContract(t *testing.T) {
	storetest.Cases(t, func(*testing.T) (storetest.CaseStore, storetest.LetterStore, storetest.AttachmentStore) {
		uploads, letters := &inmem.Attachments{}, &inmem.Letters{}
		return &inmem.Cases{Attachments: uploads, Letters: letters}, letters, uploads
	})
}

func TestSearchAllowanceContract(t *testing.T) {
	storetest.SearchAllowance(t, func(*testing.T) portal.SearchAllowance { return &inmem.SearchAllowance{} })
}

func TestDecidedAuthorizationsContract(t *testing.T) {
	storetest.DecidedAuthorizations(t, func(*testing.T) (storetest.AuthorizationStore, storetest.DecidedLister) {
		s := &inmem.Authorizations{Attachments: &inmem.Attachments{}}
		return s, s
	})
}

func TestSystemClientsContract(t *testing.T) {
	storetest.SystemClients(t, func(*testing.T) portal.SystemClients { return &inmem.SystemClients{} })
}

func TestAssertionLedgerContract(t *testing.T) {
	storetest.AssertionLedger(t, func(*testing.T) portal.AssertionLedger { return &inmem.AssertionLedger{} })
}

func TestSubscriptionsContract(t *testing.T) {
	storetest.Subscriptions(t, func(*testing.T) portal.Subscriptions { return &inmem.Subscriptions{} })
}
