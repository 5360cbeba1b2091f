package httpapi_test

import (
	"errors"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/openpayer/provider-portal/shared/httpapi"
	"github.com/openpayer/provider-portal/shared/portal"
)

type form struct {
	FileName    string      `json:"fileName"`
	Size        int64       `json:"size"`
	IDs         []string    `json:"uploadIds"`
	ServiceDate portal.Date `json:"serviceDate"`
}

func TestDecodeIsStrict(t *testing.T) {
	for body, want := range map[string]string{
		`{"fileName":"a.pdf","size":10}`:                     "",
		`{"fileName":"a.pdf","size":10,"uploadIds":["x"]}`:   "",
		` {"fileName":"a.pdf"} ` + "\n":                      "",
		`{"fileName":"a.pdf","size":10} garbage{`:            "more after the JSON object",
		`{"fileName":"a.pdf"}{"fileName":"b.pdf"}`:           "more after the JSON object",
		`{"fileName":"a.pdf","size":10,"size":1234}`:         `"size" is given twice`,
		`{"FileName":"a.pdf","size":10}`:                     `unknown field "FileName"`,
		`{"fileName":"a.pdf","colour":"blue"}`:               `unknown field "colour"`,
		`{"fileName":null,"size":10}`:                        `field "fileName" is null`,
		`{"fileName":"a.pdf","uploadIds":["x",null]}`:        `field "uploadIds" is null`,
		`{"fileName":"a.pdf","size":"ten"}`:                  "field size has the wrong type",
		`{"serviceDate":"2026-13-45"}`:                       "field serviceDate is not a date in the form YYYY-MM-DD",
		`{"serviceDate":20261001}`:                           "field serviceDate is not a date",
		`{"serviceDate":"2026-10-01"}`:                       "",
		`{"fileName":"a.pdf",`:                               "malformed JSON",
		``:                                                   "empty body",
		`{"fileName":"` + strings.Repeat("a", 70<<10) + `"}`: "over 64 KiB",
	} {
		req := httptest.NewRequest("POST", "/uploads", strings.NewReader(body))
		var f form
		err := httpapi.Decode(req, &f)
		if want == "" {
			if err != nil {
				t.Errorf("%.60s: %v", body, err)
			}
			continue
		}
		// The developer's terms go in the reason; the provider's detail
		// names no key, type or JSON.
		var pe *portal.Error
		if !errors.As(err, &pe) || pe.Code != portal.CodeInvalidJSON || !strings.Contains(pe.Reason, want) ||
			strings.Contains(pe.Detail, "JSON") || strings.Contains(pe.Detail, "field") {
			t.Errorf("%.60s: %+v, want INVALID_JSON with the reason %q", body, pe, want)
		}
	}
}

// A date that cannot be read is marked at its item, in the provider's words.
func TestAnUnreadableDateIsMarkedAtItsItem(t *testing.T) {
	err := httpapi.Decode(httptest.NewRequest("POST", "/x", strings.NewReader(`{"serviceDate":"2026-02-30"}`)), &form{})
	var pe *portal.Error
	if !errors.As(err, &pe) || pe.Fields["serviceDate"] != portal.SayNotADate {
		t.Errorf("%+v", pe)
	}
}

// A field name a client sent is echoed cut short, never whole.
func TestDecodeQuotesFieldNamesShort(t *testing.T) {
	long := strings.Repeat("x", 500)
	err := httpapi.Decode(httptest.NewRequest("POST", "/uploads", strings.NewReader(`{"`+long+`":1}`)), &form{})
	if err == nil || strings.Contains(err.Error(), long[:100]) {
		t.Errorf("%v", err)
	}
}

// The OpenAPI document's integers are JSON Schema's: any number without a
// fraction. Anything else is refused naming the field.
func TestDecodeTakesIntegersAsJSONSchemaDoes(t *testing.T) {
	type upload struct {
		Size portal.Integer `json:"size"`
	}
	for body, want := range map[string]int64{
		`{"size":1784725}`:          1784725,
		`{"size":1784725.0}`:        1784725,
		`{"size":1.5e3}`:            1500,
		`{"size":-0.0}`:             0,
		`{"size":1e400}`:            1<<63 - 1,
		`{"size":9007199254740993}`: 9007199254740993,
	} {
		var u upload
		if err := httpapi.Decode(httptest.NewRequest("POST", "/uploads", strings.NewReader(body)), &u); err != nil || int64(u.Size) != want {
			t.Errorf("%s: %d %v, want %d", body, u.Size, err, want)
		}
	}
	for _, body := range []string{`{"size":1.5}`, `{"size":"10"}`, `{"size":true}`, `{"size":1e-7}`} {
		var u upload
		err := httpapi.Decode(httptest.NewRequest("POST", "/uploads", strings.NewReader(body)), &u)
		var pe *portal.Error
		if !errors.As(err, &pe) || pe.Code != portal.CodeInvalidJSON || !strings.Contains(pe.Reason, "field size has the wrong type") || pe.Fields["size"] == "" {
			t.Errorf("%s: %+v, want INVALID_JSON marking size", body, pe)
		}
	}
}
