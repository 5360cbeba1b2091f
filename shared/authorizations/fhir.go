package authorizations

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/pas"
	"github.com/openpayer/provider-portal/shared/portal"
)

// The retro authorization workflow by standard: Da Vinci PAS's Claim
// operations, for EHRs and clearinghouses. $submit makes the same request
// the portal's form makes (the same rules, record and events); $inquire
// answers where a request stands. Both answer FHIR resources, problems as
// an OperationOutcome with each issue at its place in the Bundle.

// fhirJSON is FHIR's JSON media type.
const fhirJSON = "application/fhir+json"

// maxBundle is the largest Bundle read: what a Lambda function takes in a
// request (API Gateway lets 10 MB through; a function is given 6).
const maxBundle = 6 << 20

// handlePAS serves a system client (SMART Backend Services): $submit
// needs its scope system/Claim.c, $inquire system/Claim.r; each acts for
// the organisation the Bundle's requestor is, among the client's.
func handlePAS(d Deps) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sys, ok := systemCaller(w, r, d)
		if !ok {
			return
		}
		var permission byte
		switch r.PathValue("operation") {
		case "$submit":
			permission = 'c'
		case "$inquire":
			permission = 'r'
		default:
			pasFail(w, r, d, portal.Errorf(portal.KindNotFound, portal.CodeRouteNotFound,
				"This operation does not exist: send $submit or $inquire.").WithReason("POST /fhir/Claim/$submit or /fhir/Claim/$inquire"), nil)
			return
		}
		if !requireScope(w, r, d, sys, "Claim", permission) {
			return
		}
		if permission == 'c' {
			pasSubmit(w, r, d, sys)
		} else {
			pasInquire(w, r, d, sys)
		}
	})
}

// systemCaller is the system client calling, with the organisations its
// registration names now (a client disabled or changed a moment ago
// counts at once); a token that is no registered system's is answered,
// and ok is false.
func systemCaller(w http.ResponseWriter, r *http.Request, d Deps) (httpapi.System, bool) {
	sys, ok := httpapi.SystemFromRequest(r)
	unknown := portal.Errorf(portal.KindUnauthorized, portal.CodeSystemUnknown,
		"These routes are for systems registered with the plan: sign in with your system's client credentials (SMART Backend Services) and send its access token.")
	if !ok {
		pasFail(w, r, d, unknown.WithReason("the bearer token is not a system client's access token"), nil)
		return sys, false
	}
	reg, found, err := d.SystemClients.SystemClient(r.Context(), sys.Client)
	if err != nil {
		pasFail(w, r, d, err, nil)
		return sys, false
	}
	if !found || reg.Disabled {
		pasFail(w, r, d, unknown.WithReason("the client is no longer registered or enabled"), nil)
		return sys, false
	}
	sys.TINs = reg.TINs
	return sys, true
}

// requireScope answers SCOPE_NOT_GRANTED unless the system's token allows
// permission on resource; ok is false then.
func requireScope(w http.ResponseWriter, r *http.Request, d Deps, sys httpapi.System, resource string, permission byte) bool {
	if sys.Scopes.Allows(resource, permission) {
		return true
	}
	scope := "system/" + resource + "." + string(permission)
	pasFail(w, r, d, portal.Errorf(portal.KindUnauthorized, portal.CodeScopeNotGranted,
		"Your system's access does not allow this: ask for a token with the scope %s.", scope).
		WithReason("the token's scopes are "+sys.Scopes.String()), nil)
	return false
}

// actingFor is the provider organisation a system's request acts for: the
// TIN the requestor names, or else the client's organisation whose
// practice the plan has the requesting NPI under (a client of one
// organisation acts for it). An organisation the client is not registered
// for is not found, as another provider's data is.
func actingFor(d Deps, sys httpapi.System, req *pas.Request) (portal.ProviderID, error) {
	return organisationOf(d, sys, portal.ProviderID(req.RequestingTIN), req.Auth.RequestingNPI, "requestingNpi")
}

// organisationOf is the client's organisation of that TIN, or else whose
// practice has that NPI (a client of one organisation: it), reported at
// field when there is none or more than one.
func organisationOf(d Deps, sys httpapi.System, tin portal.ProviderID, npi, field string) (portal.ProviderID, error) {
	notFound := portal.Errorf(portal.KindNotFound, portal.CodeOrganizationNotFound,
		"The requesting provider is not an organisation your system is registered to act for. Check the requesting provider's NPI or TIN, or ask the plan to register the organisation for your system.").
		WithReason("the requestor's TIN, or the practice of its NPI, is not among the client's TINs")
	notFound.Fields = map[string]string{field: notFound.Detail}
	if tin != "" {
		if !sys.ActsFor(tin) {
			return "", notFound
		}
		return tin, nil
	}
	var found []portal.ProviderID
	for _, tin := range sys.TINs {
		for _, n := range d.Plan.Practices[tin].NPIs {
			if n.NPI == npi && npi != "" {
				found = append(found, tin)
				break
			}
		}
	}
	switch {
	case len(found) == 1:
		return found[0], nil
	case len(found) > 1:
		say := "The requesting NPI belongs to more than one organisation your system acts for: add the organisation's TIN to the requesting provider's identifiers."
		return "", &portal.Error{Kind: portal.KindInvalid, Code: portal.CodeInvalidPASRequest, Detail: say,
			Fields: map[string]string{field: say}, Reason: "add an identifier of system " + pas.SystemTIN + " to the requestor"}
	case len(sys.TINs) == 1:
		return sys.TINs[0], nil
	}
	return "", notFound
}

// handleMetadata answers the CapabilityStatement, to anyone: what the
// server answers, never data.
func handleMetadata() http.Handler {
	capability, err := json.Marshal(pas.Capability())
	return http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		if err != nil {
			writeFHIR(w, http.StatusInternalServerError, []byte(`{"resourceType":"OperationOutcome","issue":[{"severity":"fatal","code":"exception"}]}`))
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		writeFHIR(w, http.StatusOK, capability)
	})
}

const sayTooLarge = "The request is larger than 6 MB, the most the plan takes in one request. Send the documents that do not fit from the portal, with the request's Add documents."

// pasBody reads the request's Bundle, at most maxBundle bytes.
func pasBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBundle))
	if err != nil {
		return nil, &portal.Error{Kind: portal.KindInvalid, Code: portal.CodeInvalidPASRequest, Detail: sayTooLarge,
			Fields: map[string]string{"Bundle": sayTooLarge}, Reason: "the Bundle is over 6 MB (documents inside it count in base64)"}
	}
	return body, nil
}

// pasFail answers err as an OperationOutcome, each problem where req read
// it from.
func pasFail(w http.ResponseWriter, r *http.Request, d Deps, err error, req *pas.Request) {
	status := httpapi.Failure(r, d.Log, err)
	locate := func(f string) string { return f }
	if req != nil {
		locate = req.Locate
	}
	writeFHIR(w, status, pas.Outcome(err, locate))
}

// writeFHIR writes a resource, or a resource already encoded.
func writeFHIR(w http.ResponseWriter, status int, v any) {
	b, ok := v.([]byte)
	if !ok {
		var err error
		if b, err = json.Marshal(v); err != nil {
			status, b = http.StatusInternalServerError, []byte(`{"resourceType":"OperationOutcome","issue":[{"severity":"fatal","code":"exception"}]}`)
		}
	}
	w.Header().Set("Content-Type", fhirJSON)
	if w.Header().Get("Cache-Control") == "" {
		w.Header().Set("Cache-Control", "no-store")
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// pasOperation reads the request's Bundle, finds or makes the request it
// is about, and answers where that stands; every failure is an
// OperationOutcome.
func pasOperation(w http.ResponseWriter, r *http.Request, d Deps, sys httpapi.System, action string, inquiry bool,
	do func(req *pas.Request, caller httpapi.Caller) (*portal.Authorization, error)) {
	body, err := pasBody(w, r)
	if err != nil {
		pasFail(w, r, d, err, nil)
		return
	}
	req, err := pas.Read(body)
	if err != nil {
		pasFail(w, r, d, err, nil)
		return
	}
	tin, err := actingFor(d, sys, req)
	if err != nil {
		pasFail(w, r, d, err, req)
		return
	}
	caller := sys.As(tin)
	httpapi.NoteProvider(r, string(tin))
	a, err := do(req, caller)
	if err != nil {
		pasFail(w, r, d, err, req)
		return
	}
	refused, err := refusedDocuments(r.Context(), d, a)
	if err != nil {
		pasFail(w, r, d, err, req)
		return
	}
	answer, err := pas.Answer(req, a, d.Now(), inquiry, refused)
	if err != nil {
		pasFail(w, r, d, err, req)
		return
	}
	httpapi.Audit(r, d.Log, caller, action, a.ID)
	writeFHIR(w, http.StatusOK, answer)
}

// pasSubmit makes the request ($submit). The same request sent again (a
// retry, by its Claim identifier) is answered as it stands, decided or
// not, and nothing of it is written again; another with the same member,
// type, date and services is a duplicate of the open one.
func pasSubmit(w http.ResponseWriter, r *http.Request, d Deps, sys httpapi.System) {
	pasOperation(w, r, d, sys, "authorizations.pas.submit", false, func(req *pas.Request, caller httpapi.Caller) (*portal.Authorization, error) {
		if prior, err := findByTrace(r, d, caller, req); err == nil || portal.ErrorCode(err) != portal.CodeAuthorizationNotFound {
			return prior, err
		}
		via := &viaPAS{trace: portal.TraceID{System: req.Trace.System, Value: req.Trace.Value}}
		docs, err := checkDocuments(r.Context(), d, caller, req.Documents)
		if err != nil {
			return nil, err
		}
		via.documents, req.Auth.UploadIDs = docs, docs.IDs()
		a, err := submit(r, d, caller, req.Auth, via)
		var pe *portal.Error
		if errors.As(err, &pe) && pe.Code == portal.CodeDuplicateAuthorization {
			open, gerr := d.Requests.Authorization(r.Context(), caller.Provider, pe.OpenAuthorizationID)
			if gerr == nil && open.Trace != nil && *open.Trace == via.trace {
				return open, nil
			}
		}
		return a, err
	})
}

// pasInquire answers where the request the inquiry names stands
// ($inquire).
func pasInquire(w http.ResponseWriter, r *http.Request, d Deps, sys httpapi.System) {
	pasOperation(w, r, d, sys, "authorizations.pas.inquire", true, func(req *pas.Request, caller httpapi.Caller) (*portal.Authorization, error) {
		return findTraced(r, d, caller, req)
	})
}

// findTraced is the provider's request the inquiry names: by this plan's
// ID, or by the submitter's identifier among the member's requests of the
// last two years. Another provider's request is not found.
func findTraced(r *http.Request, d Deps, caller httpapi.Caller, req *pas.Request) (*portal.Authorization, error) {
	if a, err := d.Requests.Authorization(r.Context(), caller.Provider, req.Trace.Value); err == nil {
		return a, nil
	} else if portal.ErrorCode(err) != portal.CodeAuthorizationNotFound {
		return nil, err
	}
	return findByTrace(r, d, caller, req)
}

// findByTrace is the provider's request of the member that the
// submitter's identifier names, among those of the last two years.
func findByTrace(r *http.Request, d Deps, caller httpapi.Caller, req *pas.Request) (*portal.Authorization, error) {
	if !portal.ValidIdentifier(req.Auth.MemberID) || req.Trace.Value == "" {
		return nil, portal.ErrAuthorizationNotFound()
	}
	today := portal.DateOf(d.Now())
	cursor := ""
	for range 20 { // 20 pages of 100: more requests for one member than two years hold
		list, next, err := d.Requests.Authorizations(r.Context(), caller.Provider, req.Auth.MemberID, today.AddDate(-2, 0, 0), today, 100, cursor)
		if err != nil {
			return nil, err
		}
		for i := range list {
			if t := list[i].Trace; t != nil && t.Value == req.Trace.Value && t.System == req.Trace.System {
				return &list[i], nil
			}
		}
		if next == "" {
			break
		}
		cursor = next
	}
	return nil, portal.ErrAuthorizationNotFound()
}
