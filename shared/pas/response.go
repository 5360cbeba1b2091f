package pas

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"time"

	"github.com/openpayer/provider-portal/shared/portal"
)

// Profiles and systems of the answers.
const (
	ProfileResponseBundle        = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-pas-response-bundle"
	ProfileClaimResponse         = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-claimresponse"
	ProfileInquiryResponseBundle = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-pas-inquiry-response-bundle"
	ProfileInquiryResponse       = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-claiminquiryresponse"
	ExtReviewAction              = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewAction"
	ExtReviewActionCode          = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-reviewActionCode"
	ExtItemPreAuthPeriod         = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-itemPreAuthPeriod"
	SystemReviewAction           = "https://codesystem.x12.org/005010/306"
	SystemAdjudication           = "http://terminology.hl7.org/CodeSystem/adjudication"
	// SystemAuthorization names this plan's request IDs (RA-XXXX-XXXX).
	SystemAuthorization = "https://provider-portal.example/fhir/NamingSystem/authorization-request"
	// SystemDenialReason is the plan's denial reason codes.
	SystemDenialReason = "https://provider-portal.example/fhir/CodeSystem/denial-reason"
)

// reviewAction is the X12 306 action code of where a request stands: A1
// certified in total, A3 not certified, A4 pended (received, or waiting for
// the information asked for), CT contact the payer (withdrawn).
func reviewAction(s portal.AuthStatus) (code, display string) {
	switch s {
	case portal.AuthApproved:
		return "A1", "Certified in total"
	case portal.AuthDenied:
		return "A3", "Not Certified"
	case portal.AuthWithdrawn:
		return "CT", "Contact Payer"
	}
	return "A4", "Pended"
}

// Refusal is a document a request carried that the file checks refused
// after the request was made (the malware scan's verdict comes later):
// its file name and the reason, in the plan's words.
type Refusal struct{ FileName, Reason string }

// Answer is the PAS response Bundle for a request recorded as a (the
// inquiry response Bundle for an inquiry): the ClaimResponse first (a
// review action on each item; the authorization number and dates once
// approved, the reason once denied; when the decision is due while
// pended), then the patient, insurer and requestor the request named, as
// it sent them. Each document of the request that the file checks refused
// after it was made is a note of its own.
func Answer(req *Request, a *portal.Authorization, now time.Time, inquiry bool, refused []Refusal) ([]byte, error) {
	if req == nil || req.bundle == nil || req.claim == nil {
		return nil, fmt.Errorf("answer: no request read")
	}
	b, c := req.bundle, req.claim
	code, display := reviewAction(a.Status)
	action := map[string]any{"url": ExtReviewAction, "extension": []any{map[string]any{"url": ExtReviewActionCode,
		"valueCodeableConcept": map[string]any{"coding": []any{map[string]any{"system": SystemReviewAction, "code": code, "display": display}}}}}}
	d := a.Decision
	if d != nil && a.Status == portal.AuthApproved && d.AuthorizationNumber != "" {
		action["extension"] = append(action["extension"].([]any), map[string]any{"url": "number", "valueString": d.AuthorizationNumber})
	}
	if d != nil && a.Status == portal.AuthDenied && d.ReasonCode != "" {
		action["extension"] = append(action["extension"].([]any), map[string]any{"url": "reasonCode",
			"valueCodeableConcept": map[string]any{"coding": []any{map[string]any{"system": SystemDenialReason, "code": d.ReasonCode}}, "text": d.ReasonText}})
	}
	var items []any
	seqs := make([]int, 0, len(c.Item))
	for _, it := range c.Item {
		seqs = append(seqs, it.Sequence)
	}
	if len(seqs) == 0 {
		seqs = []int{1}
	}
	for _, seq := range seqs {
		item := map[string]any{"itemSequence": seq, "adjudication": []any{map[string]any{
			"extension": []any{action},
			"category":  map[string]any{"coding": []any{map[string]any{"system": SystemAdjudication, "code": "submitted"}}},
		}}}
		if d != nil && a.Status == portal.AuthApproved && !d.ApprovedFrom.IsZero() {
			item["extension"] = []any{map[string]any{"url": ExtItemPreAuthPeriod,
				"valuePeriod": map[string]any{"start": d.ApprovedFrom.String(), "end": d.ApprovedTo.String()}}}
		}
		items = append(items, item)
	}
	identifiers := []any{map[string]any{"system": SystemAuthorization, "value": a.ID}}
	if a.Trace != nil && a.Trace.System != "" {
		identifiers = append([]any{map[string]any{"system": a.Trace.System, "value": a.Trace.Value}}, identifiers...)
	}
	cr := map[string]any{
		"resourceType": "ClaimResponse",
		"id":           a.ID,
		"meta":         map[string]any{"profile": []any{profile(inquiry, ProfileInquiryResponse, ProfileClaimResponse)}},
		"identifier":   identifiers,
		"status":       "active",
		"type":         c.Type,
		"use":          "preauthorization",
		"patient":      c.Patient,
		"created":      now.UTC().Format(time.RFC3339),
		"insurer":      c.Insurer,
		"requestor":    c.Provider,
		"request":      map[string]any{"identifier": map[string]any{"system": SystemAuthorization, "value": a.ID}},
		"outcome":      "complete",
		"item":         items,
	}
	if len(c.Identifier) > 0 {
		cr["request"] = map[string]any{"identifier": c.Identifier[0]}
	}
	if d != nil && a.Status == portal.AuthApproved {
		cr["preAuthRef"] = d.AuthorizationNumber
		if !d.ApprovedFrom.IsZero() {
			cr["preAuthPeriod"] = map[string]any{"start": d.ApprovedFrom.String(), "end": d.ApprovedTo.String()}
		}
	}
	var notes []string
	switch {
	case a.Status == portal.AuthReceived:
		notes = append(notes, fmt.Sprintf("Request %s received; a decision is due by %s.", a.ID, a.DecisionDue.UTC().Format(time.RFC3339)))
	case a.Status == portal.AuthMoreInfo && d != nil:
		notes = append(notes, "More information is needed: "+d.InformationWanted)
	case a.Status == portal.AuthDenied && d != nil && d.ReasonText != "":
		notes = append(notes, d.ReasonText)
	case a.Status == portal.AuthWithdrawn:
		notes = append(notes, "The request was withdrawn.")
	}
	for _, r := range refused {
		notes = append(notes, fmt.Sprintf("The document %s sent with this request was refused: %s", r.FileName, r.Reason))
	}
	for i, n := range notes {
		if i == 0 {
			cr["processNote"] = []any{}
		}
		cr["processNote"] = append(cr["processNote"].([]any), map[string]any{"number": i + 1, "type": "display", "text": n})
	}
	entries := []any{map[string]any{"fullUrl": "urn:uuid:" + uuidOf(a.ID), "resource": cr}}
	for _, ref := range []Reference{c.Patient, c.Insurer, c.Provider} {
		if i, h := b.resolve(ref); i > 0 {
			full := b.Entry[i].FullURL
			if full == "" {
				full = "urn:uuid:" + uuidOf(h.ResourceType+"/"+h.ID)
			}
			entries = append(entries, map[string]any{"fullUrl": full, "resource": b.Entry[i].Resource})
		}
	}
	// The answer's own identifier: the request Bundle's, else one of its own.
	id := any(map[string]any{"system": SystemAuthorization + "/answer", "value": a.ID + "-" + now.UTC().Format("20060102150405")})
	if b.Identifier != nil && b.Identifier.Value != "" {
		id = b.Identifier
	}
	return json.Marshal(map[string]any{
		"resourceType": "Bundle",
		"meta":         map[string]any{"profile": []any{profile(inquiry, ProfileInquiryResponseBundle, ProfileResponseBundle)}},
		"identifier":   id,
		"type":         "collection",
		"timestamp":    now.UTC().Format(time.RFC3339),
		"entry":        entries,
	})
}

// uuidOf is a stable UUID-shaped name for a request's ClaimResponse entry.
func uuidOf(id string) string {
	sum := sha256.Sum256([]byte(id))
	h := hex.EncodeToString(sum[:16])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func profile(inquiry bool, ifInquiry, otherwise string) string {
	if inquiry {
		return ifInquiry
	}
	return otherwise
}
