package sampledata

import (
	"archive/tar"
	"compress/gzip"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// PASArchive is the Da Vinci PAS 2.2.1 package the plan's notes hold,
// from the project's root.
const PASArchive = "../shared/standards/hl7.fhir.us.davinci-pas-2.2.1.tgz"

// PASPackage reads the package's examples (by file name) and its
// StructureDefinitions, ValueSets and OperationDefinitions (by canonical
// URL) from the archive, below root (the project's root).
func PASPackage(root string) (examples, definitions map[string][]byte, err error) {
	f, err := os.Open(filepath.Join(root, PASArchive))
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	gz, err := gzip.NewReader(f)
	if err != nil {
		return nil, nil, err
	}
	examples, definitions = map[string][]byte{}, map[string][]byte{}
	tr := tar.NewReader(gz)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return examples, definitions, nil
		}
		if err != nil {
			return nil, nil, err
		}
		if name, ok := strings.CutPrefix(h.Name, "package/example/"); ok {
			if examples[name], err = io.ReadAll(tr); err != nil {
				return nil, nil, err
			}
			continue
		}
		name := strings.TrimPrefix(h.Name, "package/")
		if strings.HasPrefix(name, "StructureDefinition-") || strings.HasPrefix(name, "ValueSet-") || strings.HasPrefix(name, "OperationDefinition-") {
			b, err := io.ReadAll(tr)
			if err != nil {
				return nil, nil, err
			}
			var head struct{ URL string }
			if json.Unmarshal(b, &head) == nil && head.URL != "" {
				definitions[head.URL] = b
			}
		}
	}
}

// PASSample is what a PAS request example is mapped onto: a member of the
// sample data, the requesting and servicing NPIs, the date of service, and
// a diagnosis for a request that states none.
type PASSample struct {
	MemberID, RequestingNPI, ServicingNPI, ServiceDate, Diagnosis string
}

// MapPAS is a request example with its identifiers mapped onto s: the
// coverage's subscriber ID, the requestor's and every practitioner's NPI,
// every item's date of service (and the admission's), and a diagnosis
// where it has none. What the example states otherwise (types, codes,
// urgency) is kept.
func MapPAS(body []byte, s PASSample) ([]byte, error) {
	b, entries, claim, err := pasRequest(body)
	if err != nil {
		return nil, err
	}
	requestor := ""
	if p, ok := claim["provider"].(map[string]any); ok {
		requestor, _ = p["reference"].(string)
	}
	for _, e := range entries {
		r, _ := e.(map[string]any)["resource"].(map[string]any)
		typ, _ := r["resourceType"].(string)
		id, _ := r["id"].(string)
		switch typ {
		case "Coverage":
			r["subscriberId"] = s.MemberID
		case "Organization", "Practitioner":
			npi := s.ServicingNPI
			if typ+"/"+id == requestor {
				npi = s.RequestingNPI
			}
			ids, _ := r["identifier"].([]any)
			for _, i := range ids {
				if m, ok := i.(map[string]any); ok && m["system"] == "http://hl7.org/fhir/sid/us-npi" {
					m["value"] = npi
				}
			}
		}
	}
	items, _ := claim["item"].([]any)
	for _, it := range items {
		m, _ := it.(map[string]any)
		if p, ok := m["servicedPeriod"].(map[string]any); ok {
			p["start"], p["end"] = s.ServiceDate, s.ServiceDate
		} else if m != nil {
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
	return json.Marshal(b)
}

// PASDocument is a document a request carries inline.
type PASDocument struct {
	Title, ContentType string
	Data               []byte
}

// WithPASDocuments is a request Bundle with each document added as PAS
// sends one: a DocumentReference entry whose attachment holds the file,
// named by a supportingInfo of category additionalInformation.
func WithPASDocuments(body []byte, docs ...PASDocument) ([]byte, error) {
	b, entries, claim, err := pasRequest(body)
	if err != nil {
		return nil, err
	}
	infos, _ := claim["supportingInfo"].([]any)
	for i, d := range docs {
		id := fmt.Sprintf("InlineDocument%d", i+1)
		attachment := map[string]any{"contentType": d.ContentType, "data": base64.StdEncoding.EncodeToString(d.Data)}
		if d.Title != "" {
			attachment["title"] = d.Title
		}
		entries = append(entries, map[string]any{"fullUrl": "http://example.org/fhir/DocumentReference/" + id, "resource": map[string]any{
			"resourceType": "DocumentReference", "id": id, "status": "current",
			"content": []any{map[string]any{"attachment": attachment}},
		}})
		infos = append(infos, map[string]any{"sequence": 100 + i,
			"category": map[string]any{"coding": []any{map[string]any{
				"system": "http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes", "code": "additionalInformation"}}},
			"valueReference": map[string]any{"reference": "DocumentReference/" + id}})
	}
	claim["supportingInfo"], b["entry"] = infos, entries
	return json.Marshal(b)
}

// pasRequest is a request Bundle decoded for editing: the Bundle, its
// entries and the Claim, its first entry's resource.
func pasRequest(body []byte) (b map[string]any, entries []any, claim map[string]any, err error) {
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, nil, nil, err
	}
	entries, _ = b["entry"].([]any)
	if len(entries) == 0 {
		return nil, nil, nil, fmt.Errorf("the request has no entries")
	}
	if e, ok := entries[0].(map[string]any); ok {
		claim, _ = e["resource"].(map[string]any)
	}
	if claim == nil {
		return nil, nil, nil, fmt.Errorf("the request's first entry has no resource")
	}
	return b, entries, claim, nil
}
