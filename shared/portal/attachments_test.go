package portal_test

import (
	"strings"
	"testing"

	"github.com/openpayer/provider-portal/shared/filetype"
	"github.com/openpayer/provider-portal/shared/portal"
)

func TestCheckUploadRequest(t *testing.T) {
	plan := portal.KYMarketplace
	for _, tc := range []struct {
		req  portal.UploadRequest
		typ  filetype.Type
		code string
	}{
		{portal.UploadRequest{FileName: "records.PDF", Size: 10}, filetype.PDF, ""},
		{portal.UploadRequest{FileName: "scan.jpg", ContentType: ptr("image/jpeg"), Size: 100 << 20}, filetype.JPEG, ""},
		{portal.UploadRequest{FileName: "run.exe", Size: 10}, "", portal.CodeFileTypeNotAllowed},
		{portal.UploadRequest{FileName: "slides.ppt", Size: 10}, "", portal.CodeFileTypeNotAllowed},
		{portal.UploadRequest{FileName: "a/b.pdf", Size: 10}, "", portal.CodeUnsafeFileName},
		{portal.UploadRequest{FileName: "bad\x00name.pdf", Size: 10}, "", portal.CodeUnsafeFileName},
		{portal.UploadRequest{FileName: "report\u202efdp.exe.pdf", Size: 10}, "", portal.CodeUnsafeFileName},
		{portal.UploadRequest{FileName: "scan\u200b.pdf", Size: 10}, "", portal.CodeUnsafeFileName},
		{portal.UploadRequest{FileName: "\ufeffscan.pdf", Size: 10}, "", portal.CodeUnsafeFileName},
		{portal.UploadRequest{FileName: "bad\xffutf8.pdf", Size: 10}, "", portal.CodeUnsafeFileName},
		{portal.UploadRequest{FileName: strings.Repeat("é", 196) + ".pdf", Size: 10}, filetype.PDF, ""}, // 200 characters, 396 bytes
		{portal.UploadRequest{FileName: strings.Repeat("é", 197) + ".pdf", Size: 10}, "", portal.CodeUnsafeFileName},
		{portal.UploadRequest{FileName: "a.pdf", Size: 100<<20 + 1}, "", portal.CodeFileTooLarge},
		{portal.UploadRequest{FileName: "a.pdf", Size: 0}, "", portal.CodeFileEmpty},
		{portal.UploadRequest{FileName: "a.pdf", ContentType: ptr("text/plain"), Size: 1}, "", portal.CodeContentTypeMismatch},
		// The document's enum, exactly: not empty, not in capitals.
		{portal.UploadRequest{FileName: "a.pdf", ContentType: ptr(""), Size: 1}, "", portal.CodeContentTypeMismatch},
		{portal.UploadRequest{FileName: "a.pdf", ContentType: ptr("APPLICATION/PDF"), Size: 1}, "", portal.CodeContentTypeMismatch},
		{portal.UploadRequest{FileName: "a.pdf", ContentType: ptr("application/pdf"), Size: 1}, filetype.PDF, ""},
	} {
		typ, err := plan.CheckUploadRequest(tc.req)
		if portal.ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
			t.Errorf("%+v: %v, want %s", tc.req, err, tc.code)
		}
		if tc.code == "" && typ != tc.typ {
			t.Errorf("%+v: type %s", tc.req, typ)
		}
	}
}

func ptr(s string) *string { return &s }

func TestCheckContent(t *testing.T) {
	plan := portal.KYMarketplace
	for _, tc := range []struct {
		declared filetype.Type
		v        filetype.Verdict
		size     int64
		code     string
	}{
		{filetype.PDF, filetype.Verdict{Type: filetype.PDF}, 10, ""},
		{filetype.PDF, filetype.Verdict{Executable: true, Why: "program"}, 10, portal.CodeFileIsProgram},
		{filetype.DOCX, filetype.Verdict{Type: filetype.DOCX, Macros: true}, 10, portal.CodeFileHasMacros},
		{filetype.PDF, filetype.Verdict{Macros: true}, 10, portal.CodeFileHasMacros},
		{filetype.XLSX, filetype.Verdict{Type: filetype.DOCX}, 10, portal.CodeFileContentMismatch},
		{filetype.PDF, filetype.Verdict{Why: "noise"}, 10, portal.CodeFileUnrecognised},
		{filetype.PDF, filetype.Verdict{Type: filetype.PDF}, 100<<20 + 1, portal.CodeFileTooLarge},
	} {
		code, reason := plan.CheckContent(tc.declared, tc.v, tc.size)
		if code != tc.code || (code != "" && reason == "") {
			t.Errorf("%+v: %s %q, want %s", tc, code, reason, tc.code)
		}
	}
}

func TestCheckProactive(t *testing.T) {
	m := &portal.Member{ID: "M1", Eligibility: []portal.Span{{From: portal.MustDate("2025-01-01"), To: portal.MustDate("2025-12-31")}}}
	c := validClaim() // member M1, first date of service 2025-03-01
	ok := func() portal.SubmissionRequest {
		return portal.SubmissionRequest{MemberID: "M1", ServiceDate: portal.MustDate("2025-03-01"), Reason: "medical_records",
			ClaimNumber: c.Number, ContactEmail: "office@example.org", UploadIDs: []string{"u1"}}
	}
	for name, tc := range map[string]struct {
		change func(*portal.SubmissionRequest, **portal.Claim)
		code   string
	}{
		"valid":            {func(*portal.SubmissionRequest, **portal.Claim) {}, ""},
		"no claim number":  {func(r *portal.SubmissionRequest, c **portal.Claim) { r.ClaimNumber, *c = "", nil }, ""},
		"date not claim's": {func(r *portal.SubmissionRequest, _ **portal.Claim) { r.ServiceDate = portal.MustDate("2025-03-02") }, portal.CodeServiceDateMismatch},
		"not eligible": {func(r *portal.SubmissionRequest, c **portal.Claim) {
			r.ServiceDate, *c = portal.MustDate("2026-01-01"), nil
		}, portal.CodeMemberNotEligible},
		"bad email":         {func(r *portal.SubmissionRequest, _ **portal.Claim) { r.ContactEmail = "Office <office@example.org>" }, portal.CodeInvalidEmail},
		"unknown reason":    {func(r *portal.SubmissionRequest, _ **portal.Claim) { r.Reason = "x" }, portal.CodeInvalidReason},
		"no uploads":        {func(r *portal.SubmissionRequest, _ **portal.Claim) { r.UploadIDs = nil }, portal.CodeInvalidRequest},
		"same upload twice": {func(r *portal.SubmissionRequest, _ **portal.Claim) { r.UploadIDs = []string{"u1", "u1"} }, portal.CodeInvalidRequest},
		"claim of another member": {func(_ *portal.SubmissionRequest, c **portal.Claim) {
			other := validClaim()
			other.MemberID = "M2"
			*c = &other
		}, portal.CodeClaimMemberMismatch},
	} {
		r := ok()
		claim := &c
		tc.change(&r, &claim)
		err := portal.CheckProactive(&r, m, claim)
		if (tc.code == "" && err != nil) || (tc.code != "" && portal.ErrorCode(err) != tc.code) {
			t.Errorf("%s: %v, want %q", name, err, tc.code)
		}
	}
}

func TestProactiveFormIsCheckedBeforeAnyLookup(t *testing.T) {
	ok := portal.SubmissionRequest{MemberID: "100000001", ServiceDate: portal.MustDate("2026-10-01"), Reason: "medical_records",
		ContactEmail: "billing@example.org", UploadIDs: []string{"abc123"}}
	for name, tc := range map[string]struct {
		change func(*portal.SubmissionRequest)
		code   string
	}{
		"empty form":          {func(r *portal.SubmissionRequest) { *r = portal.SubmissionRequest{} }, portal.CodeInvalidRequest},
		"no member ID":        {func(r *portal.SubmissionRequest) { r.MemberID = "" }, portal.CodeInvalidRequest},
		"odd claim number":    {func(r *portal.SubmissionRequest) { r.ClaimNumber = "C1; DROP" }, portal.CodeInvalidClaimNumber},
		"an email of 300":     {func(r *portal.SubmissionRequest) { r.ContactEmail = strings.Repeat("a", 288) + "@example.org" }, portal.CodeInvalidEmail},
		"no service date":     {func(r *portal.SubmissionRequest) { r.ServiceDate = portal.Date{} }, portal.CodeInvalidDate},
		"no reason":           {func(r *portal.SubmissionRequest) { r.Reason = "" }, portal.CodeInvalidReason},
		"the form as it must": {func(*portal.SubmissionRequest) {}, ""},
	} {
		r := ok
		tc.change(&r)
		if err := portal.CheckProactiveForm(&r); portal.ErrorCode(err) != tc.code && !(tc.code == "" && err == nil) {
			t.Errorf("%s: %v, want %s", name, err, tc.code)
		}
	}
}
