// Package pastest gives tests the Da Vinci PAS 2.2.1 package's examples and
// definitions (localstack/sampledata reads them from the archive the plan's
// notes hold, ../shared/standards beside the project), maps a request
// example onto sample data, and checks answers against the package's
// profiles (validate.go). Only tests import it.
package pastest

import (
	"sync"
	"testing"

	"github.com/openpayer/provider-portal/localstack/sampledata"
	"github.com/openpayer/provider-portal/localstack/stack"
)

var (
	once     sync.Once
	examples map[string][]byte
	// definitions are the package's StructureDefinitions, ValueSets and
	// OperationDefinitions, by canonical URL.
	definitions map[string][]byte
	readErr     error
)

func read() {
	root, err := stack.RepoRoot()
	if err != nil {
		readErr = err
		return
	}
	examples, definitions, readErr = sampledata.PASPackage(root)
}

// Example is the package's example of that file name
// (Bundle-MedicalServicesAuthorizationBundleExample.json).
func Example(t testing.TB, name string) []byte {
	t.Helper()
	once.Do(read)
	if readErr != nil {
		t.Fatalf("the PAS package (%s): %v", sampledata.PASArchive, readErr)
	}
	b, ok := examples[name]
	if !ok {
		t.Fatalf("no example %s in the PAS package", name)
	}
	return b
}

// Sample is what a test maps an example onto.
type Sample = sampledata.PASSample

// Mapped is a request example mapped onto s (sampledata.MapPAS).
func Mapped(t testing.TB, body []byte, s Sample) []byte {
	t.Helper()
	out, err := sampledata.MapPAS(body, s)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// Defines says whether the package holds a StructureDefinition, ValueSet or
// OperationDefinition of that canonical URL.
func Defines(t testing.TB, url string) bool {
	t.Helper()
	once.Do(read)
	if readErr != nil {
		t.Fatalf("the PAS package: %v", readErr)
	}
	_, ok := definitions[url]
	return ok
}

// Doc is a document a test's request carries inline.
type Doc = sampledata.PASDocument

// WithDocuments is a request Bundle with each document added as PAS sends
// one (sampledata.WithPASDocuments).
func WithDocuments(t testing.TB, body []byte, docs ...Doc) []byte {
	t.Helper()
	out, err := sampledata.WithPASDocuments(body, docs...)
	if err != nil {
		t.Fatal(err)
	}
	return out
}
