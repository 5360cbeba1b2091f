package portal

import (
	"net/url"
	"strconv"
	"strings"
	"unicode/utf8"
)

// SearchMethod is one of the guide's seven ways to look claims up.
type SearchMethod string

const (
	ByMemberID          SearchMethod = "memberId"
	ByMedicaidID        SearchMethod = "medicaidId"
	ByMemberInfo        SearchMethod = "memberInfo"
	ByClaimNumber       SearchMethod = "claimNumber"
	ByPatientAccount    SearchMethod = "patientAccountNumber"
	ByCheckNumber       SearchMethod = "checkNumber"
	ByExternalReference SearchMethod = "externalReferenceNumber"
)

const (
	DefaultPageSize = 25
	MaxPageSize     = 100
	// MaxSearchKeys bounds the members one search may span: a Medicaid ID
	// or a name and date of birth matches one member, rarely a few.
	MaxSearchKeys = 20
)

// ClaimSearch is a provider's claim search request, before member lookups.
type ClaimSearch struct {
	Method SearchMethod
	// Value is the identifier searched for, for every method but memberInfo.
	Value string
	// LastName, FirstName and DateOfBirth are the memberInfo method's inputs.
	LastName, FirstName string
	DateOfBirth         Date
	Limit               int
	Cursor              string
}

// ParseClaimSearch reads a search from query parameters: exactly one method,
// plus optional limit and cursor.
func ParseClaimSearch(q url.Values) (ClaimSearch, error) {
	var s ClaimSearch
	var methods []string
	for _, m := range []SearchMethod{ByMemberID, ByMedicaidID, ByClaimNumber, ByPatientAccount, ByCheckNumber, ByExternalReference} {
		if v := strings.TrimSpace(q.Get(string(m))); v != "" {
			methods = append(methods, string(m))
			s.Method, s.Value = m, v
		}
	}
	info := map[string]string{}
	for _, k := range []string{"lastName", "firstName", "dateOfBirth"} {
		if v := strings.TrimSpace(q.Get(k)); v != "" {
			info[k] = v
		}
	}
	if len(info) > 0 {
		methods = append(methods, string(ByMemberInfo))
		s.Method = ByMemberInfo
	}
	switch len(methods) {
	case 0:
		return s, Errorf(KindInvalid, CodeSearchMethod,
			"Search by one of: member ID, Medicaid ID, member info (last name, first name and date of birth), claim number, patient account number, check number or external reference number.").
			WithReason("Give one of: memberId, medicaidId, lastName with firstName and dateOfBirth, claimNumber, patientAccountNumber, checkNumber or externalReferenceNumber.")
	case 1:
	default:
		return s, Errorf(KindInvalid, CodeOneSearchMethod, "Search by one method at a time: clear the other search items.").
			WithReason("This request has " + strings.Join(methods, ", ") + ".")
	}
	if s.Method == ByMemberInfo {
		for _, k := range []string{"lastName", "firstName"} {
			if v, ok := info[k]; ok && (!utf8.ValidString(v) || utf8.RuneCountInString(v) > 80) {
				return s, &Error{Kind: KindInvalid, Code: CodeInvalidRequest,
					Detail: "A name in a member info search is at most 80 characters: enter the name as on the member's card.",
					Fields: map[string]string{k: SayNameLength}}
			}
		}
		if len(info) != 3 {
			return s, &Error{Kind: KindInvalid, Code: CodeMemberInfoPartial,
				Detail: "A search by member info needs the member's last name, first name and date of birth.",
				Fields: missing(info, "lastName", "firstName", "dateOfBirth")}
		}
		dob, err := ParseDate(info["dateOfBirth"])
		if err != nil {
			return s, &Error{Kind: KindInvalid, Code: CodeInvalidDate,
				Detail: "Enter the member's date of birth as MM/DD/YYYY, for example 03/07/1984.",
				Fields: map[string]string{"dateOfBirth": SayNotADate}}
		}
		s.LastName, s.FirstName, s.DateOfBirth = info["lastName"], info["firstName"], dob
	} else if !validID(s.Value) {
		return s, &Error{Kind: KindInvalid, Code: CodeInvalidRequest,
			Detail: "Identifiers hold only letters, digits and dashes, up to 40 characters: check the number you entered.",
			Fields: map[string]string{string(s.Method): "not a valid identifier"}}
	}
	s.Limit = DefaultPageSize
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPageSize {
			return s, &Error{Kind: KindInvalid, Code: CodeInvalidLimit,
				Detail: "limit must be a whole number from 1 to 100.", Fields: map[string]string{"limit": "out of range"}}
		}
		s.Limit = n
	}
	s.Cursor = q.Get("cursor")
	return s, nil
}

func missing(have map[string]string, keys ...string) map[string]string {
	out := map[string]string{}
	for _, k := range keys {
		if _, ok := have[k]; !ok {
			out[k] = SayFillIn
		}
	}
	return out
}

// ClaimIndex names a provider-scoped lookup the claim store keeps.
type ClaimIndex string

const (
	IndexMember         ClaimIndex = "member"
	IndexPatientAccount ClaimIndex = "patientAccount"
	IndexCheck          ClaimIndex = "check"
	IndexExternalRef    ClaimIndex = "externalReference"
)

// ClaimQuery is a search the store runs: claims of Provider whose Index key
// is one of Keys, received on or after ReceivedFrom, newest first. Keys are
// at most MaxSearchKeys.
type ClaimQuery struct {
	Provider     ProviderID
	Index        ClaimIndex
	Keys         []string
	ReceivedFrom Date
	Limit        int
	Cursor       string
}

// ClaimSummary is one row of claim search results: what the Claims tab
// shows of a claim, without its lines.
type ClaimSummary struct {
	Number               string      `json:"claimNumber"`
	Type                 ClaimType   `json:"claimType"`
	MemberID             string      `json:"memberId"`
	Patient              Patient     `json:"patient"`
	PatientAccountNumber string      `json:"patientAccountNumber,omitempty"`
	ServiceFrom          Date        `json:"serviceFrom"`
	ServiceTo            Date        `json:"serviceTo"`
	DateReceived         Date        `json:"dateReceived"`
	ProcessedDate        Date        `json:"processedDate,omitzero"`
	Status               ClaimStatus `json:"status"`
	TotalCharged         Money       `json:"totalCharged"`
	TotalPaid            Money       `json:"totalPaid"`
	CheckNumber          string      `json:"checkNumber,omitempty"`
}

// Summary returns the claim's search result row.
func (c *Claim) Summary() ClaimSummary {
	return ClaimSummary{Number: c.Number, Type: c.Type, MemberID: c.MemberID, Patient: c.Patient,
		PatientAccountNumber: c.PatientAccountNumber, ServiceFrom: c.ServiceFrom, ServiceTo: c.ServiceTo,
		DateReceived: c.DateReceived, ProcessedDate: c.ProcessedDate, Status: c.Status,
		TotalCharged: c.TotalCharged, TotalPaid: c.TotalPaid, CheckNumber: c.CheckNumber}
}

// ClaimPage is one page of search results, newest first across all the
// query's keys; Next is empty on the last page.
type ClaimPage struct {
	Claims []ClaimSummary
	Next   string
}
