package portal

import (
	"crypto/rand"
	"encoding/hex"
)

// NewID returns a random identifier for an upload or a submission: 32 hex
// digits, unguessable, and valid wherever ValidIdentifier is required.
func NewID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // never fails: crypto/rand panics rather than return an error
	return hex.EncodeToString(b)
}
