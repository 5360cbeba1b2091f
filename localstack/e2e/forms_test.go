package e2e_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/shared/portal"
)

// emptyForms is where the portal keeps the API's answer to each of its
// forms sent empty: the sentences it shows before sending, so that what it
// says at a field is what the API would say, word for word.
var emptyForms = filepath.Join("..", "..", "web", "src", "empty-forms.json")

// The portal checks a form before sending it, with the API's own sentences:
// web/src/empty-forms.json holds, for each form, the field problems the API
// answers when it is sent empty. This test holds the file to the running
// API's answers; `UPDATE_EMPTY_FORMS=1 go test -run TestThePortal
// ./localstack/e2e` writes it again after a sentence changes.
func TestThePortalChecksFormsWithTheAPIsSentences(t *testing.T) {
	a := token(t, sampledata.ProviderA.TIN)
	forms := map[string]string{
		"claimAttachment": "/claim-attachments",
		"documentUpload":  "/claims/C10000000002/document-submissions",
		"coverage":        "/members/coverage/search",
		"cobReport":       "/members/" + sampledata.MemberAvery + "/cob",
		"authorization":   "/authorizations",
		"dispute":         "/disputes",
		"appeal":          "/appeals",
	}
	got := map[string]map[string]string{}
	for name, path := range forms {
		status, body := call(t, a, "POST", path, map[string]any{})
		var p struct {
			Code   string
			Errors map[string]string
		}
		if err := json.Unmarshal(body, &p); err != nil || status != 400 || len(p.Errors) == 0 {
			t.Fatalf("%s sent empty: %d %s %v", name, status, body, err)
		}
		got[name] = p.Errors
	}
	want, err := json.MarshalIndent(got, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	want = append(want, '\n')
	if os.Getenv("UPDATE_EMPTY_FORMS") != "" {
		if err := os.WriteFile(emptyForms, want, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	have, err := os.ReadFile(emptyForms)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(have, want) {
		t.Errorf("%s is not what the API answers to empty forms: run UPDATE_EMPTY_FORMS=1 go test -run TestThePortal ./localstack/e2e\nthe API:\n%s", emptyForms, want)
	}
}

// The sentences the portal writes itself are the catalogue's: a date the
// browser cannot read, and a form's detail for one field or several.
func TestThePortalsOwnSentencesAreTheCatalogues(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("..", "..", "web", "src", "precheck.ts"))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{portal.SayNotADate, portal.SayOneField, strings.Replace(portal.SayFields, "%d", "${n}", 1)} {
		if !strings.Contains(string(src), "'"+s+"'") && !strings.Contains(string(src), "`"+s+"`") {
			t.Errorf("web/src/precheck.ts does not say %q as the API does", s)
		}
	}
}
