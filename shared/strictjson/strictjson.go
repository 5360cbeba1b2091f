// Package strictjson decodes JSON as this project's boundaries need it: a
// field the type does not declare (in any letter case), a field given twice,
// a null and anything after the value are refused, not ignored or half
// applied. The API's request bodies and the decision events from the plan's
// systems are read through it. It names what is wrong without echoing the
// input, which can hold PHI.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"reflect"
	"strconv"
	"strings"
)

// Error says what is wrong with a document's shape: a key, a null, data after
// the value.
type Error struct{ Problem string }

func (e *Error) Error() string { return e.Problem }

// Decode decodes body into v, which points to a struct, strictly. Errors are
// an *Error, or the decoder's own (a *json.SyntaxError, a
// *json.UnmarshalTypeError with its field named, io.EOF for nothing at all):
// Describe words either.
func Decode(body []byte, v any) error {
	if what := checkKeys(body, jsonNames(reflect.TypeOf(v))); what != "" {
		return &Error{Problem: what}
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
		return err
	}
	if _, err := dec.Token(); err != io.EOF {
		return &Error{Problem: "there is more after the JSON object"}
	}
	return nil
}

// Describe words an error from Decode, naming a field where one is at fault.
func Describe(err error) string {
	var se *Error
	var ute *json.UnmarshalTypeError
	var syn *json.SyntaxError
	switch {
	case errors.As(err, &se):
		return se.Problem
	case errors.As(err, &ute):
		return "field " + ute.Field + " has the wrong type"
	case errors.As(err, &syn):
		return "malformed JSON"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		name, uerr := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
		if uerr != nil {
			name = ""
		}
		return "unknown field " + quoteName(name)
	case errors.Is(err, io.EOF):
		return "empty body"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: it ends too soon"
	}
	return "invalid value"
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

// quoteName quotes a field name a sender used, when it is a name (letters,
// digits and underscores, at most 40 characters): anything else could be
// a value sent by mistake as a key, so it is not repeated.
func quoteName(s string) string {
	ok := s != "" && len(s) <= 40
	for _, r := range s {
		ok = ok && (r == '_' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z')
	}
	if !ok {
		return "(a name that is not a field name)"
	}
	return strconv.Quote(s)
}
