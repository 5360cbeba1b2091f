package portal_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// developer is language a provider should never read: a snake_case or
// camelCase name, a code, or a word about the API's plumbing.
var developer = regexp.MustCompile(`\b[a-z]+_[a-z_]+\b|\b[a-z]+[A-Z][A-Za-z]*\b|\b[A-Z]{2,}_[A-Z_]+\b|(?i)\b(json|body|route|openapi|endpoint|null|uploadids?|enum|field)\b`)

// Every sentence of the catalogue (problems.go) reads as the plan's words:
// each string in the file, and each sentence its helpers make.
func TestTheCataloguesSentencesAreTheProvidersWords(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "problems.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	ast.Inspect(f, func(node ast.Node) bool {
		lit, ok := node.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return true
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		n++
		if m := developer.FindString(s); m != "" {
			t.Errorf("%q says %q", s, m)
		}
		return true
	})
	if n < 20 {
		t.Fatalf("read %d strings: the catalogue was not read", n)
	}
	p := portal.Problems{}
	p.Required("memberId", "the member ID")
	p.Choose("disputeType", "a dispute type")
	p.Answer("reasons.new_information.answer")
	p.Text("notes", "the notes", strings.Repeat("x", 11), 10, true, true)
	p.Text("contactName", "the contact name", "a\x00b", 10, true, false)
	p.Uploads("uploadIds", nil, true)
	for field, s := range p {
		if m := developer.FindString(s); m != "" || !strings.HasSuffix(s, ".") {
			t.Errorf("%s: %q says %q", field, s, m)
		}
	}
	// The test itself: it finds what it is there to find.
	for _, bad := range []string{"dateOfService is empty", "one of payment_amount", "INVALID_REQUEST", "The request body is not JSON"} {
		if developer.FindString(bad) == "" {
			t.Errorf("the check misses %q", bad)
		}
	}
}

// One answer lists every problem; one field alone keeps the code clients
// already handle (INVALID_EMAIL for the email alone).
func TestEveryProblemInOneAnswer(t *testing.T) {
	r := portal.SubmissionRequest{}
	err := portal.CheckProactiveForm(&r)
	pe, ok := err.(*portal.Error)
	if !ok || pe.Code != portal.CodeInvalidRequest {
		t.Fatalf("an empty Claim Attachment: %v", err)
	}
	for _, f := range []string{"memberId", "serviceDate", "submissionReason", "contactEmail", "uploadIds"} {
		if pe.Fields[f] == "" {
			t.Errorf("%s is not named: %v", f, pe.Fields)
		}
	}
	r = portal.SubmissionRequest{MemberID: "100000001", ServiceDate: portal.DateOf(time.Now()), Reason: "operative_report",
		ContactEmail: "not-an-email", UploadIDs: []string{"UP1"}}
	if pe, ok := portal.CheckProactiveForm(&r).(*portal.Error); !ok || pe.Code != portal.CodeInvalidEmail || len(pe.Fields) != 1 {
		t.Errorf("the email alone: %+v", pe)
	}
}
