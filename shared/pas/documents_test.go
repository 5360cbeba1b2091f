package pas_test

import (
	"crypto/sha1"
	"encoding/base64"
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/openpayer/provider-portal/shared/pas"
	"github.com/openpayer/provider-portal/shared/pas/pastest"
)

// The referral example's procedure note (a DocumentReference named by an
// additionalInformation supportingInfo) is read as the document it is.
func TestThePackagesInlineDocumentIsRead(t *testing.T) {
	r, err := pas.Read(example(t, "Bundle-ReferralAuthorizationBundleExample.json"))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Documents) != 1 {
		t.Fatalf("%d documents", len(r.Documents))
	}
	d := r.Documents[0]
	if d.ContentType != "text/plain" || string(d.Data) != "This is sample base64 encoding." || !strings.HasSuffix(d.Where, ".content[0].attachment") {
		t.Errorf("%+v", d)
	}
	if r.Locate("uploadIds") != "Bundle.entry[0].resource.supportingInfo" {
		t.Errorf("uploadIds at %q", r.Locate("uploadIds"))
	}
}

// Documents added as a test adds them, and one a supportingInfo holds
// itself, are read in their order, with their titles.
func TestDocumentsAreReadInTheirOrder(t *testing.T) {
	body := pastest.WithDocuments(t, example(t, "Bundle-MedicalServicesAuthorizationBundleExample.json"),
		pastest.Doc{Title: "note.pdf", ContentType: "application/pdf", Data: []byte("%PDF-1.7 one")},
		pastest.Doc{ContentType: "image/png", Data: []byte("two")})
	body = editClaim(t, body, func(claim map[string]any) {
		infos := claim["supportingInfo"].([]any)
		sum := sha1.Sum([]byte("three"))
		size := 5
		claim["supportingInfo"] = append(infos, map[string]any{"sequence": 9, "category": map[string]any{"text": "attachment"},
			"valueAttachment": map[string]any{"contentType": "text/plain", "data": base64.StdEncoding.EncodeToString([]byte("three")),
				"size": size, "hash": base64.StdEncoding.EncodeToString(sum[:])}})
	})
	r, err := pas.Read(body)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, d := range r.Documents {
		got = append(got, d.Title+"|"+d.ContentType+"|"+string(d.Data))
	}
	want := []string{"note.pdf|application/pdf|%PDF-1.7 one", "|image/png|two", "|text/plain|three"}
	if !slices.Equal(got, want) {
		t.Errorf("documents %q, want %q", got, want)
	}
}

// A document the plan cannot take as sent is refused at its place, every
// one at once: a link, no content, damaged content (not base64, another
// size or hash than stated), a reference to nothing or to what is not a
// document, more than twenty.
func TestDocumentsThatCannotBeTakenAreRefusedAtTheirPlace(t *testing.T) {
	medical := example(t, "Bundle-MedicalServicesAuthorizationBundleExample.json")
	doc := pastest.Doc{ContentType: "application/pdf", Data: []byte("%PDF-1.7")}
	attachment := func(body []byte, f func(a map[string]any)) []byte {
		var b map[string]any
		if err := json.Unmarshal(body, &b); err != nil {
			t.Fatal(err)
		}
		entries := b["entry"].([]any)
		last := entries[len(entries)-1].(map[string]any)["resource"].(map[string]any)
		f(last["content"].([]any)[0].(map[string]any)["attachment"].(map[string]any))
		out, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	one := pastest.WithDocuments(t, medical, doc)
	n := len(entries(t, one)) - 1
	at := func(suffix string) string {
		return "Bundle.entry[" + strconv.Itoa(n) + "].resource.content[0].attachment" + suffix
	}
	many := make([]pastest.Doc, pas.MaxDocuments+1)
	for i := range many {
		many[i] = doc
	}
	for name, tc := range map[string]struct {
		body []byte
		at   []string
	}{
		"a link":       {attachment(one, func(a map[string]any) { delete(a, "data"); a["url"] = "https://ehr.example/doc/1" }), []string{at("")}},
		"empty":        {attachment(one, func(a map[string]any) { delete(a, "data") }), []string{at("")}},
		"not base64":   {attachment(one, func(a map[string]any) { a["data"] = "%%%" }), []string{at(".data")}},
		"another size": {attachment(one, func(a map[string]any) { a["size"] = 99 }), []string{at(".size")}},
		"another hash": {attachment(one, func(a map[string]any) { a["hash"] = base64.StdEncoding.EncodeToString(make([]byte, 20)) }),
			[]string{at(".hash")}},
		"a reference to nothing": {editClaim(t, one, func(claim map[string]any) {
			infos := claim["supportingInfo"].([]any)
			infos[len(infos)-1].(map[string]any)["valueReference"] = map[string]any{"reference": "DocumentReference/elsewhere"}
		}), []string{"Bundle.entry[0].resource.supportingInfo[" + strconv.Itoa(lastInfo(t, one)) + "].valueReference"}},
		"a reference to a patient": {editClaim(t, one, func(claim map[string]any) {
			infos := claim["supportingInfo"].([]any)
			infos[len(infos)-1].(map[string]any)["valueReference"] = claim["patient"]
		}), []string{"Bundle.entry[0].resource.supportingInfo[" + strconv.Itoa(lastInfo(t, one)) + "].valueReference"}},
		"twenty-one": {pastest.WithDocuments(t, medical, many...), []string{"Bundle.entry[0].resource.supportingInfo"}},
		"a size that is no number": {attachment(one, func(a map[string]any) { a["size"] = "eight" }),
			[]string{"Bundle.entry[" + strconv.Itoa(n) + "].resource"}},
	} {
		refusedAt(t, name, tc.body, tc.at)
	}
}

func editClaim(t *testing.T, body []byte, f func(claim map[string]any)) []byte {
	t.Helper()
	var b map[string]any
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	f(b["entry"].([]any)[0].(map[string]any)["resource"].(map[string]any))
	out, err := json.Marshal(b)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func entries(t *testing.T, body []byte) []any {
	t.Helper()
	var b struct{ Entry []any }
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	return b.Entry
}

func lastInfo(t *testing.T, body []byte) int {
	t.Helper()
	var b struct {
		Entry []struct {
			Resource struct{ SupportingInfo []any }
		}
	}
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	return len(b.Entry[0].Resource.SupportingInfo) - 1
}
