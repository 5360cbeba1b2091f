// Claim Information and Attachments: the seven searches, and Claim Detail
// with its two line views, Document Upload and Attached Documents.
import {Fragment} from 'preact';
import {useEffect, useRef, useState} from 'preact/hooks';
import {NotFound, useLoad, useAction} from './shared';
import {checked} from './precheck';
import {api, newKey} from './api';
import {href} from './router';
import type {CaseOffer, ClaimDetail, ClaimDocuments, ClaimSearchResult, ClaimSummary, SubmissionResult} from './types';
import {attachFor} from './attachment';
import {Uploader, type Files} from './uploader';
import {day, ErrorSummary, fieldErrors, Heading, Loading, money, Scroll, sizeText, Tabs, TextArea, TextField, when, words} from './ui';

const methods: [string, string, [string, string, string?][]][] = [
  ['member', 'Member ID', [['memberId', 'Member ID']]],
  ['medicaid', 'Medicaid ID', [['medicaidId', 'Medicaid ID']]],
  ['info', 'Member Info', [['lastName', 'Last name'], ['firstName', 'First name'], ['dateOfBirth', 'Date of birth', 'date']]],
  ['claim', 'Claim Number', [['claimNumber', 'Claim number']]],
  ['account', 'Patient Account Number', [['patientAccountNumber', 'Patient account number']]],
  ['check', 'Check Number', [['checkNumber', 'Check number']]],
  ['external', 'External Reference', [['externalReferenceNumber', 'External reference number']]],
];
const labels = Object.fromEntries(methods.flatMap(([, , fs]) => fs.map(([k, l]) => [k, l])));

// The last search and its page stay in memory while the provider opens a
// claim and comes back; never in the address or in storage.
let last: {method: string; values: Record<string, string>; cursors: string[]; result: ClaimSearchResult | null; size: string} = {
  method: 'member', values: {}, cursors: [''], result: null, size: '10',
};
export const forgetSearch = () => {
  last = {method: 'member', values: {}, cursors: [''], result: null, size: '10'};
};

/** The claims found are all one member's (a search by member). */
const oneMember = (claims: ClaimSummary[]) => claims.length > 0 && claims.every((c) => c.memberId === claims[0].memberId);

export function ClaimSearch() {
  const [method, setMethod] = useState(last.method);
  const [values, setValues] = useState<Record<string, string>>(last.values);
  const [cursors, setCursors] = useState<string[]>(last.cursors);
  const [result, setResult] = useState<ClaimSearchResult | null>(last.result);
  const [busy, error, setError, act] = useAction();
  const [size, setSize] = useState(last.size);
  useEffect(() => {
    last = {method, values, cursors, result, size};
  }, [method, values, cursors, result, size]);

  const fields = methods.find(([m]) => m === method)![2];
  const run = async (stack: string[]) => {
    await act(async () => {
      // In the body, not the URL: member IDs, names and dates of birth are PHI.
      const body: Record<string, string | number> = {limit: Number(size)};
      for (const [k] of fields) if ((values[k] ?? '').trim()) body[k] = values[k].trim();
      if (stack[stack.length - 1]) body.cursor = stack[stack.length - 1];
      setResult(await api<ClaimSearchResult>('POST', '/claims/search', {body}));
      setCursors(stack);
    });
  };
  const errs = fieldErrors(error);
  const page = cursors.length;
  // After Next or Previous page, the reader goes on from the results' heading.
  const resultsHeading = useRef<HTMLHeadingElement>(null);
  const turn = async (stack: string[]) => {
    await run(stack);
    resultsHeading.current?.focus();
  };
  return (
    <>
      <Heading>Claim Information and Attachments</Heading>
      <p>Find a claim received in the last 24 months, by one of these.</p>
      <Tabs label="Search by" tabs={methods.map(([m, t]) => [m, t])} selected={method}
        onSelect={(m) => { setMethod(m); setError(null); }}>
        <form class="search" onSubmit={(e) => { e.preventDefault(); void run(['']); }} noValidate>
          <ErrorSummary error={error} labels={labels} />
          {fields.map(([k, l, type]) => (
            <TextField key={k} id={k} label={l} type={type ?? 'text'} value={values[k] ?? ''} error={errs[k]} required
              autoComplete="off" onValue={(v) => setValues({...values, [k]: v})} />
          ))}
          <div class="field">
            <label for="pageSize">Claims per page</label>
            <select id="pageSize" value={size} onChange={(e) => setSize(e.currentTarget.value)}>
              {['5', '10', '25', '50'].map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </div>
          <button type="submit" disabled={busy}>Search</button>
        </form>
      </Tabs>
      {result ? (
        <section aria-labelledby="results-heading">
          <h2 id="results-heading" tabIndex={-1} ref={resultsHeading}>Claims</h2>
          <p role="status">
            {result.claims.length ? `Page ${page}: ${result.claims.length} claim${result.claims.length === 1 ? '' : 's'}.` : 'No claims match.'}{' '}
            Claims received before {day(result.receivedFrom)} are not shown.
          </p>
          {result.claims.length ? (
            <Scroll label="Claims found">
              <table>
                <thead>
                  <tr><th scope="col">Claim</th><th scope="col">Patient</th><th scope="col">Service dates</th><th scope="col">Received</th><th scope="col">Status</th><th scope="col">Charged</th><th scope="col">Paid</th><th scope="col"><span class="sr-only">Detail</span></th></tr>
                </thead>
                <tbody>
                  {result.claims.map((c) => (
                    <tr key={c.claimNumber}>
                      <th scope="row"><a href={href('claims', c.claimNumber)}>{c.claimNumber}</a></th>
                      <td>{c.patient.lastName}, {c.patient.firstName}</td>
                      <td>{day(c.serviceFrom)}–{day(c.serviceTo)}</td>
                      <td>{day(c.dateReceived)}</td>
                      <td><span class={`badge ${c.status}`}>{words(c.status)}</span></td>
                      <td class="num">{money(c.totalCharged)}</td>
                      <td class="num">{money(c.totalPaid)}</td>
                      <td><a href={href('claims', c.claimNumber)} aria-label={`View Detail of claim ${c.claimNumber}`}>View Detail</a></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </Scroll>
          ) : null}
          {oneMember(result.claims) ? (
            <p>To send documents for this member’s claims, or before a claim is received:{' '}
              <button type="button" class="secondary" onClick={() => attachFor(result.claims[0].memberId)}>Claim Attachment</button></p>
          ) : null}
          <nav class="pager" aria-label="Pages of claims">
            <button type="button" class="secondary" disabled={page < 2 || busy} onClick={() => void turn(cursors.slice(0, -1))}>Previous page</button>
            <button type="button" class="secondary" disabled={!result.nextCursor || busy} onClick={() => void turn([...cursors, result.nextCursor!])}>Next page</button>
          </nav>
        </section>
      ) : null}
    </>
  );
}

export function ClaimDetailScreen({claimNumber}: {claimNumber: string}) {
  const [claim, error] = useLoad(() => api<ClaimDetail>('GET', `/claims/${encodeURIComponent(claimNumber)}`), [claimNumber]);
  const [view, setView] = useState<'list' | 'table'>('list');
  const [docsVersion, setDocsVersion] = useState(0);
  if (error?.status === 404) return <NotFound detail={error.detail} />;
  if (error) return <ErrorSummary error={error} />;
  if (!claim) return <Loading what="the claim" />;
  return (
    <>
      <Heading>Claim {claim.claimNumber}</Heading>
      <p><a href={href('claims')}>Back to the search</a></p>
      <dl class="facts">
        <dt>Status</dt><dd><span class={`badge ${claim.status}`}>{words(claim.status)}</span></dd>
        <dt>Patient</dt><dd>{claim.patient.lastName}, {claim.patient.firstName} (born {day(claim.patient.dateOfBirth)})</dd>
        <dt>Member ID</dt><dd>{claim.memberId}</dd>
        <dt>Claim type</dt><dd>{words(claim.claimType)}</dd>
        <dt>Service dates</dt><dd>{day(claim.serviceFrom)}–{day(claim.serviceTo)}</dd>
        <dt>Received</dt><dd>{day(claim.dateReceived)}</dd>
        {claim.processedDate ? <><dt>Processed</dt><dd>{day(claim.processedDate)}</dd></> : null}
        <dt>Charged</dt><dd>{money(claim.totalCharged)}</dd>
        <dt>Paid</dt><dd>{money(claim.totalPaid)}</dd>
        <dt>Patient responsibility</dt><dd>{money(claim.patientResponsibility)}</dd>
        {claim.patientAccountNumber ? <><dt>Patient account number</dt><dd>{claim.patientAccountNumber}</dd></> : null}
        {claim.checkNumber ? <><dt>Check number</dt><dd>{claim.checkNumber}</dd></> : null}
        <dt>Billing provider</dt><dd>{claim.billingProvider.name ? `${claim.billingProvider.name}, ` : ''}NPI {claim.billingProvider.npi}</dd>
        {([['Adjusted From Claim #', claim.adjustedFromClaimNumber], ['Adjusted To Claim #', claim.adjustedToClaimNumber], ['Original Claim #', claim.originalClaimNumber]] as const)
          .filter(([, n]) => n).map(([t, n]) => <Fragment key={t}><dt>{t}</dt><dd><a href={href('claims', n!)}>{n}</a></dd></Fragment>)}
      </dl>
      {claim.denialReason ? (
        <section class="notice" aria-labelledby="denial-heading">
          <h2 id="denial-heading">Denial reason</h2>
          <p><strong>{claim.denialReason.code}</strong>: {claim.denialReason.text}</p>
        </section>
      ) : null}
      <section aria-labelledby="lines-heading">
        <h2 id="lines-heading">Claim lines</h2>
        <div class="toggle" role="group" aria-label="Show lines as">
          <button type="button" aria-pressed={view === 'list'} onClick={() => setView('list')}>List View</button>
          <button type="button" aria-pressed={view === 'table'} onClick={() => setView('table')}>Table View</button>
        </div>
        {view === 'list' ? (
          <ol class="lines">
            {claim.lines.map((l) => (
              <li key={l.lineNumber}>
                <h3>Line {l.lineNumber}: {l.procedureCode}{l.modifiers?.length ? `-${l.modifiers.join('-')}` : ''}</h3>
                <p>{day(l.serviceFrom)}–{day(l.serviceTo)}, {l.units} unit{l.units === 1 ? '' : 's'}; charged {money(l.charged)}, paid {money(l.paid)}; <span class={`badge ${l.status}`}>{words(l.status)}</span></p>
                {l.denialReason ? <p>Denied: {l.denialReason.code}: {l.denialReason.text}</p> : null}
              </li>
            ))}
          </ol>
        ) : (
          <Scroll label="Claim lines table">
            <table>
              <thead><tr><th scope="col">Line</th><th scope="col">Dates</th><th scope="col">Code</th><th scope="col">Units</th><th scope="col">Charged</th><th scope="col">Paid</th><th scope="col">Status</th><th scope="col">Denial</th></tr></thead>
              <tbody>
                {claim.lines.map((l) => (
                  <tr key={l.lineNumber}>
                    <th scope="row">{l.lineNumber}</th><td>{day(l.serviceFrom)}–{day(l.serviceTo)}</td>
                    <td>{l.procedureCode}{l.modifiers?.length ? `-${l.modifiers.join('-')}` : ''}</td><td class="num">{l.units}</td>
                    <td class="num">{money(l.charged)}</td><td class="num">{money(l.paid)}</td><td>{words(l.status)}</td>
                    <td>{l.denialReason ? `${l.denialReason.code}: ${l.denialReason.text}` : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Scroll>
        )}
      </section>
      <DocumentUpload claim={claim} onSubmitted={() => setDocsVersion((v) => v + 1)} />
      <AttachedDocuments claimNumber={claim.claimNumber} version={docsVersion} />
      <CaseOffers claim={claim} />
    </>
  );
}

/**
 * Disputes and appeals of the claim: only what the plan would take today,
 * with its last day; for the rest, why and where to go instead, in the
 * plan's words (the same sentences a submission would be refused with).
 */
function CaseOffers({claim}: {claim: ClaimDetail}) {
  const offer = (k: CaseOffer['kind']) => claim.caseOffers.find((o) => o.kind === k);
  const dispute = offer('dispute');
  const appeals = [offer('claim_appeal'), offer('clinical_appeal')].filter((o): o is CaseOffer => !!o);
  const openAppeals = appeals.filter((o) => o.available);
  const by = (o?: CaseOffer) => (o?.lastDay ? `, by ${day(o.lastDay)}` : '');
  const q = `?claim=${encodeURIComponent(claim.claimNumber)}`;
  // Why not, once per sentence: an appeal's reason only when no appeal is
  // open, and not the one that only points to the other kind of appeal.
  const redirects = ['USE_CLAIM_APPEAL', 'USE_CLINICAL_APPEAL'];
  const why = [...new Set([dispute, ...(openAppeals.length ? [] : appeals.filter((o) => !redirects.includes(o.code ?? '')))]
    .filter((o) => o && !o.available && o.unavailableReason).map((o) => o!.unavailableReason!))];
  return (
    <section aria-labelledby="actions-heading">
      <h2 id="actions-heading">Disputes and appeals</h2>
      <ul class="actions">
        {dispute?.available ? <li><a href={`${href('disputes', 'new')}${q}`}>Submit Dispute</a>{by(dispute)}</li> : null}
        {openAppeals.length ? <li><a href={`${href('appeals', 'new')}${q}`}>Appeal this claim</a>{openAppeals.map((o) => ` (${o.kind === 'claim_appeal' ? 'claim appeal' : 'clinical appeal'}${by(o)})`).join('')}</li> : null}
        <li><a href={`${href('status')}${q}`}>Check Status of this claim’s disputes and appeals</a></li>
      </ul>
      {why.map((w) => <p key={w} class="notice">{w}</p>)}
    </section>
  );
}

const alternatives: Record<string, [string, string] | null> = {
  dispute: ['disputes', 'Submit a dispute instead'],
  appeal: ['appeals', 'Submit an appeal instead'],
  mail_or_fax: null,
};

function DocumentUpload({claim, onSubmitted}: {claim: ClaimDetail; onSubmitted: () => void}) {
  const offer = claim.documentUpload;
  const [email, setEmail] = useState('');
  const [notes, setNotes] = useState('');
  const [files, setFiles] = useState<Files>({accepted: [], busy: false});
  const [key, setKey] = useState(newKey);
  const [done, setDone] = useState<SubmissionResult | null>(null);
  const [busy, error, , act] = useAction();
  const [uploaderKey, setUploaderKey] = useState(0);
  if (!offer.available) {
    const alt = offer.alternative ? alternatives[offer.alternative] : null;
    return (
      <section aria-labelledby="upload-heading">
        <h2 id="upload-heading">Document Upload</h2>
        <p>{offer.unavailableReason ?? 'Document Upload is not offered for this claim.'}</p>
        {alt ? <p><a href={`${href(alt[0], 'new')}?claim=${encodeURIComponent(claim.claimNumber)}`}>{alt[1]}</a></p> : null}
      </section>
    );
  }
  const submit = async (e: Event) => {
    e.preventDefault();
    const body = {contactEmail: email.trim(), notes: notes.trim() || undefined, uploadIds: files.accepted};
    await act(async () => {
      const r = await checked('documentUpload', body, [],
        () => api<SubmissionResult>('POST', `/claims/${encodeURIComponent(claim.claimNumber)}/document-submissions`, {body, idempotencyKey: key}));
      setDone(r);
      setKey(newKey());
      setNotes('');
      setUploaderKey((k) => k + 1);
      onSubmitted();
    });
  };
  const errs = fieldErrors(error);
  return (
    <section aria-labelledby="upload-heading">
      <h2 id="upload-heading">Document Upload</h2>
      <p>{offer.instructions}</p>
      {done ? <p role="status" class="success">Submitted on {day(done.receivedDate)}; the documents are attached to the claim. Reference {done.submissionId}.</p> : null}
      <form onSubmit={submit} noValidate>
        <ErrorSummary error={error} labels={{contactEmail: 'Provider Contact Email', uploadIds: 'Files', notes: 'Notes'}} />
        <Uploader key={uploaderKey} id="uploadIds" label="Files" error={errs.uploadIds}
          hint={`PDF, image, Word, Excel or text files${offer.maxBytes ? `, up to ${sizeText(offer.maxBytes)} each` : ''}.`} onChange={setFiles} />
        <TextField id="contactEmail" label="Provider Contact Email" type="email" autoComplete="email" value={email} onValue={setEmail} error={errs.contactEmail} required />
        <TextArea id="notes" label="Notes" value={notes} onValue={setNotes} error={errs.notes} maxLength={4000} />
        <button type="submit" disabled={busy || files.busy}>{files.busy ? 'Waiting for files…' : 'Submit Documents'}</button>
      </form>
    </section>
  );
}

function AttachedDocuments({claimNumber, version}: {claimNumber: string; version: number}) {
  const [docs, error] = useLoad(() => api<ClaimDocuments>('GET', `/claims/${encodeURIComponent(claimNumber)}/documents`), [claimNumber, version]);
  return (
    <section aria-labelledby="attached-heading">
      <h2 id="attached-heading">Attached Documents</h2>
      {error ? <ErrorSummary error={error} /> : !docs ? <Loading what="documents" /> : !docs.documents.length ? <p>No documents are attached to this claim.</p> : (
        <Scroll label="Attached documents">
          <table>
            <thead><tr><th scope="col">File</th><th scope="col">Size</th><th scope="col">Status</th><th scope="col">Uploaded</th><th scope="col">How</th></tr></thead>
            <tbody>
              {docs.documents.map((d) => (
                <tr key={d.uploadId}>
                  <th scope="row">{d.downloadUrl ? <a href={d.downloadUrl} download={d.fileName}>{d.fileName}</a> : d.fileName}</th>
                  <td class="num">{sizeText(d.size)}</td>
                  <td>{words(d.status)}{d.rejectReason ? `: ${d.rejectReason}` : ''}</td>
                  <td>{when(d.uploadedAt)}</td>
                  <td>{d.submissionKind === 'proactive' ? 'Claim Attachment' : 'Document Upload'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
    </section>
  );
}
