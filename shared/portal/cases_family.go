package portal

import "slices"

// CaseFamily is disputes or appeals: two workflows that share one model of
// a case, each with its own function, path, table and ID prefix. It is a
// value, so that no handler compares a name.
type CaseFamily struct {
	// Name is its path under the API ("disputes") and the prefix of its
	// audit actions.
	Name string
	// Prefix begins each of its case IDs ("DP-").
	Prefix string
	// Kinds are the kinds of case it holds.
	Kinds []CaseKind
	// ByAuthorization: a case may be about a retro authorization request
	// (a clinical appeal of a denial), not only a claim.
	ByAuthorization bool
}

// The two families: compare a family with them by identity.
var (
	Disputes = &CaseFamily{Name: "disputes", Prefix: "DP-", Kinds: []CaseKind{CaseDispute}}
	Appeals  = &CaseFamily{Name: "appeals", Prefix: "AP-", Kinds: []CaseKind{CaseClaimAppeal, CaseClinicalAppeal}, ByAuthorization: true}
)

// Holds reports whether a case of kind k belongs to the family.
func (f *CaseFamily) Holds(k CaseKind) bool { return slices.Contains(f.Kinds, k) }

// FamilyOf returns the family of a case ID, by its prefix: the one place an
// ID says where its case is kept; nil if it is no case ID.
func FamilyOf(id string) *CaseFamily {
	for _, f := range []*CaseFamily{Disputes, Appeals} {
		if validReadable(id, f.Prefix) {
			return f
		}
	}
	return nil
}

// FamilyOfKind returns the family that holds cases of kind k.
func FamilyOfKind(k CaseKind) *CaseFamily {
	if Disputes.Holds(k) {
		return Disputes
	}
	return Appeals
}
