package storetest

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// AuthorizationStore is everything an authorization store does.
type AuthorizationStore interface {
	CreateAuthorization(ctx context.Context, a *portal.Authorization, ev portal.OutboundEvent) (string, error)
	AddDocuments(ctx context.Context, provider portal.ProviderID, id string, uploadIDs []string, note string, ev portal.OutboundEvent) (*portal.Authorization, error)
	Authorization(ctx context.Context, provider portal.ProviderID, id string) (*portal.Authorization, error)
	Authorizations(ctx context.Context, provider portal.ProviderID, memberID string, from, to portal.Date, limit int, cursor string) ([]portal.Authorization, string, error)
	Worklist(ctx context.Context, q portal.WorkQuery) ([]portal.Authorization, string, error)
	CountByStatus(ctx context.Context, provider portal.ProviderID, status string) (int, error)
	ApplyDecision(ctx context.Context, d portal.AuthDecision) (*portal.Authorization, bool, error)
	ReportCOB(ctx context.Context, r portal.ReportedCOB, ev portal.OutboundEvent) error
	ReportedCOB(ctx context.Context, memberID string) ([]portal.ReportedCOB, error)
	DueOutbound(ctx context.Context, from, to time.Time, limit int) ([]portal.Due, error)
	Outbound(ctx context.Context, id string) (*portal.OutboundEvent, error)
	OutboundDelivered(ctx context.Context, id string) error
}

func event(typ string) portal.OutboundEvent {
	return portal.OutboundEvent{ID: portal.NewID(), Type: typ, Queue: portal.QueueUtilizationManagement, Body: `{"type":"` + typ + `"}`,
		At: time.Now().UTC().Truncate(time.Millisecond)}
}

func authorization(provider portal.ProviderID, member string, start portal.Date, code string) *portal.Authorization {
	now := time.Now().UTC().Truncate(time.Millisecond)
	return &portal.Authorization{ID: portal.NewAuthorizationID(), Provider: provider, SubmittedBy: "user", SubmittedAt: now,
		Request: portal.AuthorizationRequest{MemberID: member, Type: portal.AuthOutpatient, StartDate: start, COBVerified: true,
			RequestingNPI: "1234567893", ServicingNPI: "1245319599", PlaceOfService: "22", Diagnoses: []string{"M54.50"},
			Services: []portal.ServiceLine{{Code: code, Units: 1}}, ContactEmail: "auth@clinic.example"},
		Status: portal.AuthReceived, DecisionDue: now.Add(7 * 24 * time.Hour), UpdatedAt: now, Version: 1}
}

func ids2(as []portal.Authorization) []string {
	var out []string
	for _, a := range as {
		out = append(out, a.ID)
	}
	return out
}

// Authorizations runs the authorization store contract. newStore returns
// an authorization store and the attachments store it submits documents to.
func Authorizations(t *testing.T, newStores func(t *testing.T) (AuthorizationStore, AttachmentStore)) {
	ctx := context.Background()
	newStore := func(t *testing.T) AuthorizationStore { s, _ := newStores(t); return s }
	t.Run("a request is its provider's alone", func(t *testing.T) {
		s := newStore(t)
		a := authorization(providerA, fresh("M"), Today.AddDate(0, 0, -10), "72148")
		if dup, err := s.CreateAuthorization(ctx, a, event(portal.EventAuthorizationSubmitted)); dup != "" || err != nil {
			t.Fatalf("create: %q %v", dup, err)
		}
		got, err := s.Authorization(ctx, providerA, a.ID)
		if err != nil || got.Request.Services[0].Code != "72148" || got.Status != portal.AuthReceived || !got.SubmittedAt.Equal(a.SubmittedAt) {
			t.Fatalf("read back: %+v %v", got, err)
		}
		for _, p := range []portal.ProviderID{providerB} {
			if _, err := s.Authorization(ctx, p, a.ID); portal.ErrorCode(err) != portal.CodeAuthorizationNotFound {
				t.Errorf("provider B reads it: %v", err)
			}
		}
		if _, err := s.Authorization(ctx, providerA, portal.NewAuthorizationID()); portal.ErrorCode(err) != portal.CodeAuthorizationNotFound {
			t.Errorf("no such request: %v", err)
		}
	})
	t.Run("one open request per member, type, start date and services", func(t *testing.T) {
		s := newStore(t)
		member, start := fresh("M"), Today.AddDate(0, 0, -20)
		first := authorization(providerA, member, start, "72148")
		if dup, err := s.CreateAuthorization(ctx, first, event(portal.EventAuthorizationSubmitted)); dup != "" || err != nil {
			t.Fatalf("create: %q %v", dup, err)
		}
		again := authorization(providerA, member, start, "72148")
		if dup, err := s.CreateAuthorization(ctx, again, event(portal.EventAuthorizationSubmitted)); dup != first.ID || err != nil {
			t.Fatalf("duplicate: %q %v, want %s", dup, err, first.ID)
		}
		if _, err := s.Authorization(ctx, providerA, again.ID); portal.ErrorCode(err) != portal.CodeAuthorizationNotFound {
			t.Errorf("the duplicate was written: %v", err)
		}
		// Other services, another provider: not duplicates.
		for _, other := range []*portal.Authorization{authorization(providerA, member, start, "72156"), authorization(providerB, member, start, "72148")} {
			if dup, err := s.CreateAuthorization(ctx, other, event(portal.EventAuthorizationSubmitted)); dup != "" || err != nil {
				t.Errorf("not a duplicate: %q %v", dup, err)
			}
		}
		// A final decision closes the request: a new one may follow.
		if _, ok, err := s.ApplyDecision(ctx, portal.AuthDecision{DecisionID: fresh("D"), AuthorizationID: first.ID,
			Status: portal.AuthDenied, DecidedAt: time.Now().UTC(), ReasonCode: "NMN", ReasonText: "Not medically necessary."}); !ok || err != nil {
			t.Fatalf("deny: %v %v", ok, err)
		}
		if dup, err := s.CreateAuthorization(ctx, again, event(portal.EventAuthorizationSubmitted)); dup != "" || err != nil {
			t.Errorf("after the first was denied: %q %v", dup, err)
		}
	})
	t.Run("decisions apply once, in order, and are kept", func(t *testing.T) {
		s := newStore(t)
		a := authorization(providerA, fresh("M"), Today.AddDate(0, 0, -5), "97110")
		if _, err := s.CreateAuthorization(ctx, a, event(portal.EventAuthorizationSubmitted)); err != nil {
			t.Fatal(err)
		}
		t0 := time.Now().UTC().Truncate(time.Millisecond)
		more := portal.AuthDecision{DecisionID: fresh("D"), AuthorizationID: a.ID, Status: portal.AuthMoreInfo, DecidedAt: t0, InformationWanted: "Therapy notes."}
		got, ok, err := s.ApplyDecision(ctx, more)
		if !ok || err != nil || got.Status != portal.AuthMoreInfo || got.Decision.InformationWanted != "Therapy notes." {
			t.Fatalf("more information: %+v %v %v", got, ok, err)
		}
		if _, ok, err := s.ApplyDecision(ctx, more); ok || err != nil {
			t.Errorf("redelivered: %v %v", ok, err)
		}
		// Dated in the future, a decision is refused and changes nothing:
		// applied, it would outrank the real ones after it.
		future := portal.AuthDecision{DecisionID: fresh("D"), AuthorizationID: a.ID, Status: portal.AuthWithdrawn, DecidedAt: t0.AddDate(1, 0, 0)}
		if _, ok, err := s.ApplyDecision(ctx, future); ok || portal.ErrorCode(err) != portal.CodeInvalidDecision {
			t.Errorf("a decision dated next year: %v %v", ok, err)
		}
		approve := portal.AuthDecision{DecisionID: fresh("D"), AuthorizationID: a.ID, Status: portal.AuthApproved, DecidedAt: t0.Add(time.Second),
			AuthorizationNumber: "AUTH-1", ApprovedFrom: a.Request.StartDate, ApprovedTo: a.Request.StartDate, ApprovedUnits: 8}
		if got, ok, err := s.ApplyDecision(ctx, approve); !ok || err != nil || got.Status != portal.AuthApproved {
			t.Fatalf("approve: %v %v", ok, err)
		}
		late := portal.AuthDecision{DecisionID: fresh("D"), AuthorizationID: a.ID, Status: portal.AuthDenied, DecidedAt: t0.Add(2 * time.Second), ReasonCode: "X", ReasonText: "x"}
		if _, ok, err := s.ApplyDecision(ctx, late); ok || err != nil {
			t.Errorf("a decision after approval: %v %v", ok, err)
		}
		got, _ = s.Authorization(ctx, providerA, a.ID)
		if got.Status != portal.AuthApproved || got.Decision.AuthorizationNumber != "AUTH-1" || got.Decision.ApprovedUnits != 8 || len(got.DecisionIDs) != 2 {
			t.Errorf("stored: %+v", got)
		}
		if _, _, err := s.ApplyDecision(ctx, portal.AuthDecision{DecisionID: fresh("D"), AuthorizationID: portal.NewAuthorizationID(),
			Status: portal.AuthWithdrawn, DecidedAt: t0}); portal.ErrorCode(err) != portal.CodeAuthorizationNotFound {
			t.Errorf("a decision for no request: %v", err)
		}
	})
	t.Run("a member's requests are listed newest first, by date range, in pages", func(t *testing.T) {
		s := newStore(t)
		member := fresh("M")
		var want []string
		for i := range 5 {
			a := authorization(providerA, member, Today.AddDate(0, 0, -50+i*10), "9711"+string(rune('0'+i)))
			if _, err := s.CreateAuthorization(ctx, a, event(portal.EventAuthorizationSubmitted)); err != nil {
				t.Fatal(err)
			}
			want = append([]string{a.ID}, want...)
		}
		other := authorization(providerB, member, Today.AddDate(0, 0, -10), "97110")
		if _, err := s.CreateAuthorization(ctx, other, event(portal.EventAuthorizationSubmitted)); err != nil {
			t.Fatal(err)
		}
		var got []string
		cursor := ""
		for range 5 {
			page, next, err := s.Authorizations(ctx, providerA, member, Today.AddDate(0, 0, -60), Today, 2, cursor)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ids2(page)...)
			if cursor = next; cursor == "" {
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Errorf("listed %v, want %v (newest first, provider A's only)", got, want)
		}
		ranged, _, err := s.Authorizations(ctx, providerA, member, Today.AddDate(0, 0, -40), Today.AddDate(0, 0, -20), 10, "")
		if err != nil || !slices.Equal(ids2(ranged), want[1:4]) {
			t.Errorf("from 40 to 20 days ago: %v %v", ids2(ranged), err)
		}
		if _, _, err := s.Authorizations(ctx, providerA, member, Today.AddDate(0, 0, -60), Today, 2, "forged"); portal.ErrorCode(err) != portal.CodeInvalidCursor {
			t.Errorf("a forged cursor: %v", err)
		}
	})
	t.Run("the provider's worklist: newest first, by status and date, in pages, with counts", func(t *testing.T) {
		s := newStore(t)
		provider := portal.ProviderID(fresh("P")) // a provider with no other requests
		var made []*portal.Authorization
		for i := range 4 {
			a := authorization(provider, fresh("M"), Today.AddDate(0, 0, -30), "97110")
			a.SubmittedAt = time.Date(2026, 11, 20+i, 9, 0, 0, 0, time.UTC)
			if _, err := s.CreateAuthorization(ctx, a, event(portal.EventAuthorizationSubmitted)); err != nil {
				t.Fatal(err)
			}
			made = append(made, a)
		}
		other := authorization(providerB, fresh("M"), Today.AddDate(0, 0, -30), "97110")
		other.SubmittedAt = made[1].SubmittedAt
		if _, err := s.CreateAuthorization(ctx, other, event(portal.EventAuthorizationSubmitted)); err != nil {
			t.Fatal(err)
		}
		// A decision moves a request from one status's list to another's.
		for _, a := range []*portal.Authorization{made[0], made[2]} {
			d := portal.AuthDecision{DecisionID: fresh("D"), AuthorizationID: a.ID, Status: portal.AuthMoreInfo,
				DecidedAt: time.Now().UTC().Truncate(time.Millisecond), InformationWanted: "Therapy notes."}
			if _, ok, err := s.ApplyDecision(ctx, d); !ok || err != nil {
				t.Fatalf("more information: %v %v", ok, err)
			}
		}
		window := portal.Window{From: portal.MustDate("2026-11-01"), To: portal.MustDate("2026-11-30"), Limit: 3}
		q := portal.WorkQuery{Provider: provider, Window: window}
		var all []string
		for range 3 {
			page, next, err := s.Worklist(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			all = append(all, ids2(page)...)
			if q.Cursor = next; next == "" {
				break
			}
		}
		if want := []string{made[3].ID, made[2].ID, made[1].ID, made[0].ID}; !slices.Equal(all, want) {
			t.Errorf("every status: %v, want %v (newest first, the provider's only)", all, want)
		}
		more := portal.WorkQuery{Provider: provider, Status: string(portal.AuthMoreInfo), Window: window}
		if page, next, err := s.Worklist(ctx, more); err != nil || next != "" || !slices.Equal(ids2(page), []string{made[2].ID, made[0].ID}) {
			t.Errorf("more information requested: %v %q %v", ids2(page), next, err)
		}
		received := portal.WorkQuery{Provider: provider, Status: string(portal.AuthReceived),
			Window: portal.Window{From: portal.MustDate("2026-11-22"), To: portal.MustDate("2026-11-30"), Limit: 10}}
		if page, _, err := s.Worklist(ctx, received); err != nil || !slices.Equal(ids2(page), []string{made[3].ID}) {
			t.Errorf("received from the 22nd: %v %v", ids2(page), err)
		}
		first, next, err := s.Worklist(ctx, portal.WorkQuery{Provider: provider, Window: portal.Window{From: window.From, To: window.To, Limit: 1}})
		if err != nil || len(first) != 1 || next == "" {
			t.Fatalf("a first page of one: %v %q %v", ids2(first), next, err)
		}
		more.Cursor = next
		if _, _, err := s.Worklist(ctx, more); portal.ErrorCode(err) != portal.CodeInvalidCursor {
			t.Errorf("another list's cursor: %v", err)
		}
		for status, want := range map[portal.AuthStatus]int{portal.AuthMoreInfo: 2, portal.AuthReceived: 2, portal.AuthApproved: 0} {
			if n, err := s.CountByStatus(ctx, provider, string(status)); err != nil || n != want {
				t.Errorf("count of %s: %d %v, want %d", status, n, err, want)
			}
		}
		if page, _, err := s.Worklist(ctx, portal.WorkQuery{Provider: providerB, Status: string(portal.AuthMoreInfo), Window: window}); err != nil || slices.Contains(ids2(page), made[0].ID) {
			t.Errorf("another provider's list: %v %v", ids2(page), err)
		}
	})
	t.Run("reported other insurance is kept as reported, for the member", func(t *testing.T) {
		s := newStore(t)
		member := fresh("M")
		r := portal.ReportedCOB{MemberID: member, Carrier: "Told Us Health", PolicyNumber: "T-9", SubscriberName: "Pat Doe", Relationship: "spouse",
			From: Today.AddDate(0, -2, 0), ReportedBy: "user", Provider: providerA, ReportedAt: time.Now().UTC().Truncate(time.Millisecond)}
		if err := s.ReportCOB(ctx, r, event(portal.EventCOBReported)); err != nil {
			t.Fatal(err)
		}
		got, err := s.ReportedCOB(ctx, member)
		if err != nil || len(got) != 1 || got[0].Carrier != r.Carrier || got[0].SubscriberName != "Pat Doe" || !got[0].From.Equal(r.From) || !got[0].To.IsZero() {
			t.Fatalf("reported: %+v %v", got, err)
		}
		later := r
		later.Carrier, later.ReportedAt = "Second Health", r.ReportedAt.Add(time.Minute)
		if err := s.ReportCOB(ctx, later, event(portal.EventCOBReported)); err != nil {
			t.Fatal(err)
		}
		if got, _ := s.ReportedCOB(ctx, member); len(got) != 2 || got[0].Carrier != r.Carrier || got[1].Carrier != "Second Health" {
			t.Errorf("in the order reported: %+v", got)
		}
		if got, err := s.ReportedCOB(ctx, fresh("M")); err != nil || len(got) != 0 {
			t.Errorf("another member's: %v %v", got, err)
		}
	})
	t.Run("every state change another system must hear of is recorded with it", func(t *testing.T) {
		s, uploads := newStores(t)
		var ups []string
		for _, p := range []portal.ProviderID{providerA, providerA, providerA} {
			u := pendingUpload(p, time.Now())
			if err := uploads.CreateUpload(ctx, u); err != nil {
				t.Fatal(err)
			}
			ups = append(ups, u.ID)
		}
		member, start := fresh("M"), Today.AddDate(0, 0, -3)
		a := authorization(providerA, member, start, "70553")
		submitted := event(portal.EventAuthorizationSubmitted)
		if _, err := s.CreateAuthorization(ctx, a, submitted); err != nil {
			t.Fatal(err)
		}
		// A duplicate writes no event.
		dupEvent := event(portal.EventAuthorizationSubmitted)
		if dup, err := s.CreateAuthorization(ctx, authorization(providerA, member, start, "70553"), dupEvent); dup != a.ID || err != nil {
			t.Fatalf("duplicate: %q %v", dup, err)
		}
		if ev, err := s.Outbound(ctx, dupEvent.ID); ev != nil || err != nil {
			t.Errorf("a duplicate's event was recorded: %+v %v", ev, err)
		}
		got, err := s.Outbound(ctx, submitted.ID)
		if err != nil || got == nil || got.Body != submitted.Body || got.Queue != submitted.Queue || got.Type != submitted.Type {
			t.Fatalf("the submission's event: %+v %v", got, err)
		}
		due := func() []string {
			list, err := s.DueOutbound(ctx, time.Time{}, time.Now().Add(time.Minute), 1000)
			if err != nil {
				t.Fatal(err)
			}
			var out []string
			for _, d := range list {
				out = append(out, d.UploadID)
			}
			return out
		}
		if !slices.Contains(due(), submitted.ID) {
			t.Errorf("the event is not due")
		}
		// Documents added later: recorded, with their event; a request for
		// more information answered goes back to utilization management.
		t0 := time.Now().UTC()
		if _, _, err := s.ApplyDecision(ctx, portal.AuthDecision{DecisionID: fresh("D"), AuthorizationID: a.ID, Status: portal.AuthMoreInfo,
			DecidedAt: t0, InformationWanted: "Imaging report."}); err != nil {
			t.Fatal(err)
		}
		added := event(portal.EventDocumentsAdded)
		got2, err := s.AddDocuments(ctx, providerA, a.ID, ups[:2], "Report attached.", added)
		if err != nil || got2.Status != portal.AuthReceived || !slices.Equal(got2.Documents, ups[:2]) || len(got2.Responses) != 1 {
			t.Fatalf("add documents: %+v %v", got2, err)
		}
		if ev, _ := s.Outbound(ctx, added.ID); ev == nil {
			t.Errorf("no event for the added documents")
		}
		if _, err := s.AddDocuments(ctx, providerB, a.ID, ups[2:], "", event(portal.EventDocumentsAdded)); portal.ErrorCode(err) != portal.CodeAuthorizationNotFound {
			t.Errorf("provider B adds documents: %v", err)
		}
		if _, _, err := s.ApplyDecision(ctx, portal.AuthDecision{DecisionID: fresh("D"), AuthorizationID: a.ID, Status: portal.AuthWithdrawn,
			DecidedAt: t0.Add(time.Minute)}); err != nil {
			t.Fatal(err)
		}
		closed := event(portal.EventDocumentsAdded)
		if _, err := s.AddDocuments(ctx, providerA, a.ID, ups[2:], "", closed); portal.ErrorCode(err) != portal.CodeAuthorizationClosed {
			t.Errorf("documents for a withdrawn request: %v", err)
		}
		if ev, _ := s.Outbound(ctx, closed.ID); ev != nil {
			t.Errorf("a refused change recorded an event")
		}
		// Delivered events are gone.
		for _, id := range []string{submitted.ID, added.ID} {
			if err := s.OutboundDelivered(ctx, id); err != nil {
				t.Fatal(err)
			}
			if ev, err := s.Outbound(ctx, id); ev != nil || err != nil {
				t.Errorf("delivered, yet %+v %v", ev, err)
			}
			if slices.Contains(due(), id) {
				t.Errorf("delivered, yet due")
			}
		}
	})
	t.Run("a request's documents are submitted with it, all or none", func(t *testing.T) {
		s, uploads := newStores(t)
		up := func(p portal.ProviderID) string {
			a := pendingUpload(p, time.Now())
			if err := uploads.CreateUpload(ctx, a); err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		mine, also, theirs := up(providerA), up(providerA), up(providerB)
		refused := authorization(providerA, fresh("M"), Today.AddDate(0, 0, -2), "70553")
		refused.Request.UploadIDs = []string{mine, theirs}
		ev := event(portal.EventAuthorizationSubmitted)
		if dup, err := s.CreateAuthorization(ctx, refused, ev); dup != "" || portal.ErrorCode(err) != portal.CodeUploadNotFound {
			t.Fatalf("with another provider's upload: %q %v", dup, err)
		}
		if _, err := s.Authorization(ctx, providerA, refused.ID); portal.ErrorCode(err) != portal.CodeAuthorizationNotFound {
			t.Errorf("the refused request was written")
		}
		if got, _ := uploads.Upload(ctx, providerA, mine); got.Submission != nil {
			t.Errorf("an upload of the refused request was submitted")
		}
		if e, _ := s.Outbound(ctx, ev.ID); e != nil {
			t.Errorf("the refused request's event was recorded")
		}
		a := authorization(providerA, fresh("M"), Today.AddDate(0, 0, -2), "70553")
		a.Request.UploadIDs = []string{mine}
		if dup, err := s.CreateAuthorization(ctx, a, event(portal.EventAuthorizationSubmitted)); dup != "" || err != nil {
			t.Fatalf("create: %q %v", dup, err)
		}
		got, _ := uploads.Upload(ctx, providerA, mine)
		if got.Submission == nil || got.Submission.AuthorizationID != a.ID || got.Submission.Kind != portal.SubmissionAuthorization || got.ExpiresAt != nil {
			t.Errorf("the document: %+v", got)
		}
		// Added after submit: the same, and a document already submitted
		// refuses the whole addition.
		if _, err := s.AddDocuments(ctx, providerA, a.ID, []string{also, mine}, "", event(portal.EventDocumentsAdded)); portal.ErrorCode(err) != portal.CodeUploadSubmitted {
			t.Errorf("adding one already submitted: %v", err)
		}
		if got, _ := uploads.Upload(ctx, providerA, also); got.Submission != nil {
			t.Errorf("half an addition was written")
		}
		if got, err := s.AddDocuments(ctx, providerA, a.ID, []string{also}, "MRI report.", event(portal.EventDocumentsAdded)); err != nil || !slices.Contains(got.Documents, also) {
			t.Fatalf("add: %+v %v", got, err)
		}
		if got, _ := uploads.Upload(ctx, providerA, also); got.Submission == nil || got.Submission.AuthorizationID != a.ID {
			t.Errorf("the added document: %+v", got)
		}
	})
	t.Run("a system's request takes the documents it carried whatever their verdict", func(t *testing.T) {
		s, uploads := newStores(t)
		up := func() string {
			a := pendingUpload(providerA, time.Now())
			if err := uploads.CreateUpload(ctx, a); err != nil {
				t.Fatal(err)
			}
			return a.ID
		}
		// The scan was quicker than the request: one file refused already.
		clean, refused, removed := up(), up(), up()
		if _, _, err := uploads.RecordCheck(ctx, refused, portal.Attachment{Status: portal.UploadRejected, RejectCode: portal.CodeFileHasMalware,
			RejectReason: portal.FileHasMalware}); err != nil {
			t.Fatal(err)
		}
		if err := uploads.DeleteUpload(ctx, providerA, removed); err != nil {
			t.Fatal(err)
		}
		portalRequest := authorization(providerA, fresh("M"), Today.AddDate(0, 0, -2), "70553")
		portalRequest.Request.UploadIDs = []string{clean, refused}
		if _, err := s.CreateAuthorization(ctx, portalRequest, event(portal.EventAuthorizationSubmitted)); portal.ErrorCode(err) != portal.CodeUploadRejected {
			t.Fatalf("a person's request with a refused file: %v", err)
		}
		traced := func() *portal.Authorization {
			a := authorization(providerA, fresh("M"), Today.AddDate(0, 0, -2), "70553")
			a.Trace = &portal.TraceID{System: "urn:ehr", Value: portal.NewID()}
			return a
		}
		gone := traced()
		gone.Request.UploadIDs = []string{clean, removed}
		if _, err := s.CreateAuthorization(ctx, gone, event(portal.EventAuthorizationSubmitted)); portal.ErrorCode(err) != portal.CodeUploadNotFound {
			t.Fatalf("a system's request with a removed file: %v", err)
		}
		a := traced()
		a.Request.UploadIDs = []string{clean, refused}
		if dup, err := s.CreateAuthorization(ctx, a, event(portal.EventAuthorizationSubmitted)); dup != "" || err != nil {
			t.Fatalf("a system's request: %q %v", dup, err)
		}
		for id, status := range map[string]portal.UploadStatus{clean: portal.UploadPending, refused: portal.UploadRejected} {
			got, err := uploads.Get(ctx, id)
			if err != nil || got.Submission == nil || got.Submission.AuthorizationID != a.ID || !got.Submission.Inline || got.Status != status {
				t.Errorf("%s: %+v %v", status, got, err)
			}
		}
	})
}

// DecidedLister lists every provider's decided requests, for the plan's
// reports.
type DecidedLister interface {
	DecidedAuthorizations(ctx context.Context, from, to time.Time) ([]portal.Authorization, error)
}

// DecidedAuthorizations runs the reports' contract: the requests decided in
// a period, whoever's they are, and no undecided one.
func DecidedAuthorizations(t *testing.T, newStores func(t *testing.T) (AuthorizationStore, DecidedLister)) {
	ctx := context.Background()
	s, reports := newStores(t)
	now := time.Now().UTC().Truncate(time.Millisecond)
	var ids []string
	for i, st := range []portal.AuthStatus{portal.AuthApproved, portal.AuthDenied, ""} {
		p := []portal.ProviderID{providerA, providerB, providerA}[i]
		a := authorization(p, fresh("M"), Today.AddDate(0, 0, -5), "97110")
		if _, err := s.CreateAuthorization(ctx, a, event(portal.EventAuthorizationSubmitted)); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, a.ID)
		if st == "" {
			continue
		}
		d := portal.AuthDecision{DecisionID: fresh("D"), AuthorizationID: a.ID, Status: st, DecidedAt: now, ReasonCode: "X", ReasonText: "x"}
		if st == portal.AuthApproved {
			d = portal.AuthDecision{DecisionID: fresh("D"), AuthorizationID: a.ID, Status: st, DecidedAt: now,
				AuthorizationNumber: "AUTH-1", ApprovedFrom: a.Request.StartDate, ApprovedTo: a.Request.StartDate, ApprovedUnits: 1}
		}
		if _, ok, err := s.ApplyDecision(ctx, d); !ok || err != nil {
			t.Fatalf("decide: %v %v", ok, err)
		}
	}
	listed := func(from, to time.Time) map[string]portal.AuthStatus {
		got, err := reports.DecidedAuthorizations(ctx, from, to)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]portal.AuthStatus{}
		for _, a := range got {
			if slices.Contains(ids, a.ID) {
				out[a.ID] = a.Status
			}
		}
		return out
	}
	if got := listed(now.AddDate(0, 0, -1), now); len(got) != 2 || got[ids[0]] != portal.AuthApproved || got[ids[1]] != portal.AuthDenied {
		t.Errorf("decided today, both providers': %v", got)
	}
	if got := listed(now.AddDate(0, 0, 10), now.AddDate(0, 0, 20)); len(got) != 0 {
		t.Errorf("decided in ten days: %v", got)
	}
}
