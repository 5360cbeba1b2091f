// The API's shapes, generated from shared/openapi/openapi.yaml into
// api.gen.d.ts (make web-check and make web generate it, with
// openapi-typescript pinned in localstack/apitools): the portal names the
// document's schemas here, so that it stops compiling when the two drift.
import type {components} from './api.gen';

type Schemas = components['schemas'];

export type Patient = Schemas['Patient'];
export type DenialReason = Schemas['DenialReason'];
export type ClaimStatus = Schemas['ClaimStatus'];
export type ClaimSummary = Schemas['ClaimSummary'];
export type ClaimSearchResult = Schemas['ClaimSearchResult'];
export type ClaimLine = Schemas['ClaimLine'];
export type UploadOffer = Schemas['UploadOffer'];
export type ClaimDetail = Schemas['ClaimDetail'];
/** Whether a dispute or an appeal of one kind would be taken on the claim today, by when, and why not. */
export type CaseOffer = Schemas['CaseOffer'];
export type UploadStatus = Schemas['UploadStatus'];
export type Upload = Schemas['Upload'];
export type UploadStatuses = Schemas['UploadStatuses'];
export type UploadCreated = Schemas['UploadCreated'];
export type SubmissionResult = Schemas['SubmissionResult'];
export type ClaimDocument = Schemas['ClaimDocument'];
export type ClaimDocuments = Schemas['ClaimDocuments'];
export type CaseKind = Schemas['Case']['kind'];
export type CaseStatus = Schemas['CaseStatus'];
export type LetterType = Schemas['LetterType'];
export type Case = Schemas['Case'];
export type CaseList = Schemas['CaseList'];
export type CaseWorklist = Schemas['CaseWorklist'];
export type Letter = Schemas['Letter'];
export type LetterList = Schemas['LetterList'];
export type LetterDownload = Schemas['LetterDownload'];
export type COBEntry = Schemas['COBEntry'];
export type MemberCoverage = Schemas['MemberCoverage'];
export type ClinicalQuestion = Schemas['ClinicalQuestion'];
export type ClinicalQuestions = Schemas['ClinicalQuestions'];
export type Authorization = Schemas['Authorization'];
export type AuthorizationList = Schemas['AuthorizationList'];
export type AuthorizationWorklist = Schemas['AuthorizationWorklist'];
export type CoverageResult = Schemas['CoverageResult'];
/** One entry of a form's list: the value the API takes, the words to show. */
export type Choice = Schemas['Choice'];
export type DisputeChoices = Schemas['DisputeChoices'];
export type AppealQuestion = Schemas['AppealQuestion'];
export type AppealQuestions = Schemas['AppealQuestions'];
/** The signed-in provider as the plan knows it. */
export type Provider = Schemas['Provider'];
/** An RFC 9457 problem with the portal's stable code. */
export type Problem = Schemas['Problem'];
