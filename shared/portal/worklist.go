package portal

import "context"

// Worklists: a provider's retro authorization requests and its disputes and
// appeals, drafts included, newest first, with counts of what waits for the
// provider. Nothing here needs a request or case ID, or a claim number.

// Window is one page of a dated list, newest first: what was dated From to
// To (days, both included), Limit at a time, from Cursor (empty: the first
// page).
type Window struct {
	From, To Date
	Limit    int
	Cursor   string
}

// SubjectQuery asks for a page of a provider's cases of one claim or retro
// authorization request (Subject: ClaimSubject or AuthorizationSubject),
// newest first.
type SubjectQuery struct {
	Provider ProviderID
	Subject  string
	Limit    int
	Cursor   string
}

// WorkQuery asks for a page of a provider's worklist: its requests or cases
// of Status (empty: every status), created (a request: submitted) in the
// window.
type WorkQuery struct {
	Provider ProviderID
	Status   string
	Window
}

// CaseStatuses are the statuses a case can have, in the order a case goes
// through them.
var CaseStatuses = []CaseStatus{CaseDraft, CaseReceived, CaseInReview, CaseIncomplete, CaseDecided, CaseWithdrawn}

// AuthStatuses are the statuses a retro authorization request can have.
var AuthStatuses = []AuthStatus{AuthReceived, AuthMoreInfo, AuthApproved, AuthDenied, AuthWithdrawn}

// WaitingStatuses are the statuses in which a case waits for the
// provider: a draft not submitted, a case the plan returned as incomplete.
func (f *CaseFamily) WaitingStatuses() []CaseStatus {
	if f == Disputes {
		return []CaseStatus{CaseIncomplete}
	}
	return []CaseStatus{CaseDraft, CaseIncomplete}
}

// WaitingAuthStatuses are the statuses in which a request waits for the
// provider: utilization management asked for more information.
var WaitingAuthStatuses = []AuthStatus{AuthMoreInfo}

// Waiting is how many of the provider's requests or cases wait for it in a
// status: the counts a worklist shows first.
type Waiting struct {
	Status string `json:"status"`
	Count  int    `json:"count"`
}

// CountWaiting counts the provider's items in each of statuses, in order,
// with count (a store's CountByStatus).
func CountWaiting[S ~string](ctx context.Context, provider ProviderID, statuses []S,
	count func(ctx context.Context, provider ProviderID, status string) (int, error)) ([]Waiting, error) {
	out := make([]Waiting, 0, len(statuses))
	for _, s := range statuses {
		n, err := count(ctx, provider, string(s))
		if err != nil {
			return nil, err
		}
		out = append(out, Waiting{Status: string(s), Count: n})
	}
	return out, nil
}
