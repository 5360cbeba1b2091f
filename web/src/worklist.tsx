// Worklist: the provider's retro authorization requests, disputes and
// appeals (drafts included), newest first, and what waits for the provider.
// The list and filter ride in the address (no PHI: a list name, a status,
// dates), so that a count's link, Back and a bookmark all work.
import {useState} from 'preact/hooks';
import {api} from './api';
import {kindText} from './cases';
import {href, navigate, worklistHref} from './router';
import {useLoad, usePaged} from './shared';
import type {AuthorizationWorklist, CaseWorklist} from './types';
import {day, ErrorSummary, fieldErrors, Heading, Loading, Radios, Scroll, SelectField, TextField, when, words} from './ui';

const PAGE = 10;

type List = 'authorizations' | 'disputes' | 'appeals';
/** A count of what waits for the provider in one status. */
type Waiting = AuthorizationWorklist['waiting'][number] | CaseWorklist['waiting'][number];
/** A worklist's page: the requests' or the cases'. */
type Page = Partial<AuthorizationWorklist> & Partial<CaseWorklist> & {waiting: Waiting[]};

const lists: [List, string][] = [['authorizations', 'Retro authorization requests'], ['appeals', 'Appeals'], ['disputes', 'Disputes']];
const statuses: Record<List, [string, string][]> = {
  authorizations: [['received', 'Received'], ['more_information_requested', 'More information requested'], ['approved', 'Approved'], ['denied', 'Denied'], ['withdrawn', 'Withdrawn']],
  appeals: [['draft', 'Draft (not submitted)'], ['received', 'Received'], ['in_review', 'In review'], ['returned_incomplete', 'Returned incomplete'], ['decided', 'Decided'], ['withdrawn', 'Withdrawn']],
  disputes: [['received', 'Received'], ['in_review', 'In review'], ['returned_incomplete', 'Returned incomplete'], ['decided', 'Decided'], ['withdrawn', 'Withdrawn']],
};
/** What a count of waiting items says, in the provider's words. */
const waitingText = (list: List, w: Waiting) => {
  const many = w.count !== 1;
  if (list === 'authorizations') return `${w.count} retro authorization ${many ? 'requests need' : 'request needs'} more information`;
  const noun = list === 'appeals' ? (many ? 'appeals' : 'appeal') : many ? 'disputes' : 'dispute';
  return w.status === 'draft' ? `${w.count} appeal ${many ? 'drafts' : 'draft'} not submitted` : `${w.count} ${noun} returned incomplete`;
};

/** What waits for the provider across the three lists, each a link to its filtered list. */
function WaitingForYou() {
  const [counts, error] = useLoad(() => Promise.all(lists.map(([l]) => api<Page>('GET', `/${l}/worklist`, {query: {limit: 1}}).then((p) => [l, p.waiting] as const))), []);
  if (error) return <ErrorSummary error={error} />;
  if (!counts) return <Loading what="what is waiting for you" />;
  const items = counts.flatMap(([l, ws]) => ws.filter((w) => w.count > 0).map((w) => [l, w] as const));
  return (
    <section aria-labelledby="waiting-heading">
      <h2 id="waiting-heading">Waiting for you</h2>
      {!items.length ? <p role="status">Nothing is waiting for you.</p> : (
        <ul>{items.map(([l, w]) => <li key={`${l}${w.status}`}><a href={worklistHref({list: l, status: w.status})}>{waitingText(l, w)}</a></li>)}</ul>
      )}
    </section>
  );
}

export function Worklist({query}: {query: URLSearchParams}) {
  const list: List = (lists.find(([l]) => l === query.get('list'))?.[0]) ?? 'authorizations';
  const applied = {list, status: query.get('status') ?? '', from: query.get('from') ?? '', to: query.get('to') ?? ''};
  const [filter, setFilter] = useState(applied);
  const name = lists.find(([l]) => l === list)![1];
  const {page, error, heading, number, pager} = usePaged((cursor) => api<Page>('GET', `/${list}/worklist`,
    {query: {status: applied.status, from: applied.from, to: applied.to, limit: PAGE, cursor}}), applied, name.toLowerCase());
  const errs = fieldErrors(error);
  const rows = page?.authorizations ?? page?.cases ?? [];
  return (
    <>
      <Heading>Worklist</Heading>
      <p>Your retro authorization requests, appeals and disputes, newest first, without a request ID or claim number. Saved appeal drafts are here too.</p>
      <WaitingForYou />
      <form class="filters" onSubmit={(e) => { e.preventDefault(); navigate(worklistHref(filter)); }} noValidate>
        <ErrorSummary error={error} labels={{status: 'Status', from: 'Started from', to: 'Started to', limit: 'Page size'}} />
        <Radios id="list" legend="Show" value={filter.list} onValue={(v) => setFilter({...filter, list: v as List, status: ''})} options={lists} />
        <SelectField id="status" label="Status" value={filter.status} onValue={(v) => setFilter({...filter, status: v})} error={errs.status}
          options={statuses[filter.list as List] ?? []} none="Every status" />
        <TextField id="from" label="Started from" type="date" value={filter.from} onValue={(v) => setFilter({...filter, from: v})} error={errs.from} />
        <TextField id="to" label="Started to" type="date" value={filter.to} onValue={(v) => setFilter({...filter, to: v})} error={errs.to} />
        <button type="submit">Show</button>
      </form>
      <h2 ref={heading} tabIndex={-1}>{name}{applied.status ? `: ${statuses[list].find(([s]) => s === applied.status)?.[1] ?? words(applied.status)}` : ''}{page && number > 1 ? `, page ${number}` : ''}</h2>
      {!page ? (error ? null : <Loading what={name.toLowerCase()} />) : !rows.length ? <p role="status">None match. Change the status or the dates, or start one from the menu.</p> : (
        <Scroll label={name}>
          {page.authorizations ? (
            <table>
              <thead><tr><th scope="col">Request ID</th><th scope="col">Member ID</th><th scope="col">Type</th><th scope="col">Start date of service</th><th scope="col">Submitted</th><th scope="col">Status</th></tr></thead>
              <tbody>
                {page.authorizations.map((a) => (
                  <tr key={a.authorizationId}>
                    <th scope="row"><a href={href('authorizations', a.authorizationId)}>{a.authorizationId}</a></th>
                    <td>{a.memberId}</td><td>{words(a.type)}</td><td>{day(a.startDate)}</td><td>{when(a.submittedAt)}</td>
                    <td><span class={`badge ${a.status}`}>{words(a.status)}</span></td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            <table>
              <thead><tr><th scope="col">ID</th><th scope="col">Kind</th><th scope="col">Claim or request</th><th scope="col">Started</th><th scope="col">Status</th><th scope="col">Next step</th></tr></thead>
              <tbody>
                {(page.cases ?? []).map((c) => (
                  <tr key={c.caseId}>
                    <th scope="row"><a href={href('cases', c.caseId)}>{c.caseId}</a></th>
                    <td>{kindText[c.kind]}</td><td>{c.claimNumber ?? c.authorizationId}</td><td>{when(c.createdAt)}</td>
                    <td><span class={`badge ${c.status}`}>{words(c.status)}</span></td>
                    <td>{c.status === 'draft' ? <a href={href('appeals', c.caseId, 'edit')} aria-label={`Continue the draft ${c.caseId}`}>Continue draft</a>
                      : c.status === 'returned_incomplete' ? <a href={href('cases', c.caseId)} aria-label={`Add what is missing to ${c.caseId}`}>Add what is missing</a> : ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Scroll>
      )}
      {pager}
    </>
  );
}
