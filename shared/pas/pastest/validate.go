package pastest

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// What Validate checks of a resource against one of the package's
// profiles, from the profile's snapshot (the FHIR R4 base elements
// included): every element's cardinality wherever its parent is present,
// fixed and pattern values, and required bindings to the package's own
// value sets that list their codes. What it does not check: slices
// (extension and entry slices are skipped), invariants (FHIRPath
// constraints), references' target profiles, bindings to value sets
// outside the package (FHIR core, X12 code systems it cannot enumerate),
// and data types' own rules. The HL7 validator would; it needs the FHIR
// core and US Core packages, which this machine cannot download.

type elementDef struct {
	ID      string `json:"id"`
	Path    string `json:"path"`
	Min     int    `json:"min"`
	Max     string `json:"max"`
	Binding *struct {
		Strength string `json:"strength"`
		ValueSet string `json:"valueSet"`
	} `json:"binding"`
	raw map[string]any
}

// Validate lists what is wrong with resource against the profile of that
// canonical URL; none is valid.
func Validate(t testing.TB, resource []byte, profile string) []string {
	t.Helper()
	once.Do(read)
	if readErr != nil {
		t.Fatalf("the PAS package: %v", readErr)
	}
	raw, ok := definitions[profile]
	if !ok {
		t.Fatalf("no StructureDefinition %s in the PAS package", profile)
	}
	var sd struct {
		Type     string `json:"type"`
		Snapshot struct {
			Element []json.RawMessage `json:"element"`
		} `json:"snapshot"`
	}
	if err := json.Unmarshal(raw, &sd); err != nil {
		t.Fatal(err)
	}
	var res map[string]any
	if err := json.Unmarshal(resource, &res); err != nil {
		return []string{"not JSON: " + err.Error()}
	}
	var problems []string
	if res["resourceType"] != sd.Type {
		return []string{fmt.Sprintf("resourceType %v, want %s", res["resourceType"], sd.Type)}
	}
	for _, er := range sd.Snapshot.Element {
		var e elementDef
		if json.Unmarshal(er, &e) != nil || json.Unmarshal(er, &e.raw) != nil {
			t.Fatal("an element of " + profile + " does not read")
		}
		segs := strings.Split(e.Path, ".")
		if len(segs) < 2 || strings.Contains(e.ID, ":") {
			continue // the root; slices
		}
		name := segs[len(segs)-1]
		for _, parent := range nodes(res, segs[1:len(segs)-1]) {
			values := valuesOf(parent, name)
			if len(values) < e.Min {
				problems = append(problems, fmt.Sprintf("%s: %d, at least %d", e.ID, len(values), e.Min))
			}
			if n, err := strconv.Atoi(e.Max); err == nil && len(values) > n {
				problems = append(problems, fmt.Sprintf("%s: %d, at most %d", e.ID, len(values), n))
			}
			for _, v := range values {
				problems = append(problems, fixedProblems(e, v)...)
				problems = append(problems, bindingProblems(e, v)...)
			}
		}
	}
	return problems
}

// nodes are the objects at a path below the resource, arrays flattened.
func nodes(v any, path []string) []map[string]any {
	cur := []any{v}
	for _, seg := range path {
		var next []any
		for _, c := range cur {
			m, ok := c.(map[string]any)
			if !ok {
				continue
			}
			next = append(next, valuesOf(m, seg)...)
		}
		cur = next
	}
	var out []map[string]any
	for _, c := range cur {
		if m, ok := c.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

// valuesOf are an element's values in an object: a choice element
// (value[x]) by any of its types.
func valuesOf(m map[string]any, name string) []any {
	var vs []any
	add := func(v any) {
		if a, ok := v.([]any); ok {
			vs = append(vs, a...)
		} else if v != nil {
			vs = append(vs, v)
		}
	}
	if base, ok := strings.CutSuffix(name, "[x]"); ok {
		for k, v := range m {
			if rest, ok := strings.CutPrefix(k, base); ok && rest != "" && rest[0] >= 'A' && rest[0] <= 'Z' {
				add(v)
			}
		}
		return vs
	}
	add(m[name])
	return vs
}

// fixedProblems: a fixed value must be equal, a pattern contained.
func fixedProblems(e elementDef, v any) []string {
	for k, want := range e.raw {
		switch {
		case strings.HasPrefix(k, "fixed") && !reflect.DeepEqual(v, want):
			return []string{fmt.Sprintf("%s: %v, fixed %v", e.ID, v, want)}
		case strings.HasPrefix(k, "pattern") && !contains(v, want):
			return []string{fmt.Sprintf("%s: %v, pattern %v", e.ID, v, want)}
		}
	}
	return nil
}

// contains: every part of the pattern is in the value.
func contains(v, pattern any) bool {
	switch p := pattern.(type) {
	case map[string]any:
		m, ok := v.(map[string]any)
		if !ok {
			return false
		}
		for k, pv := range p {
			if !contains(m[k], pv) {
				return false
			}
		}
		return true
	case []any:
		a, ok := v.([]any)
		if !ok {
			return false
		}
		for _, pv := range p {
			found := false
			for _, av := range a {
				found = found || contains(av, pv)
			}
			if !found {
				return false
			}
		}
		return true
	}
	return reflect.DeepEqual(v, pattern)
}

// bindingProblems: a code bound (required) to a package value set that
// lists its codes must be one of them.
func bindingProblems(e elementDef, v any) []string {
	if e.Binding == nil || e.Binding.Strength != "required" {
		return nil
	}
	url, _, _ := strings.Cut(e.Binding.ValueSet, "|")
	raw, ok := definitions[url]
	if !ok {
		return nil // outside the package
	}
	var vs struct {
		Compose struct {
			Include []struct {
				Concept []struct{ Code string }
			}
		}
	}
	if json.Unmarshal(raw, &vs) != nil {
		return nil
	}
	allowed := map[string]bool{}
	for _, inc := range vs.Compose.Include {
		if len(inc.Concept) == 0 {
			return nil // a whole code system: not enumerable here
		}
		for _, c := range inc.Concept {
			allowed[c.Code] = true
		}
	}
	var codes []string
	switch x := v.(type) {
	case string:
		codes = []string{x}
	case map[string]any:
		if cs, ok := x["coding"].([]any); ok {
			for _, c := range cs {
				if m, ok := c.(map[string]any); ok {
					codes = append(codes, fmt.Sprint(m["code"]))
				}
			}
		}
	}
	for _, c := range codes {
		if allowed[c] {
			return nil
		}
	}
	return []string{fmt.Sprintf("%s: %v, not in %s", e.ID, codes, url)}
}
