// Package portal is the provider portal's domain: its types, the plan's rules
// and the interfaces of the services that store them. It imports no AWS
// package; adapters in sibling packages implement the interfaces.
//
// Each workflow's rules are in the files named after it:
//   - claims*.go: claims, their search, the claims feed; members.go the
//     members claims and authorizations are found by;
//   - attachments.go: uploads, their verdicts, documents attached to a claim;
//   - authorizations*.go: retro authorizations, their form, their states
//     and decisions;
//   - cases*.go: disputes and appeals (the two families, their forms,
//     states, decisions and writes);
//   - letters.go: acknowledgement and decision letters.
//
// What every workflow shares: plan.go (the plan's rules as data), codes.go
// (every code a program sees), error.go, outbox.go, store.go, idempotency.go,
// and the value types (date, money, integer, id).
package portal

import (
	"errors"
	"fmt"
	"time"
)

// Kind groups error codes by how a client should react to them. The HTTP
// layer maps each kind to one status code.
type Kind int

const (
	KindInternal     Kind = iota // a fault of ours: the provider sees "Internal error"
	KindInvalid                  // the request itself is wrong and should be corrected
	KindNotFound                 // absent, or not the caller's to see
	KindConflict                 // the request clashes with the current state
	KindRefused                  // well formed, but a business rule says no
	KindUnauthorized             // the caller is not identified as a provider
	KindTooMany                  // the caller did this too often lately: try again after RetryAfter
)

// Error is the domain's one error type: a stable machine code and a sentence
// that tells the provider what to do instead.
type Error struct {
	Kind   Kind
	Code   string
	Detail string
	// Fields names the offending inputs, input name -> what is wrong with it.
	Fields map[string]string
	// Reason is what a program sent wrong, in a developer's terms, for the
	// people who build clients (the problem's "reason"); Detail and Fields
	// are the provider's words.
	Reason string
	// OpenCaseID is the case already open on the claim (CASE_ALREADY_OPEN):
	// data a client links to, so not one of Fields, which are the inputs at
	// fault.
	OpenCaseID string
	// OpenAuthorizationID is the open request a new one would duplicate
	// (DUPLICATE_AUTHORIZATION).
	OpenAuthorizationID string
	// DocumentUploadPath is the claim's Document Upload, where the document
	// a refusal asks for goes instead (UPLOAD_RECORDS_ON_CLAIM).
	DocumentUploadPath string
	// RetryAfter is when a KindTooMany problem may be tried again.
	RetryAfter time.Duration
}

// WithReason adds the developer's reason to a problem.
func (e *Error) WithReason(reason string) *Error {
	e.Reason = reason
	return e
}

func (e *Error) Error() string { return e.Code + ": " + e.Detail }

// Errorf returns an *Error of the given kind and code.
func Errorf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Detail: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err when it is, or wraps, an *Error, and
// "INTERNAL" otherwise.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}
