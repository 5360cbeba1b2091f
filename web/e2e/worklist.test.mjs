// The Worklist: what waits for the provider, and its requests, disputes and
// appeals without an ID or a claim number, as providers A (a request in
// every status) and C (a case in every status). Other tests may answer a
// sample request or case first, so a count is checked against its list.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {A, C, field, go, ids, launch, noProblems, open, scan, shot, signIn} from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** The count a Waiting for you link gives (0 without one), and the rows of its filtered list. */
async function waitingAgainstList(page, linkName, list, status, label) {
  const waiting = page.getByRole('region', {name: 'Waiting for you'});
  await waiting.locator('ul, [role=status]').first().waitFor();
  const link = waiting.getByRole('link', {name: linkName});
  const count = (await link.count()) ? Number.parseInt(await link.textContent(), 10) : 0;
  if (count) await link.click();
  else await go(page, `#/work?list=${list}&status=${status}`);
  // The filtered list's own heading first: until then the list before it may still show.
  await page.getByRole('heading', {name: `${list === 'authorizations' ? 'Retro authorization requests' : 'Appeals'}: ${label}`}).waitFor();
  const region = page.getByRole('region', {name: new RegExp(`^${list === 'authorizations' ? 'Retro authorization requests' : 'Appeals'}`)});
  if (count) await region.locator('tbody tr').first().waitFor();
  else await page.getByRole('status').filter({hasText: 'None match.'}).waitFor();
  const badges = count ? await region.locator('tbody .badge').allTextContents() : [];
  assert.equal(badges.length, count, `the count (${count}) is not the list's length`);
  for (const b of badges) assert.equal(b, label);
}

test('the Worklist: every request by status, what waits counted as listed, a reload kept signed in, another provider’s never shown', async () => {
  const page = await open(browser);
  await signIn(page, A);
  await page.getByRole('navigation', {name: 'Portal'}).getByRole('link', {name: 'Worklist'}).click();
  await page.getByRole('heading', {name: 'Worklist', level: 1}).waitFor();
  // Every status, newest first: the five sample requests, each once.
  const requests = page.getByRole('region', {name: /^Retro authorization requests/});
  await requests.locator('tbody tr').first().waitFor();
  const listed = await requests.locator('tbody th').allTextContents();
  for (const id of Object.values(ids.authorizations)) assert.equal(listed.filter((x) => x === id).length, 1, `request ${id} is not listed once`);
  await shot(page, 'worklist');
  await scan(page, 'the Worklist');
  await waitingAgainstList(page, /retro authorization requests? needs? more information/, 'authorizations', 'more_information_requested', 'More information requested');
  await page.getByRole('heading', {name: 'Retro authorization requests: More information requested'}).waitFor();
  // A reload keeps the provider signed in, on the same list, with no token
  // in the page's storage: it goes through the issuer's session and back.
  await page.reload();
  await page.getByRole('heading', {name: 'Retro authorization requests: More information requested'}).waitFor();
  await page.getByRole('button', {name: 'Sign out'}).waitFor();
  const stored = await page.evaluate(() => JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage}) + document.cookie);
  assert.doesNotMatch(stored, /eyJ/, 'a token was kept in storage or cookies');
  // A range that ends before it starts: said in plain words, at the field.
  await field(page, 'Started from').fill('2026-11-10');
  await field(page, 'Started to').fill('2026-11-01');
  await page.getByRole('button', {name: 'Show'}).click();
  await page.locator('#to-error').filter({hasText: 'The end of the range is on or after its start.'}).waitFor();
  // A request opens from its row.
  await go(page, '#/work?list=authorizations');
  await page.getByRole('link', {name: ids.authorizations.denied}).click();
  await page.getByRole('heading', {name: `Retro authorization ${ids.authorizations.denied}`}).waitFor();
  noProblems(page);

  // Provider C: its cases, none of A's requests; a returned appeal's next step.
  const other = await open(browser);
  await signIn(other, C);
  await go(other, '#/work?list=appeals');
  await other.getByRole('heading', {name: 'Appeals', exact: true}).waitFor();
  await other.getByRole('link', {name: `Add what is missing to ${ids.cases.returned_incomplete}`}).waitFor();
  await waitingAgainstList(other, /appeals? returned incomplete/, 'appeals', 'returned_incomplete', 'Returned incomplete');
  await other.getByRole('link', {name: `Add what is missing to ${ids.cases.returned_incomplete}`}).click();
  await other.getByRole('heading', {name: `Claim appeal ${ids.cases.returned_incomplete}`}).waitFor();
  await go(other, '#/work?list=authorizations');
  await other.getByRole('status').filter({hasText: 'None match.'}).waitFor();
  await go(other, '#/work?list=disputes');
  await other.getByRole('heading', {name: 'Disputes', exact: true}).waitFor();
  const disputes = other.getByRole('region', {name: /^Disputes/});
  await disputes.locator('tbody tr').first().waitFor();
  const listedDisputes = await disputes.locator('tbody th').allTextContents();
  for (const s of ['received', 'in_review', 'withdrawn']) assert.ok(listedDisputes.includes(ids.cases[s]), `the ${s} dispute is not listed`);
  await scan(other, 'the Worklist of disputes');
  noProblems(other);
});
