package claims

import (
	"net/http"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/portal"
)

type searchResponse struct {
	Claims []portal.ClaimSummary `json:"claims"`
	// ReceivedFrom is the start of the search window: claims received
	// before it are not shown.
	ReceivedFrom portal.Date `json:"receivedFrom"`
	NextCursor   string      `json:"nextCursor,omitempty"`
}

// searchBody is POST /claims/search's body: GET /claims's query, kept out
// of the URL because most of it is PHI.
type searchBody struct {
	MemberID                *string `json:"memberId,omitempty"`
	MedicaidID              *string `json:"medicaidId,omitempty"`
	LastName                *string `json:"lastName,omitempty"`
	FirstName               *string `json:"firstName,omitempty"`
	DateOfBirth             *string `json:"dateOfBirth,omitempty"`
	ClaimNumber             *string `json:"claimNumber,omitempty"`
	PatientAccountNumber    *string `json:"patientAccountNumber,omitempty"`
	CheckNumber             *string `json:"checkNumber,omitempty"`
	ExternalReferenceNumber *string `json:"externalReferenceNumber,omitempty"`
	Limit                   *int    `json:"limit,omitempty"`
	Cursor                  *string `json:"cursor,omitempty"`
}

func handleSearch(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		s, err := portal.ParseClaimSearch(r.URL.Query())
		if err != nil {
			return err
		}
		from := d.Plan.ClaimSearchFrom(portal.DateOf(d.Now()))
		page, err := search(r, d, caller.Provider, s, from)
		if err != nil {
			return err
		}
		resp := searchResponse{Claims: page.Claims, ReceivedFrom: from, NextCursor: page.Next}
		if resp.Claims == nil {
			resp.Claims = []portal.ClaimSummary{}
		}
		numbers := make([]string, 0, len(page.Claims))
		for _, c := range page.Claims {
			numbers = append(numbers, c.Number)
		}
		httpapi.Audit(r, d.Log, caller, "claims.search."+string(s.Method), numbers...)
		httpapi.Encode(w, http.StatusOK, resp)
		return nil
	}
}

// search resolves member-based methods to member IDs, then runs the
// provider-scoped query.
func search(r *http.Request, d Deps, provider portal.ProviderID, s portal.ClaimSearch, from portal.Date) (portal.ClaimPage, error) {
	ctx := r.Context()
	q := portal.ClaimQuery{Provider: provider, ReceivedFrom: from, Limit: s.Limit, Cursor: s.Cursor}
	switch s.Method {
	case portal.ByClaimNumber:
		c, err := d.Claims.Claim(ctx, provider, s.Value)
		if portal.ErrorCode(err) == portal.CodeClaimNotFound {
			return portal.ClaimPage{}, nil
		}
		if err != nil {
			return portal.ClaimPage{}, err
		}
		if !d.Plan.ClaimVisible(c, portal.DateOf(d.Now())) {
			return portal.ClaimPage{}, nil
		}
		return portal.ClaimPage{Claims: []portal.ClaimSummary{c.Summary()}}, nil
	case portal.ByMemberID:
		q.Index, q.Keys = portal.IndexMember, []string{s.Value}
	case portal.ByMedicaidID, portal.ByMemberInfo:
		var found []portal.Member
		var err error
		if s.Method == portal.ByMedicaidID {
			found, err = d.Members.MembersByMedicaidID(ctx, s.Value)
		} else if err = d.Plan.TakeMemberSearch(ctx, d.Searches, provider, d.Now()); err == nil {
			found, err = d.Members.MembersByName(ctx, s.LastName, s.FirstName, s.DateOfBirth)
		}
		if err != nil {
			return portal.ClaimPage{}, err
		}
		if len(found) > portal.MaxSearchKeys {
			return portal.ClaimPage{}, portal.Errorf(portal.KindRefused, portal.CodeTooManyMembers,
				"More than %d members match this search. Search by the member's ID or Medicaid ID instead.", portal.MaxSearchKeys)
		}
		q.Index = portal.IndexMember
		for _, m := range found {
			q.Keys = append(q.Keys, m.ID)
		}
	case portal.ByPatientAccount:
		q.Index, q.Keys = portal.IndexPatientAccount, []string{s.Value}
	case portal.ByCheckNumber:
		q.Index, q.Keys = portal.IndexCheck, []string{s.Value}
	case portal.ByExternalReference:
		q.Index, q.Keys = portal.IndexExternalRef, []string{s.Value}
	}
	return d.Claims.SearchClaims(ctx, q)
}

// claimDetail is the guide's Claim Detail: general information, lines, the
// denial reason and the Document Upload tab's offer.
type claimDetail struct {
	portal.Claim
	DenialCategory portal.DenialCategory `json:"denialCategory,omitempty"`
	DocumentUpload portal.UploadOffer    `json:"documentUpload"`
	// CaseOffers are a dispute, a claim appeal and a clinical appeal: which
	// would be taken today, until when, and why not.
	CaseOffers []portal.CaseOffer `json:"caseOffers"`
}

func handleDetail(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller httpapi.Caller) error {
		c, err := d.Claims.Claim(r.Context(), caller.Provider, r.PathValue("claimNumber"))
		if err == nil && !d.Plan.ClaimVisible(c, portal.DateOf(d.Now())) {
			err = portal.ErrClaimNotFound(c.Number) // outside the window search shows
		}
		if err != nil {
			return err
		}
		detail := claimDetail{Claim: *c, DocumentUpload: d.Plan.UploadOfferFor(c), CaseOffers: d.Plan.CaseOffersFor(c, portal.DateOf(d.Now()))}
		if c.Status == portal.ClaimDenied {
			detail.DenialCategory = d.Plan.DenialRuleFor(c.Denial.Code).Category
		}
		httpapi.Audit(r, d.Log, caller, "claims.read", c.Number)
		httpapi.Encode(w, http.StatusOK, detail)
		return nil
	}
}

// providerView is the signed-in provider as the plan knows it: the TIN, the
// practice's name and its NPIs, for the portal's header and NPI lists.
type providerView struct {
	TIN string `json:"tin"`
	portal.Practice
}

func handleProvider(d Deps) httpapi.ProviderHandler {
	return func(w http.ResponseWriter, _ *http.Request, caller httpapi.Caller) error {
		p := d.Plan.Practices[caller.Provider]
		if p.NPIs == nil {
			p.NPIs = []portal.PracticeNPI{}
		}
		httpapi.Encode(w, http.StatusOK, providerView{TIN: string(caller.Provider), Practice: p})
		return nil
	}
}
