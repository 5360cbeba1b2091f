// Retro authorization, the guide's steps: find the member and the start
// date of service, check the COB Information tab (Add COB Information when
// the plan lacks it), Verified, the request, clinical indications and
// documents; then the request's status, decision and documents added later.
import {useState} from 'preact/hooks';
import {checked, precheck} from './precheck';
import {api, ApiError, newKey} from './api';
import {ClaimsLink, useLoad, NotFound, useAction, useProvider} from './shared';
import {href, navigate, worklistHref} from './router';
import type {Authorization, ClinicalQuestion, CoverageResult, MemberCoverage} from './types';
import {Uploader, type Files} from './uploader';
import {Checkbox, day, ErrorSummary, fieldErrors, Heading, Loading, StepHeading, Radios, Scroll, SelectField, Tabs, TextArea, TextField, when, words} from './ui';

const finders: [string, string, [string, string, string?][]][] = [
  ['member', 'Member ID', [['memberId', 'Member ID']]],
  ['medicaid', 'Medicaid ID', [['medicaidId', 'Medicaid ID']]],
  ['info', 'Member Info', [['lastName', 'Last name'], ['firstName', 'First name'], ['dateOfBirth', 'Date of birth', 'date']]],
];
const pos: Record<string, [string, string][]> = {
  inpatient: [['21', '21 Inpatient hospital'], ['51', '51 Inpatient psychiatric facility'], ['61', '61 Comprehensive inpatient rehabilitation']],
  outpatient: [['11', '11 Office'], ['22', '22 Outpatient hospital'], ['24', '24 Ambulatory surgical center'], ['02', '02 Telehealth'],
    ['10', '10 Telehealth in the home'], ['12', '12 Home'], ['19', '19 Off-campus outpatient hospital'], ['20', '20 Urgent care'], ['81', '81 Independent laboratory']],
};

export function RetroAuthorization() {
  const [finder, setFinder] = useState('member');
  const [q, setQ] = useState<Record<string, string>>({});
  const [dos, setDos] = useState('');
  const [found, setFound] = useState<MemberCoverage[] | null>(null);
  const [member, setMember] = useState<MemberCoverage | null>(null);
  const [verified, setVerified] = useState(false);
  const [busy, error, setError, act] = useAction();

  const search = async (e?: Event) => {
    e?.preventDefault();
    await act(async () => {
      // In the body, not the URL: the member's ID, name and date of birth are PHI.
      // Every item typed goes, so that one answer names every problem; an
      // empty date is left out, as the API takes it.
      const body: Record<string, string> = dos ? {dateOfService: dos} : {};
      const typed: Record<string, string> = {dateOfService: dos};
      for (const [k] of finders.find(([f]) => f === finder)![2]) {
        typed[k] = (q[k] ?? '').trim();
        if (typed[k]) body[k] = typed[k];
      }
      const r = await checked('coverage', typed, ['dateOfService', 'dateOfBirth'], () => api<CoverageResult>('POST', '/members/coverage/search', {body}));
      setFound(r.members);
      const again = member && r.members.find((m) => m.memberId === member.memberId);
      setMember(again ?? (r.members.length === 1 ? r.members[0] : null));
      setVerified(false);
    });
  };
  const errs = fieldErrors(error);
  return (
    <>
      <Heading>Retro Authorization</Heading>
      <p>For services already given, within 180 days. Find the member and the start date of service first.
        Requests you sent are in the <a href={worklistHref({list: 'authorizations'})}>Worklist</a>.</p>
      <section aria-labelledby="find-heading">
        <h2 id="find-heading">1. Member and start date of service</h2>
        <Tabs label="Find the member by" tabs={finders.map(([f, t]) => [f, t])} selected={finder} onSelect={(f) => { setFinder(f); setError(null); }}>
          <form onSubmit={search} noValidate>
            <ErrorSummary error={error} labels={{...Object.fromEntries(finders.flatMap(([, , fs]) => fs.map(([k, l]) => [k, l]))), dateOfService: 'Start date of service'}} />
            {finders.find(([f]) => f === finder)![2].map(([k, l, type]) => (
              <TextField key={k} id={k} label={l} type={type ?? 'text'} value={q[k] ?? ''} onValue={(v) => setQ({...q, [k]: v})} error={errs[k]} required autoComplete="off" />
            ))}
            <TextField id="dateOfService" label="Start date of service" type="date" value={dos} onValue={setDos} error={errs.dateOfService} required />
            <button type="submit" disabled={busy}>Search</button>
          </form>
        </Tabs>
      </section>
      {found && found.length > 1 ? (
        <Radios id="member-choice" legend="More than one member matches: choose one" value={member?.memberId ?? ''}
          onValue={(id) => { setMember(found.find((m) => m.memberId === id) ?? null); setVerified(false); }}
          options={found.map((m) => [m.memberId, `${m.lastName}, ${m.firstName}, born ${day(m.dateOfBirth)} (${m.memberId})`])} />
      ) : null}
      {member ? <COBStep key={`${member.memberId}|${member.dateOfService}`} member={member} onReported={() => void search()} verified={verified} onVerified={() => setVerified(true)} /> : null}
      {member && verified ? <RequestStep member={member} /> : null}
    </>
  );
}

function COBStep({member, onReported, verified, onVerified}: {member: MemberCoverage; onReported: () => void; verified: boolean; onVerified: () => void}) {
  const [adding, setAdding] = useState(false);
  const ra = member.retroAuthorization;
  return (
    <section aria-labelledby="cob-heading">
      <StepHeading id="cob-heading">2. COB Information</StepHeading>
      <p>{member.lastName}, {member.firstName} ({member.memberId}), born {day(member.dateOfBirth)}: {member.eligibleOnDate ? 'eligible' : 'not eligible'} on {day(member.dateOfService)}.</p>
      {member.otherInsurance.length ? (
        <Scroll label="Other insurance">
          <table>
            <caption>Other insurance on file</caption>
            <thead><tr><th scope="col">Carrier</th><th scope="col">Policy</th><th scope="col">From</th><th scope="col">To</th><th scope="col">Active on the date</th><th scope="col">Source</th></tr></thead>
            <tbody>
              {member.otherInsurance.map((o, i) => (
                <tr key={i}><th scope="row">{o.carrier}</th><td>{o.policyNumber}</td><td>{day(o.from)}</td><td>{o.to ? day(o.to) : 'ongoing'}</td>
                  <td>{o.activeOnDate ? 'Yes' : 'No'}</td><td>{o.source === 'reported' ? 'Reported, not verified' : 'Plan'}</td></tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      ) : <p>No other insurance is on file.</p>}
      {ra.allowed ? null : <p class="notice" role="status"><strong>A retro authorization cannot go on:</strong> {ra.detail}</p>}
      {adding ? <AddCOB memberId={member.memberId} onDone={() => { setAdding(false); onReported(); }} onCancel={() => setAdding(false)} /> : (
        <p><button type="button" class="secondary" onClick={() => setAdding(true)}>Add COB Information</button></p>
      )}
      {ra.allowed && !verified ? <p><button type="button" onClick={onVerified}>Verified</button> <span class="muted">The COB information above is right for the start date of service.</span></p> : null}
      {verified ? <p class="success" role="status">COB verified for {day(member.dateOfService)}.</p> : null}
    </section>
  );
}

function AddCOB({memberId, onDone, onCancel}: {memberId: string; onDone: () => void; onCancel: () => void}) {
  const [f, setF] = useState({carrier: '', policyNumber: '', subscriberName: '', relationship: '', from: '', to: ''});
  const [key] = useState(newKey);
  const [busy, error, , act] = useAction();
  const set = (k: keyof typeof f) => (v: string) => setF({...f, [k]: v});
  const submit = (e: Event) => {
    e.preventDefault();
    void act(async () => {
      const body = {...f, to: f.to || undefined};
      await checked('cobReport', body, ['from', 'to'], () => api('POST', `/members/${encodeURIComponent(memberId)}/cob`, {idempotencyKey: key, body}));
      onDone();
    });
  };
  const errs = fieldErrors(error);
  return (
    <form class="panel" onSubmit={submit} noValidate aria-labelledby="addcob-heading">
      <h3 id="addcob-heading">Add COB Information</h3>
      <ErrorSummary error={error} labels={{carrier: 'Carrier', policyNumber: 'Policy number', subscriberName: 'Subscriber name', relationship: 'Relationship', from: 'From', to: 'To'}} />
      <TextField id="carrier" label="Carrier" value={f.carrier} onValue={set('carrier')} error={errs.carrier} required />
      <TextField id="policyNumber" label="Policy number" value={f.policyNumber} onValue={set('policyNumber')} error={errs.policyNumber} required autoComplete="off" />
      <TextField id="subscriberName" label="Subscriber name" value={f.subscriberName} onValue={set('subscriberName')} error={errs.subscriberName} required autoComplete="off" />
      <SelectField id="relationship" label="Member’s relationship to the subscriber" value={f.relationship} onValue={set('relationship')} error={errs.relationship} required
        options={[['self', 'Self'], ['spouse', 'Spouse'], ['child', 'Child'], ['other', 'Other']]} />
      <TextField id="from" label="Coverage from" type="date" value={f.from} onValue={set('from')} error={errs.from} required />
      <TextField id="to" label="Coverage to" type="date" value={f.to} onValue={set('to')} error={errs.to} hint="Leave empty while the coverage goes on." />
      <button type="submit" disabled={busy}>Submit COB Information</button> <button type="button" class="secondary" onClick={onCancel}>Cancel</button>
    </form>
  );
}

interface Line { code: string; units: string; modifiers: string }

function RequestStep({member}: {member: MemberCoverage}) {
  // The practice's NPIs, from the plan's records, to choose from.
  const provider = useProvider();
  const npis: [string, string][] = (provider?.npis ?? []).map((n) => [n.npi, n.name]);
  const [type, setType] = useState('');
  const [f, setF] = useState({endDate: '', requestingNpi: '', servicingNpi: '', placeOfService: '', diagnoses: '', admissionType: '', dischargeDate: '', contactEmail: '', notes: ''});
  const [urgent, setUrgent] = useState(false);
  const [lines, setLines] = useState<Line[]>([{code: '', units: '1', modifiers: ''}]);
  const [questions, setQuestions] = useState<{questions: ClinicalQuestion[]; documentsRequired: boolean} | null>(null);
  const [answers, setAnswers] = useState<Record<string, string>>({});
  const [files, setFiles] = useState<Files>({accepted: [], busy: false});
  const [key] = useState(newKey);
  const [busy, error, setError, act] = useAction();
  const set = (k: keyof typeof f) => (v: string) => setF({...f, [k]: v});
  const codes = () => lines.map((l) => l.code.trim().toUpperCase()).filter(Boolean);

  // The request as it would be sent.
  const request = () => {
    const body = {
      memberId: member.memberId, type, startDate: member.dateOfService, endDate: f.endDate || undefined, urgent, cobVerified: true,
      requestingNpi: f.requestingNpi.trim(), servicingNpi: f.servicingNpi.trim(), placeOfService: f.placeOfService,
      diagnoses: f.diagnoses.split(/[\s,]+/).map((d) => d.trim().toUpperCase()).filter(Boolean),
      services: lines.filter((l) => l.code.trim()).map((l) => ({code: l.code.trim().toUpperCase(), units: Number(l.units) || 0,
        modifiers: l.modifiers.trim() ? l.modifiers.split(/[\s,]+/).filter(Boolean).map((m) => m.toUpperCase()) : undefined})),
      admission: type === 'inpatient' ? {type: f.admissionType, dischargeDate: f.dischargeDate || undefined} : undefined,
      answers: Object.keys(answers).length ? answers : undefined,
      uploadIds: files.accepted.length ? files.accepted : undefined,
      contactEmail: f.contactEmail.trim(), notes: f.notes.trim() || undefined,
    };
    if (type === 'inpatient' && !body.services.length) delete (body as {services?: unknown}).services;
    return body;
  };
  const next = (e: Event) => {
    e.preventDefault();
    // What is left empty is named before the clinical questions, not after them.
    const unready = precheck('authorization', request(), ['endDate', 'dischargeDate']);
    if (unready) return setError(unready);
    void act(async () => setQuestions(await api('GET', '/authorizations/questions', {query: {type, codes: codes().join(',') || undefined}})));
  };
  const submit = (e: Event) => {
    e.preventDefault();
    const body = request();
    void act(async () => {
      const a = await checked('authorization', body, ['endDate', 'dischargeDate'], () => api<Authorization>('POST', '/authorizations', {idempotencyKey: key, body}));
      navigate(href('authorizations', a.authorizationId));
    });
  };
  const errs = fieldErrors(error);
  const labels = {type: 'Authorization type', endDate: 'End date of service', requestingNpi: 'Requesting NPI', servicingNpi: 'Servicing NPI',
    placeOfService: 'Place of service', diagnoses: 'Diagnoses', services: 'Services', admission: 'Admission', contactEmail: 'Contact email', notes: 'Notes', uploadIds: 'Documents',
    ...Object.fromEntries((questions?.questions ?? []).map((cq) => [`answers.${cq.id}`, cq.text]))};
  return (
    <section aria-labelledby="request-heading">
      <StepHeading id="request-heading">3. The request</StepHeading>
      <form onSubmit={questions ? submit : next} noValidate>
        <ErrorSummary error={error} labels={labels} />
        {error?.code === 'DUPLICATE_AUTHORIZATION' && error.openAuthorizationId ? <p><a href={href('authorizations', error.openAuthorizationId)}>Open request {error.openAuthorizationId}</a></p> : null}
        <Radios id="type" legend="Authorization type" value={type} onValue={(t) => { setType(t); setQuestions(null); setF({...f, placeOfService: ''}); }} error={errs.type}
          options={[['inpatient', 'Inpatient'], ['outpatient', 'Outpatient']]} />
        {type ? (
          <>
            <TextField id="endDate" label="End date of service" type="date" value={f.endDate} onValue={set('endDate')} error={errs.endDate} hint={`From ${day(member.dateOfService)}; not after today.`} />
            <Checkbox id="urgent" label="Urgent (decision within 72 hours)" checked={urgent} onChecked={setUrgent} />
            <TextField id="requestingNpi" label="Requesting provider NPI" value={f.requestingNpi} onValue={set('requestingNpi')} error={errs.requestingNpi} required inputMode="numeric" autoComplete="off"
              suggestions={npis} hint={npis.length ? 'Choose one of your practice’s NPIs, or type another.' : undefined} />
            <TextField id="servicingNpi" label="Servicing provider NPI" value={f.servicingNpi} onValue={set('servicingNpi')} error={errs.servicingNpi} required inputMode="numeric" autoComplete="off"
              suggestions={npis} hint={npis.length ? 'Choose one of your practice’s NPIs, or type another (for an inpatient stay, the facility’s).' : undefined} />
            <SelectField id="placeOfService" label="Place of service" value={f.placeOfService} onValue={set('placeOfService')} options={pos[type]} error={errs.placeOfService} required />
            <TextField id="diagnoses" label="Diagnosis codes (ICD-10-CM)" value={f.diagnoses} onValue={set('diagnoses')} error={errs.diagnoses} required hint="With their dot, the primary first, separated by commas: M54.50, M51.26" autoComplete="off" />
            {type === 'inpatient' ? (
              <>
                <SelectField id="admissionType" label="Admission type" value={f.admissionType} onValue={set('admissionType')} error={errs.admission}
                  options={[['emergency', 'Emergency'], ['urgent', 'Urgent'], ['elective', 'Elective']]} required />
                <TextField id="dischargeDate" label="Discharge date" type="date" value={f.dischargeDate} onValue={set('dischargeDate')} hint="Once discharged." />
              </>
            ) : null}
            <fieldset class={`field${errs.services ? ' has-error' : ''}`}>
              <legend>Services (CPT or HCPCS){type === 'outpatient' ? ' (required)' : ''}</legend>
              {errs.services ? <p class="field-error">{errs.services}</p> : null}
              {lines.map((l, i) => (
                <div class="row" key={i}>
                  <TextField id={`code-${i}`} label={`Service ${i + 1} code`} value={l.code} autoComplete="off"
                    onValue={(v) => { setLines(lines.map((x, j) => (j === i ? {...x, code: v} : x))); setQuestions(null); }} />
                  <TextField id={`units-${i}`} label="Units" type="number" min={1} max={999} value={l.units} onValue={(v) => setLines(lines.map((x, j) => (j === i ? {...x, units: v} : x)))} />
                  <TextField id={`modifiers-${i}`} label="Modifiers" value={l.modifiers} autoComplete="off" onValue={(v) => setLines(lines.map((x, j) => (j === i ? {...x, modifiers: v} : x)))} />
                </div>
              ))}
              <button type="button" class="secondary" disabled={lines.length >= 20} onClick={() => setLines([...lines, {code: '', units: '1', modifiers: ''}])}>Add a service</button>
            </fieldset>
            <TextField id="contactEmail" label="Contact email" type="email" autoComplete="email" value={f.contactEmail} onValue={set('contactEmail')} error={errs.contactEmail} required />
            <TextArea id="notes" label="Notes" value={f.notes} onValue={set('notes')} error={errs.notes} maxLength={4000} />
          </>
        ) : null}
        {questions ? (
          <section aria-labelledby="clinical-heading">
            <h3 id="clinical-heading">Clinical indications</h3>
            {!questions.questions.length ? <p>No clinical questions for these services.</p> : questions.questions.map((cq) => {
              const id = `answers.${cq.id}`;
              const onValue = (v: string) => setAnswers({...answers, [cq.id]: v});
              return cq.kind === 'yes_no' ? (
                <Radios key={cq.id} id={id} legend={cq.text} value={answers[cq.id] ?? ''} onValue={onValue} error={errs[id]} options={[['yes', 'Yes'], ['no', 'No']]} />
              ) : cq.kind === 'choice' ? (
                <SelectField key={cq.id} id={id} label={cq.text} value={answers[cq.id] ?? ''} onValue={onValue} error={errs[id]} required={cq.required} options={(cq.choices ?? []).map((c) => [c, words(c)])} />
              ) : (
                <TextField key={cq.id} id={id} label={cq.text} type={cq.kind === 'date' ? 'date' : cq.kind === 'number' ? 'number' : 'text'} value={answers[cq.id] ?? ''}
                  onValue={onValue} error={errs[id]} required={cq.required} />
              );
            })}
            <Uploader id="uploadIds" label={`Supporting documents${questions.documentsRequired ? ' (required for these services)' : ''}`} error={errs.uploadIds} onChange={setFiles} />
          </section>
        ) : null}
        {type ? <button type="submit" disabled={busy || files.busy}>{questions ? 'Submit authorization' : 'Continue'}</button> : null}
      </form>
    </section>
  );
}

export function AuthorizationScreen({id}: {id: string}) {
  const [a, error, reload] = useLoad(() => api<Authorization>('GET', `/authorizations/${encodeURIComponent(id)}`), [id]);
  if (error?.status === 404) return <NotFound detail={error.detail} />;
  if (error) return <ErrorSummary error={error} />;
  if (!a) return <Loading what="the request" />;
  const open = a.status === 'received' || a.status === 'more_information_requested';
  return (
    <>
      <Heading>Retro authorization {a.authorizationId}</Heading>
      <dl class="facts">
        <dt>Status</dt><dd><span class={`badge ${a.status}`}>{words(a.status)}</span></dd>
        <dt>Type</dt><dd>{words(a.type)}{a.urgent ? ', urgent' : ''}</dd>
        <dt>Member ID</dt><dd>{a.memberId}</dd>
        <dt>Start date of service</dt><dd>{day(a.startDate)}{a.endDate ? `–${day(a.endDate)}` : ''}</dd>
        <dt>Submitted</dt><dd>{when(a.submittedAt)}</dd>
        <dt>Decision due</dt><dd>{when(a.decisionDue)}</dd>
        <dt>Diagnoses</dt><dd>{a.diagnoses.join(', ')}</dd>
        {a.services.length ? <><dt>Services</dt><dd>{a.services.map((s) => `${s.code} × ${s.units}`).join(', ')}</dd></> : null}
        <dt>Documents</dt><dd>{a.documents.length}</dd>
      </dl>
      {a.decision ? (
        <section class="notice" aria-labelledby="decision-heading">
          <h2 id="decision-heading">Decision</h2>
          <p>{words(a.decision.status)} on {when(a.decision.decidedAt)}.</p>
          {a.decision.authorizationNumber ? <p>Authorization number {a.decision.authorizationNumber}, {day(a.decision.approvedFrom)}–{day(a.decision.approvedTo)}, {a.decision.approvedUnits} unit(s).</p> : null}
          {a.decision.reasonText ? <p>{a.decision.reasonCode}: {a.decision.reasonText}</p> : null}
          {a.decision.informationWanted ? <p><strong>The plan asks for:</strong> {a.decision.informationWanted}</p> : null}
        </section>
      ) : null}
      {a.status === 'denied' ? <p><a href={`${href('appeals', 'new')}?authorization=${encodeURIComponent(a.authorizationId)}`}>Appeal this denial (clinical appeal)</a></p> : null}
      {open ? <AddDocuments path={`/authorizations/${encodeURIComponent(a.authorizationId)}/documents`} withNote onDone={reload} /> : null}
      <ClaimsLink />
    </>
  );
}

/** Documents (and for a request, a note) added after submitting. */
export function AddDocuments({path, withNote, onDone}: {path: string; withNote?: boolean; onDone: () => void}) {
  const [files, setFiles] = useState<Files>({accepted: [], busy: false});
  const [note, setNote] = useState('');
  const [key, setKey] = useState(newKey);
  const [error, setError] = useState<ApiError | null>(null);
  const [sent, setSent] = useState(0);
  const submit = async (e: Event) => {
    e.preventDefault();
    setError(null);
    try {
      await api('POST', path, {idempotencyKey: key, body: {uploadIds: files.accepted, note: withNote && note.trim() ? note.trim() : undefined}});
      setSent((n) => n + 1);
      setKey(newKey());
      setNote('');
      onDone();
    } catch (err) {
      setError(err as ApiError);
    }
  };
  const errs = fieldErrors(error);
  return (
    <section aria-labelledby="add-docs-heading">
      <h2 id="add-docs-heading">Add documents</h2>
      {sent ? <p role="status" class="success">Documents added.</p> : null}
      <form onSubmit={submit} noValidate>
        <ErrorSummary error={error} labels={{uploadIds: 'Files', note: 'Note'}} />
        <Uploader key={sent} id="add-uploadIds" label="Files" error={errs.uploadIds} onChange={setFiles} />
        {withNote ? <TextArea id="note" label="Note" value={note} onValue={setNote} error={errs.note} maxLength={4000} /> : null}
        <button type="submit" disabled={files.busy || !files.accepted.length}>Add documents</button>
      </form>
    </section>
  );
}
