// Claim Information and Attachments: the seven searches with pages, Claim
// Detail's two line views and denial reason, the path to take when
// Document Upload is not offered, another provider's claim, the keyboard.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {A, C, base, field, launch, noneInURLs, noProblems, open, scan, shot, signIn} from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const searches = [
  ['Member ID', {'Member ID': '100000001'}, 'C10000000001'],
  ['Medicaid ID', {'Medicaid ID': 'KY12345678900'}, 'C10000000002'],
  ['Member Info', {'Last name': 'Sample-Quinn', 'First name': 'Avery', 'Date of birth': '1984-03-07'}, 'C10000000006'],
  ['Claim Number', {'Claim number': 'C10000000003'}, 'C10000000003'],
  ['Patient Account Number', {'Patient account number': 'PA-1004'}, 'C10000000004'],
  ['Check Number', {'Check number': 'CHK-5001'}, 'C10000000001'],
  ['External Reference', {'External reference number': 'EXT-9002'}, 'C10000000002'],
];

test('sign-in, and a search by each of the seven methods', async () => {
  const page = await open(browser);
  await page.goto(`${base}/`);
  await scan(page, 'the sign-in screen');
  await shot(page, 'sign-in');
  await signIn(page, A);
  assert.equal(await page.getByRole('heading', {level: 1}).textContent(), 'Claim Information and Attachments');
  for (const [tab, fields, claim] of searches) {
    await page.getByRole('tab', {name: tab, exact: true}).click();
    for (const [label, value] of Object.entries(fields)) await field(page, label).fill(value);
    await page.getByRole('button', {name: 'Search'}).click();
    await page.getByRole('link', {name: claim, exact: true}).waitFor();
    // Another provider's claim with the same reference numbers is never listed.
    assert.equal(await page.getByRole('link', {name: /^C2/}).count(), 0, `${tab}: provider B's claim listed`);
  }
  await scan(page, 'claim search results');
  await shot(page, 'claim-search');
  // The searches went in request bodies: no member ID, name or date of birth in any URL.
  noneInURLs(page, ['100000001', 'KY12345678900', 'Sample-Quinn', 'Avery', '1984-03-07']);
  noProblems(page);
});

test('a search error appears next to its field, in the API’s words, and the typed values stay', async () => {
  const page = await open(browser);
  await signIn(page, A);
  await page.getByRole('tab', {name: 'Member Info'}).click();
  await field(page, 'Last name').fill('Sample-Quinn');
  await field(page, 'First name').fill('Avery');
  await page.getByRole('button', {name: 'Search'}).click();
  const summary = page.getByRole('alert');
  await summary.waitFor();
  const fieldError = page.locator('#dateOfBirth-error');
  assert.ok((await fieldError.textContent()).length > 3, 'no message next to the date of birth');
  assert.equal(await field(page, 'Date of birth').getAttribute('aria-invalid'), 'true');
  assert.equal(await field(page, 'Last name').inputValue(), 'Sample-Quinn');
  await scan(page, 'a search with an error');
  noProblems(page);
});

test('pages of claims: next and previous', async () => {
  const page = await open(browser);
  await signIn(page, C);
  await field(page, 'Member ID').fill('100000001');
  await field(page, 'Claims per page').selectOption('5');
  await page.getByRole('button', {name: 'Search'}).click();
  await page.getByText('Page 1: 5 claims.').waitFor();
  const first = await page.locator('tbody th a').allTextContents();
  await page.getByRole('button', {name: 'Next page'}).click();
  await page.getByText(/^Page 2: /).waitFor();
  // The reader goes on from the new page, not from the button.
  await page.waitForFunction(() => document.activeElement?.id === 'results-heading');
  const second = await page.locator('tbody th a').allTextContents();
  assert.equal(first.length, 5);
  assert.ok(second.length >= 1);
  assert.deepEqual(first.filter((c) => second.includes(c)), [], 'a claim on both pages');
  await page.getByRole('button', {name: 'Previous page'}).click();
  await page.getByText('Page 1: 5 claims.').waitFor();
  assert.deepEqual(await page.locator('tbody th a').allTextContents(), first);
  noProblems(page);
});

test('claim detail: list and table views, the denial reason, and the path when Document Upload is not offered', async () => {
  const page = await open(browser);
  await signIn(page, A);
  await field(page, 'Member ID').fill('100000003');
  await page.getByRole('button', {name: 'Search'}).click();
  await page.getByRole('link', {name: 'C10000000004', exact: true}).click();
  await page.getByRole('heading', {name: 'Claim C10000000004'}).waitFor();
  assert.match(await page.locator('section.notice').textContent(), /Denial reason/);
  assert.equal(await page.getByRole('button', {name: 'List View'}).getAttribute('aria-pressed'), 'true');
  await page.locator('ol.lines li').first().waitFor();
  await scan(page, 'claim detail, list view');
  await page.getByRole('button', {name: 'Table View'}).click();
  await page.getByRole('region', {name: 'Claim lines table'}).waitFor();
  assert.ok(await page.locator('table tbody tr').count() >= 1);
  await scan(page, 'claim detail, table view');
  await shot(page, 'claim-detail');
  // A medical-necessity denial: no upload here; the appeal is the path.
  const upload = page.locator('section', {has: page.getByRole('heading', {name: 'Document Upload'})});
  assert.equal(await upload.locator('input[type=file]').count(), 0);
  await upload.getByRole('link', {name: 'Submit an appeal instead'}).click();
  await page.getByRole('heading', {name: 'Appeal'}).waitFor();
  assert.equal(await field(page, 'Claim number').inputValue(), 'C10000000004');
  // Back keeps the search.
  await page.goBack();
  await page.goBack();
  await page.getByRole('link', {name: 'C10000000004', exact: true}).waitFor();
  noProblems(page);
});

test('another provider’s claim, by its address, shows "Not found"', async () => {
  const page = await open(browser);
  await signIn(page, A);
  // A full load signs in again by itself, through the issuer's session.
  await page.goto(`${base}/#/claims/C30000000001`);
  await page.getByRole('heading', {name: 'Not found'}).waitFor();
  assert.equal(await page.getByText('Edge Case Clinic').count(), 0);
  await page.goto(`${base}/#/cases/DP-0000-0000`);
  await page.getByRole('heading', {name: 'Not found'}).waitFor();
  await scan(page, 'not found');
  noProblems(page);
});

test('keyboard alone: search and open a claim', async () => {
  const page = await open(browser);
  await signIn(page, A);
  // The skip link is the stop before the header's Sign out.
  await page.getByRole('button', {name: 'Sign out'}).focus();
  await page.keyboard.press('Shift+Tab');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to main content');
  await page.keyboard.press('Enter');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'main');
  // Into the tabs: arrows move between search methods.
  await page.getByRole('tab', {name: 'Member ID', exact: true}).focus();
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Medicaid ID');
  await page.keyboard.press('ArrowLeft');
  await page.keyboard.press('Tab');
  await page.keyboard.type('100000002');
  await page.keyboard.press('Enter');
  await page.getByRole('link', {name: 'C10000000003', exact: true}).waitFor();
  await page.getByRole('link', {name: 'C10000000003', exact: true}).focus();
  await page.keyboard.press('Enter');
  await page.getByRole('heading', {name: 'Claim C10000000003'}).waitFor();
  // The new screen's heading has the focus, for a screen reader to announce.
  await page.waitForFunction(() => document.activeElement.tagName === 'H1', null, {timeout: 2000});
  noProblems(page);
});

test('sign-out ends the session: the token is gone and the screens ask to sign in', async () => {
  const page = await open(browser);
  await signIn(page, A);
  await field(page, 'Member ID').fill('100000001');
  await page.getByRole('button', {name: 'Search'}).click();
  await page.getByRole('link', {name: 'C10000000001', exact: true}).waitFor();
  await page.getByRole('button', {name: 'Sign out'}).click();
  await page.getByRole('button', {name: 'Sign in'}).waitFor();
  assert.equal(await page.getByText('C10000000001').count(), 0);
  const stored = await page.evaluate(() => JSON.stringify({...localStorage}) + JSON.stringify({...sessionStorage}) + document.cookie);
  assert.doesNotMatch(stored, /eyJ/, 'a token was left in storage or cookies');
  await page.goto(`${base}/#/claims/C10000000001`);
  await page.getByRole('button', {name: 'Sign in'}).waitFor();
  assert.equal(await page.getByRole('heading', {name: /Claim C1/}).count(), 0);
  noProblems(page);
});

test('View Detail on each claim found, and Claim Attachment from a member’s claims with the member filled in', async () => {
  const page = await open(browser);
  await signIn(page, A);
  await field(page, 'Member ID').fill('100000001');
  await page.getByRole('button', {name: 'Search'}).click();
  await page.getByRole('link', {name: 'View Detail of claim C10000000001'}).click();
  await page.getByRole('heading', {name: 'Claim C10000000001'}).waitFor();
  // The guides' fields: the claim it corrects, and the billing provider's NPI.
  const facts = await page.locator('dl.facts').textContent();
  assert.match(facts, /Adjusted From Claim #C10000000007/);
  assert.match(facts, /Original Claim #C10000000007/);
  assert.match(facts, /Billing provider.*NPI \d{10}/);
  await page.goBack();
  await page.getByRole('button', {name: 'Claim Attachment'}).click();
  await page.getByRole('heading', {name: 'Claim Attachment', level: 1}).waitFor();
  assert.equal(await field(page, 'Member ID').inputValue(), '100000001');
  // The member came in memory, not in the address.
  assert.ok(!page.url().includes('100000001'), page.url());
  noneInURLs(page, ['100000001']);
  // Nothing typed yet: leaving asks nothing.
  await page.getByRole('navigation', {name: 'Portal'}).getByRole('link', {name: 'Claims'}).click();
  await page.getByRole('heading', {name: 'Claim Information and Attachments'}).waitFor();
  noProblems(page);
});

test('a claim offers only the disputes and appeals the plan would take, by when, and says where the rest go', async () => {
  const page = await open(browser);
  await signIn(page, C);
  // Denied 91 days ago: the claim appeal's window closed, the dispute's open.
  await page.evaluate(() => { location.hash = '#/claims/C30000000006'; });
  const actions = page.locator('section', {has: page.getByRole('heading', {name: 'Disputes and appeals'})});
  await actions.getByRole('link', {name: 'Submit Dispute'}).waitFor();
  assert.equal(await actions.getByRole('link', {name: 'Appeal this claim'}).count(), 0, 'an appeal offered after its last day');
  assert.match(await actions.textContent(), /Submit Dispute, by \d\d\/\d\d\/\d{4}/);
  assert.match(await actions.locator('.notice').textContent(), /within 90 days of the denial \(\d\d\/\d\d\/\d{4}\); the last day was \d\d\/\d\d\/\d{4}/);
  await scan(page, 'a claim whose appeal window closed');
  // Denied on day 90: both open, each with its last day.
  await page.evaluate(() => { location.hash = '#/claims/C30000000005'; });
  await page.getByRole('heading', {name: 'Claim C30000000005'}).waitFor();
  await actions.getByRole('link', {name: 'Appeal this claim'}).waitFor();
  assert.match(await actions.textContent(), /\(claim appeal, by \d\d\/\d\d\/\d{4}\)/);
  // Overpayment: the form says where it goes before anything is sent.
  await actions.getByRole('link', {name: 'Submit Dispute'}).click();
  await page.getByRole('heading', {name: 'Submit Dispute'}).waitFor();
  await field(page, 'Issue category').selectOption({label: 'Overpayment'});
  await page.getByRole('status').filter({hasText: 'claim recovery request'}).waitFor();
  noProblems(page);

  // A dental claim: nothing offered that the portal would refuse; the plan's address and fax instead.
  const a = await open(browser);
  await signIn(a, A);
  await a.evaluate(() => { location.hash = '#/claims/C10000000005'; });
  const dental = a.locator('section', {has: a.getByRole('heading', {name: 'Disputes and appeals'})});
  await dental.locator('.notice').first().waitFor();
  assert.equal(await dental.getByRole('link', {name: /Submit Dispute|Appeal this claim/}).count(), 0);
  assert.match(await dental.textContent(), /P\.O\. Box 1000, Louisville, KY 40201, or fax it to \(502\) 555-0142/);
  // Denied for a missing consent form: the guide's Document Upload, instead
  // of a dispute or an appeal, said once.
  await a.evaluate(() => { location.hash = '#/claims/C10000000002'; });
  await a.getByRole('heading', {name: 'Claim C10000000002'}).waitFor();
  const consent = a.locator('section', {has: a.getByRole('heading', {name: 'Disputes and appeals'})});
  await consent.locator('.notice').first().waitFor();
  assert.equal(await consent.getByRole('link', {name: /Submit Dispute|Appeal this claim/}).count(), 0);
  assert.deepEqual(await consent.locator('.notice').allTextContents(),
    ['This claim was denied for a missing consent form: upload it on the claim\'s Document Upload tab instead of disputing or appealing.']);
  noProblems(a);
});
