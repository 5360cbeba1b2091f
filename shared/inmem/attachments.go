package inmem

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Attachments keeps uploads and their submissions, as
// dynamo.AttachmentStore does.
type Attachments struct {
	base
	uploads map[string]*attachment
	marks   int
}

// attachment is an upload with the keys the DynamoDB item carries for its
// indexes: the claim it is attached to, or the member and service date it
// waits for.
type attachment struct {
	portal.Attachment
	claimKey        string
	waitingKey      string
	waitingReceived portal.Date
	// eventDue marks a state change core claims may need to hear about;
	// eventToken tells one mark from the next.
	eventDue   time.Time
	eventToken string
}

// markEvent marks a as having an event due; the lock is held.
func (s *Attachments) markEvent(a *attachment, at time.Time) {
	s.marks++
	a.eventDue, a.eventToken = at, fmt.Sprintf("%s#%d", at.Format(time.RFC3339Nano), s.marks)
}

func timePtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	c := *t
	return &c
}

func cloneAttachment(a portal.Attachment) *portal.Attachment {
	if a.Submission != nil {
		s := *a.Submission
		a.Submission = &s
	}
	a.CheckedAt, a.AttachedAt, a.EventSentAt = timePtr(a.CheckedAt), timePtr(a.AttachedAt), timePtr(a.EventSentAt)
	a.ExpiresAt = timePtr(a.ExpiresAt)
	return &a
}

func claimKey(p portal.ProviderID, claim string) string { return string(p) + "#" + claim }

func waitingKey(p portal.ProviderID, member string, serviceDate portal.Date) string {
	return string(p) + "#" + member + "#" + serviceDate.String()
}

// CreateUpload records a new pending upload; the same upload again changes
// nothing, another under an ID in use is an error.
func (s *Attachments) CreateUpload(_ context.Context, a *portal.Attachment) error {
	if err := s.fault("CreateUpload"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if old, ok := s.uploads[a.ID]; ok {
		if old.Provider == a.Provider && old.CreatedAt.Equal(a.CreatedAt) && old.ObjectKey == a.ObjectKey {
			return nil // the same upload again: a retried write
		}
		return fmt.Errorf("put upload: upload %s exists", a.ID)
	}
	if s.uploads == nil {
		s.uploads = map[string]*attachment{}
	}
	s.uploads[a.ID] = &attachment{Attachment: *cloneAttachment(*a)}
	return nil
}

// Upload returns one of the provider's uploads, or UPLOAD_NOT_FOUND.
func (s *Attachments) Upload(_ context.Context, provider portal.ProviderID, id string) (*portal.Attachment, error) {
	if err := s.fault("Upload"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.uploads[id]
	if !ok || a.Provider != provider || a.Status == portal.UploadRemoved {
		return nil, portal.ErrUploadNotFound()
	}
	return cloneAttachment(a.Attachment), nil
}

// Uploads returns the provider's uploads with those IDs, in their order:
// nil where there is none or it is another provider's.
func (s *Attachments) Uploads(_ context.Context, provider portal.ProviderID, ids []string) ([]*portal.Attachment, error) {
	if err := s.fault("Uploads"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]*portal.Attachment, len(ids))
	for i, id := range ids {
		if a, ok := s.uploads[id]; ok && a.Provider == provider && a.Status != portal.UploadRemoved {
			out[i] = cloneAttachment(a.Attachment)
		}
	}
	return out, nil
}

// Get returns an upload whoever it belongs to, or UPLOAD_NOT_FOUND: for the
// processor, which acts for the plan.
func (s *Attachments) Get(_ context.Context, id string) (*portal.Attachment, error) {
	if err := s.fault("Get"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.uploads[id]
	if !ok {
		return nil, portal.ErrUploadNotFound()
	}
	return cloneAttachment(a.Attachment), nil
}

// DeleteUpload marks an upload of the provider's that was not submitted as
// removed, due for removal now; ForgetUpload drops the record once its
// file is gone.
func (s *Attachments) DeleteUpload(_ context.Context, provider portal.ProviderID, id string) error {
	if err := s.fault("DeleteUpload"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.uploads[id]
	switch {
	case !ok || a.Provider != provider || a.Status == portal.UploadRemoved:
		return portal.ErrUploadNotFound()
	case a.Submission != nil:
		return portal.ErrUploadSubmitted()
	}
	now := s.now().UTC().Truncate(time.Second)
	a.Status, a.ExpiresAt = portal.UploadRemoved, &now
	return nil
}

// ExpiredUploads lists up to limit unsubmitted uploads due for removal
// from from to to (both included), soonest first.
func (s *Attachments) ExpiredUploads(_ context.Context, from, to time.Time, limit int) ([]portal.Due, error) {
	if err := s.fault("ExpiredUploads"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []portal.Due
	for _, a := range s.uploads {
		if a.Submission == nil && a.ExpiresAt != nil && !a.ExpiresAt.Before(from) && !a.ExpiresAt.After(to) {
			due = append(due, portal.Due{UploadID: a.ID, Since: *a.ExpiresAt})
		}
	}
	slices.SortFunc(due, func(a, b portal.Due) int {
		return cmp.Or(a.Since.Compare(b.Since), cmp.Compare(a.UploadID, b.UploadID))
	})
	return due[:min(limit, len(due))], nil
}

// RemoveUpload marks an unsubmitted upload as removed, so that nothing can
// submit it any more, and returns it; nil if it was submitted or is gone.
func (s *Attachments) RemoveUpload(_ context.Context, id string) (*portal.Attachment, error) {
	if err := s.fault("RemoveUpload"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.uploads[id]
	if !ok || a.Submission != nil {
		return nil, nil
	}
	a.Status = portal.UploadRemoved
	return cloneAttachment(a.Attachment), nil
}

// ForgetUpload drops the record of a removed upload.
func (s *Attachments) ForgetUpload(_ context.Context, id string) error {
	if err := s.fault("ForgetUpload"); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if a, ok := s.uploads[id]; ok && a.Status == portal.UploadRemoved {
		delete(s.uploads, id)
	}
	return nil
}

// RecordCheck stores the verdict on a pending upload, once; with
// v.DeclaredType set, only on an upload declared as that type.
func (s *Attachments) RecordCheck(_ context.Context, id string, v portal.Attachment) (*portal.Attachment, bool, error) {
	if err := s.fault("RecordCheck"); err != nil {
		return nil, false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.uploads[id]
	if !ok {
		return nil, false, portal.ErrUploadNotFound()
	}
	if a.Status != portal.UploadPending || (v.DeclaredType != "" && v.DeclaredType != a.DeclaredType) {
		return cloneAttachment(a.Attachment), false, nil
	}
	now := s.now().UTC()
	a.Status, a.Size, a.BytesRead, a.CheckedAt = v.Status, v.Size, v.BytesRead, &now
	a.DetectedType, a.RejectCode, a.RejectReason, a.ObjectVersion = v.DetectedType, v.RejectCode, v.RejectReason, v.ObjectVersion
	if a.Status == portal.UploadRejected {
		a.waitingKey, a.waitingReceived = "", portal.Date{} // a refused file no longer waits for a claim
	} else {
		s.markEvent(a, now)
	}
	return cloneAttachment(a.Attachment), true, nil
}

// Submit attaches the provider's uploads to a submission, all or none, and
// returns the submission in effect: sub, or the earlier one if this is the
// same form sent again for the same files.
func (s *Attachments) Submit(_ context.Context, provider portal.ProviderID, ids []string, sub portal.Submission, claim string) (portal.Submission, error) {
	if err := s.fault("Submit"); err != nil {
		return portal.Submission{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	stored := make([]*portal.Attachment, len(ids))
	ok := true
	for i, id := range ids {
		if a, found := s.uploads[id]; found {
			stored[i] = &a.Attachment
		}
		ok = ok && stored[i].Joins(provider, sub)
	}
	if !ok {
		if prev, same := portal.Resubmitted(provider, ids, stored, sub); same {
			return *prev, nil
		}
		return portal.Submission{}, portal.WhyNotSubmittable(provider, ids, stored)
	}
	now := s.now().UTC()
	for _, id := range ids {
		a := s.uploads[id]
		sc := sub
		a.Submission, a.ExpiresAt = &sc, nil
		switch {
		case sub.Kind.KeptWithRequest():
			// Kept with their request: they wait for no claim.
		case claim != "":
			t := now
			a.ClaimNumber, a.claimKey, a.AttachedAt = claim, claimKey(provider, claim), &t
			s.markEvent(a, now)
		default:
			a.waitingKey, a.waitingReceived = waitingKey(provider, sub.MemberID, sub.ServiceDate), sub.ReceivedDate
		}
	}
	return sub, nil
}

// ClaimDocuments lists what is attached to one of the provider's claims, in
// the order the files were uploaded.
func (s *Attachments) ClaimDocuments(_ context.Context, provider portal.ProviderID, claimNumber string) ([]portal.Attachment, error) {
	if err := s.fault("ClaimDocuments"); err != nil {
		return nil, err
	}
	key := claimKey(provider, claimNumber)
	out := s.where(func(a *attachment) bool { return a.claimKey == key })
	slices.SortFunc(out, func(a, b portal.Attachment) int {
		return cmp.Or(a.CreatedAt.Compare(b.CreatedAt), cmp.Compare(a.ID, b.ID))
	})
	return out, nil
}

// Waiting lists the provider's documents waiting for a claim of the member
// with that first date of service, received on or before receivedBy.
func (s *Attachments) Waiting(_ context.Context, provider portal.ProviderID, memberID string, serviceDate, receivedBy portal.Date) ([]portal.Attachment, error) {
	if err := s.fault("Waiting"); err != nil {
		return nil, err
	}
	key := waitingKey(provider, memberID, serviceDate)
	return s.where(func(a *attachment) bool { return a.waitingKey == key && !a.waitingReceived.After(receivedBy) }), nil
}

func (s *Attachments) where(match func(*attachment) bool) []portal.Attachment {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []portal.Attachment
	for _, a := range s.uploads {
		if match(a) {
			out = append(out, *cloneAttachment(a.Attachment))
		}
	}
	slices.SortFunc(out, func(a, b portal.Attachment) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// AttachWaiting links a waiting document of the provider's to a claim, once.
func (s *Attachments) AttachWaiting(_ context.Context, provider portal.ProviderID, id, claimNumber string) (bool, error) {
	if err := s.fault("AttachWaiting"); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.uploads[id]
	if !ok || a.waitingKey == "" || a.Provider != provider || a.Status == portal.UploadRejected {
		return false, nil
	}
	now := s.now().UTC()
	a.ClaimNumber, a.claimKey, a.AttachedAt = claimNumber, claimKey(provider, claimNumber), &now
	a.waitingKey, a.waitingReceived = "", portal.Date{}
	s.markEvent(a, now)
	return true, nil
}

// DueEvents lists up to limit uploads marked as having an event due, marked
// from from to to (both included), oldest first.
func (s *Attachments) DueEvents(_ context.Context, from, to time.Time, limit int) ([]portal.Due, error) {
	if err := s.fault("DueEvents"); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []portal.Due
	for _, a := range s.uploads {
		if a.eventToken != "" && !a.eventDue.Before(from) && !a.eventDue.After(to) {
			due = append(due, portal.Due{UploadID: a.ID, Token: a.eventToken, Since: a.eventDue})
		}
	}
	slices.SortFunc(due, func(a, b portal.Due) int { return cmp.Or(a.Since.Compare(b.Since), cmp.Compare(a.Token, b.Token)) })
	return due[:min(limit, len(due))], nil
}

// EventState returns an upload and the token of its event mark ("" if
// unmarked); nil if there is no such upload.
func (s *Attachments) EventState(_ context.Context, id string) (*portal.Attachment, string, error) {
	if err := s.fault("EventState"); err != nil {
		return nil, "", err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.uploads[id]
	if !ok {
		return nil, "", nil
	}
	return cloneAttachment(a.Attachment), a.eventToken, nil
}

// EventHandled clears an upload's event mark if it is still token and,
// with sent set, records when the event was sent.
func (s *Attachments) EventHandled(_ context.Context, id, token string, sent time.Time) (bool, error) {
	if err := s.fault("EventHandled"); err != nil {
		return false, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.uploads[id]
	if !ok || a.eventToken == "" || a.eventToken != token {
		return false, nil
	}
	a.eventDue, a.eventToken = time.Time{}, ""
	if !sent.IsZero() {
		t := sent.UTC()
		a.EventSentAt = &t
	}
	return true, nil
}
