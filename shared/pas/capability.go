package pas

// Canonical URLs of the PAS 2.2.1 package this server follows.
const (
	ImplementationGuide = "http://hl7.org/fhir/us/davinci-pas/ImplementationGuide/hl7.fhir.us.davinci-pas"
	OperationSubmit     = "http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-submit"
	OperationInquire    = "http://hl7.org/fhir/us/davinci-pas/OperationDefinition/Claim-inquiry"
	ProfileClaim        = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-claim"
	ProfileClaimInquiry = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-claim-inquiry"
	// Version is the PAS version the answers follow.
	Version = "2.2.1"
)

// Operations are the Claim operations this server answers, by name, with
// their definitions in the PAS package.
var Operations = map[string]string{"submit": OperationSubmit, "inquire": OperationInquire}

// Capability is the server's CapabilityStatement (GET /fhir/metadata): what
// it answers of PAS, and nothing it does not. It changes with the code, not
// with the data, so it is a constant built once.
func Capability() map[string]any {
	ops := []any{
		map[string]any{"name": "submit", "definition": OperationSubmit + "|" + Version},
		map[string]any{"name": "inquire", "definition": OperationInquire + "|" + Version},
	}
	return map[string]any{
		"resourceType": "CapabilityStatement",
		"status":       "active",
		"date":         "2026-12-05",
		"publisher":    "KY Marketplace provider portal",
		"kind":         "instance",
		"implementation": map[string]any{
			"description": "Prior authorization of retro authorizations (outpatient services, inpatient stays) by Da Vinci PAS",
		},
		"fhirVersion":         "4.0.1",
		"format":              []any{"application/fhir+json"},
		"implementationGuide": []any{ImplementationGuide + "|" + Version},
		"rest": []any{map[string]any{
			"mode": "server",
			"documentation": "Claim/$submit makes a retro authorization request, as the portal's form does; Claim/$inquire answers where one stands. " +
				"Problems are OperationOutcomes, each issue at its FHIRPath in the Bundle.",
			"security": map[string]any{"description": "A bearer token of the plan's issuer, naming the provider organisation (TIN) the caller acts for."},
			"resource": []any{map[string]any{
				"type":             "Claim",
				"supportedProfile": []any{ProfileClaim + "|" + Version, ProfileClaimInquiry + "|" + Version},
				"operation":        ops,
			}},
		}},
	}
}
