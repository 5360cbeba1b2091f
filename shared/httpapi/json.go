package httpapi

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"reflect"
	"strconv"
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
	if what := checkKeys(body, jsonNames(reflect.TypeOf(v))); what != "" {
		return invalid(what)
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var ute *json.UnmarshalTypeError
		if errors.As(err, &ute) && ute.Field == "" {
			// A field's own UnmarshalJSON (a date, an integer) failed, and
			// this Go does not say which field that was: find it.
			ute.Field = failingField(body, v)
		}
		return invalid(jsonProblem(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalid("there is more after the JSON object")
	}
	return nil
}

// jsonNames returns the JSON field names of the struct v points to, or nil.
func jsonNames(t reflect.Type) map[string]bool {
	if t == nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return nil
	}
	names := map[string]bool{}
	for _, f := range reflect.VisibleFields(t.Elem()) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if name != "-" && f.IsExported() {
			names[name] = true
		}
	}
	return names
}

// checkKeys walks a JSON document's tokens and says what is wrong with its
// keys: one given twice in an object, or a top-level one not exactly among
// allowed (encoding/json would take "FileName" for "fileName", and the last
// of two). Syntax errors are left to the decoder.
func checkKeys(body []byte, allowed map[string]bool) string {
	type frame struct {
		object, expectKey bool
		keys              map[string]bool
		last              string // the key whose value comes next
	}
	var stack []*frame
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return ""
		}
		if d, ok := tok.(json.Delim); ok {
			switch d {
			case '{', '[':
				f := &frame{object: d == '{', expectKey: d == '{', keys: map[string]bool{}}
				if n := len(stack); n > 0 {
					f.last = stack[n-1].last // an array's items are its field's
				}
				stack = append(stack, f)
			case '}', ']':
				stack = stack[:len(stack)-1]
				if n := len(stack); n > 0 && stack[n-1].object {
					stack[n-1].expectKey = true
				}
			}
			continue
		}
		if len(stack) == 0 {
			continue
		}
		top := stack[len(stack)-1]
		if top.object && top.expectKey {
			// a key: checked below
		} else {
			// No field of any route is nullable: encoding/json would take
			// null as "left out", which the client did not say.
			if tok == nil {
				return "field " + quoteName(top.last) + " is null; leave it out instead"
			}
			top.expectKey = top.object
			continue
		}
		key, _ := tok.(string)
		if top.keys[key] {
			return "field " + quoteName(key) + " is given twice"
		}
		top.keys[key] = true
		top.expectKey, top.last = false, key
		if len(stack) == 1 && allowed != nil && !allowed[key] {
			return "unknown field " + quoteName(key) + "; field names are case-sensitive"
		}
	}
}

// failingField returns the top-level field of body that does not decode
// into its field of the struct v points to, or "" if none alone fails.
func failingField(body []byte, v any) string {
	var raw map[string]json.RawMessage
	t := reflect.TypeOf(v)
	if json.Unmarshal(body, &raw) != nil || t.Kind() != reflect.Pointer || t.Elem().Kind() != reflect.Struct {
		return ""
	}
	for _, f := range reflect.VisibleFields(t.Elem()) {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "" {
			name = f.Name
		}
		if msg, ok := raw[name]; ok && f.IsExported() {
			if json.Unmarshal(msg, reflect.New(f.Type).Interface()) != nil {
				return name
			}
		}
	}
	return ""
}

// quoteName quotes a field name a client sent, cut to 40 characters.
func quoteName(s string) string {
	if r := []rune(s); len(r) > 40 {
		s = string(r[:40]) + "…"
	}
	return strconv.Quote(s)
}

// jsonProblem names what is wrong without echoing the input, which can hold PHI.
func jsonProblem(err error) string {
	var ute *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &ute) && ute.Type == reflect.TypeFor[portal.Date]():
		return "field " + ute.Field + " is not a date in the form YYYY-MM-DD"
	case errors.As(err, &ute):
		return "field " + ute.Field + " has the wrong type"
	case errors.As(err, &se):
		return "malformed JSON"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	case errors.Is(err, io.EOF):
		return "empty body"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: it ends too soon"
	}
	var mbe *http.MaxBytesError
	if errors.As(err, &mbe) {
		return "body over 64 KiB"
	}
	return "invalid value"
}
