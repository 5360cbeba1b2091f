// Package pas reads Da Vinci Prior Authorization Support (PAS 2.2.1)
// requests and writes its answers: a PAS request Bundle becomes the
// portal's retro authorization request, with the FHIRPath of each element
// it was read from, so that every problem the plan's rules find is answered
// at its place in the Bundle (an OperationOutcome). It holds only the parts
// of FHIR R4 the mapping reads; everything else in a Bundle is carried past.
// It imports no AWS or HTTP package.
package pas

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
)

// Systems and URLs the mapping reads.
const (
	SystemNPI = "http://hl7.org/fhir/sid/us-npi"
	// SystemTIN is the US employer identification number, the TIN an
	// organisation's identifier may carry (US Core).
	SystemTIN       = "urn:oid:2.16.840.1.113883.4.4"
	SystemICD10CM   = "http://hl7.org/fhir/sid/icd-10-cm"
	SystemHCPCS     = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
	SystemCPT       = "http://www.ama-assn.org/go/cpt"
	SystemPOS       = "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set"
	SystemV20203    = "http://terminology.hl7.org/CodeSystem/v2-0203"
	SystemClaimType = "http://terminology.hl7.org/CodeSystem/claim-type"
	SystemPriority  = "http://terminology.hl7.org/CodeSystem/processpriority"
	SystemPASTemp   = "http://hl7.org/fhir/us/davinci-pas/CodeSystem/PASTempCodes"

	ExtLevelOfService = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-levelOfServiceCode"
	ExtItemTrace      = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-itemTraceNumber"
)

// Coding is a code in a system.
type Coding struct {
	System  string `json:"system,omitempty"`
	Code    string `json:"code,omitempty"`
	Display string `json:"display,omitempty"`
}

// CodeableConcept is codings and a text.
type CodeableConcept struct {
	Coding []Coding `json:"coding,omitempty"`
	Text   string   `json:"text,omitempty"`
}

// Code is the concept's code in system, or "".
func (c *CodeableConcept) Code(system string) string {
	if c == nil {
		return ""
	}
	for _, cd := range c.Coding {
		if cd.System == system {
			return cd.Code
		}
	}
	return ""
}

// AnyCode is the concept's first code, whatever its system.
func (c *CodeableConcept) AnyCode() string {
	if c == nil || len(c.Coding) == 0 {
		return ""
	}
	return c.Coding[0].Code
}

// Identifier is a business identifier.
type Identifier struct {
	Type   *CodeableConcept `json:"type,omitempty"`
	System string           `json:"system,omitempty"`
	Value  string           `json:"value,omitempty"`
}

// Reference points at another resource of the Bundle.
type Reference struct {
	Reference  string      `json:"reference,omitempty"`
	Identifier *Identifier `json:"identifier,omitempty"`
}

// Extension is the part of an extension the mapping reads.
type Extension struct {
	URL                  string           `json:"url"`
	ValueCodeableConcept *CodeableConcept `json:"valueCodeableConcept,omitempty"`
	ValueString          string           `json:"valueString,omitempty"`
	ValueIdentifier      *Identifier      `json:"valueIdentifier,omitempty"`
}

// Period is a start and an end, dates or date-times.
type Period struct {
	Start string `json:"start,omitempty"`
	End   string `json:"end,omitempty"`
}

// Quantity is an amount.
type Quantity struct {
	Value *json.Number `json:"value,omitempty"`
}

// ContactPoint is a phone number or an email address.
type ContactPoint struct {
	System string `json:"system,omitempty"`
	Value  string `json:"value,omitempty"`
}

// Claim is the PAS Claim: the request.
type Claim struct {
	ResourceType string           `json:"resourceType"`
	ID           string           `json:"id,omitempty"`
	Extension    []Extension      `json:"extension,omitempty"`
	Identifier   []Identifier     `json:"identifier,omitempty"`
	Status       string           `json:"status,omitempty"`
	Type         CodeableConcept  `json:"type"`
	Use          string           `json:"use,omitempty"`
	Patient      Reference        `json:"patient"`
	Insurer      Reference        `json:"insurer"`
	Provider     Reference        `json:"provider"`
	Priority     *CodeableConcept `json:"priority,omitempty"`
	CareTeam     []struct {
		Sequence int       `json:"sequence"`
		Provider Reference `json:"provider"`
	} `json:"careTeam,omitempty"`
	SupportingInfo []SupportingInfo `json:"supportingInfo,omitempty"`
	Diagnosis      []struct {
		Sequence                 int              `json:"sequence"`
		DiagnosisCodeableConcept *CodeableConcept `json:"diagnosisCodeableConcept,omitempty"`
	} `json:"diagnosis,omitempty"`
	Insurance []struct {
		Sequence int       `json:"sequence"`
		Focal    bool      `json:"focal"`
		Coverage Reference `json:"coverage"`
	} `json:"insurance,omitempty"`
	Item []Item `json:"item,omitempty"`
}

// SupportingInfo is an item of supporting information: the clinical
// questions' answers, admission dates, documents.
type SupportingInfo struct {
	Sequence        int              `json:"sequence"`
	Category        CodeableConcept  `json:"category"`
	Code            *CodeableConcept `json:"code,omitempty"`
	TimingPeriod    *Period          `json:"timingPeriod,omitempty"`
	TimingDate      string           `json:"timingDate,omitempty"`
	ValueString     *string          `json:"valueString,omitempty"`
	ValueBoolean    *bool            `json:"valueBoolean,omitempty"`
	ValueReference  *Reference       `json:"valueReference,omitempty"`
	ValueAttachment *Attachment      `json:"valueAttachment,omitempty"`
}

// Item is one service requested.
type Item struct {
	Extension               []Extension       `json:"extension,omitempty"`
	Sequence                int               `json:"sequence"`
	CareTeamSequence        []int             `json:"careTeamSequence,omitempty"`
	Category                *CodeableConcept  `json:"category,omitempty"`
	ProductOrService        CodeableConcept   `json:"productOrService"`
	Modifier                []CodeableConcept `json:"modifier,omitempty"`
	Quantity                *Quantity         `json:"quantity,omitempty"`
	ServicedDate            string            `json:"servicedDate,omitempty"`
	ServicedPeriod          *Period           `json:"servicedPeriod,omitempty"`
	LocationCodeableConcept *CodeableConcept  `json:"locationCodeableConcept,omitempty"`
}

// Coverage is the member's coverage: its subscriber ID is the plan's
// member ID.
type Coverage struct {
	ResourceType string       `json:"resourceType"`
	Identifier   []Identifier `json:"identifier,omitempty"`
	SubscriberID string       `json:"subscriberId,omitempty"`
	Beneficiary  Reference    `json:"beneficiary"`
}

// Party is an Organization, a Practitioner or a PractitionerRole: who
// asks and who performs.
type Party struct {
	ResourceType string         `json:"resourceType"`
	Identifier   []Identifier   `json:"identifier,omitempty"`
	Telecom      []ContactPoint `json:"telecom,omitempty"`
	Practitioner *Reference     `json:"practitioner,omitempty"`
	Organization *Reference     `json:"organization,omitempty"`
}

// NPI is the party's NPI, or "".
func (p *Party) NPI() string {
	for _, id := range p.Identifier {
		if id.System == SystemNPI {
			return id.Value
		}
	}
	return ""
}

// TIN is the party's TIN identifier, or "".
func (p *Party) TIN() string {
	for _, id := range p.Identifier {
		if id.System == SystemTIN {
			return id.Value
		}
	}
	return ""
}

// Email is the party's first email address, or "".
func (p *Party) Email() string {
	for _, t := range p.Telecom {
		if t.System == "email" {
			return t.Value
		}
	}
	return ""
}

// Bundle is a PAS request Bundle as read: each entry's resource is kept as
// it came, and decoded when a reference reaches it.
type Bundle struct {
	ResourceType string      `json:"resourceType"`
	Type         string      `json:"type"`
	Identifier   *Identifier `json:"identifier,omitempty"`
	Timestamp    string      `json:"timestamp,omitempty"`
	Entry        []struct {
		FullURL  string          `json:"fullUrl,omitempty"`
		Resource json.RawMessage `json:"resource"`
	} `json:"entry"`
	// heads are each entry's type and id, read once: an entry may hold a
	// document of megabytes, which every reference would read again.
	heads []entryHead
}

// entryHead is what every resource has.
type entryHead struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id"`
	unreadable   bool
}

// resolve finds the entry a reference names ("Type/id", or the entry's
// full URL), with its index; -1 if the Bundle has none.
func (b *Bundle) resolve(ref Reference) (int, entryHead) {
	r := ref.Reference
	if r == "" {
		return -1, entryHead{}
	}
	if b.heads == nil {
		b.heads = make([]entryHead, len(b.Entry))
		for i, e := range b.Entry {
			b.heads[i] = head(e.Resource)
		}
	}
	for i, e := range b.Entry {
		h := b.heads[i]
		if h.unreadable {
			continue
		}
		if e.FullURL == r || h.ResourceType+"/"+h.ID == r || (e.FullURL != "" && strings.HasSuffix(e.FullURL, "/"+r)) {
			return i, h
		}
	}
	return -1, entryHead{}
}

// head reads a resource's type and id, and stops there: FHIR writes them
// first, and a document of megabytes may follow.
func head(raw json.RawMessage) entryHead {
	bad := entryHead{unreadable: true}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return bad
	}
	var h entryHead
	var typ, id bool
	for dec.More() && !(typ && id) {
		t, err := dec.Token()
		if err != nil {
			return bad
		}
		switch t {
		case "resourceType":
			err, typ = dec.Decode(&h.ResourceType), true
		case "id":
			err, id = dec.Decode(&h.ID), true
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
		}
		if err != nil {
			return bad
		}
	}
	return h
}

// decode reads entry i into v.
func (b *Bundle) decode(i int, v any) error {
	if err := json.Unmarshal(b.Entry[i].Resource, v); err != nil {
		return fmt.Errorf("entry %d: %w", i, err)
	}
	return nil
}

// entryPath is the FHIRPath of entry i's resource.
func entryPath(i int) string { return fmt.Sprintf("Bundle.entry[%d].resource", i) }
