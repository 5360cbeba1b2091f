// Disputes and appeals, as provider C (whose claims sit on every window's
// edge and who has a case in every status): Submit Dispute with its errors
// and redirects, the Appeal form's Save, Submit Appeal and Cancel Appeal,
// documents after submitting, withdrawal, Check Status, and the letters
// under Provider Documents.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {A, C, field, fileResult, go, ids, launch, noProblems, open, pdf, scan, shot, signIn} from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Submit Dispute for a claim, signed in as tin, its type, category and reasons filled in. */
async function disputeForm(tin, claim, reasons) {
  const page = await open(browser);
  await signIn(page, tin);
  await go(page, `#/disputes/new?claim=${claim}`);
  await page.getByRole('heading', {name: 'Submit Dispute'}).waitFor();
  await field(page, 'Dispute type').selectOption('payment_amount');
  await field(page, 'Issue category').selectOption('claim_dispute_medical');
  await field(page, 'Why the claim should be adjusted').fill(reasons);
  return page;
}

test('a dispute of a claim denied for a missing consent form says to upload it, and links to the claim', async () => {
  const page = await disputeForm(A, 'C10000000002', 'Consent was on file.');
  await field(page, 'Contact name').fill('Robin Edge');
  await page.getByRole('button', {name: 'Submit Dispute'}).click();
  // What was typed would be lost: the portal asks first.
  const asked = new Promise((resolve) => page.once('dialog', async (d) => { resolve(d.message()); await d.accept(); }));
  await page.getByRole('link', {name: 'Go to the claim’s Document Upload'}).click();
  assert.match(await asked, /leave/i);
  await page.getByRole('heading', {name: 'Claim C10000000002'}).waitFor();
  noProblems(page);
});

test('Submit Dispute: errors in the API’s words, a second open dispute, then submitted, documents added, withdrawn', async () => {
  const page = await disputeForm(C, 'C30000000001', 'Paid below the contracted rate.');
  // Without a contact name: the API's words next to the field, and the rest kept.
  await page.getByRole('button', {name: 'Submit Dispute'}).click();
  await page.locator('#contactName-error').waitFor();
  assert.equal(await field(page, 'Why the claim should be adjusted').inputValue(), 'Paid below the contracted rate.');
  await scan(page, 'Submit Dispute with an error');
  await field(page, 'Contact name').fill('Robin Edge');
  // This claim has an open dispute already (the sample's): the answer links to it.
  await page.getByRole('button', {name: 'Submit Dispute'}).click();
  await page.getByRole('link', {name: `Open case ${ids.cases.received}`}).waitFor();
  // Another claim, past its 24 months: refused, naming the dates.
  await field(page, 'Claim number').fill('C30000000002');
  await page.getByRole('button', {name: 'Submit Dispute'}).click();
  await page.getByRole('alert').filter({hasText: /24 months|window/i}).waitFor();
  // A claim whose window is open: submitted, with a document.
  await field(page, 'Claim number').fill('C30000000005');
  await page.locator('input[type=file]').setInputFiles([pdf('fee-schedule.pdf')]);
  assert.equal(await fileResult(page, 'fee-schedule.pdf'), 'Accepted');
  await shot(page, 'dispute');
  await page.getByRole('button', {name: 'Submit Dispute'}).click();
  await page.getByRole('heading', {name: /^Dispute DP-/}).waitFor();
  const caseId = (await page.getByRole('heading', {level: 1}).textContent()).replace('Dispute ', '');
  assert.match(await page.locator('dl.facts').textContent(), /StatusReceived/);
  await page.getByRole('button', {name: /Acknowledgement letter/}).waitFor();
  await scan(page, 'a dispute');
  await shot(page, 'case');
  // Documents after submitting.
  await page.locator('input[type=file]').setInputFiles([pdf('contract-page.pdf')]);
  assert.equal(await fileResult(page, 'contract-page.pdf'), 'Accepted');
  await page.getByRole('button', {name: 'Add documents'}).click();
  await page.waitForFunction(() => /Documents2/.test(document.querySelector('dl.facts')?.textContent ?? ''));
  // Withdrawn, after a confirmation.
  await page.getByRole('button', {name: 'Withdraw dispute'}).click();
  await page.getByRole('button', {name: 'Withdraw', exact: true}).click();
  await page.waitForFunction(() => /StatusWithdrawn/.test(document.querySelector('dl.facts')?.textContent ?? ''));
  assert.equal(await page.getByRole('button', {name: 'Add documents'}).count(), 0);
  // Check Status by claim lists it.
  await go(page, '#/status?claim=C30000000005');
  await page.getByRole('link', {name: caseId}).waitFor();
  await scan(page, 'Check Status');
  await shot(page, 'check-status');
  noProblems(page);
});

test('the Appeal form: Save, an unfinished draft refused, Submit Appeal; a draft cancelled', async () => {
  const page = await open(browser);
  await signIn(page, C);
  // A claim denied 91 days ago: the claim appeal's window closed, said in the API's words.
  await go(page, '#/appeals/new?claim=C30000000006');
  await page.getByRole('heading', {name: 'Appeal'}).waitFor();
  await page.getByRole('group', {name: 'Appeal type'}).getByLabel('Claim appeal (a claim denial)').check();
  await page.getByRole('button', {name: 'Save'}).click();
  await page.getByRole('alert').filter({hasText: /90 days|window|last day/i}).waitFor();

  // Leaving the refused form asks first: what was typed is not saved.
  const asked = new Promise((resolve) => page.once('dialog', (d) => { resolve(d.message()); void d.accept(); }));
  await go(page, '#/appeals/new?claim=C30000000007');
  assert.match(await asked, /not been sent or saved/);
  // A clinical appeal on day 180: saved, then finished and submitted.
  await page.getByRole('group', {name: 'Appeal type'}).getByLabel('Clinical appeal (medical necessity)').check();
  await page.getByRole('button', {name: 'Save'}).click();
  // Dates and times on screen read MM/DD/YYYY, as everywhere in the portal.
  await page.getByRole('status').filter({hasText: /Saved as draft AP-\S+ at \d\d\/\d\d\/\d{4} \d{1,2}:\d\d [AP]M\./}).waitFor();
  assert.ok(await field(page, 'Claim number').isDisabled(), 'a saved draft keeps its claim');
  // Submitting the unfinished draft: what is missing, next to each field.
  await page.getByRole('button', {name: 'Submit Appeal'}).click();
  await page.locator('#notes-error').waitFor();
  await scan(page, 'the Appeal form with what is missing');
  await page.getByRole('group', {name: /information the plan did not have/}).getByLabel('Yes').check();
  await page.getByRole('group', {name: /policy was applied incorrectly/}).getByLabel('No').check();
  await field(page, 'Reason for the appeal').fill('The notes show the visit was needed.');
  await page.locator('input[type=file]').setInputFiles([pdf('office-notes.pdf')]);
  assert.equal(await fileResult(page, 'office-notes.pdf'), 'Accepted');
  await shot(page, 'appeal');
  await page.getByRole('button', {name: 'Submit Appeal'}).click();
  await page.getByRole('heading', {name: /^Clinical appeal AP-/}).waitFor();
  assert.match(await page.locator('dl.facts').textContent(), /StatusReceived/);
  assert.match(await page.locator('dl.facts').textContent(), /Documents1/);

  // The sample draft: opened from Check Status, continued, then Cancel Appeal.
  await go(page, `#/cases/${ids.cases.draft}`);
  await page.getByRole('link', {name: 'Continue the draft'}).click();
  await page.getByRole('heading', {name: 'Appeal'}).waitFor();
  assert.equal(await field(page, 'Reason for the appeal').inputValue(), 'The records show the visit was needed.');
  // Cancel Appeal asks first; Keep it keeps the draft as it was.
  await page.getByRole('button', {name: 'Cancel Appeal'}).click();
  await page.getByRole('heading', {name: 'Discard this draft?'}).waitFor();
  await scan(page, 'Cancel Appeal asking first');
  await page.getByRole('button', {name: 'Keep it'}).click();
  assert.equal(await page.getByRole('heading', {name: 'Discard this draft?'}).count(), 0);
  assert.equal(await field(page, 'Reason for the appeal').inputValue(), 'The records show the visit was needed.');
  await page.getByRole('button', {name: 'Cancel Appeal'}).click();
  await page.getByRole('button', {name: 'Discard the draft'}).click();
  await page.getByRole('heading', {name: `Claim appeal ${ids.cases.draft}`}).waitFor();
  await page.waitForFunction(() => /StatusWithdrawn/.test(document.querySelector('dl.facts')?.textContent ?? ''));
  noProblems(page);
});

test('a decided appeal and Provider Documents: filtered and downloaded', async () => {
  const page = await open(browser);
  await signIn(page, C);
  await go(page, `#/cases/${ids.cases.decided}`);
  await page.getByRole('heading', {name: 'Decision'}).waitFor();
  assert.match(await page.locator('section.notice').textContent(), /Partially overturned/);
  assert.equal(await page.getByRole('button', {name: 'Cancel Appeal'}).count(), 0);
  await page.getByRole('link', {name: 'Provider Documents'}).click();
  await page.getByRole('heading', {name: 'Provider Documents'}).waitFor();
  await page.locator('tbody tr').first().waitFor();
  // Each letter's button has a name of its own: its kind, case and day.
  const names = await page.locator('tbody button').evaluateAll((bs) => bs.map((b) => b.getAttribute('aria-label')));
  assert.ok(names.length > 1 && names.every((n) => /letter for (DP|AP)-/.test(n ?? '')), `names ${names}`);
  assert.equal(new Set(names).size, names.length, 'two letters share a name');
  await scan(page, 'Provider Documents');
  await shot(page, 'provider-documents');
  await field(page, 'Letter type').selectOption('decision');
  await page.getByRole('button', {name: 'Show letters'}).click();
  await page.waitForFunction(() => [...document.querySelectorAll('tbody th')].every((th) => /decision/i.test(th.textContent)) && document.querySelectorAll('tbody tr').length > 0);
  // The download is a short-lived storage link to the PDF.
  const [request] = await Promise.all([
    page.context().waitForEvent('request', (r) => r.url().includes('/letters/')),
    page.locator('tbody tr').first().getByRole('button').click(),
  ]);
  const res = await page.request.get(request.url());
  assert.equal(res.status(), 200);
  assert.ok((await res.body()).subarray(0, 5).equals(Buffer.from('%PDF-')));
  noProblems(page);
});

test('Disputes and Appeals from the menu: Submit Dispute by claim number, a case opened by the ID on its letters, and a changed form asks before it is left', async () => {
  const page = await open(browser);
  await signIn(page, C);
  await page.getByRole('navigation', {name: 'Portal'}).getByRole('link', {name: 'Disputes and Appeals'}).click();
  await page.getByRole('heading', {name: 'Disputes and Appeals', level: 1}).waitFor();
  await scan(page, 'Disputes and Appeals');
  await shot(page, 'disputes-and-appeals');
  // An ID not as on the letters: said next to the field, nothing opened.
  await field(page, 'Dispute or appeal ID').fill('AP-123');
  await page.getByRole('button', {name: 'Open'}).click();
  await page.locator('#caseId-error').filter({hasText: 'as it is on the letters'}).waitFor();
  await field(page, 'Dispute or appeal ID').fill(ids.cases.decided.toLowerCase());
  await page.getByRole('button', {name: 'Open'}).click();
  await page.getByRole('heading', {name: `Clinical appeal ${ids.cases.decided}`}).waitFor();
  assert.equal(await page.getByRole('navigation', {name: 'Portal'}).getByRole('link', {name: 'Disputes and Appeals'}).getAttribute('aria-current'), 'page');

  // Submit Dispute without first opening a claim: the claim by its number.
  await page.getByRole('navigation', {name: 'Portal'}).getByRole('link', {name: 'Disputes and Appeals'}).click();
  await page.getByRole('link', {name: 'Submit Dispute'}).click();
  await page.getByRole('heading', {name: 'Submit Dispute'}).waitFor();
  // The lists are the plan's, from the API, by their labels.
  assert.deepEqual(await field(page, 'Dispute type').locator('option').allTextContents(),
    ['Choose…', 'Payment amount', 'Denial', 'Coding or bundling', 'Timely filing', 'Other']);
  await field(page, 'Claim number').fill('C30000000005');
  await field(page, 'Why the claim should be adjusted').fill('Paid below the contracted rate.');
  // Leaving by the menu asks; staying keeps everything typed.
  let asked = new Promise((resolve) => page.once('dialog', (d) => { resolve(d.message()); void d.dismiss(); }));
  await page.getByRole('navigation', {name: 'Portal'}).getByRole('link', {name: 'Provider Documents'}).click();
  assert.match(await asked, /not been sent or saved/);
  await page.getByRole('heading', {name: 'Submit Dispute'}).waitFor();
  assert.equal(await field(page, 'Why the claim should be adjusted').inputValue(), 'Paid below the contracted rate.');
  assert.match(page.url(), /#\/disputes\/new/);
  // Leaving when the provider says so.
  asked = new Promise((resolve) => page.once('dialog', (d) => { resolve(d.message()); void d.accept(); }));
  await page.getByRole('navigation', {name: 'Portal'}).getByRole('link', {name: 'Provider Documents'}).click();
  await asked;
  await page.getByRole('heading', {name: 'Provider Documents'}).waitFor();
  noProblems(page);
});
