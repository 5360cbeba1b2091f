package dynamo

import (
	"encoding/base64"
	"testing"

	"github.com/openpayer/provider-portal/shared/portal"
)

// A cursor is checked value by value: nothing a caller forges reaches
// DynamoDB as a key, where it would answer 500 instead of 400.
func TestForgedCursorsAreRefused(t *testing.T) {
	const fp = "0123456789abcdef"
	good := cursor{Query: fp, At: []position{{Received: "2026-11-01", Number: "C1"}, {Done: true}, {}}}.encode()
	if _, err := decodeCursor(good, fp, 3); err != nil {
		t.Fatalf("a cursor the store issued: %v", err)
	}
	for name, raw := range map[string]string{
		"another query":         `{"q":"fedcba9876543210","p":[{},{},{}]}`,
		"too few keys":          `{"q":"` + fp + `","p":[{}]}`,
		"not a date":            `{"q":"` + fp + `","p":[{"r":"yesterday","n":"C1"},{},{}]}`,
		"not a claim number":    `{"q":"` + fp + `","p":[{"r":"2026-11-01","n":"C1\" OR 1=1"},{},{}]}`,
		"a number and no date":  `{"q":"` + fp + `","p":[{"n":"C1"},{},{}]}`,
		"done and a position":   `{"q":"` + fp + `","p":[{"d":true,"r":"2026-11-01","n":"C1"},{},{}]}`,
		"a date and no number":  `{"q":"` + fp + `","p":[{"r":"2026-11-01"},{},{}]}`,
		"a number over 40 long": `{"q":"` + fp + `","p":[{"r":"2026-11-01","n":"C12345678901234567890123456789012345678901"},{},{}]}`,
	} {
		if _, err := decodeCursor(base64.RawURLEncoding.EncodeToString([]byte(raw)), fp, 3); portal.ErrorCode(err) != portal.CodeInvalidCursor {
			t.Errorf("%s: %v, want INVALID_CURSOR", name, err)
		}
	}
}
