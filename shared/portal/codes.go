package portal

// Every code the portal gives a program is declared here, once. Clients
// depend on them, so a code is never renamed; each block says where its
// codes appear, and TestCodesAreDeclaredOnceDocumentedAndUsed holds the
// OpenAPI document and the code to this file.

// Problem codes, general: the code of an API problem response (the OpenAPI
// document's Problem.code lists exactly the problem codes of this file).
const (
	CodeInternal              = "INTERNAL"
	CodeInvalidRequest        = "INVALID_REQUEST"
	CodeInvalidJSON           = "INVALID_JSON"
	CodeRouteNotFound         = "ROUTE_NOT_FOUND"
	CodeProviderUnknown       = "PROVIDER_NOT_IDENTIFIED"
	CodeInvalidDate           = "INVALID_DATE"
	CodeInvalidCursor         = "INVALID_CURSOR"
	CodeInvalidLimit          = "INVALID_LIMIT"
	CodeIdempotencyKeyReused  = "IDEMPOTENCY_KEY_REUSED"
	CodeIdempotencyInProgress = "IDEMPOTENCY_IN_PROGRESS"
	CodeUsePortalAddress      = "USE_PORTAL_ADDRESS"
)

// Problem codes of claim and member searches.
const (
	CodeClaimNotFound      = "CLAIM_NOT_FOUND"
	CodeMemberNotFound     = "MEMBER_NOT_FOUND"
	CodeSearchMethod       = "SEARCH_METHOD_REQUIRED"
	CodeOneSearchMethod    = "ONE_SEARCH_METHOD_ONLY"
	CodeMemberInfoPartial  = "MEMBER_INFO_INCOMPLETE"
	CodeTooManyMembers     = "TOO_MANY_MEMBERS"
	CodeInvalidClaimNumber = "INVALID_CLAIM_NUMBER"
	// The provider's searches for members by name and date of birth this
	// hour reached the plan's allowance (429, with Retry-After).
	CodeTooManyMemberSearches = "TOO_MANY_MEMBER_SEARCHES"
)

// Problem codes of uploads and document submissions.
const (
	CodeUploadNotFound      = "UPLOAD_NOT_FOUND"
	CodeUnsafeFileName      = "UNSAFE_FILE_NAME"
	CodeFileTypeNotAllowed  = "FILE_TYPE_NOT_ALLOWED"
	CodeContentTypeMismatch = "CONTENT_TYPE_MISMATCH"
	CodeFileTooLarge        = "FILE_TOO_LARGE"
	CodeFileEmpty           = "FILE_EMPTY"
	CodeUploadNotReady      = "UPLOAD_NOT_READY"
	CodeUploadRejected      = "UPLOAD_REJECTED"
	CodeUploadSubmitted     = "UPLOAD_ALREADY_SUBMITTED"
	CodeMemberNotEligible   = "MEMBER_NOT_ELIGIBLE"
	CodeServiceDateMismatch = "SERVICE_DATE_MISMATCH"
	CodeClaimMemberMismatch = "CLAIM_MEMBER_MISMATCH"
	CodeInvalidReason       = "INVALID_SUBMISSION_REASON"
	CodeInvalidEmail        = "INVALID_CONTACT_EMAIL"
	CodeUploadNotOffered    = "UPLOAD_NOT_OFFERED"
)

// Problem codes of retro authorizations.
const (
	CodeNoPriorAuthRequired    = "NO_PRIOR_AUTH_REQUIRED"
	CodeOutsideRetroWindow     = "OUTSIDE_RETRO_WINDOW"
	CodeServiceInFuture        = "DATE_OF_SERVICE_IN_FUTURE"
	CodeCOBNotVerified         = "COB_NOT_VERIFIED"
	CodeInvalidAuthRequest     = "INVALID_AUTHORIZATION_REQUEST"
	CodeAnswersMissing         = "CLINICAL_ANSWERS_MISSING"
	CodeDocumentsRequired      = "DOCUMENTS_REQUIRED"
	CodeAuthorizationNotFound  = "AUTHORIZATION_NOT_FOUND"
	CodeDuplicateAuthorization = "DUPLICATE_AUTHORIZATION"
	CodeAuthorizationClosed    = "AUTHORIZATION_CLOSED"
	// A Da Vinci PAS Bundle that cannot be read as a prior authorization
	// request (the FHIR routes answer it as an OperationOutcome).
	CodeInvalidPASRequest = "INVALID_PAS_REQUEST"
	// The FHIR routes' callers are systems with SMART Backend Services
	// tokens: a token that is not one, a scope not granted, and a
	// requesting organisation the system is not registered for.
	CodeSystemUnknown        = "SYSTEM_NOT_IDENTIFIED"
	CodeScopeNotGranted      = "SCOPE_NOT_GRANTED"
	CodeOrganizationNotFound = "ORGANIZATION_NOT_FOUND"
	// A system's subscriptions to decisions (FHIR Subscriptions Backport).
	CodeInvalidSubscription  = "INVALID_SUBSCRIPTION"
	CodeSubscriptionNotFound = "SUBSCRIPTION_NOT_FOUND"
)

// Problem codes of disputes and appeals: the paths the guides send a
// provider down instead, the windows, and changes to a case.
const (
	CodeDentalByMailOrFax    = "DENTAL_BY_MAIL_OR_FAX"
	CodeUseAppeal            = "USE_APPEAL_FOR_MEDICAL_NECESSITY"
	CodeUseDispute           = "USE_DISPUTE"
	CodeClaimNotAdjudicated  = "CLAIM_NOT_ADJUDICATED"
	CodeUseClaimRecovery     = "USE_CLAIM_RECOVERY_REQUEST"
	CodeUploadRecordsOnClaim = "UPLOAD_RECORDS_ON_CLAIM"
	CodeDisputeWindowClosed  = "DISPUTE_WINDOW_CLOSED"
	CodeAppealWindowClosed   = "APPEAL_WINDOW_CLOSED"
	CodeAppealNeedsDenial    = "APPEAL_NEEDS_A_DENIAL"
	CodeUseClinicalAppeal    = "USE_CLINICAL_APPEAL"
	CodeUseClaimAppeal       = "USE_CLAIM_APPEAL"
	CodeCaseNotFound         = "CASE_NOT_FOUND"
	CodeCaseOpen             = "CASE_ALREADY_OPEN"
	CodeCaseNotDraft         = "CASE_NOT_A_DRAFT"
	CodeCaseClosed           = "CASE_CLOSED"
	CodeCaseNotSubmitted     = "CASE_NOT_SUBMITTED"
	// A save that would change what a draft appeals, or how.
	CodeDraftSubjectFixed = "DRAFT_SUBJECT_FIXED"
	// A submit of a draft that lacks what a submission needs.
	CodeDraftIncomplete = "DRAFT_INCOMPLETE"
)

// Problem codes of Provider Documents (letters).
const (
	CodeDocumentNotFound = "DOCUMENT_NOT_FOUND"
)

// Verdict codes: why the attachment processor refused a file, an upload's
// rejectCode (with FILE_TOO_LARGE, FILE_EMPTY and FILE_TYPE_NOT_ALLOWED,
// which are problem codes too). The OpenAPI document's rejectCode lists them.
const (
	CodeFileIsProgram       = "FILE_IS_PROGRAM"
	CodeFileHasMacros       = "FILE_HAS_MACROS"
	CodeFileContentMismatch = "FILE_CONTENT_MISMATCH"
	CodeFileUnrecognised    = "FILE_UNRECOGNISED"
	// The malware scan found a threat.
	CodeFileHasMalware = "FILE_HAS_MALWARE"
	// The malware scan could not scan the file (password-protected, an
	// archive past the scanner's limits), so it cannot be shown safe.
	CodeFileNotScannable = "FILE_NOT_SCANNABLE"
)

// Message codes: why a message from another system was parked on its
// dead-letter queue (its ErrorCode attribute), never an API answer.
const (
	// A claims feed event that can never be applied.
	CodeInvalidFeedEvent = "INVALID_FEED_EVENT"
	// A decision event from utilization management that can never be applied.
	CodeInvalidDecision = "INVALID_DECISION_EVENT"
	// A message from the appeals system that can never be applied.
	CodeInvalidOutcome = "INVALID_CASE_DECISION"
)
