// Package pastest gives tests the Da Vinci PAS 2.2.1 package's examples,
// read straight from the archive the plan's notes hold
// (../shared/standards beside the project), and maps a request example
// onto sample data. Only tests import it.
package pastest

import (
	"archive/tar"
	"compress/gzip"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/openpayer/provider-portal/localstack/stack"
)

var (
	once     sync.Once
	examples map[string][]byte
	// definitions are the package's StructureDefinitions and ValueSets, by
	// canonical URL.
	definitions map[string][]byte
	readErr     error
)

// Archive is where the package is, from the project's root.
const Archive = "../shared/standards/hl7.fhir.us.davinci-pas-2.2.1.tgz"

func read() {
	dir, err := stack.RepoRoot()
	if err != nil {
		readErr = err
		return
	}
	f, err := os.Open(filepath.Join(dir, Archive))
	if err != nil {
		readErr = err
		return
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		readErr = err
		return
	}
	examples, definitions = map[string][]byte{}, map[string][]byte{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return
		}
		if err != nil {
			readErr = err
			return
		}
		if name, ok := strings.CutPrefix(h.Name, "package/example/"); ok {
			if examples[name], err = io.ReadAll(tr); err != nil {
				readErr = err
				return
			}
			continue
		}
		name := strings.TrimPrefix(h.Name, "package/")
		if strings.HasPrefix(name, "StructureDefinition-") || strings.HasPrefix(name, "ValueSet-") || strings.HasPrefix(name, "OperationDefinition-") {
			b, err := io.ReadAll(tr)
			if err != nil {
				readErr = err
				return
			}
			var head struct{ URL string }
			if json.Unmarshal(b, &head) == nil && head.URL != "" {
				definitions[head.URL] = b
			}
		}
	}
}

// Example is the package's example of that file name
// (Bundle-MedicalServicesAuthorizationBundleExample.json).
func Example(t testing.TB, name string) []byte {
	t.Helper()
	once.Do(read)
	if readErr != nil {
		t.Fatalf("the PAS package (%s): %v", Archive, readErr)
	}
	b, ok := examples[name]
	if !ok {
		t.Fatalf("no example %s in the PAS package", name)
	}
	return b
}

// Sample is what a test maps an example onto: a member of its sample data,
// the requesting and servicing NPIs of its provider, the date of service,
// and a diagnosis for a request that states none.
type Sample struct {
	MemberID, RequestingNPI, ServicingNPI, ServiceDate, Diagnosis string
}

// Mapped is a request example with its identifiers mapped onto sample:
// the coverage's subscriber ID, the requestor's and every practitioner's
// NPI, every item's date of service, and a diagnosis where it has none.
// What the example states otherwise (types, codes, urgency) is kept.
func Mapped(t testing.TB, body []byte, s Sample) []byte {
	t.Helper()
	var b map[string]any
	if err := json.Unmarshal(body, &b); err != nil {
		t.Fatal(err)
	}
	entries, _ := b["entry"].([]any)
	if len(entries) == 0 {
		t.Fatal("the example has no entries")
	}
	claim := entries[0].(map[string]any)["resource"].(map[string]any)
	requestor := ""
	if p, ok := claim["provider"].(map[string]any); ok {
		requestor, _ = p["reference"].(string)
	}
	for _, e := range entries {
		r := e.(map[string]any)["resource"].(map[string]any)
		ref := r["resourceType"].(string) + "/" + r["id"].(string)
		switch r["resourceType"] {
		case "Coverage":
			r["subscriberId"] = s.MemberID
		case "Organization", "Practitioner":
			npi := s.ServicingNPI
			if ref == requestor {
				npi = s.RequestingNPI
			}
			ids, _ := r["identifier"].([]any)
			for _, id := range ids {
				if m := id.(map[string]any); m["system"] == "http://hl7.org/fhir/sid/us-npi" {
					m["value"] = npi
				}
			}
		}
	}
	items, _ := claim["item"].([]any)
	for _, it := range items {
		m := it.(map[string]any)
		if p, ok := m["servicedPeriod"].(map[string]any); ok {
			p["start"], p["end"] = s.ServiceDate, s.ServiceDate
		} else {
			m["servicedDate"] = s.ServiceDate
		}
	}
	if infos, ok := claim["supportingInfo"].([]any); ok {
		for _, in := range infos {
			if p, ok := in.(map[string]any)["timingPeriod"].(map[string]any); ok {
				p["start"], p["end"] = s.ServiceDate, s.ServiceDate
			}
		}
	}
	if _, ok := claim["diagnosis"]; !ok && s.Diagnosis != "" {
		claim["diagnosis"] = []any{map[string]any{"sequence": 1, "diagnosisCodeableConcept": map[string]any{
			"coding": []any{map[string]any{"system": "http://hl7.org/fhir/sid/icd-10-cm", "code": s.Diagnosis}}}}}
	}
	out, err := json.Marshal(b)
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
