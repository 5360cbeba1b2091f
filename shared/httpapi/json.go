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
	body, err := io.ReadAll(http.MaxBytesReader(nil, r.Body, 64<<10))
	if err == nil {
		err = strictjson.Decode(body, v)
	}
	if err != nil {
		return unreadable(err)
	}
	return nil
}

// unreadable is the problem of a request that could not be read: in the
// provider's words, with the item at fault marked where one is known, and
// the developer's reason beside them.
func unreadable(err error) error {
	pe := &portal.Error{Kind: portal.KindInvalid, Code: portal.CodeInvalidJSON,
		Detail: "What was sent could not be read, so nothing was saved. Send it again; if this keeps happening, contact provider services.",
		Reason: "The request body is not the JSON this route takes (" + jsonProblem(err) + "). See /openapi.yaml."}
	var ute *json.UnmarshalTypeError
	if errors.As(err, &ute) && ute.Field != "" {
		pe.Detail = "An item could not be read, so nothing was saved. Correct the item marked and send again."
		pe.Fields = map[string]string{ute.Field: "This is not the kind of value this item takes."}
		if ute.Type == reflect.TypeFor[portal.Date]() {
			pe.Fields[ute.Field] = portal.SayNotADate
		}
	}
	return pe
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
