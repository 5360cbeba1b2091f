package e2e_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/localstack/stack"
)

// Schemathesis, pinned, sends the API generated requests, valid and
// invalid, and checks every answer against the OpenAPI document: with every
// check but the two localstack/schemathesis.toml turns off, saying why.
func TestSchemathesis(t *testing.T) {
	st := filepath.Join(stack.ToolsDir(), "schemathesis-"+stack.SchemathesisVersion, "bin", "st")
	if _, err := os.Stat(st); err != nil {
		t.Fatalf("Schemathesis %s is not installed (make tools installs it): %v", stack.SchemathesisVersion, err)
	}
	root, err := stack.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(st, "--no-color", "--config-file", filepath.Join(root, "localstack", "schemathesis.toml"),
		"run", api.URL+"/openapi.yaml", "--url", api.URL)
	cmd.Env = append(os.Environ(), "PORTAL_TOKEN="+token(t, sampledata.ProviderA.TIN), "PYTHONPATH="+filepath.Join(root, "localstack"))
	cmd.Dir = t.TempDir() // Hypothesis keeps its example database where it runs
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("Schemathesis: %v\n%s", err, out)
	}
	if i := bytes.LastIndex(out, []byte("SUMMARY")); i >= 0 {
		t.Logf("%s", out[i:])
	}
}
