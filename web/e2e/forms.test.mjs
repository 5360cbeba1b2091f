// Each form sent empty names every problem in one round, at each field, in
// the API's words (web/src/empty-forms.json, which a Go test holds to the
// API), and in plain words: Document Upload, Add COB Information, a retro
// authorization request's Continue, Submit Dispute and the Appeal form.
// (Claim Attachment's, and the retro authorization lookup's, are in their
// own files.)
import assert from 'node:assert/strict';
import {readFile} from 'node:fs/promises';
import {after, before, test} from 'node:test';
import {A, C, field, go, isoDay, launch, noProblems, open, scan, signIn} from './helpers.mjs';

const sentences = JSON.parse(await readFile(new URL('../src/empty-forms.json', import.meta.url), 'utf8'));
let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

/** Every field of the form's list is marked with its sentence, and the summary counts them, in one round. */
async function everyProblem(page, form, keys) {
  const summary = page.getByRole('alert').filter({hasText: 'There is a problem'});
  await summary.waitFor();
  for (const key of keys) {
    const at = page.locator(`[id="${key}-error"]`);
    await at.waitFor({timeout: 2000});
    assert.equal(await at.textContent(), sentences[form][key], `${form}: ${key}`);
  }
  const text = await summary.textContent();
  assert.match(text, new RegExp(`${keys.length} fields need your attention`));
  assert.doesNotMatch(text, /[a-z]+[A-Z][a-z]+|_|JSON|body|route|OpenAPI|YYYY/);
}

test('each form sent empty names every problem in one round, in the API’s words', async () => {
  const page = await open(browser);
  await signIn(page, A);
  // Document Upload on a denied claim.
  await go(page, '#/claims/C10000000003');
  await page.getByRole('heading', {name: 'Claim C10000000003'}).waitFor();
  await page.getByRole('button', {name: 'Submit Documents'}).click();
  await everyProblem(page, 'documentUpload', ['uploadIds', 'contactEmail']);
  await scan(page, 'Document Upload sent empty');
  // Add COB Information, then the request's Continue.
  await go(page, '#/authorizations');
  await page.getByRole('heading', {name: 'Retro Authorization', level: 1}).waitFor();
  await field(page, 'Member ID').fill('100000001');
  await field(page, 'Start date of service').fill(isoDay(-30));
  await page.getByRole('button', {name: 'Search'}).click();
  await page.getByRole('heading', {name: '2. COB Information'}).waitFor();
  await page.getByRole('button', {name: 'Add COB Information'}).click();
  await page.getByRole('button', {name: 'Submit COB Information'}).click();
  await everyProblem(page, 'cobReport', ['carrier', 'policyNumber', 'subscriberName', 'relationship', 'from']);
  await scan(page, 'Add COB Information sent empty');
  await page.getByRole('button', {name: 'Cancel'}).click();
  await page.getByRole('button', {name: 'Verified'}).click();
  await page.getByRole('group', {name: 'Authorization type'}).getByLabel('Outpatient').check();
  await page.getByRole('button', {name: 'Continue'}).click();
  await everyProblem(page, 'authorization', ['requestingNpi', 'servicingNpi', 'diagnoses', 'contactEmail']);
  assert.equal(await page.getByRole('heading', {name: 'Clinical indications'}).count(), 0, 'Continue went on with an empty request');
  noProblems(page);

  const other = await open(browser);
  await signIn(other, C);
  await go(other, '#/disputes/new');
  await other.getByRole('heading', {name: 'Submit Dispute'}).waitFor();
  await other.getByRole('button', {name: 'Submit Dispute'}).click();
  await everyProblem(other, 'dispute', ['claimNumber', 'disputeType', 'issueCategory', 'contactName', 'notes']);
  await scan(other, 'Submit Dispute sent empty');
  other.once('dialog', (d) => void d.accept()); // nothing typed: asked only if the form changed
  await go(other, '#/appeals/new');
  await other.getByRole('heading', {name: 'Appeal', exact: true}).waitFor();
  await other.getByRole('group', {name: /information the plan did not have/}).waitFor();
  await other.getByRole('button', {name: 'Submit Appeal'}).click();
  await everyProblem(other, 'appeal', ['claimNumber', 'appealType', 'reasons.new_information.answer', 'reasons.policy_misapplied.answer', 'notes']);
  await scan(other, 'the Appeal form sent empty');
  noProblems(other);
});
