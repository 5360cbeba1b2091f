// Package letterstest reads a letter's PDF back as text, as a provider's
// PDF reader would, for tests.
package letterstest

import (
	"bytes"
	"io"
	"strings"
	"testing"

	"github.com/ledongthuc/pdf"
)

// Text is the PDF's text, its runs of white space made single spaces.
func Text(tb testing.TB, b []byte) string {
	tb.Helper()
	r, err := pdf.NewReader(bytes.NewReader(b), int64(len(b)))
	if err != nil {
		tb.Fatalf("not a PDF: %v", err)
	}
	pt, err := r.GetPlainText()
	if err != nil {
		tb.Fatal(err)
	}
	out, err := io.ReadAll(pt)
	if err != nil {
		tb.Fatal(err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}
