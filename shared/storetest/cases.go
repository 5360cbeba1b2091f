package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// CaseStore is everything a dispute or appeal store does.
type CaseStore interface {
	CreateCase(ctx context.Context, c *portal.Case, w portal.CaseWrite) error
	Case(ctx context.Context, provider portal.ProviderID, id string) (*portal.Case, error)
	Cases(ctx context.Context, q portal.SubjectQuery) ([]portal.Case, string, error)
	UpdateCase(ctx context.Context, provider portal.ProviderID, id, by string, change portal.CaseChange) (*portal.Case, bool, error)
	Worklist(ctx context.Context, q portal.WorkQuery) ([]portal.Case, string, error)
	CountByStatus(ctx context.Context, provider portal.ProviderID, status string) (int, error)
	ApplyToCase(ctx context.Context, id string, change portal.CaseChange) (*portal.Case, bool, error)
	DueOutbound(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error)
	Outbound(ctx context.Context, id string) (*portal.OutboundEvent, error)
	OutboundDelivered(ctx context.Context, id string) error
}

// LetterStore is everything a letter store does.
type LetterStore interface {
	Get(ctx context.Context, id string) (*portal.Letter, error)
	Letter(ctx context.Context, provider portal.ProviderID, id string) (*portal.Letter, error)
	Letters(ctx context.Context, q portal.LetterQuery) ([]portal.Letter, string, error)
	DueLetters(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error)
	LetterStored(ctx context.Context, id string, size int64, at time.Time) error
}

func draftCase(provider portal.ProviderID, kind portal.CaseKind, claim string) *portal.Case {
	now := time.Now().UTC().Truncate(time.Millisecond)
	return &portal.Case{ID: portal.NewCaseID(kind), Kind: kind, Provider: provider, CreatedBy: "user", CreatedAt: now,
		ClaimNumber: claim, Status: portal.CaseDraft, History: []portal.CaseEvent{{At: now, Status: portal.CaseDraft}},
		Notes: "Paid at the wrong rate.", UpdatedAt: now, Version: 1}
}

// submitted submits c in memory and returns what a submit writes with it.
func submitted(t *testing.T, c *portal.Case, uploads ...string) portal.CaseWrite {
	t.Helper()
	if err := c.Submit(time.Now().UTC().Truncate(time.Millisecond)); err != nil {
		t.Fatal(err)
	}
	ev := event(portal.EventCaseSubmitted)
	return portal.CaseWrite{Event: &ev, Letter: portal.KYMarketplace.AcknowledgementLetter(c, "Clinic"), Uploads: uploads, Take: true}
}

func caseIDs(cs []portal.Case) []string {
	var out []string
	for _, c := range cs {
		out = append(out, c.ID)
	}
	return out
}

// Cases runs the dispute and appeal store contract. newStores returns a
// case store with the letter and attachment stores its changes write to.
func Cases(t *testing.T, newStores func(t *testing.T) (CaseStore, LetterStore, AttachmentStore)) {
	ctx := context.Background()
	t.Run("a case is its provider's alone", func(t *testing.T) {
		s, _, _ := newStores(t)
		claim := fresh("C")
		c := draftCase(providerA, portal.CaseClaimAppeal, claim)
		if err := s.CreateCase(ctx, c, portal.CaseWrite{}); err != nil {
			t.Fatal(err)
		}
		got, err := s.Case(ctx, providerA, c.ID)
		if err != nil || got.Status != portal.CaseDraft || got.Notes != c.Notes || got.ClaimNumber != claim {
			t.Fatalf("get: %+v %v", got, err)
		}
		if _, err := s.Case(ctx, providerB, c.ID); portal.ErrorCode(err) != portal.CodeCaseNotFound {
			t.Errorf("another provider read it: %v", err)
		}
		if list, _, err := s.Cases(ctx, portal.SubjectQuery{Provider: providerB, Subject: portal.ClaimSubject(claim), Limit: 10}); err != nil || len(list) != 0 {
			t.Errorf("another provider listed it: %v %v", caseIDs(list), err)
		}
		touched := false
		if _, _, err := s.UpdateCase(ctx, providerB, c.ID, "other", func(*portal.Case) (*portal.CaseWrite, error) {
			touched = true
			return &portal.CaseWrite{}, nil
		}); portal.ErrorCode(err) != portal.CodeCaseNotFound || touched {
			t.Errorf("another provider changed it: %v", err)
		}
		if _, err := s.Case(ctx, providerA, "AP-0000-0000"); portal.ErrorCode(err) != portal.CodeCaseNotFound {
			t.Errorf("a case that does not exist: %v", err)
		}
	})
	t.Run("one open case of a kind per claim; a closed one frees the claim", func(t *testing.T) {
		s, letters, _ := newStores(t)
		claim := fresh("C")
		first := draftCase(providerA, portal.CaseDispute, claim)
		if err := s.CreateCase(ctx, first, submitted(t, first)); err != nil {
			t.Fatal(err)
		}
		second := draftCase(providerA, portal.CaseDispute, claim)
		w := submitted(t, second)
		err := s.CreateCase(ctx, second, w)
		var pe *portal.Error
		if portal.ErrorCode(err) != portal.CodeCaseOpen || !asError(err, &pe) || pe.OpenCaseID != first.ID {
			t.Fatalf("a second open dispute: %v", err)
		}
		if _, err := s.Case(ctx, providerA, second.ID); portal.ErrorCode(err) != portal.CodeCaseNotFound {
			t.Errorf("the refused case was written")
		}
		if ev, _ := s.Outbound(ctx, w.Event.ID); ev != nil {
			t.Errorf("the refused case's event was recorded")
		}
		if l, _ := letters.Get(ctx, w.Letter.ID); l != nil {
			t.Errorf("the refused case's letter was written")
		}
		// Another kind on the same claim, or the same kind on another
		// claim, is not stopped.
		appeal := draftCase(providerA, portal.CaseClaimAppeal, claim)
		if err := s.CreateCase(ctx, appeal, submitted(t, appeal)); err != nil {
			t.Errorf("an appeal beside the dispute: %v", err)
		}
		// Withdrawn, the first frees the claim.
		got, changed, err := s.UpdateCase(ctx, providerA, first.ID, "user", func(c *portal.Case) (*portal.CaseWrite, error) {
			if err := c.Withdraw(time.Now().UTC()); err != nil {
				return nil, err
			}
			return &portal.CaseWrite{Release: true}, nil
		})
		if err != nil || !changed || got.Status != portal.CaseWithdrawn || got.Version != first.Version+1 {
			t.Fatalf("withdraw: %+v %v %v", got, changed, err)
		}
		again := draftCase(providerA, portal.CaseDispute, claim)
		if err := s.CreateCase(ctx, again, submitted(t, again)); err != nil {
			t.Errorf("a dispute after the first was withdrawn: %v", err)
		}
		q := portal.SubjectQuery{Provider: providerA, Subject: portal.ClaimSubject(claim), Limit: 10}
		list, next, err := s.Cases(ctx, q)
		if err != nil || len(list) != 3 || next != "" || !slices.Contains(caseIDs(list), first.ID) || list[0].CreatedAt.Before(list[2].CreatedAt) {
			t.Errorf("the claim's cases, newest first: %v %q %v", caseIDs(list), next, err)
		}
		// A page at a time: the same three, in the same order, each once.
		q.Limit = 2
		head, next, err := s.Cases(ctx, q)
		if err != nil || len(head) != 2 || next == "" {
			t.Fatalf("the first page of 2: %v %q %v", caseIDs(head), next, err)
		}
		q.Cursor = next
		tail, last, err := s.Cases(ctx, q)
		if err != nil || last != "" || !slices.Equal(append(caseIDs(head), caseIDs(tail)...), caseIDs(list)) {
			t.Errorf("the pages %v + %v (next %q), want %v: %v", caseIDs(head), caseIDs(tail), last, caseIDs(list), err)
		}
		// Another claim's query, or another provider's, refuses the cursor.
		if _, _, err := s.Cases(ctx, portal.SubjectQuery{Provider: providerA, Subject: portal.ClaimSubject("C-OTHER"), Limit: 2, Cursor: next}); portal.ErrorCode(err) != portal.CodeInvalidCursor {
			t.Errorf("another claim's cursor: %v", err)
		}
		if _, _, err := s.Cases(ctx, portal.SubjectQuery{Provider: providerB, Subject: portal.ClaimSubject(claim), Limit: 2, Cursor: next}); portal.ErrorCode(err) != portal.CodeInvalidCursor {
			t.Errorf("another provider's cursor: %v", err)
		}
		// A change that writes nothing changes nothing.
		if got, changed, err := s.ApplyToCase(ctx, again.ID, func(*portal.Case) (*portal.CaseWrite, error) { return nil, nil }); err != nil || changed || got.Version != again.Version {
			t.Errorf("a no-op change: %+v %v %v", got, changed, err)
		}
	})
	t.Run("a case's documents, event and letter are written with it, all or none", func(t *testing.T) {
		s, letters, uploads := newStores(t)
		up := func(p portal.ProviderID) string {
			a := pendingUpload(p, time.Now())
			if err := uploads.CreateUpload(ctx, a); err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		mine, also, theirs := up(providerA), up(providerA), up(providerB)
		refused := draftCase(providerA, portal.CaseClaimAppeal, fresh("C"))
		w := submitted(t, refused, mine, theirs)
		if err := s.CreateCase(ctx, refused, w); portal.ErrorCode(err) != portal.CodeUploadNotFound {
			t.Fatalf("with another provider's upload: %v", err)
		}
		if got, _ := uploads.Upload(ctx, providerA, mine); got.Submission != nil {
			t.Errorf("an upload of the refused case was submitted")
		}
		if l, _ := letters.Get(ctx, w.Letter.ID); l != nil {
			t.Errorf("the refused case's letter was written")
		}
		c := draftCase(providerA, portal.CaseClaimAppeal, fresh("C"))
		w = submitted(t, c, mine)
		if err := s.CreateCase(ctx, c, w); err != nil {
			t.Fatal(err)
		}
		got, _ := uploads.Upload(ctx, providerA, mine)
		if got.Submission == nil || got.Submission.CaseID != c.ID || got.Submission.Kind != portal.SubmissionCase || got.ExpiresAt != nil || got.ClaimNumber != "" {
			t.Errorf("the document: %+v", got)
		}
		if ev, err := s.Outbound(ctx, w.Event.ID); err != nil || ev == nil || ev.Body != w.Event.Body {
			t.Errorf("the event: %+v %v", ev, err)
		}
		l, err := letters.Letter(ctx, providerA, w.Letter.ID)
		if err != nil || l.CaseID != c.ID || l.Type != portal.LetterAcknowledgement || l.StoredAt != nil || l.DecisionDue.IsZero() {
			t.Errorf("the letter: %+v %v", l, err)
		}
		// Added after submit: a document already submitted refuses the
		// whole addition.
		add := func(ids ...string) (*portal.Case, error) {
			got, _, err := s.UpdateCase(ctx, providerA, c.ID, "user", func(c *portal.Case) (*portal.CaseWrite, error) {
				added, err := c.AddDocuments(ids, time.Now().UTC())
				if err != nil {
					return nil, err
				}
				ev := event(portal.EventCaseDocumentsAdded)
				return &portal.CaseWrite{Event: &ev, Uploads: added}, nil
			})
			return got, err
		}
		if _, err := add(also, theirs); portal.ErrorCode(err) != portal.CodeUploadNotFound {
			t.Errorf("adding another provider's: %v", err)
		}
		if got, _ := uploads.Upload(ctx, providerA, also); got.Submission != nil {
			t.Errorf("half an addition was written")
		}
		if got, _ := s.Case(ctx, providerA, c.ID); slices.Contains(got.Documents, also) {
			t.Errorf("the refused addition changed the case")
		}
		if got, err := add(also); err != nil || !slices.Contains(got.Documents, also) {
			t.Fatalf("add: %+v %v", got, err)
		}
		if got, _ := uploads.Upload(ctx, providerA, also); got.Submission == nil || got.Submission.CaseID != c.ID {
			t.Errorf("the added document: %+v", got)
		}
	})
	t.Run("events wait until delivered", func(t *testing.T) {
		s, _, _ := newStores(t)
		c := draftCase(providerA, portal.CaseDispute, fresh("C"))
		w := submitted(t, c)
		w.Event.At = time.Now().UTC().Add(-time.Hour).Truncate(time.Millisecond)
		if err := s.CreateCase(ctx, c, w); err != nil {
			t.Fatal(err)
		}
		due, err := s.DueOutbound(ctx, w.Event.At.Add(-time.Second), w.Event.At.Add(time.Second), 100)
		if err != nil || !slices.ContainsFunc(due, func(d portal.Due) bool { return d.UploadID == w.Event.ID }) {
			t.Fatalf("due: %+v %v", due, err)
		}
		if err := s.OutboundDelivered(ctx, w.Event.ID); err != nil {
			t.Fatal(err)
		}
		if ev, err := s.Outbound(ctx, w.Event.ID); err != nil || ev != nil {
			t.Errorf("a delivered event: %+v %v", ev, err)
		}
	})
	t.Run("the provider's worklist: drafts and cases, newest first, by status and date, in pages, with counts", func(t *testing.T) {
		s, _, _ := newStores(t)
		provider := portal.ProviderID(fresh("P")) // a provider with no other cases
		var made []*portal.Case
		for i := range 5 {
			c := draftCase(provider, portal.CaseClaimAppeal, fresh("C"))
			c.CreatedAt = time.Date(2026, 11, 20+i, 9, 0, 0, 0, time.UTC)
			w := portal.CaseWrite{}
			if i%2 == 1 {
				w = submitted(t, c)
			}
			if err := s.CreateCase(ctx, c, w); err != nil {
				t.Fatal(err)
			}
			made = append(made, c)
		}
		if err := s.CreateCase(ctx, draftCase(providerB, portal.CaseClaimAppeal, fresh("C")), portal.CaseWrite{}); err != nil {
			t.Fatal(err)
		}
		// The plan returns one as incomplete: it leaves the received list
		// for the returned one.
		if _, _, err := s.ApplyToCase(ctx, made[3].ID, func(c *portal.Case) (*portal.CaseWrite, error) {
			c.Status = portal.CaseIncomplete
			return &portal.CaseWrite{}, nil
		}); err != nil {
			t.Fatal(err)
		}
		window := portal.Window{From: portal.MustDate("2026-11-01"), To: portal.MustDate("2026-11-30"), Limit: 2}
		q := portal.WorkQuery{Provider: provider, Window: window}
		var all []string
		for range 4 {
			page, next, err := s.Worklist(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, caseIDs(page)...)
			if q.Cursor = next; next == "" {
				break
			}
		}
		if want := []string{made[4].ID, made[3].ID, made[2].ID, made[1].ID, made[0].ID}; !slices.Equal(all, want) {
			t.Errorf("every status: %v, want %v (newest first, the provider's only)", all, want)
		}
		drafts := portal.WorkQuery{Provider: provider, Status: string(portal.CaseDraft), Window: window}
		var got []string
		for range 3 {
			page, next, err := s.Worklist(ctx, drafts)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, caseIDs(page)...)
			if drafts.Cursor = next; next == "" {
				break
			}
		}
		if want := []string{made[4].ID, made[2].ID, made[0].ID}; !slices.Equal(got, want) {
			t.Errorf("drafts: %v, want %v", got, want)
		}
		late := portal.WorkQuery{Provider: provider, Status: string(portal.CaseDraft),
			Window: portal.Window{From: portal.MustDate("2026-11-21"), To: portal.MustDate("2026-11-23"), Limit: 10}}
		if page, _, err := s.Worklist(ctx, late); err != nil || !slices.Equal(caseIDs(page), []string{made[2].ID}) {
			t.Errorf("drafts from the 21st to the 23rd: %v %v", caseIDs(page), err)
		}
		_, next, err := s.Worklist(ctx, portal.WorkQuery{Provider: provider, Window: window})
		if err != nil || next == "" {
			t.Fatalf("a first page: %q %v", next, err)
		}
		if _, _, err := s.Worklist(ctx, portal.WorkQuery{Provider: provider, Status: string(portal.CaseDraft), Window: portal.Window{
			From: window.From, To: window.To, Limit: 2, Cursor: next}}); portal.ErrorCode(err) != portal.CodeInvalidCursor {
			t.Errorf("another list's cursor: %v", err)
		}
		for status, want := range map[portal.CaseStatus]int{portal.CaseDraft: 3, portal.CaseReceived: 1, portal.CaseIncomplete: 1, portal.CaseDecided: 0} {
			if n, err := s.CountByStatus(ctx, provider, string(status)); err != nil || n != want {
				t.Errorf("count of %s: %d %v, want %d", status, n, err, want)
			}
		}
		if page, _, err := s.Worklist(ctx, portal.WorkQuery{Provider: providerB, Status: string(portal.CaseDraft), Window: window}); err != nil || slices.Contains(caseIDs(page), made[0].ID) {
			t.Errorf("another provider's list: %v %v", caseIDs(page), err)
		}
	})
	t.Run("letters are listed newest first, by type and date, and stored once", func(t *testing.T) {
		s, letters, _ := newStores(t)
		provider := portal.ProviderID(fresh("P")) // a provider with no other letters
		var written []*portal.Letter
		for i := range 5 {
			c := draftCase(provider, portal.CaseDispute, fresh("C"))
			w := submitted(t, c)
			w.Letter.CreatedAt = time.Date(2026, 11, 20+i, 12, 0, 0, 0, time.UTC)
			if i%2 == 1 {
				w.Letter.Type = portal.LetterDecision
			}
			if err := s.CreateCase(ctx, c, w); err != nil {
				t.Fatal(err)
			}
			written = append(written, w.Letter)
		}
		q := portal.LetterQuery{Provider: provider, Window: portal.Window{From: portal.MustDate("2026-11-01"), To: portal.MustDate("2026-11-30"), Limit: 2}}
		var all []string
		for range 4 {
			page, next, err := letters.Letters(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range page {
				all = append(all, l.ID)
			}
			if q.Cursor = next; next == "" {
				break
			}
		}
		want := []string{written[4].ID, written[3].ID, written[2].ID, written[1].ID, written[0].ID}
		if !slices.Equal(all, want) {
			t.Errorf("pages: %v, want %v", all, want)
		}
		q = portal.LetterQuery{Provider: provider, Type: portal.LetterDecision, Window: portal.Window{From: portal.MustDate("2026-11-22"), To: portal.MustDate("2026-11-30"), Limit: 10}}
		page, next, err := letters.Letters(ctx, q)
		if err != nil || next != "" || len(page) != 1 || page[0].ID != written[3].ID {
			t.Errorf("decision letters from the 22nd: %+v %q %v", page, next, err)
		}
		q.Provider = providerB
		if page, _, err := letters.Letters(ctx, q); err != nil || len(page) != 0 {
			t.Errorf("another provider listed them: %v", err)
		}
		if _, err := letters.Letter(ctx, providerB, written[0].ID); portal.ErrorCode(err) != portal.CodeDocumentNotFound {
			t.Errorf("another provider read one: %v", err)
		}
		l := written[0]
		due, err := letters.DueLetters(ctx, l.CreatedAt.Add(-time.Second), l.CreatedAt.Add(time.Second), 100)
		if err != nil || !slices.ContainsFunc(due, func(d portal.Due) bool { return d.UploadID == l.ID }) {
			t.Fatalf("due letters: %+v %v", due, err)
		}
		if err := letters.LetterStored(ctx, l.ID, 1234, time.Now()); err != nil {
			t.Fatal(err)
		}
		got, err := letters.Letter(ctx, provider, l.ID)
		if err != nil || got.StoredAt == nil || got.Size != 1234 {
			t.Errorf("stored: %+v %v", got, err)
		}
		due, _ = letters.DueLetters(ctx, l.CreatedAt.Add(-time.Second), l.CreatedAt.Add(time.Second), 100)
		if slices.ContainsFunc(due, func(d portal.Due) bool { return d.UploadID == l.ID }) {
			t.Errorf("a stored letter is still due")
		}
		if err := letters.LetterStored(ctx, portal.NewID(), 1, time.Now()); portal.ErrorCode(err) != portal.CodeDocumentNotFound {
			t.Errorf("storing a letter that does not exist: %v", err)
		}
	})
}
