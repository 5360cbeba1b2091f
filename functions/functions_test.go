// Package functions_test checks what each function's bootstrap links: a
// function carries only the clients and libraries its own work needs, which
// keeps its binary small and its cold start short.
package functions_test

import (
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// deps lists the packages the function's main links.
func deps(t *testing.T, fn string) []string {
	t.Helper()
	out, err := exec.Command("go", "list", "-deps", "-tags", "lambda.norpc", "./"+fn).Output()
	if err != nil {
		t.Fatalf("go list %s: %v", fn, err)
	}
	return strings.Fields(string(out))
}

// The case functions write a letter's record with the change and leave its
// PDF to the letters function and the case-events sweep: they link neither
// the PDF renderer nor the S3 client. The two that render do.
func TestOnlyTheLetterRenderersLinkThePDFRendererAndS3(t *testing.T) {
	const pdf, s3 = "codeberg.org/go-pdf/fpdf", "github.com/aws/aws-sdk-go-v2/service/s3"
	for fn, renders := range map[string]bool{"disputes": false, "appeals": false, "casedecisions": false, "letters": true, "caseevents": true} {
		d := deps(t, fn)
		if slices.Contains(d, pdf) != renders || slices.Contains(d, s3) != renders {
			t.Errorf("%s links the PDF renderer %v and S3 %v; want %v", fn, slices.Contains(d, pdf), slices.Contains(d, s3), renders)
		}
	}
}
