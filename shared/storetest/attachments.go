package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/filetype"
	"github.com/openpayer/provider-portal/shared/portal"
)

func pendingUpload(provider portal.ProviderID, created time.Time) *portal.Attachment {
	id := portal.NewID()
	expires := created.Add(portal.DefaultUploadRetention).UTC().Truncate(time.Second)
	return &portal.Attachment{ID: id, Provider: provider, UploadedBy: "user", FileName: "records.pdf",
		DeclaredType: filetype.PDF, ContentType: "application/pdf", DeclaredSize: 100, ObjectKey: "uploads/" + id,
		Status: portal.UploadPending, CreatedAt: created.UTC(), FormExpires: created.Add(15 * time.Minute).UTC(), ExpiresAt: &expires}
}

func submission(member string, serviceDate portal.Date) portal.Submission {
	return portal.Submission{ID: portal.NewID(), Kind: portal.SubmissionProactive, MemberID: member, ServiceDate: serviceDate,
		Reason: "medical_records", ContactEmail: "billing@example.org", SubmittedBy: "user",
		SubmittedAt: Today.Time(), ReceivedDate: Today}
}

var accepted = portal.Attachment{Status: portal.UploadAccepted, Size: 100, DetectedType: filetype.PDF, BytesRead: 10}

func ids(as []portal.Attachment) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

// Attachments runs the attachments store contract against the stores
// newStore makes; now is the store's clock.
func Attachments(t *testing.T, newStore func(t *testing.T, now func() time.Time) AttachmentStore) {
	ctx := context.Background()
	clock := &Clock{T: Today.Time().Add(9 * time.Hour)}
	create := func(t *testing.T, s AttachmentStore, provider portal.ProviderID) *portal.Attachment {
		t.Helper()
		clock.T = clock.T.Add(time.Second)
		a := pendingUpload(provider, clock.T)
		if err := s.CreateUpload(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	check := func(t *testing.T, s AttachmentStore, id string, v portal.Attachment) {
		t.Helper()
		if _, changed, err := s.RecordCheck(ctx, id, v); err != nil || !changed {
			t.Fatalf("record check of %s: changed=%v err=%v", id, changed, err)
		}
	}

	t.Run("an upload is the provider's alone", func(t *testing.T) {
		s := newStore(t, clock.Now)
		a := create(t, s, providerA)
		got, err := s.Upload(ctx, providerA, a.ID)
		if err != nil || got.FileName != "records.pdf" || got.Status != portal.UploadPending || !got.CreatedAt.Equal(a.CreatedAt) {
			t.Fatalf("own upload: %+v %v", got, err)
		}
		for _, id := range []string{a.ID, portal.NewID(), "not an id!"} {
			if _, err := s.Upload(ctx, providerB, id); portal.ErrorCode(err) != portal.CodeUploadNotFound {
				t.Errorf("provider B reading %q: %v", id, err)
			}
		}
		if got, err := s.Get(ctx, a.ID); err != nil || got.Provider != providerA {
			t.Errorf("unscoped get: %+v %v", got, err)
		}
		if _, err := s.Get(ctx, portal.NewID()); portal.ErrorCode(err) != portal.CodeUploadNotFound {
			t.Errorf("unscoped get of nothing: %v", err)
		}
		// The same upload again is its own write retried: harmless. Another
		// upload under the same ID is refused.
		if err := s.CreateUpload(ctx, a); err != nil {
			t.Errorf("the same upload again: %v", err)
		}
		other := pendingUpload(providerB, clock.T)
		other.ID = a.ID
		if err := s.CreateUpload(ctx, other); err == nil {
			t.Error("another upload was created under an ID in use")
		}
		if got, _ := s.Get(ctx, a.ID); got.Provider != providerA {
			t.Errorf("the upload was replaced: %+v", got)
		}
	})
	t.Run("several uploads read at once, in order, the provider's only", func(t *testing.T) {
		s := newStore(t, clock.Now)
		first, second, theirs := create(t, s, providerA), create(t, s, providerA), create(t, s, providerB)
		check(t, s, second.ID, accepted)
		missing := portal.NewID()
		ids := []string{second.ID, missing, theirs.ID, first.ID, "not an id!", second.ID}
		got, err := s.Uploads(ctx, providerA, ids)
		if err != nil || len(got) != len(ids) {
			t.Fatalf("%d uploads for %d IDs, %v", len(got), len(ids), err)
		}
		if got[0] == nil || got[0].ID != second.ID || got[0].Status != portal.UploadAccepted || got[3] == nil || got[3].ID != first.ID ||
			got[5] == nil || got[5].ID != second.ID {
			t.Errorf("own uploads: %+v, %+v, %+v", got[0], got[3], got[5])
		}
		for _, i := range []int{1, 2, 4} {
			if got[i] != nil {
				t.Errorf("%s: %+v, want nil (missing or another provider's)", ids[i], got[i])
			}
		}
		many := make([]string, 150) // more than one DynamoDB batch
		for i := range many {
			many[i] = portal.NewID()
		}
		many[120] = first.ID
		got, err = s.Uploads(ctx, providerA, many)
		if err != nil || len(got) != 150 || got[120] == nil || got[120].ID != first.ID || got[0] != nil {
			t.Errorf("150 IDs: %d, %v", len(got), err)
		}
	})
	t.Run("delete removes an unsubmitted upload of the provider's only", func(t *testing.T) {
		s := newStore(t, clock.Now)
		a := create(t, s, providerA)
		if err := s.DeleteUpload(ctx, providerB, a.ID); portal.ErrorCode(err) != portal.CodeUploadNotFound {
			t.Errorf("provider B deleting: %v", err)
		}
		if err := s.DeleteUpload(ctx, providerA, a.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Upload(ctx, providerA, a.ID); portal.ErrorCode(err) != portal.CodeUploadNotFound {
			t.Errorf("a deleted upload reads back: %v", err)
		}
		if err := s.DeleteUpload(ctx, providerA, a.ID); portal.ErrorCode(err) != portal.CodeUploadNotFound {
			t.Errorf("deleting twice: %v", err)
		}
		b := create(t, s, providerA)
		if _, err := s.Submit(ctx, providerA, []string{b.ID}, submission(fresh("M"), Today), "C-1"); err != nil {
			t.Fatal(err)
		}
		if err := s.DeleteUpload(ctx, providerA, b.ID); portal.ErrorCode(err) != portal.CodeUploadSubmitted {
			t.Errorf("deleting a submitted upload: %v", err)
		}
	})
	t.Run("a verdict is recorded once", func(t *testing.T) {
		s := newStore(t, clock.Now)
		a := create(t, s, providerA)
		first := accepted
		first.ObjectVersion = "v1"
		got, changed, err := s.RecordCheck(ctx, a.ID, first)
		if err != nil || !changed || got.Status != portal.UploadAccepted || got.Size != 100 || got.BytesRead != 10 ||
			got.DetectedType != filetype.PDF || got.CheckedAt == nil || got.FileName != "records.pdf" || got.ObjectVersion != "v1" {
			t.Fatalf("first verdict: %+v changed=%v err=%v", got, changed, err)
		}
		rejected := portal.Attachment{Status: portal.UploadRejected, Size: 5, RejectCode: portal.CodeFileIsProgram, RejectReason: "a program",
			ObjectVersion: "v2"}
		got, changed, err = s.RecordCheck(ctx, a.ID, rejected)
		if err != nil || changed || got.Status != portal.UploadAccepted || got.ObjectVersion != "v1" {
			t.Errorf("second verdict changed the first: %+v changed=%v err=%v", got, changed, err)
		}
		if _, _, err := s.RecordCheck(ctx, portal.NewID(), accepted); portal.ErrorCode(err) != portal.CodeUploadNotFound {
			t.Errorf("verdict on nothing: %v", err)
		}
	})
	t.Run("a verdict for one declared type leaves an upload declared as another", func(t *testing.T) {
		s := newStore(t, clock.Now)
		a := create(t, s, providerA) // declared PDF
		asPNG := accepted
		asPNG.DeclaredType = filetype.PNG
		got, changed, err := s.RecordCheck(ctx, a.ID, asPNG)
		if err != nil || changed || got.Status != portal.UploadPending || got.DeclaredType != filetype.PDF {
			t.Fatalf("%+v changed=%v err=%v", got, changed, err)
		}
		asPDF := accepted
		asPDF.DeclaredType = filetype.PDF
		if got, changed, err := s.RecordCheck(ctx, a.ID, asPDF); err != nil || !changed || got.Status != portal.UploadAccepted {
			t.Errorf("the verdict for its own type: %+v changed=%v err=%v", got, changed, err)
		}
	})
	t.Run("a submission is all or none", func(t *testing.T) {
		s := newStore(t, clock.Now)
		good, bad, theirs := create(t, s, providerA), create(t, s, providerA), create(t, s, providerB)
		check(t, s, good.ID, accepted)
		check(t, s, bad.ID, portal.Attachment{Status: portal.UploadRejected, RejectCode: portal.CodeFileIsProgram, RejectReason: "It is a program."})
		claim := fresh("C")
		for name, tc := range map[string]struct {
			ids  []string
			code string
		}{
			"a rejected file":        {[]string{good.ID, bad.ID}, portal.CodeUploadRejected},
			"another provider's":     {[]string{good.ID, theirs.ID}, portal.CodeUploadNotFound},
			"a file that is not any": {[]string{good.ID, portal.NewID()}, portal.CodeUploadNotFound},
		} {
			_, err := s.Submit(ctx, providerA, tc.ids, submission(fresh("M"), Today), claim)
			if portal.ErrorCode(err) != tc.code {
				t.Errorf("%s: %v, want %s", name, err, tc.code)
			}
		}
		if docs, err := s.ClaimDocuments(ctx, providerA, claim); err != nil || len(docs) != 0 {
			t.Fatalf("a refused submission attached %v (%v)", ids(docs), err)
		}
		if got, _ := s.Upload(ctx, providerA, good.ID); got.Submission != nil {
			t.Error("a refused submission marked a file")
		}
		if _, err := s.Submit(ctx, providerA, []string{good.ID}, submission(fresh("M"), Today), claim); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Submit(ctx, providerA, []string{good.ID}, submission(fresh("M"), Today), claim); portal.ErrorCode(err) != portal.CodeUploadSubmitted {
			t.Errorf("submitting the files again with another form: %v", err)
		}
	})
	t.Run("the same form sent again is answered with the first submission", func(t *testing.T) {
		s := newStore(t, clock.Now)
		a, b := create(t, s, providerA), create(t, s, providerA)
		claim, first := fresh("C"), submission(fresh("M"), Today)
		got, err := s.Submit(ctx, providerA, []string{a.ID, b.ID}, first, claim)
		if err != nil || got.ID != first.ID {
			t.Fatalf("first: %+v %v", got, err)
		}
		again := first
		again.ID, again.SubmittedAt = portal.NewID(), first.SubmittedAt.Add(time.Minute) // a retry, a double click
		if got, err := s.Submit(ctx, providerA, []string{b.ID, a.ID}, again, claim); err != nil || got.ID != first.ID {
			t.Errorf("the same form again: %+v %v, want the first submission %s", got, err, first.ID)
		}
		other := again
		other.Notes = "changed my mind"
		if _, err := s.Submit(ctx, providerA, []string{a.ID, b.ID}, other, claim); portal.ErrorCode(err) != portal.CodeUploadSubmitted {
			t.Errorf("another form for the same files: %v", err)
		}
		c := create(t, s, providerA)
		if _, err := s.Submit(ctx, providerA, []string{a.ID, c.ID}, again, claim); portal.ErrorCode(err) != portal.CodeUploadSubmitted {
			t.Errorf("the same form over files of which one is new: %v", err)
		}
		if got, _ := s.Upload(ctx, providerA, c.ID); got.Submission != nil {
			t.Error("a refused submission marked the new file")
		}
		if _, err := s.Submit(ctx, providerB, []string{a.ID, b.ID}, again, claim); portal.ErrorCode(err) != portal.CodeUploadNotFound {
			t.Errorf("another provider sending the same form: %v", err)
		}
	})
	t.Run("documents on a claim are listed for its provider", func(t *testing.T) {
		s := newStore(t, clock.Now)
		first, second, pending := create(t, s, providerA), create(t, s, providerA), create(t, s, providerA)
		check(t, s, first.ID, accepted)
		check(t, s, second.ID, accepted)
		claim := fresh("C")
		sub := submission(fresh("M"), Today)
		if _, err := s.Submit(ctx, providerA, []string{second.ID, first.ID, pending.ID}, sub, claim); err != nil {
			t.Fatal(err)
		}
		docs, err := s.ClaimDocuments(ctx, providerA, claim)
		if err != nil {
			t.Fatal(err)
		}
		if want := []string{first.ID, second.ID, pending.ID}; !slices.Equal(ids(docs), want) {
			t.Errorf("listed %v, want %v in upload order", ids(docs), want)
		}
		for _, d := range docs {
			if d.ClaimNumber != claim || d.AttachedAt == nil || d.Submission == nil || d.Submission.ID != sub.ID {
				t.Errorf("document %+v", d)
			}
		}
		if docs, _ := s.ClaimDocuments(ctx, providerB, claim); len(docs) != 0 {
			t.Errorf("provider B sees %v", ids(docs))
		}
	})
	t.Run("documents without a claim number wait for their claim", func(t *testing.T) {
		s := newStore(t, clock.Now)
		member, dos := fresh("M"), Today.AddDate(0, 0, -30)
		waiting, refused, elsewhere := create(t, s, providerA), create(t, s, providerA), create(t, s, providerA)
		sub := submission(member, dos)
		if _, err := s.Submit(ctx, providerA, []string{waiting.ID, refused.ID}, sub, ""); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Submit(ctx, providerA, []string{elsewhere.ID}, submission(member, dos.AddDate(0, 0, 1)), ""); err != nil {
			t.Fatal(err)
		}
		check(t, s, refused.ID, portal.Attachment{Status: portal.UploadRejected, RejectCode: portal.CodeFileIsProgram, RejectReason: "It is a program."})
		got, err := s.Waiting(ctx, providerA, member, dos, Today)
		if err != nil || !slices.Equal(ids(got), []string{waiting.ID}) {
			t.Fatalf("waiting: %v %v; want only %s (a refused file stops waiting)", ids(got), err, waiting.ID)
		}
		if got, _ := s.Waiting(ctx, providerA, member, dos, Today.AddDate(0, 0, -1)); len(got) != 0 {
			t.Errorf("documents received today wait for a claim received yesterday: %v", ids(got))
		}
		if got, _ := s.Waiting(ctx, providerB, member, dos, Today); len(got) != 0 {
			t.Errorf("provider B's claim would take %v", ids(got))
		}
		for name, tc := range map[string]struct {
			provider portal.ProviderID
			id       string
		}{"provider B": {providerB, waiting.ID}, "refused": {providerA, refused.ID}, "nothing": {providerA, portal.NewID()}} {
			if ok, err := s.AttachWaiting(ctx, tc.provider, tc.id, fresh("C")); ok || err != nil {
				t.Errorf("%s attached: %v %v", name, ok, err)
			}
		}
		claim := fresh("C")
		if ok, err := s.AttachWaiting(ctx, providerA, waiting.ID, claim); !ok || err != nil {
			t.Fatalf("attach: %v %v", ok, err)
		}
		if ok, err := s.AttachWaiting(ctx, providerA, waiting.ID, fresh("C")); ok || err != nil {
			t.Errorf("attached twice: %v %v", ok, err)
		}
		if got, _ := s.Waiting(ctx, providerA, member, dos, Today); len(got) != 0 {
			t.Errorf("still waiting after attaching: %v", ids(got))
		}
		docs, _ := s.ClaimDocuments(ctx, providerA, claim)
		if !slices.Equal(ids(docs), []string{waiting.ID}) || docs[0].ClaimNumber != claim || docs[0].AttachedAt == nil {
			t.Errorf("the claim lists %+v", docs)
		}
	})
	t.Run("a change core claims must hear of marks the upload until handled", func(t *testing.T) {
		s := newStore(t, clock.Now)
		onClaim, waiting, refused := create(t, s, providerA), create(t, s, providerA), create(t, s, providerA)
		due := func(t *testing.T, from, to time.Time) map[string]portal.Due {
			t.Helper()
			list, err := s.DueEvents(ctx, from, to, 1000)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]portal.Due{}
			for i, d := range list {
				if i > 0 && d.Since.Before(list[i-1].Since) {
					t.Errorf("due events out of order: %v after %v", d.Since, list[i-1].Since)
				}
				if d.UploadID == onClaim.ID || d.UploadID == waiting.ID || d.UploadID == refused.ID {
					out[d.UploadID] = d
				}
			}
			return out
		}
		state := func(t *testing.T, id string) (*portal.Attachment, string) {
			t.Helper()
			a, token, err := s.EventState(ctx, id)
			if err != nil || a == nil {
				t.Fatalf("event state of %s: %v %v", id, a, err)
			}
			return a, token
		}
		// Submitted to a claim before its check: marked, but nothing is due yet.
		claim := fresh("C")
		if _, err := s.Submit(ctx, providerA, []string{onClaim.ID}, submission(fresh("M"), Today), claim); err != nil {
			t.Fatal(err)
		}
		a, first := state(t, onClaim.ID)
		if first == "" || a.AttachedEventDue() {
			t.Errorf("after submission to a claim: token %q, due %v; want marked, not due (pending)", first, a.AttachedEventDue())
		}
		clock.T = clock.T.Add(time.Second)
		check(t, s, onClaim.ID, accepted)
		a, second := state(t, onClaim.ID)
		if second == "" || second == first || !a.AttachedEventDue() {
			t.Fatalf("after acceptance: token %q (was %q), due %v; want a new mark, due", second, first, a.AttachedEventDue())
		}
		if d, ok := due(t, time.Time{}, clock.T)[onClaim.ID]; !ok || d.Token != second || !d.Since.Equal(clock.T.UTC()) {
			t.Errorf("due list has %+v, want token %q since %v", d, second, clock.T)
		}
		if len(due(t, time.Time{}, clock.T.Add(-time.Hour))) != 0 {
			t.Errorf("marks listed as due before they were made")
		}
		// A stale token clears nothing: the later mark stays.
		if ok, err := s.EventHandled(ctx, onClaim.ID, first, clock.T); ok || err != nil {
			t.Errorf("cleared with a stale token: %v %v", ok, err)
		}
		if ok, err := s.EventHandled(ctx, onClaim.ID, second, clock.T); !ok || err != nil {
			t.Fatalf("clear: %v %v", ok, err)
		}
		if a, token := state(t, onClaim.ID); token != "" || a.EventSentAt == nil || !a.EventSentAt.Equal(clock.T.UTC()) || a.AttachedEventDue() {
			t.Errorf("after sending: token %q, sent %v", token, a.EventSentAt)
		}
		if _, ok := due(t, time.Time{}, clock.T)[onClaim.ID]; ok {
			t.Errorf("a handled event is still due")
		}
		// Accepted while waiting for its claim: marked, not due; attaching it
		// marks it again and makes it due.
		if _, err := s.Submit(ctx, providerA, []string{waiting.ID, refused.ID}, submission(fresh("M"), Today), ""); err != nil {
			t.Fatal(err)
		}
		check(t, s, waiting.ID, accepted)
		check(t, s, refused.ID, portal.Attachment{Status: portal.UploadRejected, RejectCode: portal.CodeFileIsProgram, RejectReason: "It is a program."})
		if _, token := state(t, refused.ID); token != "" {
			t.Errorf("a refused file is marked")
		}
		a, token := state(t, waiting.ID)
		if token == "" || a.AttachedEventDue() {
			t.Fatalf("accepted while waiting: token %q, due %v", token, a.AttachedEventDue())
		}
		if ok, err := s.EventHandled(ctx, waiting.ID, token, time.Time{}); !ok || err != nil {
			t.Fatalf("clear without sending: %v %v", ok, err)
		}
		if a, _ := state(t, waiting.ID); a.EventSentAt != nil {
			t.Errorf("cleared without sending, yet sent at %v", a.EventSentAt)
		}
		clock.T = clock.T.Add(time.Second)
		if ok, err := s.AttachWaiting(ctx, providerA, waiting.ID, fresh("C")); !ok || err != nil {
			t.Fatalf("attach: %v %v", ok, err)
		}
		if a, token := state(t, waiting.ID); token == "" || !a.AttachedEventDue() {
			t.Errorf("attached to its claim: token %q, due %v", token, a.AttachedEventDue())
		}
		if got := due(t, time.Time{}, clock.T); len(got) != 1 || got[waiting.ID].Token == "" {
			t.Errorf("due: %v, want only %s", got, waiting.ID)
		}
		if got := due(t, clock.T.Add(time.Second), clock.T.Add(time.Hour)); len(got) != 0 {
			t.Errorf("due from after the marks: %v", got)
		}
		if a, token, err := s.EventState(ctx, portal.NewID()); a != nil || token != "" || err != nil {
			t.Errorf("no such upload: %v %q %v", a, token, err)
		}
	})
	t.Run("an upload never submitted expires; a submitted one is kept", func(t *testing.T) {
		s := newStore(t, clock.Now)
		kept, expiring, deleted := create(t, s, providerA), create(t, s, providerA), create(t, s, providerA)
		if _, err := s.Submit(ctx, providerA, []string{kept.ID}, submission(fresh("M"), Today), ""); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.Upload(ctx, providerA, kept.ID); got.ExpiresAt != nil {
			t.Errorf("a submitted upload still expires at %v", got.ExpiresAt)
		}
		expired := func(t *testing.T, to time.Time) []string {
			t.Helper()
			list, err := s.ExpiredUploads(ctx, time.Time{}, to, 1000)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, d := range list {
				if d.UploadID == kept.ID || d.UploadID == expiring.ID || d.UploadID == deleted.ID {
					out = append(out, d.UploadID)
				}
			}
			return out
		}
		if got := expired(t, clock.T); len(got) != 0 {
			t.Errorf("expired before their time: %v", got)
		}
		// Delete Selected: gone for the provider at once, due for removal now.
		if err := s.DeleteUpload(ctx, providerA, deleted.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Upload(ctx, providerA, deleted.ID); portal.ErrorCode(err) != portal.CodeUploadNotFound {
			t.Errorf("a deleted upload still reads: %v", err)
		}
		if got, _ := s.Uploads(ctx, providerA, []string{deleted.ID}); got[0] != nil {
			t.Errorf("a deleted upload is listed")
		}
		if err := s.DeleteUpload(ctx, providerA, deleted.ID); portal.ErrorCode(err) != portal.CodeUploadNotFound {
			t.Errorf("deleting twice: %v", err)
		}
		if _, err := s.Submit(ctx, providerA, []string{deleted.ID}, submission(fresh("M"), Today), ""); portal.ErrorCode(err) != portal.CodeUploadNotFound {
			t.Errorf("a deleted upload submitted: %v", err)
		}
		if got := expired(t, clock.T); !slices.Equal(got, []string{deleted.ID}) {
			t.Errorf("due now: %v, want the deleted upload", got)
		}
		later := expiring.ExpiresAt.Add(time.Second)
		if got := expired(t, later); !slices.Contains(got, expiring.ID) || slices.Contains(got, kept.ID) {
			t.Errorf("due after the retention: %v, want %s and never %s", got, expiring.ID, kept.ID)
		}
		// Removing makes it unsubmittable; a submitted one is never removed.
		if a, err := s.RemoveUpload(ctx, kept.ID); a != nil || err != nil {
			t.Errorf("a submitted upload removed: %v %v", a, err)
		}
		a, err := s.RemoveUpload(ctx, expiring.ID)
		if err != nil || a == nil || a.ObjectKey != expiring.ObjectKey || a.Status != portal.UploadRemoved {
			t.Fatalf("remove: %+v %v", a, err)
		}
		if _, err := s.Submit(ctx, providerA, []string{expiring.ID}, submission(fresh("M"), Today), ""); err == nil {
			t.Errorf("a removed upload was submitted")
		}
		for _, id := range []string{expiring.ID, deleted.ID} {
			if err := s.ForgetUpload(ctx, id); err != nil {
				t.Fatal(err)
			}
			if a, _, err := s.EventState(ctx, id); a != nil || err != nil {
				t.Errorf("%s still recorded after forgetting: %v %v", id, a, err)
			}
		}
		if err := s.ForgetUpload(ctx, kept.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Upload(ctx, providerA, kept.ID); err != nil || got == nil {
			t.Errorf("forgetting a kept upload dropped it: %v", err)
		}
		if got := expired(t, later); len(got) != 0 {
			t.Errorf("still listed after removal: %v", got)
		}
	})
	t.Run("an authorization's documents are kept with it, waiting for no claim", func(t *testing.T) {
		s := newStore(t, clock.Now)
		a := create(t, s, providerA)
		sub := submission(fresh("M"), Today)
		sub.Kind, sub.AuthorizationID = portal.SubmissionAuthorization, "RA-0000-0001"
		if _, err := s.Submit(ctx, providerA, []string{a.ID}, sub, ""); err != nil {
			t.Fatal(err)
		}
		got, _ := s.Upload(ctx, providerA, a.ID)
		if got.Submission == nil || got.Submission.AuthorizationID != "RA-0000-0001" || got.ExpiresAt != nil || got.ClaimNumber != "" {
			t.Errorf("upload %+v", got)
		}
		if w, _ := s.Waiting(ctx, providerA, sub.MemberID, sub.ServiceDate, Today); len(w) != 0 {
			t.Errorf("an authorization's document waits for a claim: %v", ids(w))
		}
		if err := s.DeleteUpload(ctx, providerA, a.ID); portal.ErrorCode(err) != portal.CodeUploadSubmitted {
			t.Errorf("an authorization's document deleted: %v", err)
		}
	})
}
