// The Worklist: what waits for the provider, and its requests, disputes and
// appeals without an ID or a claim number, as providers A (a request in
// every status) and C (a case in every status).
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {A, C, field, go, ids, launch, noProblems, open, scan, shot, signIn} from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('the Worklist: what waits for the provider, each a link to its list; requests by status; another provider’s never shown', async () => {
  const page = await open(browser);
  await signIn(page, A);
  await page.getByRole('navigation', {name: 'Portal'}).getByRole('link', {name: 'Worklist'}).click();
  await page.getByRole('heading', {name: 'Worklist', level: 1}).waitFor();
  const waiting = page.getByRole('region', {name: 'Waiting for you'});
  await waiting.getByRole('link', {name: '1 retro authorization request needs more information'}).click();
  await page.getByRole('heading', {name: 'Retro authorization requests: More information requested'}).waitFor();
  const rows = page.getByRole('region', {name: /Retro authorization requests/}).locator('tbody tr');
  await rows.first().waitFor();
  assert.equal(await rows.count(), 1);
  assert.match(await rows.first().textContent(), new RegExp(ids.authorizations.more_information_requested));
  // Every status, newest first: the five sample requests, each once.
  await page.getByRole('combobox', {name: 'Status'}).selectOption({label: 'Every status'});
  await page.getByRole('button', {name: 'Show'}).click();
  await page.getByRole('heading', {name: 'Retro authorization requests', exact: true}).waitFor();
  const listed = await page.getByRole('region', {name: /Retro authorization requests/}).locator('tbody th').allTextContents();
  for (const id of Object.values(ids.authorizations)) assert.ok(listed.includes(id), `request ${id} is not listed`);
  await shot(page, 'worklist');
  await scan(page, 'the Worklist');
  // A range that ends before it starts: said in plain words, at the field.
  await field(page, 'Started from').fill('2026-11-10');
  await field(page, 'Started to').fill('2026-11-01');
  await page.getByRole('button', {name: 'Show'}).click();
  await page.locator('#to-error').filter({hasText: 'The end of the range is on or after its start.'}).waitFor();
  // The request opens from its row.
  await go(page, '#/work?list=authorizations&status=more_information_requested');
  await page.getByRole('link', {name: ids.authorizations.more_information_requested}).click();
  await page.getByRole('heading', {name: `Retro authorization ${ids.authorizations.more_information_requested}`}).waitFor();
  noProblems(page);

  // Provider C: its cases, none of A's requests; a returned appeal's next step.
  const other = await open(browser);
  await signIn(other, C);
  await go(other, '#/work');
  await other.getByRole('region', {name: 'Waiting for you'}).getByRole('link', {name: '1 appeal returned incomplete'}).click();
  await other.getByRole('heading', {name: 'Appeals: Returned incomplete'}).waitFor();
  await other.getByRole('link', {name: `Add what is missing to ${ids.cases.returned_incomplete}`}).click();
  await other.getByRole('heading', {name: `Claim appeal ${ids.cases.returned_incomplete}`}).waitFor();
  await go(other, '#/work?list=authorizations');
  await other.getByRole('status').filter({hasText: 'None match.'}).waitFor();
  await go(other, '#/work?list=disputes');
  await other.getByRole('heading', {name: 'Disputes', exact: true}).waitFor();
  const disputes = await other.getByRole('region', {name: /Disputes/}).locator('tbody th').allTextContents();
  for (const s of ['received', 'in_review', 'withdrawn']) assert.ok(disputes.includes(ids.cases[s]), `the ${s} dispute is not listed`);
  await scan(other, 'the Worklist of disputes');
  noProblems(other);
});
