package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/aws/aws-lambda-go/lambdacontext"

	"github.com/openpayer/provider-portal/shared/emf"
)

// requestInfo lets handlers deeper in the chain tell the request log who
// called, without the log reading anything from the request itself.
type requestInfo struct{ provider, code string }

type requestInfoKey struct{}

// noteProblem tells the request log the code of the problem answered.
func noteProblem(r *http.Request, code string) {
	if ri, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		ri.code = code
	}
}

// NoteProvider tells the request log which provider organisation a
// request acted for, when the handler learns it (a system client's).
func NoteProvider(r *http.Request, p string) { noteProvider(r, p) }

func noteProvider(r *http.Request, p string) {
	if ri, ok := r.Context().Value(requestInfoKey{}).(*requestInfo); ok {
		ri.provider = p
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// LogRequests logs one line per request: the route pattern, never the path
// or query, which can hold member IDs and names.
func LogRequests(log *slog.Logger, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		ri := &requestInfo{}
		r = r.WithContext(context.WithValue(r.Context(), requestInfoKey{}, ri))
		next.ServeHTTP(sw, r)
		attrs := []any{"method", r.Method, "route", r.Pattern, "status", sw.status,
			"durationMs", time.Since(start).Milliseconds(), "requests", 1}
		// The line is also metrics: requests and duration by function, and
		// problems by function and code, so operators see which refusal
		// spikes.
		metrics := []emf.Directive{{Dimensions: []string{"function"},
			Metrics: []emf.Metric{{Name: "requests", Unit: "Count"}, {Name: "durationMs", Unit: "Milliseconds"}}}}
		if ri.code != "" {
			attrs = append(attrs, "code", ri.code, "problems", 1)
			metrics = append(metrics, emf.Directive{Dimensions: []string{"function", "code"},
				Metrics: []emf.Metric{{Name: "problems", Unit: "Count"}}})
		}
		attrs = append(attrs, emf.Attr(start, metrics...))
		if lc, ok := lambdacontext.FromContext(r.Context()); ok {
			attrs = append(attrs, "requestId", lc.AwsRequestID)
		}
		if ri.provider != "" {
			attrs = append(attrs, "provider", ri.provider)
		}
		log.InfoContext(r.Context(), "request", attrs...)
	})
}

// Audit records that a user read or wrote PHI: who, from where, what,
// when. It names records by claim numbers and upload IDs, never by member
// data.
func Audit(r *http.Request, log *slog.Logger, c Caller, action string, records ...string) {
	log.InfoContext(r.Context(), "audit", "audit", true, "action", action,
		"subject", c.Subject, "provider", string(c.Provider), "client", ClientAddress(r), "records", records,
		"at", time.Now().UTC().Format(time.RFC3339))
}
