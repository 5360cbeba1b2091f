package stack_test

import (
	"path/filepath"
	"testing"

	"github.com/openpayer/provider-portal/localstack/stack"
)

// repoTemplate returns the repository's root and its template.yaml.
func repoTemplate(tb testing.TB) (string, *stack.Template) {
	tb.Helper()
	root, err := stack.RepoRoot()
	if err != nil {
		tb.Fatal(err)
	}
	tmpl, err := stack.LoadTemplate(filepath.Join(root, "template.yaml"))
	if err != nil {
		tb.Fatal(err)
	}
	return root, tmpl
}
