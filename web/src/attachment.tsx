// The Claim Attachment tab: documents sent before (or without) a denial,
// for a claim by number or for the member's claims of a date of service.
import {useState} from 'preact/hooks';
import {api, newKey} from './api';
import {href, navigate, useLeaveGuard} from './router';
import {useAction} from './shared';
import type {SubmissionResult} from './types';
import {Uploader, type Files} from './uploader';
import {checked} from './precheck';
import {day, ErrorSummary, fieldErrors, Heading, SelectField, TextArea, TextField} from './ui';

const reasons: [string, string][] = [
  ['medical_records', 'Medical records'],
  ['consent_form', 'Signed consent form'],
  ['itemized_bill', 'Itemized bill'],
  ['operative_report', 'Operative report'],
  ['invoice', 'Invoice or pricing'],
  ['other', 'Other supporting documentation'],
];
// The guide's labels (Claim Attachment Form).
const labels = {memberId: 'Member ID', serviceDate: 'Service Date', submissionReason: 'Submission Reason', claimNumber: 'Claim Number',
  contactEmail: 'Provider Contact Email', notes: 'Notes', uploadIds: 'Files'};

// The member a claim search found, handed to the form in memory: a member
// ID is PHI and never rides in the address.
let handedMember = '';

/** Opens Claim Attachment for the member of a claim search. */
export function attachFor(memberId: string) {
  handedMember = memberId;
  navigate(href('attachments'));
}

export function ClaimAttachment() {
  const [member] = useState(() => {
    const m = handedMember;
    handedMember = '';
    return m;
  });
  const [f, setF] = useState({memberId: member, serviceDate: '', submissionReason: '', claimNumber: '', contactEmail: '', notes: ''});
  const [files, setFiles] = useState<Files>({accepted: [], busy: false});
  // Leaving asks only if the form holds something not sent: what stays
  // after a submission (member, date, reason, email) was sent.
  const [sent, setSent] = useState(() => JSON.stringify(f));
  useLeaveGuard(JSON.stringify(f) !== sent || files.accepted.length > 0 || files.busy);
  const [key, setKey] = useState(newKey);
  const [done, setDone] = useState<SubmissionResult | null>(null);
  const [busy, error, , act] = useAction();
  const [uploaderKey, setUploaderKey] = useState(0);
  const set = (k: keyof typeof f) => (v: string) => setF({...f, [k]: v});
  const submit = async (e: Event) => {
    e.preventDefault();
    // Every field goes, filled or not, so that one answer names every
    // problem; a date left empty is left out, as the API takes it.
    const body = {memberId: f.memberId.trim(), serviceDate: f.serviceDate || undefined, submissionReason: f.submissionReason, claimNumber: f.claimNumber.trim(),
      contactEmail: f.contactEmail.trim(), notes: f.notes.trim() || undefined, uploadIds: files.accepted};
    await act(async () => {
      const r = await checked('claimAttachment', body, ['serviceDate'], () => api<SubmissionResult>('POST', '/claim-attachments', {idempotencyKey: key, body}));
      setDone(r);
      setKey(newKey());
      const next = {...f, notes: '', claimNumber: ''};
      setF(next);
      setSent(JSON.stringify(next));
      setUploaderKey((k) => k + 1);
    });
  };
  const errs = fieldErrors(error);
  return (
    <>
      <Heading>Claim Attachment</Heading>
      <p>Send documents for a claim before the plan asks for them. Without a claim number, they attach to the member’s claim for that date of service when it arrives.</p>
      {done ? (
        <p role="status" class="success">
          Submitted on {day(done.receivedDate)}, reference {done.submissionId}.{' '}
          {done.status === 'attached' && done.claimNumber ? <>The documents are attached to claim <a href={href('claims', done.claimNumber)}>{done.claimNumber}</a>.</> : 'They will attach to the claim when it arrives.'}
        </p>
      ) : null}
      <form onSubmit={submit} noValidate>
        <ErrorSummary error={error} labels={labels} />
        <TextField id="memberId" label={labels.memberId} value={f.memberId} onValue={set('memberId')} error={errs.memberId} required autoComplete="off" />
        <TextField id="serviceDate" label={labels.serviceDate} type="date" value={f.serviceDate} onValue={set('serviceDate')} error={errs.serviceDate} required
          hint="The claim’s first date of service." />
        <SelectField id="submissionReason" label={labels.submissionReason} value={f.submissionReason} onValue={set('submissionReason')} options={reasons} error={errs.submissionReason} required />
        <TextField id="claimNumber" label={labels.claimNumber} value={f.claimNumber} onValue={set('claimNumber')} error={errs.claimNumber} hint="Leave empty if the claim is not sent yet." autoComplete="off" />
        <Uploader key={uploaderKey} id="uploadIds" label="Files" error={errs.uploadIds} hint="PDF, image, Word, Excel or text files, up to 100 MB each." onChange={setFiles} />
        <TextField id="contactEmail" label={labels.contactEmail} type="email" autoComplete="email" value={f.contactEmail} onValue={set('contactEmail')} error={errs.contactEmail} required />
        <TextArea id="notes" label="Notes" value={f.notes} onValue={set('notes')} error={errs.notes} maxLength={4000} />
        <button type="submit" disabled={busy || files.busy}>{files.busy ? 'Waiting for files…' : 'Submit Documents'}</button>
      </form>
    </>
  );
}
