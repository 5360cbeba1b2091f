package portal

import (
	"slices"
	"strings"
)

// SystemResources are the FHIR resource types a system client's scopes
// name: the PAS Claim operations and the subscriptions to their results.
var SystemResources = []string{"Claim", "Subscription"}

// permissions are SMART v2's, in the order a scope spells them.
const permissions = "cruds"

// Scopes are what a system client may do, by resource type: SMART App
// Launch 2's system scopes ("system/Claim.cr"), read from v2 or v1
// spellings ("system/Claim.read", "system/*.write").
type Scopes map[string]string

// ParseScopes reads a space-separated scope string. Scopes this server
// does not offer (another context than system, an unknown resource or
// permission) are left out and returned in unknown.
func ParseScopes(s string) (granted Scopes, unknown []string) {
	granted = Scopes{}
	for _, sc := range strings.Fields(s) {
		resource, perms, ok := parseScope(sc)
		if !ok {
			unknown = append(unknown, sc)
			continue
		}
		for _, r := range resource {
			granted[r] = union(granted[r], perms)
		}
	}
	return granted, unknown
}

func parseScope(sc string) (resources []string, perms string, ok bool) {
	rest, ok := strings.CutPrefix(sc, "system/")
	if !ok {
		return nil, "", false
	}
	resource, p, ok := strings.Cut(rest, ".")
	if !ok {
		return nil, "", false
	}
	switch {
	case resource == "*":
		resources = SystemResources
	case slices.Contains(SystemResources, resource):
		resources = []string{resource}
	default:
		return nil, "", false
	}
	switch p {
	case "read":
		return resources, "rs", true
	case "write":
		return resources, "cud", true
	case "*":
		return resources, permissions, true
	}
	// v2: one or more of c r u d s, each once, in that order.
	last := -1
	for i := range len(p) {
		at := strings.IndexByte(permissions, p[i])
		if at <= last {
			return nil, "", false
		}
		last = at
	}
	return resources, p, p != ""
}

// union is the permissions in a or b, in SMART's order.
func union(a, b string) string {
	var out []byte
	for i := range len(permissions) {
		if strings.IndexByte(a, permissions[i]) >= 0 || strings.IndexByte(b, permissions[i]) >= 0 {
			out = append(out, permissions[i])
		}
	}
	return string(out)
}

// Within is what s grants that allowed grants too.
func (s Scopes) Within(allowed Scopes) Scopes {
	out := Scopes{}
	for r, p := range s {
		var keep []byte
		for i := range len(p) {
			if strings.IndexByte(allowed[r], p[i]) >= 0 {
				keep = append(keep, p[i])
			}
		}
		if len(keep) > 0 {
			out[r] = string(keep)
		}
	}
	return out
}

// Allows reports whether s grants permission (one of c r u d s) on
// resource.
func (s Scopes) Allows(resource string, permission byte) bool {
	return strings.IndexByte(s[resource], permission) >= 0
}

// String spells s as SMART v2 scopes, sorted: "system/Claim.cr".
func (s Scopes) String() string {
	out := make([]string, 0, len(s))
	for r, p := range s {
		out = append(out, "system/"+r+"."+p)
	}
	slices.Sort(out)
	return strings.Join(out, " ")
}

// AllSystemScopes is every scope the server offers.
func AllSystemScopes() Scopes {
	s := Scopes{}
	for _, r := range SystemResources {
		s[r] = permissions
	}
	return s
}
