package strictjson_test

import (
	"strings"
	"testing"

	"github.com/openpayer/provider-portal/shared/strictjson"
)

type event struct {
	ID    string   `json:"id"`
	Count int      `json:"count"`
	Tags  []string `json:"tags"`
	Inner *struct {
		Name string `json:"name"`
	} `json:"inner"`
}

// What is wrong is named by the field, and what was sent is never repeated:
// a key that is not a plain name may be a value sent by mistake.
func TestDecodeNamesTheFieldNotTheValue(t *testing.T) {
	for body, want := range map[string]string{
		`{"id":"a","count":1}`:                         "",
		"\n {\"id\":\"a\"} \t\n":                       "",
		`{"id":"a"} }}GARBAGE{{`:                       "more after the JSON object",
		`{"id":"a"}{"id":"b"}`:                         "more after the JSON object",
		`{"id":"a","id":"b"}`:                          `"id" is given twice`,
		`{"ID":"a"}`:                                   `unknown field "ID"`,
		`{"id":"a","patientName":"Jane Roe"}`:          `unknown field "patientName"`,
		`{"id":"a","Jane Roe 1970-01-01":1}`:           "unknown field (a name that is not a field name)",
		`{"id":"a","inner":{"name":"x","dob":"1970"}}`: `unknown field "dob"`,
		`{"id":null}`:                                  `field "id" is null`,
		`{"id":"a","count":"Jane Roe"}`:                "field count has the wrong type",
		`{"id":"a"`:                                    "malformed JSON",
		``:                                             "empty body",
		`[1,2]`:                                        "wrong type",
	} {
		var e event
		err := strictjson.Decode([]byte(body), &e)
		if want == "" {
			if err != nil {
				t.Errorf("%s: %v", body, err)
			}
			continue
		}
		if err == nil {
			t.Errorf("%s: accepted", body)
			continue
		}
		got := strictjson.Describe(err)
		if !strings.Contains(got, want) {
			t.Errorf("%s: %q, want %q", body, got, want)
		}
		if strings.Contains(got, "Jane") || strings.Contains(got, "1970") {
			t.Errorf("%s: the problem repeats a value: %q", body, got)
		}
	}
}
