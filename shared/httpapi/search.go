package httpapi

import (
	"net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"

	"github.com/openpayer/provider-portal/shared/portal"
)

// SearchBody serves a search whose criteria hold PHI (member IDs, names,
// dates of birth) as a POST with the criteria in a JSON body, so that they
// stay out of URLs: out of the browser's address and history, and out of
// every log of a URL between it and the function. The body is decoded
// strictly into a T (a struct of *string and *int fields: nil when left
// out), and the GET handler runs with those fields as its query: one
// parser, one set of rules and answers for both.
func SearchBody[T any](get ProviderHandler) ProviderHandler {
	return func(w http.ResponseWriter, r *http.Request, caller Caller) error {
		var body T
		if err := Decode(r, &body); err != nil {
			return err
		}
		q, empty := asQuery(&body)
		if empty != "" {
			return &portal.Error{Kind: portal.KindInvalid, Code: portal.CodeInvalidJSON,
				Detail: "Fill in the item marked, or leave it out of the search, then search again.",
				Fields: map[string]string{empty: "Fill this in, or leave it out of the search."},
				Reason: "The request body is not the JSON this route takes (" + empty + " is empty: leave it out). See /openapi.yaml."}
		}
		r2 := r.Clone(r.Context())
		r2.URL.RawQuery = q.Encode()
		return get(w, r2, caller)
	}
}

// asQuery lists v's set fields by their JSON names, and names the first
// string given empty: in a body, a criterion is given or left out, so an
// empty one is a mistake to report, not a criterion to drop.
func asQuery(v any) (q url.Values, empty string) {
	q = url.Values{}
	rv := reflect.ValueOf(v).Elem()
	for i := range rv.NumField() {
		f, name := rv.Field(i), strings.Split(rv.Type().Field(i).Tag.Get("json"), ",")[0]
		if f.Kind() != reflect.Pointer || f.IsNil() { // left out
			continue
		}
		f = f.Elem()
		switch f.Kind() {
		case reflect.String:
			if f.String() != "" {
				q.Set(name, f.String())
			} else if empty == "" {
				empty = name
			}
		case reflect.Int:
			q.Set(name, strconv.FormatInt(f.Int(), 10))
		}
	}
	return q, empty
}
