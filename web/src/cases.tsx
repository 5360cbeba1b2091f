// Submit Dispute, the Appeal form (Save, Submit Appeal, Cancel Appeal),
// Check Status, and a case's page: its history, letters, documents added
// after submitting, and withdrawal.
import {useState} from 'preact/hooks';
import {checked} from './precheck';
import {api, ApiError, newKey} from './api';
import {ClaimsLink, NotFound, useLoad, useAction} from './shared';
import {href, navigate, useLeaveGuard, worklistHref} from './router';
import type {AppealQuestion, AppealQuestions, Authorization, Case, CaseList, Choice, DisputeChoices, LetterDownload} from './types';
import {Uploader, type Files} from './uploader';
import {AddDocuments} from './authorizations';
import {day, ErrorSummary, fieldErrors, Heading, Loading, money, Radios, Scroll, SelectField, Tabs, TextArea, TextField, when, words} from './ui';

export const kindText: Record<string, string> = {dispute: 'Dispute', claim_appeal: 'Claim appeal', clinical_appeal: 'Clinical appeal'};
const pairs = (cs: Choice[]): [string, string][] => cs.map((c) => [c.value, c.label]);
/** A dispute's or appeal's ID, as the OpenAPI document's CaseId pattern gives it. */
export const caseIdPattern = /^(DP|AP)-[0-9A-Z]{4}-[0-9A-Z]{4}$/;
export const casePath = (id: string) => (id.startsWith('DP-') ? `/disputes/${encodeURIComponent(id)}` : `/appeals/${encodeURIComponent(id)}`);

/** The path a refusal names, as a link: the open case, or the claim's Document Upload. */
function Redirect({error}: {error: ApiError | null}) {
  if (!error) return null;
  if (error.code === 'CASE_ALREADY_OPEN' && error.openCaseId) return <p><a href={href('cases', error.openCaseId)}>Open case {error.openCaseId}</a></p>;
  if (error.code === 'UPLOAD_RECORDS_ON_CLAIM' && error.documentUploadPath) {
    const claim = decodeURIComponent(error.documentUploadPath.split('/').filter(Boolean)[1] ?? '');
    return claim ? <p><a href={href('claims', claim)}>Go to the claim’s Document Upload</a></p> : null;
  }
  if (error.code === 'USE_APPEAL_FOR_MEDICAL_NECESSITY') return <p><a href={href('appeals', 'new')}>Submit an appeal instead</a></p>;
  return null;
}

export function DisputeForm({claim}: {claim: string}) {
  // The lists are the plan's, from the API: no copy to fall out of date.
  const [choices, choicesError] = useLoad(() => api<DisputeChoices>('GET', '/disputes/form'), []);
  if (!choices) return choicesError ? <ErrorSummary error={choicesError} /> : <Loading what="the dispute form" />;
  return <DisputeFormFields claim={claim} choices={choices} />;
}

function DisputeFormFields({claim, choices}: {claim: string; choices: DisputeChoices}) {
  const [f, setF] = useState({claimNumber: claim, disputeType: '', issueCategory: '', contactName: '', notes: ''});
  const [files, setFiles] = useState<Files>({accepted: [], busy: false});
  useLeaveGuard(f.claimNumber !== claim || !!(f.disputeType || f.issueCategory || f.contactName || f.notes) || files.accepted.length > 0 || files.busy);
  const [key] = useState(newKey);
  const [busy, error, , act] = useAction();
  const set = (k: keyof typeof f) => (v: string) => setF({...f, [k]: v});
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = {...f, claimNumber: f.claimNumber.trim(), contactName: f.contactName.trim(), notes: f.notes.trim(), uploadIds: files.accepted.length ? files.accepted : undefined};
    await act(async () => {
      const c = await checked('dispute', body, [], () => api<Case>('POST', '/disputes', {idempotencyKey: key, body}));
      navigate(href('cases', c.caseId));
    });
  };
  const errs = fieldErrors(error);
  // What the chosen issue category says before anything is sent (an overpayment's path).
  const issueNote = choices.issueCategories.find((c) => c.value === f.issueCategory)?.note;
  return (
    <>
      <Heading>Submit Dispute</Heading>
      <p>Ask the plan to adjust a paid or denied claim, within 24 months of its payment or denial. For a medical necessity denial, appeal instead.</p>
      <form onSubmit={submit} noValidate>
        <ErrorSummary error={error} labels={{claimNumber: 'Claim number', disputeType: 'Dispute type', issueCategory: 'Issue category', contactName: 'Contact name', notes: 'Why the claim should be adjusted', uploadIds: 'Documents'}} />
        <Redirect error={error} />
        <TextField id="claimNumber" label="Claim number" value={f.claimNumber} onValue={set('claimNumber')} error={errs.claimNumber} required autoComplete="off" />
        <SelectField id="disputeType" label="Dispute type" value={f.disputeType} onValue={set('disputeType')} options={pairs(choices.disputeTypes)} error={errs.disputeType} required />
        <SelectField id="issueCategory" label="Issue category" value={f.issueCategory} onValue={set('issueCategory')} options={pairs(choices.issueCategories)} error={errs.issueCategory} required />
        {issueNote ? <p class="notice" role="status">{issueNote}</p> : null}
        <TextField id="contactName" label="Contact name" value={f.contactName} onValue={set('contactName')} error={errs.contactName} required autoComplete="name" />
        <TextArea id="notes" label="Why the claim should be adjusted" value={f.notes} onValue={set('notes')} error={errs.notes} required maxLength={4000} />
        <Uploader id="uploadIds" label="Documents" error={errs.uploadIds} onChange={setFiles} />
        <button type="submit" disabled={busy || files.busy}>Submit Dispute</button>
      </form>
    </>
  );
}

type Answers = Record<string, {answer: string; explanation: string}>;

export function AppealForm({claim, authorization, draftId}: {claim?: string; authorization?: string; draftId?: string}) {
  const [draft, draftError] = useLoad(() => (draftId ? api<Case>('GET', casePath(draftId)) : Promise.resolve(null)), [draftId]);
  const [form, formError] = useLoad(() => api<AppealQuestions>('GET', '/appeals/form'), []);
  if (draftId && draftError?.status === 404) return <NotFound detail={draftError.detail} />;
  if (draftId && !draft) return draftError ? <ErrorSummary error={draftError} /> : <Loading what="the draft" />;
  if (!form) return formError ? <ErrorSummary error={formError} /> : <Loading what="the appeal form" />;
  return <AppealFormFields key={draftId ?? 'new'} claim={claim} authorization={authorization} draft={draft} questions={form.questions} />;
}

function AppealFormFields({claim, authorization, draft, questions}: {claim?: string; authorization?: string; draft: Case | null; questions: AppealQuestion[]}) {
  const [caseId, setCaseId] = useState(draft?.caseId ?? '');
  const [subject, setSubject] = useState({claimNumber: draft?.claimNumber ?? claim ?? '', authorizationId: draft?.authorizationId ?? authorization ?? ''});
  const [appealType, setAppealType] = useState<string>(draft?.kind ?? (authorization ? 'clinical_appeal' : ''));
  const [notes, setNotes] = useState(draft?.notes ?? '');
  const [answers, setAnswers] = useState<Answers>(() => Object.fromEntries(questions.map(({id}) => [id,
    {answer: draft?.fields[`reason.${id}`] ?? '', explanation: draft?.fields[`reason.${id}.explanation`] ?? ''}])));
  const [kept] = useState<string[]>(draft?.documents ?? []);
  const [files, setFiles] = useState<Files>({accepted: [], busy: false});
  const [key] = useState(newKey);
  const [saved, setSaved] = useState('');
  const [busy, error, , act] = useAction();
  const [cancelling, setCancelling] = useState(false);
  // What was last saved (or loaded): leaving asks only if the form differs.
  const [savedBody, setSavedBody] = useState('');

  const body = (asDraft: boolean) => ({
    ...(subject.authorizationId ? {authorizationId: subject.authorizationId.trim()} : {claimNumber: subject.claimNumber.trim()}),
    appealType,
    notes: notes.trim() || undefined,
    reasons: Object.fromEntries(Object.entries(answers).filter(([, a]) => a.answer).map(([id, a]) => [id, {answer: a.answer, explanation: a.explanation.trim() || undefined}])),
    uploadIds: [...kept, ...files.accepted].length ? [...kept, ...files.accepted] : undefined,
    draft: asDraft || undefined,
  });
  const snapshot = () => JSON.stringify({subject, appealType, notes, answers, files: files.accepted});
  const [initial] = useState(snapshot);
  useLeaveGuard(snapshot() !== (savedBody || initial) || files.busy);
  const save = () => act(async () => {
    setSaved('');
    const c = caseId ? await api<Case>('PUT', casePath(caseId), {body: body(true)}) : await api<Case>('POST', '/appeals', {idempotencyKey: key, body: body(true)});
    setCaseId(c.caseId);
    setSavedBody(snapshot());
    setSaved(`Saved as draft ${c.caseId} at ${when(new Date().toISOString())}. Submit it when it is ready.`);
  });
  const submit = (e: Event) => {
    e.preventDefault();
    void act(async () => {
      const c = await checked('appeal', body(false), [], async () => {
        if (!caseId) return api<Case>('POST', '/appeals', {idempotencyKey: key, body: body(false)});
        await api<Case>('PUT', casePath(caseId), {body: body(true)});
        return api<Case>('POST', `${casePath(caseId)}/submit`, {idempotencyKey: `${key}-submit`});
      });
      navigate(href('cases', c.caseId));
    });
  };
  const cancel = () => act(async () => {
    if (caseId) {
      await api<Case>('POST', `${casePath(caseId)}/withdraw`, {idempotencyKey: `${key}-withdraw`});
      navigate(href('cases', caseId));
    } else navigate(subject.claimNumber ? href('claims', subject.claimNumber) : href('status'));
  });
  const errs = fieldErrors(error);
  const labels: Record<string, string> = {claimNumber: 'Claim number', authorizationId: 'Authorization request ID', appealType: 'Appeal type', notes: 'Reason for the appeal', uploadIds: 'Documents',
    ...Object.fromEntries(questions.map(({id, text}) => [`reasons.${id}.answer`, text]))};
  return (
    <>
      <Heading>Appeal</Heading>
      <p>A claim appeal asks the plan to reconsider a claim denial, within 90 days of it. A clinical appeal asks it to reconsider a medical necessity decision, within 180 days of the date of service, the denial or the discharge.</p>
      {saved ? <p role="status" class="success">{saved}</p> : null}
      <form onSubmit={submit} noValidate>
        <ErrorSummary error={error} labels={labels} />
        <Redirect error={error} />
        {subject.authorizationId ? (
          <TextField id="authorizationId" label="Authorization request ID" value={subject.authorizationId} onValue={(v) => setSubject({...subject, authorizationId: v})}
            error={errs.authorizationId} required disabled={!!caseId} autoComplete="off" />
        ) : (
          <TextField id="claimNumber" label="Claim number" value={subject.claimNumber} onValue={(v) => setSubject({...subject, claimNumber: v})}
            error={errs.claimNumber} required disabled={!!caseId} autoComplete="off" hint={caseId ? 'A saved draft keeps its claim and type.' : undefined} />
        )}
        <Radios id="appealType" legend="Appeal type" value={appealType} onValue={setAppealType} error={errs.appealType} disabled={!!caseId}
          options={subject.authorizationId ? [['clinical_appeal', 'Clinical appeal (medical necessity)']] : [['claim_appeal', 'Claim appeal (a claim denial)'], ['clinical_appeal', 'Clinical appeal (medical necessity)']]} />
        {questions.map(({id, text}) => (
          <div key={id} class="question">
            <Radios id={`reasons.${id}.answer`} legend={text} value={answers[id].answer} error={errs[`reasons.${id}.answer`]}
              onValue={(v) => setAnswers({...answers, [id]: {...answers[id], answer: v}})} options={[['yes', 'Yes'], ['no', 'No']]} />
            <TextArea id={`reasons.${id}.explanation`} label="Explain (optional)" value={answers[id].explanation} maxLength={1000}
              onValue={(v) => setAnswers({...answers, [id]: {...answers[id], explanation: v}})} />
          </div>
        ))}
        <TextArea id="notes" label="Reason for the appeal" value={notes} onValue={setNotes} error={errs.notes} required maxLength={4000} />
        {kept.length ? <p>{kept.length} document{kept.length === 1 ? '' : 's'} saved with the draft.</p> : null}
        <Uploader id="uploadIds" label="Documents" error={errs.uploadIds} onChange={setFiles} />
        <div class="buttons">
          <button type="submit" disabled={busy || files.busy}>Submit Appeal</button>
          <button type="button" class="secondary" disabled={busy || files.busy} onClick={() => void save()}>Save</button>
          <button type="button" class="secondary danger" disabled={busy} onClick={() => setCancelling(true)}>Cancel Appeal</button>
        </div>
        {cancelling ? (
          <div class="panel" role="group" aria-labelledby="cancel-heading">
            <h2 id="cancel-heading">{caseId ? 'Discard this draft?' : 'Cancel this appeal?'}</h2>
            <p>{caseId ? `Draft ${caseId} is withdrawn, with what it holds. This cannot be undone.` : 'What you typed is not saved.'}</p>
            <button type="button" class="danger" onClick={() => void cancel()}>{caseId ? 'Discard the draft' : 'Cancel the appeal'}</button>{' '}
            <button type="button" class="secondary" onClick={() => setCancelling(false)}>Keep it</button>
          </div>
        ) : null}
      </form>
    </>
  );
}

/** The guides' Disputes and Appeals: where each is started, and a case opened by the ID on its letters. */
export function CasesHome() {
  const [id, setId] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const open = (e: Event) => {
    e.preventDefault();
    const v = id.trim().toUpperCase();
    if (!caseIdPattern.test(v)) {
      setError(new ApiError({status: 400, code: 'INVALID_REQUEST', title: 'Check the ID', detail: 'Enter the ID as it is on the case’s letters.',
        errors: {caseId: 'Enter the ID as it is on the letters: DP- or AP- and eight letters and numbers, such as AP-7K2M-9QXD.'}}));
      return;
    }
    navigate(href('cases', v));
  };
  return (
    <>
      <Heading>Disputes and Appeals</Heading>
      <ul class="choices">
        <li><a href={href('disputes', 'new')}>Submit Dispute</a>: ask the plan to adjust a paid or denied claim, within 24 months of its payment or denial.</li>
        <li><a href={href('appeals', 'new')}>Appeal</a>: ask the plan to reconsider a claim denial (within 90 days), or a medical necessity decision (within 180 days).
          To appeal a retro authorization decision, open the request and choose Appeal.</li>
        <li><a href={`${href('status')}`}>Check Status</a> of a claim’s disputes and appeals, or of a retro authorization request.</li>
        <li><a href={worklistHref({list: 'appeals'})}>Your appeals</a>, saved drafts included, and <a href={worklistHref({list: 'disputes'})}>your disputes</a>, without a claim number.</li>
      </ul>
      <section aria-labelledby="open-heading">
        <h2 id="open-heading">Open a dispute or appeal</h2>
        <form onSubmit={open} noValidate>
          <ErrorSummary error={error} labels={{caseId: 'Dispute or appeal ID'}} />
          <TextField id="caseId" label="Dispute or appeal ID" value={id} onValue={setId} error={fieldErrors(error).caseId} required autoComplete="off"
            hint="As it is on the case’s letters, such as AP-7K2M-9QXD." />
          <button type="submit">Open</button>
        </form>
      </section>
    </>
  );
}

export function CaseScreen({id}: {id: string}) {
  const valid = caseIdPattern.test(id);
  const [c, error, reload] = useLoad(() => (valid ? api<Case>('GET', casePath(id)) : Promise.reject(new ApiError({status: 404, code: 'CASE_NOT_FOUND', title: 'Not found', detail: 'That is not a dispute or appeal ID: they look like DP-XXXX-XXXX or AP-XXXX-XXXX.'}))), [id]);
  const [withdrawError, setWithdrawError] = useState<ApiError | null>(null);
  const [confirming, setConfirming] = useState(false);
  if (error?.status === 404) return <NotFound detail={error.detail} />;
  if (error) return <ErrorSummary error={error} />;
  if (!c) return <Loading what="the case" />;
  const open = ['received', 'in_review', 'returned_incomplete'].includes(c.status);
  const withdraw = async () => {
    setWithdrawError(null);
    try {
      await api<Case>('POST', `${casePath(c.caseId)}/withdraw`, {idempotencyKey: `withdraw-${c.caseId}`});
      setConfirming(false);
      reload();
    } catch (err) {
      setWithdrawError(err as ApiError);
    }
  };
  const resubmit = async () => {
    setWithdrawError(null);
    try {
      await api<Case>('POST', `${casePath(c.caseId)}/submit`, {idempotencyKey: newKey()});
      reload();
    } catch (err) {
      setWithdrawError(err as ApiError);
    }
  };
  return (
    <>
      <Heading>{kindText[c.kind]} {c.caseId}</Heading>
      <dl class="facts">
        <dt>Status</dt><dd><span class={`badge ${c.status}`}>{words(c.status)}</span></dd>
        {c.claimNumber ? <><dt>Claim</dt><dd><a href={href('claims', c.claimNumber)}>{c.claimNumber}</a></dd></> : null}
        {c.authorizationId ? <><dt>Authorization request</dt><dd><a href={href('authorizations', c.authorizationId)}>{c.authorizationId}</a></dd></> : null}
        {c.submittedAt ? <><dt>Submitted</dt><dd>{when(c.submittedAt)}</dd></> : <><dt>Saved</dt><dd>{when(c.createdAt)}</dd></>}
        {c.decisionDue ? <><dt>Decision due</dt><dd>{day(c.decisionDue)}</dd></> : null}
        <dt>Documents</dt><dd>{c.documents.length}</dd>
      </dl>
      {c.decision ? (
        <section class="notice" aria-labelledby="decision-heading">
          <h2 id="decision-heading">Decision</h2>
          <p>{words(c.decision.outcome)} on {when(c.decision.decidedAt)}{c.decision.amount ? `; ${money(c.decision.amount)} to be paid` : ''}.</p>
          {c.decision.reason ? <p>{c.decision.reason}</p> : null}
        </section>
      ) : null}
      {c.missing ? <p class="notice"><strong>Returned as incomplete. The plan needs:</strong> {c.missing}</p> : null}
      <section aria-labelledby="history-heading">
        <h2 id="history-heading">History</h2>
        <ol class="history">{c.history.map((h, i) => <li key={i}>{when(h.at)}: {words(h.status)}{h.note ? ` (${h.note})` : ''}</li>)}</ol>
      </section>
      <section aria-labelledby="letters-heading">
        <h2 id="letters-heading">Letters</h2>
        {c.letters.length ? <ul>{c.letters.map((l) => <li key={l.documentId}><DownloadLetter id={l.documentId} text={`${words(l.type)} letter, ${when(l.createdAt)}`} /></li>)}</ul> : <p>No letters yet.</p>}
      </section>
      <ErrorSummary error={withdrawError} />
      {c.status === 'draft' ? <p><a class="button" href={href('appeals', c.caseId, 'edit')}>Continue the draft</a></p> : null}
      {c.status === 'returned_incomplete' && c.caseId.startsWith('AP-') ? <p>Add what the plan needs below, then <button type="button" onClick={() => void resubmit()}>Resubmit</button></p> : null}
      {open ? <AddDocuments path={`${casePath(c.caseId)}/documents`} onDone={reload} /> : null}
      {open || c.status === 'draft' ? (
        confirming ? (
          <div class="panel" role="group" aria-labelledby="confirm-heading">
            <h2 id="confirm-heading">{c.status === 'draft' ? 'Discard this draft?' : `Withdraw this ${kindText[c.kind].toLowerCase()}?`}</h2>
            <p>This cannot be undone.</p>
            <button type="button" class="danger" onClick={() => void withdraw()}>{c.status === 'draft' ? 'Discard the draft' : 'Withdraw'}</button>{' '}
            <button type="button" class="secondary" onClick={() => setConfirming(false)}>Keep it</button>
          </div>
        ) : (
          <p><button type="button" class="secondary danger" onClick={() => setConfirming(true)}>{c.kind === 'dispute' ? 'Withdraw dispute' : 'Cancel Appeal'}</button></p>
        )
      ) : null}
      <ClaimsLink />
    </>
  );
}

/** A letter's download button; name, when given, is its accessible name, unique on a list of letters. */
export function DownloadLetter({id, text, name}: {id: string; text: string; name?: string}) {
  const [error, setError] = useState('');
  const open = async () => {
    setError('');
    try {
      const d = await api<LetterDownload>('GET', `/documents/${encodeURIComponent(id)}`);
      location.assign(d.downloadUrl);
    } catch (err) {
      setError((err as ApiError).detail);
    }
  };
  return (
    <>
      <button type="button" class="link" aria-label={name} onClick={() => void open()}>{text} (PDF)</button>
      {error ? <span class="field-error" role="alert"> {error}</span> : null}
    </>
  );
}

export function StatusScreen({claim}: {claim: string}) {
  const [tab, setTab] = useState(claim ? 'claim' : 'claim');
  const [value, setValue] = useState(claim);
  const [cases, setCases] = useState<Case[] | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const byClaim = async (n: string) => {
    setError(null);
    try {
      const [d, a] = await Promise.all([
        api<CaseList>('GET', '/disputes', {query: {claimNumber: n}}),
        api<CaseList>('GET', '/appeals', {query: {claimNumber: n}}),
      ]);
      setCases([...d.cases, ...a.cases].sort((x, y) => y.createdAt.localeCompare(x.createdAt)));
    } catch (err) {
      setError(err as ApiError);
    }
  };
  useLoad(() => (claim ? byClaim(claim) : Promise.resolve()), [claim]);
  const submit = async (e: Event) => {
    e.preventDefault();
    const v = value.trim().toUpperCase();
    setError(null);
    if (tab === 'claim') return byClaim(value.trim());
    if (tab === 'case') {
      if (!caseIdPattern.test(v)) return setError(new ApiError({status: 400, code: 'INVALID_REQUEST', title: 'Check the ID', detail: 'A dispute or appeal ID looks like DP-XXXX-XXXX or AP-XXXX-XXXX.', errors: {statusValue: 'DP-XXXX-XXXX or AP-XXXX-XXXX'}}));
      navigate(href('cases', v));
      return;
    }
    try {
      const a = await api<Authorization>('GET', `/authorizations/${encodeURIComponent(v)}`);
      navigate(href('authorizations', a.authorizationId));
    } catch (err) {
      setError(err as ApiError);
    }
  };
  const labels: Record<string, string> = {claim: 'Claim number', case: 'Dispute or appeal ID', authorization: 'Authorization request ID'};
  const errs = fieldErrors(error);
  return (
    <>
      <Heading>Check Status</Heading>
      <Tabs label="Check status by" tabs={[['claim', 'Claim'], ['case', 'Dispute or appeal ID'], ['authorization', 'Retro authorization']]} selected={tab} onSelect={(t) => { setTab(t); setError(null); }}>
        <form onSubmit={(e) => void submit(e)} noValidate>
          <ErrorSummary error={error} labels={{statusValue: labels[tab], claimNumber: labels[tab], authorizationId: labels[tab]}} />
          <TextField id="statusValue" label={labels[tab]} value={value} onValue={setValue} error={errs.statusValue ?? errs.claimNumber ?? errs.authorizationId} required autoComplete="off" />
          <button type="submit">Check Status</button>
        </form>
      </Tabs>
      {cases ? (
        <section aria-labelledby="cases-heading">
          <h2 id="cases-heading">Disputes and appeals</h2>
          {!cases.length ? <p role="status">No disputes or appeals for this claim.</p> : (
            <Scroll label="Disputes and appeals">
              <table>
                <thead><tr><th scope="col">ID</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">Submitted</th><th scope="col">Decision due</th></tr></thead>
                <tbody>
                  {cases.map((c) => (
                    <tr key={c.caseId}>
                      <th scope="row"><a href={href('cases', c.caseId)}>{c.caseId}</a></th><td>{kindText[c.kind]}</td><td>{words(c.status)}</td>
                      <td>{c.submittedAt ? when(c.submittedAt) : 'Not submitted'}</td><td>{day(c.decisionDue)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
          )}
        </section>
      ) : null}
    </>
  );
}
