// Package httpapi holds what every HTTP function shares: problem responses, JSON
// encoding, the caller's identity from the JWT authorizer, and request logs.
package httpapi

import (
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Problem is an RFC 9457 problem document with the portal's stable code.
type Problem struct {
	Type     string            `json:"type"`
	Title    string            `json:"title"`
	Status   int               `json:"status"`
	Code     string            `json:"code"`
	Detail   string            `json:"detail"`
	Instance string            `json:"instance,omitempty"`
	Errors   map[string]string `json:"errors,omitempty"`
	// Reason says what a program sent wrong, in a developer's terms (a key,
	// a type): for the people who build clients, never shown to providers,
	// whose words are in Detail and Errors.
	Reason string `json:"reason,omitempty"`
	// OpenCaseID is the case already open on the claim (CASE_ALREADY_OPEN).
	OpenCaseID string `json:"openCaseId,omitempty"`
	// OpenAuthorizationID is the open request a new one would duplicate
	// (DUPLICATE_AUTHORIZATION).
	OpenAuthorizationID string `json:"openAuthorizationId,omitempty"`
	// DocumentUploadPath is the claim's Document Upload
	// (UPLOAD_RECORDS_ON_CLAIM).
	DocumentUploadPath string `json:"documentUploadPath,omitempty"`
}

// ProblemTypeBase prefixes each problem's type; the code completes it.
const ProblemTypeBase = "https://provider-portal.example/problems/"

var kindStatus = map[portal.Kind]int{
	portal.KindInvalid:      http.StatusBadRequest,
	portal.KindNotFound:     http.StatusNotFound,
	portal.KindConflict:     http.StatusConflict,
	portal.KindRefused:      http.StatusUnprocessableEntity,
	portal.KindUnauthorized: http.StatusForbidden,
	portal.KindTooMany:      http.StatusTooManyRequests,
}

// Failure is what a handler that answers in another format than problems
// (the FHIR routes' OperationOutcome) needs of an error: its status, and
// the code noted for the request's log line and metrics. Anything but a
// *portal.Error is logged in full and is a 500.
func Failure(r *http.Request, log *slog.Logger, err error) int {
	var pe *portal.Error
	if !errors.As(err, &pe) {
		log.ErrorContext(r.Context(), "internal error", "error", err.Error(), "route", r.Pattern)
		noteProblem(r, portal.CodeInternal)
		return http.StatusInternalServerError
	}
	noteProblem(r, pe.Code)
	if status, ok := kindStatus[pe.Kind]; ok {
		return status
	}
	return http.StatusInternalServerError
}

// Error writes err as a problem response. A *portal.Error is shown as it is;
// anything else is logged in full for operators and shown as "Internal error".
func Error(w http.ResponseWriter, r *http.Request, log *slog.Logger, err error) {
	var pe *portal.Error
	if !errors.As(err, &pe) {
		// Errors from stores and clients carry no PHI: they are built from
		// operation names and AWS error codes, never from request values.
		log.ErrorContext(r.Context(), "internal error", "error", err.Error(), "route", r.Pattern)
		pe = &portal.Error{Kind: portal.KindInternal, Code: portal.CodeInternal,
			Detail: "Internal error. Please try again; if it keeps happening, contact provider services with the time of your request."}
	}
	status, ok := kindStatus[pe.Kind]
	if !ok {
		status = http.StatusInternalServerError
	}
	noteProblem(r, pe.Code)
	if pe.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((pe.RetryAfter+time.Second-1)/time.Second)))
	}
	WriteProblem(w, Problem{
		Type:                ProblemTypeBase + pe.Code,
		Title:               http.StatusText(status),
		Status:              status,
		Code:                pe.Code,
		Detail:              pe.Detail,
		Instance:            r.URL.Path,
		Errors:              pe.Fields,
		Reason:              pe.Reason,
		OpenCaseID:          pe.OpenCaseID,
		OpenAuthorizationID: pe.OpenAuthorizationID,
		DocumentUploadPath:  pe.DocumentUploadPath,
	})
}

// WriteProblem writes p as application/problem+json.
func WriteProblem(w http.ResponseWriter, p Problem) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(p.Status)
	_ = json.NewEncoder(w).Encode(p)
}

// NotFound answers every route the function does not serve.
func NotFound(log *slog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		Error(w, r, log, portal.Errorf(portal.KindNotFound, portal.CodeRouteNotFound,
			"This page or action does not exist.").WithReason("There is no "+r.Method+" "+r.URL.Path+" in this API: see /openapi.yaml for the routes."))
	})
}
