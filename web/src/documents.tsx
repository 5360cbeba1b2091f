// Provider Documents: acknowledgement and decision letters, newest first.
import {useState} from 'preact/hooks';
import {api} from './api';
import {DownloadLetter} from './cases';
import {href} from './router';
import {usePaged} from './shared';
import type {LetterList} from './types';
import {ErrorSummary, fieldErrors, Heading, Loading, Scroll, SelectField, TextField, when, words} from './ui';

const PAGE = 10;

export function ProviderDocuments() {
  const [filter, setFilter] = useState({type: '', from: '', to: ''});
  const [applied, setApplied] = useState(filter);
  // The page of the filter applied: an answer to an older filter never lands.
  const {page, error, heading, number, pager} = usePaged((cursor) => api<LetterList>('GET', '/documents',
    {query: {...applied, limit: PAGE, cursor}}), applied, 'letters');
  const errs = fieldErrors(error);
  return (
    <>
      <Heading>Provider Documents</Heading>
      <p>Acknowledgement and decision letters for your disputes and appeals.</p>
      <form class="filters" onSubmit={(e) => { e.preventDefault(); setApplied(filter); }} noValidate>
        <ErrorSummary error={error} labels={{type: 'Letter type', from: 'Written from', to: 'Written to'}} />
        <SelectField id="type" label="Letter type" value={filter.type} onValue={(v) => setFilter({...filter, type: v})} error={errs.type}
          options={[['acknowledgement', 'Acknowledgement'], ['decision', 'Decision'], ['returned_incomplete', 'Returned incomplete']]} />
        <TextField id="from" label="Written from" type="date" value={filter.from} onValue={(v) => setFilter({...filter, from: v})} error={errs.from} />
        <TextField id="to" label="Written to" type="date" value={filter.to} onValue={(v) => setFilter({...filter, to: v})} error={errs.to} />
        <button type="submit">Show letters</button>
      </form>
      <h2 ref={heading} tabIndex={-1}>Letters{page && number > 1 ? `, page ${number}` : ''}</h2>
      {!page ? (error ? null : <Loading what="letters" />) : !page.documents.length ? <p role="status">No letters match.</p> : (
        <Scroll label="Letters">
          <table>
            <thead><tr><th scope="col">Letter</th><th scope="col">Case</th><th scope="col">Claim or request</th><th scope="col">Written</th><th scope="col">Download</th></tr></thead>
            <tbody>
              {page.documents.map((l) => (
                <tr key={l.documentId}>
                  <th scope="row">{l.title}</th>
                  <td><a href={href('cases', l.caseId)}>{l.caseId}</a></td>
                  <td>{l.claimNumber ?? l.authorizationId}</td>
                  <td>{when(l.createdAt)}</td>
                  <td><DownloadLetter id={l.documentId} text={`${words(l.type)}`} name={`${words(l.type)} letter for ${l.caseId}, written ${when(l.createdAt)} (PDF)`} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </Scroll>
      )}
      {pager}
      <p><a href={href('status')}>Check Status of a dispute or appeal</a></p>
    </>
  );
}
