// Retro authorization, the guide's steps: the member and the start date of
// service, the COB Information tab (blocked when other insurance was active
// on the date; Add COB Information), Verified, the request, the clinical
// indications the services call for, and the request's status page.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {A, field, fileResult, go, ids, isoDay, launch, noneInURLs, noProblems, open, pdf, scan, shot, signIn} from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

const retroDate = isoDay(-30); // the sample data's retro date of service

async function findMember(page, memberId) {
  await field(page, 'Member ID').fill(memberId);
  await field(page, 'Start date of service').fill(retroDate);
  await page.getByRole('button', {name: 'Search'}).click();
  await page.getByRole('heading', {name: '2. COB Information'}).waitFor();
  // The reader goes on from the new step.
  await page.waitForFunction(() => document.activeElement?.id === 'cob-heading');
}

test('the steps: member, COB Information, Verified, the request, clinical indications, submit', async () => {
  const page = await open(browser);
  await signIn(page, A);
  await page.getByRole('link', {name: 'Retro Authorization'}).click();
  await page.getByRole('heading', {name: 'Retro Authorization'}).waitFor();
  await scan(page, 'retro authorization, step 1');
  await findMember(page, '100000001');
  assert.ok(await page.getByText('No other insurance is on file.').isVisible());
  await page.getByRole('button', {name: 'Verified'}).click();
  await page.getByRole('group', {name: 'Authorization type'}).getByLabel('Outpatient').check();
  // The practice's NPIs, from the plan's records, are offered; another may be typed.
  assert.deepEqual(await page.locator('#requestingNpi-list option').evaluateAll((os) => os.map((o) => o.value)), ['1111111112', '1111111120']);
  assert.match(await page.locator('header .who').textContent(), /^Bluegrass Family Medicine, TIN 111111111$/);
  await field(page, 'Requesting provider NPI').fill('1234567893');
  await field(page, 'Servicing provider NPI').fill('1245319599');
  await field(page, 'Place of service').selectOption('11');
  await field(page, 'Diagnosis codes (ICD-10-CM)').fill('M54.50');
  await field(page, 'Service 1 code').fill('72148');
  await field(page, 'Contact email').fill('auth@bluegrass.example');
  await page.getByRole('button', {name: 'Continue'}).click();
  await page.getByRole('heading', {name: 'Clinical indications'}).waitFor();
  // Submitting without the answers: each missing one is named next to its question.
  await page.getByRole('button', {name: 'Submit authorization'}).click();
  await page.locator('[id="answers.conservativeTreatmentWeeks-error"]').waitFor();
  assert.equal(await field(page, 'Diagnosis codes (ICD-10-CM)').inputValue(), 'M54.50');
  await scan(page, 'retro authorization, clinical indications with errors');
  await field(page, 'Weeks of conservative treatment before imaging').fill('8');
  await page.getByRole('group', {name: /red-flag symptoms/}).getByLabel('No').check();
  await page.locator('input[type=file]').setInputFiles([pdf('imaging-notes.pdf')]);
  assert.equal(await fileResult(page, 'imaging-notes.pdf'), 'Accepted');
  await shot(page, 'retro-authorization');
  await page.getByRole('button', {name: 'Submit authorization'}).click();
  await page.getByRole('heading', {name: /^Retro authorization RA-/}).waitFor();
  assert.match(await page.locator('dl.facts').textContent(), /Received/);
  assert.match(await page.locator('dl.facts').textContent(), /Documents1/);
  await scan(page, 'a retro authorization request');
  await shot(page, 'authorization-status');
  noneInURLs(page, ['100000001']);
  noProblems(page);
});

test('COB: blocked when other insurance was active on the date; Add COB Information', async () => {
  const page = await open(browser);
  await signIn(page, A);
  await go(page, '#/authorizations');
  // Gray's other insurance ends on the date of service: no prior authorization is required.
  await findMember(page, '100000007');
  await page.getByText('A retro authorization cannot go on:').waitFor();
  assert.equal(await page.getByRole('button', {name: 'Verified'}).count(), 0);
  assert.ok(await page.getByRole('cell', {name: 'Yes'}).first().isVisible());
  // Finley's ended before it: the request may go on, until the provider reports coverage the plan lacks.
  await findMember(page, '100000006');
  await page.getByRole('button', {name: 'Verified'}).waitFor();
  await page.getByRole('button', {name: 'Add COB Information'}).click();
  await field(page, 'Carrier').fill('Reported Mutual');
  await field(page, 'Policy number').fill('RM-778');
  await field(page, 'Subscriber name').fill('Pat Example');
  await field(page, 'Member’s relationship to the subscriber').selectOption('spouse');
  await page.getByRole('button', {name: 'Submit COB Information'}).click();
  // The API refuses it without a start date, in its words next to the field.
  await page.locator('#from-error').waitFor();
  assert.equal(await field(page, 'Carrier').inputValue(), 'Reported Mutual');
  await field(page, 'Coverage from').fill('2020-01-01');
  await scan(page, 'Add COB Information');
  await page.getByRole('button', {name: 'Submit COB Information'}).click();
  await page.getByRole('cell', {name: 'Reported, not verified'}).waitFor();
  await page.getByText('A retro authorization cannot go on:').waitFor();
  assert.equal(await page.getByRole('button', {name: 'Verified'}).count(), 0);
  noProblems(page);
});

test('a denied request offers its clinical appeal; a request asking for more information takes documents', async () => {
  const page = await open(browser);
  await signIn(page, A);
  await go(page, `#/authorizations/${ids.authorizations.denied}`);
  await page.getByRole('heading', {name: `Retro authorization ${ids.authorizations.denied}`}).waitFor();
  assert.match(await page.locator('section.notice').textContent(), /Denied/);
  await page.getByRole('link', {name: 'Appeal this denial (clinical appeal)'}).click();
  await page.getByRole('heading', {name: 'Appeal'}).waitFor();
  assert.equal(await field(page, 'Authorization request ID').inputValue(), ids.authorizations.denied);

  await go(page, `#/authorizations/${ids.authorizations.more_information_requested}`);
  await page.getByText('The plan asks for:').waitFor();
  await page.locator('input[type=file]').setInputFiles([pdf('therapy-notes.pdf')]);
  assert.equal(await fileResult(page, 'therapy-notes.pdf'), 'Accepted');
  await field(page, 'Note').fill('The notes of the last six weeks.');
  await page.getByRole('button', {name: 'Add documents'}).click();
  await page.getByRole('status').filter({hasText: 'Documents added.'}).waitFor();
  await page.waitForFunction(() => /Documents1/.test(document.querySelector('dl.facts')?.textContent ?? ''));
  noProblems(page);
});

test('the retro authorization lookup searched empty names the member and the date in one round', async () => {
  const page = await open(browser);
  await signIn(page, A);
  await go(page, '#/authorizations');
  await page.getByRole('heading', {name: 'Retro Authorization', level: 1}).waitFor();
  await page.getByRole('button', {name: 'Search'}).click();
  await page.locator('#dateOfService-error').filter({hasText: 'Enter the start date of service.'}).waitFor();
  await page.locator('#memberId-error').filter({hasText: 'member ID, the Medicaid ID'}).waitFor();
  assert.doesNotMatch(await page.getByRole('alert').first().textContent(), /[a-z]+[A-Z][a-z]+|_|JSON|leave it out/);
  noProblems(page);
});
