package stack_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/openpayer/provider-portal/localstack/stack"
	"github.com/openpayer/provider-portal/shared/openapi"
)

// template.yaml and the OpenAPI document describe the same routes.
func TestTemplateAndOpenAPIAgree(t *testing.T) {
	_, tmpl := repoTemplate(t)
	resolver := stack.Planned(tmpl, "routes-test").Resolver
	var fromTemplate []string
	for _, id := range tmpl.ResourcesOfType("AWS::Serverless::Function") {
		props := tmpl.Resources[id].Properties
		evs, err := resolver.ResolveField(&props, "Events")
		if err != nil {
			t.Fatal(err)
		}
		m, _ := evs.(map[string]any)
		for _, ev := range m {
			e := ev.(map[string]any)
			if e["Type"] == "HttpApi" {
				p := e["Properties"].(map[string]any)
				fromTemplate = append(fromTemplate, strings.ToUpper(fmt.Sprint(p["Method"]))+" "+fmt.Sprint(p["Path"]))
			}
		}
	}
	doc, err := openapi3.NewLoader().LoadFromData(openapi.Document)
	if err != nil {
		t.Fatal(err)
	}
	var fromDoc []string
	for path, item := range doc.Paths.Map() {
		for method := range item.Operations() {
			fromDoc = append(fromDoc, method+" "+path)
		}
	}
	sort.Strings(fromTemplate)
	sort.Strings(fromDoc)
	if strings.Join(fromTemplate, "\n") != strings.Join(fromDoc, "\n") {
		t.Errorf("template routes:\n%s\n\nOpenAPI routes:\n%s", strings.Join(fromTemplate, "\n"), strings.Join(fromDoc, "\n"))
	}
}
