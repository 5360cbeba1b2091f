package dynamo

import (
	"context"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/openpayer/provider-portal/shared/portal"
)

// A cursor is signed, and checked value by value: nothing a caller forges
// reaches DynamoDB as a key, where it would answer 500 instead of 400.
func TestForgedCursorsAreRefused(t *testing.T) {
	const fp = "0123456789abcdef"
	key := []byte("a test key of thirty-two bytes!!")
	good := cursor{Query: fp, At: []position{{Received: "2026-11-01", Number: "C1"}, {Done: true}, {}}}.encode(key)
	if _, err := decodeCursor([][]byte{key}, good, fp, 3); err != nil {
		t.Fatalf("a cursor the store issued: %v", err)
	}
	payload, _, _ := strings.Cut(good, ".")
	for name, c := range map[string]string{
		"unsigned":            payload,
		"signed with another": cursor{Query: fp, At: make([]position, 3)}.encode([]byte("another key")),
		"a changed payload":   base64.RawURLEncoding.EncodeToString([]byte(`{"q":"`+fp+`","p":[{},{},{}]}`)) + good[len(payload):],
		"not base64":          "!!!.???",
	} {
		if _, err := decodeCursor([][]byte{key}, c, fp, 3); portal.ErrorCode(err) != portal.CodeInvalidCursor {
			t.Errorf("%s: %v, want INVALID_CURSOR", name, err)
		}
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
		// Even signed with the key, a cursor of the wrong shape is refused.
		p := base64.RawURLEncoding.EncodeToString([]byte(raw))
		signed := p + "." + base64.RawURLEncoding.EncodeToString(cursorMAC(key, p))
		if _, err := decodeCursor([][]byte{key}, signed, fp, 3); portal.ErrorCode(err) != portal.CodeInvalidCursor {
			t.Errorf("%s: %v, want INVALID_CURSOR", name, err)
		}
	}
}

// A rotation leaves cursors in providers' open pages: one signed with the
// previous key still reads while that key is in the ring, new ones are
// signed with the current key, and once the previous key leaves the ring
// its cursors are refused.
func TestCursorsOutliveOneRotation(t *testing.T) {
	const fp = "0123456789abcdef"
	old, current := []byte("the key before the rotation......"), []byte("the key after the rotation.......")
	issued := cursor{Query: fp, At: []position{{Received: "2026-11-01", Number: "C1"}}}.encode(old)
	if _, err := decodeCursor([][]byte{current, old}, issued, fp, 1); err != nil {
		t.Errorf("a cursor of the previous key during the rotation: %v", err)
	}
	if _, err := decodeCursor([][]byte{current}, issued, fp, 1); portal.ErrorCode(err) != portal.CodeInvalidCursor {
		t.Errorf("a cursor of a key no longer in the ring: %v", err)
	}
	ring, err := cursorRing(context.Background(), StaticCursorKey(current))
	if err != nil || len(ring) != 1 {
		t.Fatalf("%v %v", ring, err)
	}
	for name, keys := range map[string]CursorKeys{"none": nil, "short": StaticCursorKey("short")} {
		if _, err := cursorRing(context.Background(), keys); err == nil {
			t.Errorf("%s: a ring was made", name)
		}
	}
}
