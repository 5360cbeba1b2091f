package portal

import (
	"net/mail"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/openpayer/provider-portal/shared/filetype"
)

// UploadStatus is where an uploaded file stands.
type UploadStatus string

const (
	// UploadPending: the form was issued; the file has not arrived or has
	// not been checked yet.
	UploadPending UploadStatus = "pending"
	// UploadAccepted: the file arrived and its content is of its declared,
	// allowed type.
	UploadAccepted UploadStatus = "accepted"
	// UploadRejected: the file was refused and removed; RejectReason says why.
	UploadRejected UploadStatus = "rejected"
	// UploadRemoved: deleted by the provider or expired unsubmitted; its
	// file is being removed, then its record. No provider ever sees it.
	UploadRemoved UploadStatus = "removed"
)

// DefaultUploadRetention is how long an upload that is never submitted is
// kept, file and record, from when its form was issued.
const DefaultUploadRetention = 7 * 24 * time.Hour

// Attachment is one uploaded file, from its upload slot to its claim. The
// same record carries the submission it was sent with, so that checking the
// file and submitting it can happen in either order without a race.
type Attachment struct {
	ID           string        `json:"uploadId"`
	Provider     ProviderID    `json:"providerTin"`
	UploadedBy   string        `json:"uploadedBy"` // the user (token subject)
	FileName     string        `json:"fileName"`
	DeclaredType filetype.Type `json:"declaredType"`
	ContentType  string        `json:"contentType"`
	DeclaredSize int64         `json:"declaredSize"`
	ObjectKey    string        `json:"objectKey"`
	// ObjectVersion is the version of the object that was checked: the only
	// one ever served or forwarded. A form posted again adds other versions,
	// which are removed.
	ObjectVersion string        `json:"objectVersion,omitempty"`
	Status        UploadStatus  `json:"status"`
	Size          int64         `json:"size,omitempty"`
	DetectedType  filetype.Type `json:"detectedType,omitempty"`
	RejectCode    string        `json:"rejectCode,omitempty"`
	RejectReason  string        `json:"rejectReason,omitempty"`
	CreatedAt     time.Time     `json:"createdAt"`
	FormExpires   time.Time     `json:"formExpiresAt"`
	CheckedAt     *time.Time    `json:"checkedAt,omitempty"`
	// BytesRead is how much of the file the check read (it never reads
	// the whole body).
	BytesRead int64 `json:"bytesRead,omitempty"`

	Submission *Submission `json:"submission,omitempty"`
	// ClaimNumber is set once the file is attached to a claim.
	ClaimNumber string     `json:"claimNumber,omitempty"`
	AttachedAt  *time.Time `json:"attachedAt,omitempty"`
	// ExpiresAt is set until the upload is submitted: an upload not
	// submitted by then is removed, file and record.
	ExpiresAt *time.Time `json:"expiresAt,omitempty"`
	// EventSentAt is when core claims was told the file is attached.
	EventSentAt *time.Time `json:"eventSentAt,omitempty"`
}

// SubmissionKind tells the guide's two ways of sending documents apart.
type SubmissionKind string

const (
	SubmissionProactive   SubmissionKind = "proactive"    // Claim Attachment tab
	SubmissionDeniedClaim SubmissionKind = "denied_claim" // Document Upload tab
	// SubmissionAuthorization: supporting documents of a retro
	// authorization request (AuthorizationID); they wait for no claim.
	SubmissionAuthorization SubmissionKind = "retro_authorization"
	// SubmissionCase: documents of a dispute or an appeal (CaseID).
	SubmissionCase SubmissionKind = "case"
)

// KeptWithRequest reports whether documents submitted this way stay with
// the request or case they came with, waiting for no claim.
func (k SubmissionKind) KeptWithRequest() bool {
	return k == SubmissionAuthorization || k == SubmissionCase
}

// Submission is what a provider said when sending files.
type Submission struct {
	ID           string         `json:"submissionId"`
	Kind         SubmissionKind `json:"kind"`
	MemberID     string         `json:"memberId"`
	ServiceDate  Date           `json:"serviceDate"`
	Reason       string         `json:"reason,omitempty"`
	ClaimNumber  string         `json:"claimNumber,omitempty"` // as entered; may be empty
	ContactEmail string         `json:"contactEmail"`
	Notes        string         `json:"notes,omitempty"`
	SubmittedBy  string         `json:"submittedBy"`
	SubmittedAt  time.Time      `json:"submittedAt"`
	// ReceivedDate is the receipt date of the documents: without a claim
	// number they apply only to claims received on or after it.
	ReceivedDate Date `json:"receivedDate"`
	// AuthorizationID is the request documents of an authorization go with.
	AuthorizationID string `json:"authorizationId,omitempty"`
	// CaseID is the dispute or appeal documents of a case go with.
	CaseID string `json:"caseId,omitempty"`
	// Inline: the documents came inside the request (Da Vinci PAS), written
	// a moment before it. They join it whatever their checks found so far,
	// as they would had the checks come a moment later; one refused shows
	// refused on the request, as a file refused after submission does.
	Inline bool `json:"inline,omitempty"`
}

// MaxUploadsPerSubmission bounds one submission's files.
const MaxUploadsPerSubmission = 20

// UploadRequest is a provider's request for an upload form.
type UploadRequest struct {
	FileName string `json:"fileName"`
	// ContentType is left out, or the extension's content type exactly as
	// the document's enum spells it: "" is neither.
	ContentType *string `json:"contentType,omitempty"`
	Size        Integer `json:"size"`
}

// CheckUploadRequest applies the plan's limits before any form is issued:
// a safe file name, an allowed type, and a size within the limit. It
// returns the file's declared type.
func (p Plan) CheckUploadRequest(r UploadRequest) (filetype.Type, error) {
	name := strings.TrimSpace(r.FileName)
	if name == "" || !utf8.ValidString(name) || utf8.RuneCountInString(name) > 200 || strings.ContainsAny(name, `/\`) ||
		name == "." || name == ".." || strings.IndexFunc(name, hiddenOrControl) >= 0 {
		return "", &Error{Kind: KindInvalid, Code: CodeUnsafeFileName,
			Detail: "Give the file a plain name of up to 200 characters, without folders, control characters or invisible formatting characters, for example records.pdf.",
			Fields: map[string]string{"fileName": "Give the file a plain name, without folders or hidden characters, for example records.pdf."}}
	}
	if r.ContentType != nil && len(*r.ContentType) > 100 {
		return "", &Error{Kind: KindInvalid, Code: CodeContentTypeMismatch,
			Detail: "The file's type does not match its name's extension: rename the file with the extension of its type, such as .pdf.",
			Fields: map[string]string{"contentType": "Rename the file with the extension of its type, such as .pdf."}}
	}
	t, ok := filetype.FromFileName(name)
	if !ok || !p.allows(t) {
		return "", &Error{Kind: KindInvalid, Code: CodeFileTypeNotAllowed,
			Detail: "Only these file types may be uploaded: " + strings.Join(p.UploadTypes, ", ") + ". Save the document as one of them and try again.",
			Fields: map[string]string{"fileName": "Save the document as " + strings.Join(p.UploadTypes, ", ") + "."}}
	}
	if r.ContentType != nil && *r.ContentType != filetype.ContentTypes[t] {
		return "", &Error{Kind: KindInvalid, Code: CodeContentTypeMismatch,
			Detail: "The file's type does not match its name's extension: rename the file with the extension of its type, such as .pdf.",
			Reason: "contentType does not match the file name's extension: send " + filetype.ContentTypes[t] + " for this file, or leave contentType out.",
			Fields: map[string]string{"contentType": "Rename the file with the extension of its type, such as .pdf."}}
	}
	if r.Size <= 0 {
		return "", &Error{Kind: KindInvalid, Code: CodeFileEmpty, Detail: "Give the file's size in bytes; empty files cannot be uploaded.",
			Fields: map[string]string{"size": "Empty files cannot be uploaded."}}
	}
	if int64(r.Size) > p.MaxUploadBytes {
		return "", &Error{Kind: KindInvalid, Code: CodeFileTooLarge,
			Detail: "Files are limited to 100 MB. Split the document, or send only the records that support the billed services.",
			Fields: map[string]string{"size": "Files are limited to 100 MB."}}
	}
	return t, nil
}

// hiddenOrControl reports a control character, or an invisible formatting
// one (Unicode category Cf: bidi overrides such as U+202E, zero-width spaces
// and joiners, the byte-order mark), which can make "report\u202efdp.exe"
// look like another name than it is.
func hiddenOrControl(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }

func (p Plan) allows(t filetype.Type) bool {
	for _, a := range p.UploadTypes {
		if filetype.Type(a) == t {
			return true
		}
	}
	return false
}

// CheckContent decides on a received file: the content must be an allowed
// type and the type it was declared as. It returns the rejection code and a
// reason a provider understands, or "" to accept.
func (p Plan) CheckContent(declared filetype.Type, v filetype.Verdict, size int64) (code, reason string) {
	switch {
	case size > p.MaxUploadBytes:
		return CodeFileTooLarge, "The file is larger than 100 MB."
	case size == 0:
		return CodeFileEmpty, "The file is empty."
	case v.Executable:
		return CodeFileIsProgram, "The file is a program, not a document, and was removed. Upload the document itself."
	case v.Macros:
		return CodeFileHasMacros, "The document contains macros, which are not accepted, and was removed. Save it as a Word or Excel document without macros, or as a PDF, and upload it again."
	case v.Type == "":
		return CodeFileUnrecognised, "The file could not be read as an accepted type (" + v.Why + "). Save it as PDF or another accepted type and upload it again."
	case !p.allows(v.Type):
		return CodeFileTypeNotAllowed, "The file is " + filetype.Describe(v.Type) + ", which is not accepted."
	case v.Type != declared:
		return CodeFileContentMismatch, "The file is named as " + filetype.Describe(declared) + " but is " + filetype.Describe(v.Type) + ". Upload it again with the right extension."
	}
	return "", ""
}

// The reasons a provider reads for a file the malware scan refused.
const (
	FileHasMalware = "Our virus scan found something harmful in this file, so it was removed and no one at the plan received it. " +
		"Have the computer it came from checked, then upload a clean copy of the document."
	FileNotScannable = "This file could not be scanned for viruses (it may be password-protected, or an archive too large to open), " +
		"so it was removed. Remove any password, save it as a PDF, and upload it again."
)

// SubmissionRequest is a provider's Claim Attachment form (proactive) or
// Document Upload form (denied claim).
type SubmissionRequest struct {
	MemberID     string   `json:"memberId"`
	ServiceDate  Date     `json:"serviceDate"`
	Reason       string   `json:"submissionReason"`
	ClaimNumber  string   `json:"claimNumber"`
	ContactEmail string   `json:"contactEmail"`
	Notes        string   `json:"notes"`
	UploadIDs    []string `json:"uploadIds"`
}

// SubmissionReasons are the plan's Submission Reason choices.
var SubmissionReasons = map[string]string{
	"medical_records":  "Medical records",
	"consent_form":     "Signed consent form",
	"itemized_bill":    "Itemized bill",
	"operative_report": "Operative report",
	"invoice":          "Invoice or pricing",
	"other":            "Other supporting documentation",
}

// common adds the problems any submission form can have: the contact
// email, the reason's length, the notes and the files.
func (r *SubmissionRequest) common(f Problems) {
	if a, err := mail.ParseAddress(r.ContactEmail); err != nil || a.Address != r.ContactEmail || len(r.ContactEmail) > 254 {
		if strings.TrimSpace(r.ContactEmail) == "" {
			f.Required("contactEmail", "a contact email")
		} else {
			f.Set("contactEmail", SayEmail)
		}
	}
	if len(r.Reason) > 40 {
		f.Choose("submissionReason", "a submission reason")
	}
	f.Text("notes", "the notes", r.Notes, 4000, false, true)
	f.Uploads("uploadIds", r.UploadIDs, true)
}

// submissionCodes are the codes of a form whose only problem is one field.
var submissionCodes = map[string]string{"contactEmail": CodeInvalidEmail, "serviceDate": CodeInvalidDate,
	"submissionReason": CodeInvalidReason, "claimNumber": CodeInvalidClaimNumber}

// CheckCommon checks what every submission form takes (Document Upload's
// form is only that): every problem in one answer.
func (r *SubmissionRequest) CheckCommon() error {
	f := Problems{}
	r.common(f)
	return f.ErrCoded(submissionCodes)
}

// CheckProactiveForm checks what the Claim Attachment form itself
// requires, before anything is looked up, and answers every problem at
// once: a request missing its member ID is told so, not that no such
// member exists.
func CheckProactiveForm(r *SubmissionRequest) error {
	f := Problems{}
	switch {
	case r.MemberID == "":
		f.Required("memberId", "the member ID")
	case !validID(r.MemberID):
		f.Set("memberId", SayMemberID)
	}
	if r.ClaimNumber != "" && !validID(r.ClaimNumber) {
		f.Set("claimNumber", SayClaimNumberOpt)
	}
	if r.ServiceDate.IsZero() {
		f.Set("serviceDate", SayServiceDate)
	}
	if _, ok := SubmissionReasons[r.Reason]; !ok {
		f.Choose("submissionReason", "a submission reason")
	}
	r.common(f)
	return f.ErrCoded(submissionCodes)
}

// CheckProactive applies the Claim Attachment rules to a request whose
// member and (if a claim number was entered) claim were found.
func CheckProactive(r *SubmissionRequest, m *Member, c *Claim) error {
	if err := CheckProactiveForm(r); err != nil {
		return err
	}
	if !m.EligibleOn(r.ServiceDate) {
		return &Error{Kind: KindRefused, Code: CodeMemberNotEligible,
			Detail: "The member was not eligible on that service date, so documents cannot be attached for it. Check the date of service.",
			Fields: map[string]string{"serviceDate": "member not eligible"}}
	}
	if c != nil {
		if c.MemberID != m.ID {
			return &Error{Kind: KindRefused, Code: CodeClaimMemberMismatch,
				Detail: "That claim is not for this member. Check the claim number, or leave it empty.",
				Fields: map[string]string{"claimNumber": "belongs to another member"}}
		}
		if !c.ServiceFrom.Equal(r.ServiceDate) {
			return &Error{Kind: KindRefused, Code: CodeServiceDateMismatch,
				Detail: "The service date must match the claim's: for a date range, enter the first date on the claim (" + c.ServiceFrom.String() + ").",
				Fields: map[string]string{"serviceDate": "does not match the claim"}}
		}
	}
	return nil
}

// DeniedClaimOffer refuses a Document Upload on a claim that does not offer
// one, naming the path to take instead.
func (p Plan) DeniedClaimOffer(c *Claim) (UploadOffer, error) {
	o := p.UploadOfferFor(c)
	if o.Available {
		return o, nil
	}
	code := CodeUploadNotOffered
	switch o.Alternative {
	case "dispute":
		if c.Status == ClaimDenied {
			code = CodeUseDispute
		}
	case "mail_or_fax":
		code = CodeDentalByMailOrFax
	case "appeal":
		code = CodeUseAppeal
	}
	return o, &Error{Kind: KindRefused, Code: code, Detail: o.UnavailableWhy}
}
