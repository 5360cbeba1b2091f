package stack_test

import (
	"testing"

	"github.com/openpayer/provider-portal/localstack/stack"
)

// repoTemplate returns the repository's root and its template.yaml.
func repoTemplate(tb testing.TB) (string, *stack.Template) {
	tb.Helper()
	root, tmpl, err := stack.RepoTemplate()
	if err != nil {
		tb.Fatal(err)
	}
	return root, tmpl
}
