package pas

import (
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/openpayer/provider-portal/shared/portal"
)

// QuestionSystem is the code system of this plan's clinical questions: a
// Claim.supportingInfo whose category has a code of it answers the question
// of that ID (GET /authorizations/questions lists them), in valueString or
// valueBoolean.
const QuestionSystem = "https://provider-portal.example/fhir/CodeSystem/clinical-questions"

// Request is a PAS request read as the portal's retro authorization
// request.
type Request struct {
	Auth portal.AuthorizationRequest
	// Trace is the Claim's identifier, the submitter's: $inquire finds the
	// request by it, and the answer repeats it.
	Trace Identifier
	// RequestingTIN is the TIN the requestor's identifiers name, if any:
	// the provider organisation a system client says it acts for.
	RequestingTIN string
	// Documents are the files the request carries in itself, in their
	// order; Auth.UploadIDs is for the caller to fill once they are stored.
	Documents []Document
	// bundle and claim are the request as read, which its answer repeats
	// parts of (read once: a Bundle may carry megabytes of documents).
	bundle *Bundle
	claim  *Claim
	// Where is the FHIRPath each of the request's fields was read from,
	// by the field's key in the plan's problems (memberId, services[0].code).
	Where map[string]string
}

// Read maps a PAS request Bundle onto a retro authorization request. A
// Bundle the mapping cannot read (not a Bundle, no Claim first, a Claim
// that is not a prior authorization, a reference to no entry) answers
// INVALID_PAS_REQUEST with every problem at its FHIRPath; what the plan's
// rules then find is for the caller to check, with Where to place it.
func Read(body []byte) (*Request, error) {
	var b Bundle
	if err := json.Unmarshal(body, &b); err != nil {
		return nil, invalid(map[string]string{"Bundle": sayUnreadable}, "not a FHIR resource in JSON")
	}
	if b.ResourceType != "Bundle" || len(b.Entry) == 0 {
		return nil, invalid(map[string]string{"Bundle": sayUnreadable}, "a PAS request is a Bundle whose first entry is the Claim")
	}
	var c Claim
	if err := b.decode(0, &c); err != nil || c.ResourceType != "Claim" {
		return nil, invalid(map[string]string{entryPath(0): sayUnreadable}, "the Bundle's first entry must be the Claim")
	}
	r := &Request{Where: map[string]string{}, bundle: &b, claim: &c}
	claim := entryPath(0)
	f := map[string]string{}
	if c.Use != "preauthorization" {
		f[claim+".use"] = "This was sent as a claim, not as a prior authorization request. Send it as a prior authorization request."
	}
	if len(c.Identifier) > 0 {
		r.Trace = c.Identifier[0]
	}
	a := &r.Auth
	r.readMember(&b, &c, f)
	r.readType(&c)
	r.readDates(&c)
	r.readParties(&b, &c, f)
	r.readCodes(&c)
	r.readAnswers(&c)
	r.readDocuments(&b, &c, f)
	for _, it := range c.Item {
		for _, e := range it.Extension {
			if e.URL == ExtItemTrace && e.ValueIdentifier != nil && r.Trace.Value == "" {
				r.Trace = *e.ValueIdentifier
			}
		}
	}
	if r.Trace.Value == "" {
		f[claim+".identifier"] = "The request has no reference number from your system. Send it again with one."
	}
	a.Urgent = urgent(&c)
	if a.Type == portal.AuthInpatient && a.Admission != nil && a.Urgent {
		a.Admission.Type = "urgent"
	}
	if len(f) > 0 {
		return nil, invalid(f, "each issue's expression is the element at fault; references must resolve within the Bundle")
	}
	return r, nil
}

// sayUnreadable is what a person at the sending system reads when nothing
// of the request could be read.
const sayUnreadable = "Your system's request could not be read as a prior authorization request. Send it again; if it keeps happening, contact your system's vendor."

// invalid is the answer to a Bundle the mapping cannot read: the sentences
// are for the people at the sending system; reason, for its developers.
func invalid(f map[string]string, reason string) *portal.Error {
	detail := portal.SayOneField
	if len(f) > 1 {
		detail = fmt.Sprintf(portal.SayFields, len(f))
	}
	return &portal.Error{Kind: portal.KindInvalid, Code: portal.CodeInvalidPASRequest, Detail: detail, Fields: f, Reason: reason}
}

// readMember finds the member by the focal coverage's subscriber ID (the
// plan's member ID), or its identifier of type MB.
func (r *Request) readMember(b *Bundle, c *Claim, f map[string]string) {
	claim := entryPath(0)
	r.Where["memberId"] = claim + ".insurance"
	k := slices.IndexFunc(c.Insurance, func(in struct {
		Sequence int       `json:"sequence"`
		Focal    bool      `json:"focal"`
		Coverage Reference `json:"coverage"`
	}) bool {
		return in.Focal
	})
	if k < 0 && len(c.Insurance) > 0 {
		k = 0
	}
	if k < 0 {
		return // memberId is required by the plan's rules: answered there
	}
	i, h := b.resolve(c.Insurance[k].Coverage)
	if i < 0 || h.ResourceType != "Coverage" {
		f[fmt.Sprintf("%s.insurance[%d].coverage", claim, k)] = "The member's insurance details are missing from the request."
		return
	}
	var cov Coverage
	if b.decode(i, &cov) != nil {
		f[entryPath(i)] = "The member's insurance details could not be read."
		return
	}
	r.Where["memberId"] = entryPath(i) + ".subscriberId"
	r.Auth.MemberID = cov.SubscriberID
	for j, id := range cov.Identifier {
		if r.Auth.MemberID == "" && id.Type.Code(SystemV20203) == "MB" && id.Value != "" {
			r.Auth.MemberID = id.Value
			r.Where["memberId"] = fmt.Sprintf("%s.identifier[%d]", entryPath(i), j)
		}
	}
}

// readType: an institutional claim is an inpatient stay, a professional
// one outpatient services.
func (r *Request) readType(c *Claim) {
	r.Where["type"] = entryPath(0) + ".type"
	switch c.Type.Code(SystemClaimType) {
	case "institutional":
		r.Auth.Type = portal.AuthInpatient
	case "professional":
		r.Auth.Type = portal.AuthOutpatient
	}
}

// readDates: an inpatient stay starts on its admission (supportingInfo
// admissionDates), outpatient services on the earliest item's date.
func (r *Request) readDates(c *Claim) {
	claim := entryPath(0)
	a := &r.Auth
	r.Where["startDate"] = claim + ".item"
	for k, s := range c.SupportingInfo {
		if s.Category.Code(SystemPASTemp) != "admissionDates" || s.TimingPeriod == nil || a.Type != portal.AuthInpatient {
			continue
		}
		where := fmt.Sprintf("%s.supportingInfo[%d].timingPeriod", claim, k)
		a.StartDate = date(s.TimingPeriod.Start)
		a.Admission = &portal.Admission{Type: "elective", DischargeDate: date(s.TimingPeriod.End)}
		r.Where["startDate"], r.Where["admission"], r.Where["admission.dischargeDate"] = where+".start", where, where+".end"
		r.Where["admission.type"] = claim + ".extension"
	}
	for k, it := range c.Item {
		start, end := it.ServicedDate, it.ServicedDate
		where := fmt.Sprintf("%s.item[%d].servicedDate", claim, k)
		if it.ServicedPeriod != nil {
			start, end = it.ServicedPeriod.Start, it.ServicedPeriod.End
			where = fmt.Sprintf("%s.item[%d].servicedPeriod", claim, k)
		}
		if d := date(start); !d.IsZero() && a.Admission == nil && (a.StartDate.IsZero() || d.Before(a.StartDate)) {
			a.StartDate = d
			r.Where["startDate"] = where
		}
		if d := date(end); !d.IsZero() && a.Admission == nil && d.After(a.EndDate) && (a.StartDate.IsZero() || d.After(a.StartDate)) {
			a.EndDate = d
			r.Where["endDate"] = where
		}
	}
	if a.EndDate.Equal(a.StartDate) {
		a.EndDate = portal.Date{}
	}
}

// date reads a FHIR date or date-time's date; the zero date if it is
// neither.
func date(s string) portal.Date {
	if len(s) < 10 {
		return portal.Date{}
	}
	d, err := portal.ParseDate(s[:10])
	if err != nil {
		return portal.Date{}
	}
	return d
}

// readParties: the requesting NPI is the Claim's provider's; the servicing
// NPI the first care team member's (a PractitionerRole's practitioner or
// organization), else the requesting one.
func (r *Request) readParties(b *Bundle, c *Claim, f map[string]string) {
	claim := entryPath(0)
	a := &r.Auth
	r.Where["requestingNpi"] = claim + ".provider"
	if p, i := party(b, c.Provider); p != nil {
		a.RequestingNPI, a.ContactEmail, r.RequestingTIN = p.NPI(), p.Email(), p.TIN()
		r.Where["requestingNpi"], r.Where["contactEmail"] = entryPath(i)+".identifier", entryPath(i)+".telecom"
	} else if c.Provider.Reference != "" {
		f[claim+".provider"] = "The requesting provider's details are missing from the request."
	}
	a.ServicingNPI, r.Where["servicingNpi"] = a.RequestingNPI, r.Where["requestingNpi"]
	if len(c.CareTeam) == 0 {
		return
	}
	p, i := party(b, c.CareTeam[0].Provider)
	if p == nil {
		f[claim+".careTeam[0].provider"] = "The servicing provider's details are missing from the request."
		return
	}
	for p.ResourceType == "PractitionerRole" {
		ref := p.Practitioner
		if ref == nil {
			ref = p.Organization
		}
		if ref == nil {
			break
		}
		q, j := party(b, *ref)
		if q == nil {
			f[entryPath(i)] = "The servicing practitioner's details are missing from the request."
			return
		}
		p, i = q, j
	}
	a.ServicingNPI, r.Where["servicingNpi"] = p.NPI(), entryPath(i)+".identifier"
	if a.ContactEmail == "" {
		a.ContactEmail = p.Email()
	}
}

// party decodes the Organization, Practitioner or PractitionerRole a
// reference names, with its entry; nil if the Bundle has none.
func party(b *Bundle, ref Reference) (*Party, int) {
	i, h := b.resolve(ref)
	if i < 0 || (h.ResourceType != "Organization" && h.ResourceType != "Practitioner" && h.ResourceType != "PractitionerRole") {
		return nil, -1
	}
	var p Party
	if b.decode(i, &p) != nil {
		return nil, -1
	}
	return &p, i
}

// readCodes: diagnoses in their sequence (ICD-10-CM), one service line per
// item (its HCPCS or CPT code, modifiers and quantity: one unit when it
// states none), the place of service of the first item that has one.
func (r *Request) readCodes(c *Claim) {
	claim := entryPath(0)
	a := &r.Auth
	diags := slices.Clone(c.Diagnosis)
	sort.SliceStable(diags, func(i, j int) bool { return diags[i].Sequence < diags[j].Sequence })
	r.Where["diagnoses"] = claim + ".diagnosis"
	for k, d := range diags {
		code := d.DiagnosisCodeableConcept.Code(SystemICD10CM)
		if code == "" {
			code = d.DiagnosisCodeableConcept.AnyCode()
		}
		a.Diagnoses = append(a.Diagnoses, code)
		r.Where[fmt.Sprintf("diagnoses[%d]", k)] = fmt.Sprintf("%s.diagnosis[%d].diagnosisCodeableConcept", claim, k)
	}
	r.Where["services"], r.Where["placeOfService"] = claim+".item", claim+".item"
	for k, it := range c.Item {
		item := fmt.Sprintf("%s.item[%d]", claim, k)
		code := it.ProductOrService.Code(SystemHCPCS)
		if code == "" {
			code = it.ProductOrService.Code(SystemCPT)
		}
		if code == "" {
			code = it.ProductOrService.AnyCode()
		}
		line := portal.ServiceLine{Code: code, Units: 1}
		for _, m := range it.Modifier {
			line.Modifiers = append(line.Modifiers, m.AnyCode())
		}
		if it.Quantity != nil && it.Quantity.Value != nil {
			n, err := strconv.Atoi(it.Quantity.Value.String())
			if err != nil {
				n = -1 // the plan's rules answer units that are not whole
			}
			line.Units = portal.Integer(n)
		}
		a.Services = append(a.Services, line)
		p := fmt.Sprintf("services[%d]", k)
		r.Where[p], r.Where[p+".code"] = item, item+".productOrService"
		r.Where[p+".modifiers"], r.Where[p+".units"] = item+".modifier", item+".quantity"
		if pos := it.LocationCodeableConcept.Code(SystemPOS); pos != "" && a.PlaceOfService == "" {
			a.PlaceOfService, r.Where["placeOfService"] = pos, item+".locationCodeableConcept"
		}
	}
}

// readAnswers reads the clinical questions' answers from supportingInfo.
func (r *Request) readAnswers(c *Claim) {
	r.Where["answers"] = entryPath(0) + ".supportingInfo"
	for k, s := range c.SupportingInfo {
		id := s.Category.Code(QuestionSystem)
		if id == "" {
			continue
		}
		var v string
		switch {
		case s.ValueString != nil:
			v = *s.ValueString
		case s.ValueBoolean != nil:
			v = map[bool]string{true: "yes", false: "no"}[*s.ValueBoolean]
		}
		if r.Auth.Answers == nil {
			r.Auth.Answers = map[string]string{}
		}
		r.Auth.Answers[id] = v
		r.Where["answers."+id] = fmt.Sprintf("%s.supportingInfo[%d]", entryPath(0), k)
	}
}

// urgent: the level of service is urgent or emergency (X12 1338 U or 03),
// or the Claim's priority is stat.
func urgent(c *Claim) bool {
	for _, e := range c.Extension {
		if e.URL == ExtLevelOfService && e.ValueCodeableConcept != nil {
			if code := e.ValueCodeableConcept.AnyCode(); code == "U" || code == "03" {
				return true
			}
		}
	}
	return c.Priority.Code(SystemPriority) == "stat"
}

// Locate is the FHIRPath of a problem's field: its own, else that of the
// nearest field it belongs to (services[0].modifiers[1] → services[0].modifiers),
// else the Claim.
func (r *Request) Locate(field string) string {
	if strings.HasPrefix(field, "Bundle") {
		return field
	}
	for f := field; f != ""; {
		if w, ok := r.Where[f]; ok {
			return w
		}
		i := strings.LastIndexAny(f, ".[")
		if i < 0 {
			break
		}
		f = f[:i]
	}
	return entryPath(0)
}
