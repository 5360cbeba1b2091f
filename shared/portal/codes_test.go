package portal_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"maps"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/openpayer/provider-portal/shared/openapi"
	"github.com/openpayer/provider-portal/shared/portal"
)

// declaredCodes reads codes.go: each code's name and value, by the kind its
// block's comment names ("Problem codes", "Verdict codes", "Message codes").
func declaredCodes(t *testing.T) (byKind map[string]map[string]string) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), "codes.go", nil, parser.ParseComments)
	if err != nil {
		t.Fatal(err)
	}
	byKind = map[string]map[string]string{}
	values := map[string]string{}
	for _, decl := range f.Decls {
		gd, ok := decl.(*ast.GenDecl)
		if !ok || gd.Tok != token.CONST {
			continue
		}
		kind, _, _ := strings.Cut(gd.Doc.Text(), " codes")
		if kind != "Problem" && kind != "Verdict" && kind != "Message" {
			t.Fatalf("a block of codes.go says no kind: %q", gd.Doc.Text())
		}
		for _, spec := range gd.Specs {
			vs := spec.(*ast.ValueSpec)
			value, err := strconv.Unquote(vs.Values[0].(*ast.BasicLit).Value)
			if err != nil {
				t.Fatal(err)
			}
			name := vs.Names[0].Name
			if other, ok := values[value]; ok {
				t.Errorf("%s and %s are both %s", name, other, value)
			}
			values[value] = name
			if byKind[kind] == nil {
				byKind[kind] = map[string]string{}
			}
			byKind[kind][name] = value
		}
	}
	return byKind
}

// enum returns the values a property of a schema of the OpenAPI document
// lists.
func enum(t *testing.T, schema, property string) []string {
	t.Helper()
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct {
					Enum []string `yaml:"enum"`
				} `yaml:"properties"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(openapi.Document, &doc); err != nil {
		t.Fatal(err)
	}
	return doc.Components.Schemas[schema].Properties[property].Enum
}

// Every code is declared once, in codes.go; the OpenAPI document lists
// exactly the problem codes as Problem.code, and every verdict code as an
// upload's rejectCode; and every code is used by the code outside codes.go.
func TestCodesAreDeclaredOnceDocumentedAndUsed(t *testing.T) {
	codes := declaredCodes(t)
	var problems []string
	for _, v := range codes["Problem"] {
		problems = append(problems, v)
	}
	slices.Sort(problems)
	documented := slices.Sorted(slices.Values(enum(t, "Problem", "code")))
	if !slices.Equal(problems, documented) {
		for _, c := range problems {
			if !slices.Contains(documented, c) {
				t.Errorf("problem code %s is not in the OpenAPI document's Problem.code", c)
			}
		}
		for _, c := range documented {
			if !slices.Contains(problems, c) {
				t.Errorf("the OpenAPI document's Problem.code lists %s, which codes.go does not declare as a problem code", c)
			}
		}
	}
	verdicts := enum(t, "Upload", "rejectCode")
	for name, v := range codes["Verdict"] {
		if !slices.Contains(verdicts, v) {
			t.Errorf("verdict code %s (%s) is not in the OpenAPI document's Upload.rejectCode", v, name)
		}
	}
	for _, v := range verdicts {
		if _, ok := codes["Verdict"][nameOf(codes, v)]; !ok && !slices.Contains(problems, v) {
			t.Errorf("Upload.rejectCode lists %s, which codes.go does not declare", v)
		}
	}
	for _, v := range codes["Message"] {
		if slices.Contains(documented, v) || slices.Contains(verdicts, v) {
			t.Errorf("message code %s is documented as an API answer", v)
		}
	}

	used := map[string]bool{}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") ||
			filepath.Base(path) == "codes.go" || strings.Contains(path, "storetest") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && strings.HasPrefix(id.Name, "Code") {
				used[id.Name] = true
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, kind := range codes {
		for name := range kind {
			if !used[name] {
				t.Errorf("%s is declared but nothing in shared/ sends it", name)
			}
		}
	}
}

func nameOf(codes map[string]map[string]string, value string) string {
	for _, kind := range codes {
		for name, v := range kind {
			if v == value {
				return name
			}
		}
	}
	return ""
}

// The dispute form's lists, which clients read from the API, are exactly
// what the OpenAPI document lists as the form's values.
func TestTheDisputeChoicesAreTheDocumentsValues(t *testing.T) {
	for property, choices := range map[string][]portal.Choice{"disputeType": portal.DisputeTypes, "issueCategory": portal.IssueCategories} {
		if got, want := portal.Values(choices), enum(t, "DisputeForm", property); !slices.Equal(got, want) {
			t.Errorf("%s: the API lists %v, the document %v", property, got, want)
		}
		for _, c := range choices {
			if c.Label == "" || strings.Contains(c.Label, "_") {
				t.Errorf("%s %s: label %q is not words", property, c.Value, c.Label)
			}
		}
	}
}

// Each problem code's line in the document's Problem.code description gives
// the statuses the code is sent with: those of the kinds shared/ builds it
// with (Errorf(kind, code, ...), Error{Kind: kind, Code: code} and
// refused(code, ...)); no problem is built with a literal code, which would
// pass by codes.go and the document.
func TestEachCodesMeaningAndStatusAreDocumented(t *testing.T) {
	status := map[string]string{"KindInvalid": "400", "KindNotFound": "404", "KindConflict": "409",
		"KindRefused": "422", "KindUnauthorized": "403", "KindInternal": "500", "KindTooMany": "429"}
	sent := map[string]map[string]bool{} // code name -> statuses
	note := func(kind, code ast.Expr) {
		if lit, ok := code.(*ast.BasicLit); ok {
			t.Errorf("a problem built with the literal code %s: declare it in codes.go, and in the document", lit.Value)
			return
		}
		k, ok1 := selectorName(kind)
		c, ok2 := selectorName(code)
		if !ok1 || !ok2 || !strings.HasPrefix(c, "Code") {
			return
		}
		s, ok := status[k]
		if !ok {
			t.Errorf("%s is sent with %s, which has no status here", c, k)
			return
		}
		if sent[c] == nil {
			sent[c] = map[string]bool{}
		}
		sent[c][s] = true
	}
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") || strings.Contains(path, "storetest") {
			return err
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.CallExpr:
				switch name, _ := selectorName(n.Fun); {
				case name == "Errorf" && len(n.Args) >= 2:
					note(n.Args[0], n.Args[1])
				case name == "refused" && len(n.Args) >= 1: // portal's Error{Kind: KindRefused, Code: code}
					note(ast.NewIdent("KindRefused"), n.Args[0])
				}
			case *ast.CompositeLit:
				var kind, code ast.Expr
				for _, e := range n.Elts {
					if kv, ok := e.(*ast.KeyValueExpr); ok {
						switch key, _ := kv.Key.(*ast.Ident); {
						case key == nil:
						case key.Name == "Kind":
							kind = kv.Value
						case key.Name == "Code":
							code = kv.Value
						}
					}
				}
				if kind != nil && code != nil {
					note(kind, code)
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Components struct {
			Schemas map[string]struct {
				Properties map[string]struct{ Description string } `yaml:"properties"`
			} `yaml:"schemas"`
		} `yaml:"components"`
	}
	if err := yaml.Unmarshal(openapi.Document, &doc); err != nil {
		t.Fatal(err)
	}
	lines := map[string]string{}
	for _, l := range strings.Split(doc.Components.Schemas["Problem"].Properties["code"].Description, "\n") {
		if code, rest, ok := strings.Cut(strings.TrimPrefix(l, "- `"), "` "); ok && strings.HasPrefix(l, "- `") {
			lines[code] = rest
		}
	}
	codes := declaredCodes(t)
	checked := 0
	for name, value := range codes["Problem"] {
		line, ok := lines[value]
		if !ok {
			t.Errorf("%s has no line of its own, with its meaning, in Problem.code's description", value)
			continue
		}
		statuses := slices.Sorted(maps.Keys(sent[name]))
		if len(statuses) == 0 {
			continue // built elsewhere than with a literal kind (the idempotency store's, the route's)
		}
		checked++
		if want := "(" + strings.Join(statuses, " or ") + "):"; !strings.HasPrefix(line, want) {
			t.Errorf("%s: the document says %q; the code sends it with %s", value, line, want)
		}
	}
	if checked < 50 {
		t.Errorf("checked the statuses of %d codes: the code was not read", checked)
	}
}

// selectorName is the name x.Name or Name refers to.
func selectorName(e ast.Expr) (string, bool) {
	switch e := e.(type) {
	case *ast.SelectorExpr:
		return e.Sel.Name, true
	case *ast.Ident:
		return e.Name, true
	}
	return "", false
}
