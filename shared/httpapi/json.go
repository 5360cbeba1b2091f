package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"

	"github.com/openpayer/provider-portal/shared/portal"
	"github.com/openpayer/provider-portal/shared/strictjson"
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

// Decode reads a JSON request body of at most 64 KiB into v, strictly: an
// unknown field, a field in another case than the API's, a field given twice
// and anything after the object are refused with the field named, so that a
// misspelt or smuggled field is reported, not ignored or half-applied.
func Decode(r *http.Request, v any) error {
	invalid := func(what string) error {
		return &portal.Error{Kind: portal.KindInvalid, Code: portal.CodeInvalidJSON,
			Detail: "The request body is not the JSON this route takes (" + what + "). See /openapi.yaml."}
	}
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 64<<10))
	if err != nil {
		return invalid(jsonProblem(err))
	}
	if err := strictjson.Decode(body, v); err != nil {
		return invalid(jsonProblem(err))
	}
	return nil
}

// jsonProblem names what is wrong without echoing the input, which can hold PHI.
func jsonProblem(err error) string {
	var ute *json.UnmarshalTypeError
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &ute) && ute.Type == reflect.TypeFor[portal.Date]():
		return "field " + ute.Field + " is not a date in the form YYYY-MM-DD"
	case errors.As(err, &mbe):
		return "body over 64 KiB"
	}
	return strictjson.Describe(err)
}
