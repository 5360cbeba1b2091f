package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Encode writes v as JSON with the given status. Responses hold PHI, so no
// cache may keep them. Links are written as they are ("&", not "\u0026"):
// this is an API, not HTML, and a pasted link must work.
func Encode(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

// Decode reads a JSON request body of at most 64 KiB into v, refusing
// unknown fields, so that a misspelt field is reported, not ignored.
func Decode(r *http.Request, v any) error {
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 64<<10))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return &portal.Error{Kind: portal.KindInvalid, Code: portal.CodeInvalidJSON,
			Detail: "The request body is not the JSON this route takes (" + jsonProblem(err) + "). See /openapi.yaml."}
	}
	return nil
}

// jsonProblem names what is wrong without echoing the input, which can hold PHI.
func jsonProblem(err error) string {
	var ute *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &ute):
		return "field " + ute.Field + " has the wrong type"
	case errors.As(err, &se):
		return "malformed JSON"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case errors.Is(err, io.EOF):
		return "empty body"
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return "body over 64 KiB"
	}
	return "invalid value"
}
