package portal

// The errors every implementation of a store returns, so that a provider
// sees the same problem whichever store answers.

// ErrClaimNotFound is the answer for a claim that does not exist or is
// another provider's: the two must be indistinguishable.
func ErrClaimNotFound(number string) *Error {
	return Errorf(KindNotFound, CodeClaimNotFound,
		"No claim %s was found for your organisation. Check the claim number, or search by member or patient account number.", number)
}

// ErrMemberNotFound is the answer for a member ID the plan does not know.
func ErrMemberNotFound() *Error {
	return Errorf(KindNotFound, CodeMemberNotFound, "No member was found with that member ID. Check the ID on the member's card.")
}

// ErrUploadNotFound is the answer for an upload that does not exist or is
// another provider's.
func ErrUploadNotFound() *Error {
	return Errorf(KindNotFound, CodeUploadNotFound, "No such upload was found for your organisation. Upload the file again.")
}

// ErrUploadSubmitted refuses to delete an upload that was submitted.
func ErrUploadSubmitted() *Error {
	return Errorf(KindConflict, CodeUploadSubmitted,
		"This file was already submitted and can no longer be deleted. Contact provider services if it was sent in error.")
}

// ErrInvalidCursor refuses a page cursor that was not issued for the search.
func ErrInvalidCursor() *Error {
	return Errorf(KindInvalid, CodeInvalidCursor,
		"This page link has expired or belongs to another search: run the search again from its first page.")
}

// ErrIdempotencyKeyReused refuses a key first used for another request.
func ErrIdempotencyKeyReused() *Error {
	return Errorf(KindRefused, CodeIdempotencyKeyReused,
		"This Idempotency-Key was already used for a different request. Use a new key for a new request.")
}

// ErrIdempotencyInProgress answers a retry while the first request runs.
func ErrIdempotencyInProgress() *Error {
	return Errorf(KindConflict, CodeIdempotencyInProgress,
		"A request with this Idempotency-Key is still being processed. Retry in a few seconds.")
}

// Submittable reports whether an upload of the provider's may join a
// submission: it exists, is the provider's, was not submitted, and was not
// refused.
func (a *Attachment) Submittable(provider ProviderID) bool {
	return a != nil && a.Provider == provider && a.Submission == nil &&
		(a.Status == UploadPending || a.Status == UploadAccepted)
}

// Joins reports whether an upload may join sub: a submittable one, or for
// documents that came inside their request (sub.Inline), any of the
// provider's not submitted and not removed, whatever its verdict.
func (a *Attachment) Joins(provider ProviderID, sub Submission) bool {
	if sub.Inline {
		return a != nil && a.Provider == provider && a.Submission == nil && a.Status != UploadRemoved
	}
	return a.Submittable(provider)
}

// CheckSubmittable refuses ids, given the uploads as stored (nil where
// there is none), unless every one may join a submission: what a draft
// keeps is checked as its submission will be, with the same problem.
func CheckSubmittable(provider ProviderID, ids []string, stored []*Attachment) error {
	for i := range ids {
		if !stored[i].Submittable(provider) {
			return WhyNotSubmittable(provider, ids, stored)
		}
	}
	return nil
}

// WhyNotSubmittable explains why a submission of ids was refused, given the
// uploads as stored (nil where there is none): the first one at fault.
func WhyNotSubmittable(provider ProviderID, ids []string, stored []*Attachment) error {
	for i, id := range ids {
		a := stored[i]
		switch {
		case a == nil || a.Provider != provider || a.Status == UploadRemoved:
			e := ErrUploadNotFound()
			e.Fields = map[string]string{"uploadIds": id + ": not found"}
			return e
		case a.Submission != nil:
			return &Error{Kind: KindConflict, Code: CodeUploadSubmitted,
				Detail: "A file in this submission was already submitted. Remove it and submit the others.",
				Fields: map[string]string{"uploadIds": id + ": already submitted"}}
		case a.Status == UploadRejected:
			return &Error{Kind: KindRefused, Code: CodeUploadRejected,
				Detail: "A file in this submission was refused: " + a.RejectReason + " Remove it and submit the others.",
				Fields: map[string]string{"uploadIds": id + ": rejected"}}
		}
	}
	return Errorf(KindConflict, CodeUploadNotReady, "Your files changed while submitting. Submit again.")
}

// SameForm reports whether two submissions are the same form sent again by
// the same user: everything but the ID and the time it was sent.
func (s *Submission) SameForm(o *Submission) bool {
	return s.Kind == o.Kind && s.MemberID == o.MemberID && s.ServiceDate.Equal(o.ServiceDate) && s.Reason == o.Reason &&
		s.ClaimNumber == o.ClaimNumber && s.ContactEmail == o.ContactEmail && s.Notes == o.Notes && s.SubmittedBy == o.SubmittedBy
}

// Resubmitted returns the earlier submission when every upload of ids (as
// stored) is the provider's and was submitted with that one same form as
// sub: a retry of a submission that went through, whose answer was lost, or
// a double click. It is answered with the submission it repeats.
func Resubmitted(provider ProviderID, ids []string, stored []*Attachment, sub Submission) (*Submission, bool) {
	var first *Submission
	for i := range ids {
		a := stored[i]
		if a == nil || a.Provider != provider || a.Submission == nil || !a.Submission.SameForm(&sub) {
			return nil, false
		}
		if first == nil {
			first = a.Submission
		} else if first.ID != a.Submission.ID {
			return nil, false
		}
	}
	return first, first != nil
}
