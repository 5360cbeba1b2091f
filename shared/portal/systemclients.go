package portal

import (
	"context"
	"time"
)

// SystemClient is a system the plan has registered to call the FHIR routes
// for provider organisations (an EHR, a clearinghouse): SMART Backend
// Services. It proves who it is with a JWT signed by a key of its JWKS, and
// acts only for the TINs registered here.
type SystemClient struct {
	// ID is the client_id the plan gave it: letters, digits, . _ -.
	ID string `json:"clientId"`
	// Name is who it is, for the plan's people and the audit trail.
	Name string `json:"name"`
	// TINs are the provider organisations it may act for.
	TINs []ProviderID `json:"tins"`
	// JWKS is its public keys, a JSON Web Key Set as the client sent it at
	// registration (never a private key).
	JWKS string `json:"jwks"`
	// Scopes limit what it may ask for; empty is every scope the server
	// offers.
	Scopes []string `json:"scopes,omitempty"`
	// Disabled refuses its next token: the plan offboards a client by
	// setting it (tokens already issued end within minutes).
	Disabled bool `json:"disabled,omitempty"`
}

// ActsFor reports whether the client is registered for the TIN.
func (c SystemClient) ActsFor(tin ProviderID) bool {
	for _, t := range c.TINs {
		if t == tin {
			return true
		}
	}
	return false
}

// SystemClients are the registered system clients.
type SystemClients interface {
	// SystemClient is the client registered under id; found is false
	// when there is none.
	SystemClient(ctx context.Context, id string) (c SystemClient, found bool, err error)
	// RegisterSystemClient adds or replaces a client.
	RegisterSystemClient(ctx context.Context, c SystemClient) error
}

// AssertionLedger remembers the client assertions already spent, so that
// one overheard is worth nothing: each (client, jti) is taken once while
// the assertion could still be valid.
type AssertionLedger interface {
	// SpendAssertion records the client's assertion jti until expires,
	// and reports false, recording nothing, if it was spent already.
	SpendAssertion(ctx context.Context, client, jti string, expires time.Time) (bool, error)
}
