package portal_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
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
