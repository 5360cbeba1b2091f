// The API's shapes, as shared/openapi/openapi.yaml gives them.
export interface Patient { firstName: string; lastName: string; dateOfBirth: string }
export interface DenialReason { code: string; text: string }
export type ClaimStatus = 'paid' | 'denied' | 'pending';
export interface ClaimSummary {
  claimNumber: string; claimType: string; memberId: string; patient: Patient; patientAccountNumber?: string;
  serviceFrom: string; serviceTo: string; dateReceived: string; processedDate?: string; status: ClaimStatus;
  totalCharged: string; totalPaid: string; checkNumber?: string;
}
export interface ClaimSearchResult { claims: ClaimSummary[]; receivedFrom: string; nextCursor?: string }
export interface ClaimLine {
  lineNumber: number; serviceFrom: string; serviceTo: string; procedureCode: string; modifiers?: string[];
  units: number; charged: string; paid: string; status: ClaimStatus; denialReason?: DenialReason;
}
export interface UploadOffer {
  available: boolean; document?: string; instructions?: string; maxBytes?: number; allowedTypes?: string[];
  unavailableReason?: string; alternative?: 'dispute' | 'appeal' | 'mail_or_fax';
}
export interface ClaimDetail extends ClaimSummary {
  planId: string; billingProvider: {tin: string; npi: string; name?: string}; externalReferenceNumber?: string;
  denialReason?: DenialReason; denialCategory?: string; patientResponsibility: string; lines: ClaimLine[];
  documentUpload: UploadOffer; adjustedFromClaimNumber?: string; adjustedToClaimNumber?: string; originalClaimNumber?: string;
  caseOffers: CaseOffer[];
}
/** Whether a dispute or an appeal of one kind would be taken on the claim today, by when, and why not. */
export interface CaseOffer { kind: 'dispute' | 'claim_appeal' | 'clinical_appeal'; available: boolean; lastDay?: string; unavailableReason?: string; code?: string }
export type UploadStatus = 'pending' | 'accepted' | 'rejected';
export interface Upload {
  uploadId: string; fileName: string; declaredType: string; status: UploadStatus; size?: number;
  rejectCode?: string; rejectReason?: string; createdAt: string; checkedAt?: string; expiresAt?: string;
}
export interface UploadCreated { upload: Upload; maxBytes: number; form: {url: string; fields: Record<string, string>; expiresAt: string} }
export interface SubmissionResult { submissionId: string; status: 'attached' | 'waiting_for_claim'; claimNumber?: string; receivedDate: string }
export interface ClaimDocument {
  uploadId: string; fileName: string; type: string; size?: number; status: UploadStatus; rejectReason?: string;
  uploadedBy: string; uploadedAt: string; attachedAt?: string; submissionKind?: string; downloadUrl?: string;
}
export type CaseKind = 'dispute' | 'claim_appeal' | 'clinical_appeal';
export type CaseStatus = 'draft' | 'received' | 'in_review' | 'decided' | 'withdrawn' | 'returned_incomplete';
export type LetterType = 'acknowledgement' | 'decision' | 'returned_incomplete';
export interface Case {
  caseId: string; kind: CaseKind; status: CaseStatus; claimNumber?: string; authorizationId?: string;
  createdAt: string; submittedAt?: string; decisionDue?: string; notes: string; fields: Record<string, string>;
  documents: string[]; history: {at: string; status: CaseStatus; note?: string}[];
  decision?: {outcome: string; decidedAt: string; amount?: string; reason?: string}; missing?: string;
  letters: {documentId: string; type: LetterType; createdAt: string}[];
}
export interface Letter {
  documentId: string; type: LetterType; title: string; caseId: string; caseKind: CaseKind; claimNumber?: string;
  authorizationId?: string; createdAt: string; ready: boolean; size?: number;
}
export interface LetterDownload extends Letter { downloadUrl: string; expiresAt: string }
export interface COBEntry { carrier: string; policyNumber?: string; from: string; to?: string; activeOnDate: boolean; source: 'plan' | 'reported' }
export interface MemberCoverage {
  memberId: string; firstName: string; lastName: string; dateOfBirth: string; dateOfService: string; eligibleOnDate: boolean;
  cob: string; otherInsurance: COBEntry[]; retroAuthorization: {allowed: boolean; code?: string; detail?: string};
}
export interface ClinicalQuestion { id: string; text: string; kind: 'yes_no' | 'choice' | 'number' | 'date' | 'text'; choices?: string[]; required: boolean }
export interface Authorization {
  authorizationId: string; status: string; type: string; memberId: string; startDate: string; endDate?: string; urgent: boolean;
  submittedAt: string; decisionDue: string; cobShown: string; diagnoses: string[]; services: {code: string; units: number; modifiers?: string[]}[];
  admission?: {type: string; dischargeDate?: string}; documents: string[]; responses?: string[];
  decision?: {status: string; decidedAt: string; authorizationNumber?: string; approvedFrom?: string; approvedTo?: string;
    approvedUnits?: number; reasonCode?: string; reasonText?: string; informationWanted?: string};
}
export interface CoverageResult { dateOfService: string; members: MemberCoverage[] }
/** One entry of a form's list: the value the API takes, the words to show. */
export interface Choice { value: string; label: string; note?: string }
export interface DisputeChoices { disputeTypes: Choice[]; issueCategories: Choice[] }
export interface AppealQuestion { id: string; text: string }
export interface AppealQuestions { questions: AppealQuestion[] }
/** The signed-in provider as the plan knows it. */
export interface Provider { tin: string; name: string; npis: {npi: string; name: string}[] }
