package portal_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
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

// Every sentence a provider may read, wherever the code writes it: each
// problem's Detail and each field message written as a literal in shared/,
// and the format of every refusal. Reasons (for developers) are exempt.
func TestEveryProblemSentenceIsInTheProvidersWords(t *testing.T) {
	dirs, err := filepath.Glob(filepath.Join("..", "*"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	check := func(pos token.Position, e ast.Expr) {
		lit, ok := e.(*ast.BasicLit)
		if !ok || lit.Kind != token.STRING {
			return
		}
		s, err := strconv.Unquote(lit.Value)
		if err != nil {
			t.Fatal(err)
		}
		n++
		if m := developer.FindString(s); m != "" {
			t.Errorf("%s: %q says %q", pos, s, m)
		}
	}
	for _, dir := range dirs {
		if filepath.Base(dir) == "openapi" || filepath.Base(dir) == "storetest" {
			continue
		}
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		for _, name := range files {
			if strings.HasSuffix(name, "_test.go") {
				continue
			}
			fset := token.NewFileSet()
			f, err := parser.ParseFile(fset, name, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(f, func(node ast.Node) bool {
				switch x := node.(type) {
				case *ast.KeyValueExpr:
					if k, ok := x.Key.(*ast.Ident); ok && k.Name == "Detail" {
						check(fset.Position(x.Pos()), x.Value)
					}
					if k, ok := x.Key.(*ast.Ident); ok && k.Name == "Fields" {
						if m, ok := x.Value.(*ast.CompositeLit); ok {
							for _, el := range m.Elts {
								if kv, ok := el.(*ast.KeyValueExpr); ok {
									check(fset.Position(kv.Pos()), kv.Value)
								}
							}
						}
					}
				case *ast.CallExpr:
					name := ""
					switch fn := x.Fun.(type) {
					case *ast.Ident:
						name = fn.Name
					case *ast.SelectorExpr:
						name = fn.Sel.Name
					}
					if name == "refused" && len(x.Args) > 1 {
						check(fset.Position(x.Pos()), x.Args[1])
					}
					if name == "Errorf" && len(x.Args) > 2 {
						check(fset.Position(x.Pos()), x.Args[2])
					}
					if name == "badQuery" && len(x.Args) > 3 {
						check(fset.Position(x.Pos()), x.Args[1])
						check(fset.Position(x.Pos()), x.Args[3])
					}
				}
				return true
			})
		}
	}
	if n < 50 {
		t.Fatalf("read %d sentences: the code was not read", n)
	}
}
