package openapi_test

import (
	"slices"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/openpayer/provider-portal/shared/openapi"
)

// Every operation is filed under one of the document's declared tags (one
// per workflow, as generated clients group their methods), and has a
// summary and a description, so that a client generated from the document
// explains each method.
func TestEveryOperationHasOneDeclaredTagASummaryAndADescription(t *testing.T) {
	var doc struct {
		Tags  []struct{ Name, Description string }
		Paths map[string]map[string]yaml.Node
	}
	type operation struct {
		OperationID string `yaml:"operationId"`
		Tags        []string
		Summary     string
		Description string
	}
	if err := yaml.Unmarshal(openapi.Document, &doc); err != nil {
		t.Fatal(err)
	}
	var declared []string
	for _, tag := range doc.Tags {
		if strings.TrimSpace(tag.Description) == "" {
			t.Errorf("the tag %q has no description", tag.Name)
		}
		declared = append(declared, tag.Name)
	}
	used := map[string]bool{}
	operations := 0
	for path, item := range doc.Paths {
		for method, node := range item {
			if method == "parameters" { // shared by the path's operations
				continue
			}
			var op operation
			if err := node.Decode(&op); err != nil {
				t.Fatalf("%s %s: %v", method, path, err)
			}
			operations++
			where := strings.ToUpper(method) + " " + path
			if len(op.Tags) != 1 || !slices.Contains(declared, op.Tags[0]) {
				t.Errorf("%s: tags %v, want one of %v", where, op.Tags, declared)
			} else {
				used[op.Tags[0]] = true
			}
			if strings.TrimSpace(op.Summary) == "" || strings.TrimSpace(op.Description) == "" {
				t.Errorf("%s: a summary and a description, please", where)
			}
		}
	}
	if operations < 30 {
		t.Fatalf("read %d operations: the document was not read", operations)
	}
	for _, tag := range declared {
		if !used[tag] {
			t.Errorf("the tag %q files no operation", tag)
		}
	}
}
