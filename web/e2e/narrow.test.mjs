// Every screen at 360 px wide (a small phone): nothing wider than the
// window but a table's own scroll region, and no WCAG 2.1 AA violation.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {A, C, base, field, fitsWidth, go, ids, isoDay, launch, noProblems, open, scan, shot} from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

async function signInNarrow(page, tin) {
  await page.goto(`${base}/`);
  await fitsWidth(page);
  await page.getByRole('button', {name: 'Sign in'}).click();
  await page.getByRole('heading', {name: 'Development sign-in'}).waitFor();
  await fitsWidth(page);
  await scan(page, 'the development sign-in page');
  await page.getByRole('button', {name: new RegExp(`TIN ${tin}`)}).click();
  await page.getByRole('button', {name: 'Sign out'}).waitFor();
}

async function check(page, hash, heading, what) {
  await go(page, hash);
  await page.getByRole('heading', {name: heading, level: 1}).waitFor();
  await page.waitForFunction(() => !document.querySelector('.loading'));
  await fitsWidth(page);
  await scan(page, `${what} at 360 px`);
}

test('provider A’s screens at 360 px', async () => {
  const page = await open(browser, {width: 360, height: 740});
  await signInNarrow(page, A);
  await field(page, 'Member ID').fill('100000001');
  await page.getByRole('button', {name: 'Search'}).click();
  await page.getByRole('link', {name: 'C10000000001', exact: true}).waitFor();
  await fitsWidth(page);
  await scan(page, 'claim search at 360 px');
  await shot(page, 'claim-search-360');
  // A table wider than the screen says that it scrolls.
  assert.ok(await page.locator('.scroll-hint').first().isVisible(), 'no word that the table scrolls');
  await check(page, '#/claims/C10000000002', 'Claim C10000000002', 'claim detail');
  await page.getByRole('button', {name: 'Table View'}).click();
  await fitsWidth(page);
  await scan(page, 'claim detail, table view, at 360 px');
  await check(page, '#/attachments', 'Claim Attachment', 'Claim Attachment');
  await check(page, '#/authorizations', 'Retro Authorization', 'retro authorization');
  await field(page, 'Member ID').fill('100000002');
  await field(page, 'Start date of service').fill(isoDay(-30));
  await page.getByRole('button', {name: 'Search'}).click();
  await page.getByRole('heading', {name: '2. COB Information'}).waitFor();
  await fitsWidth(page);
  await scan(page, 'COB Information at 360 px');
  await check(page, `#/authorizations/${ids.authorizations.approved}`, /^Retro authorization RA-/, 'an approved request');
  await check(page, '#/status', 'Check Status', 'Check Status');
  await check(page, '#/claims/C99999999999', 'Not found', 'not found');
  noProblems(page);
});

test('provider C’s screens at 360 px', async () => {
  const page = await open(browser, {width: 360, height: 740});
  await signInNarrow(page, C);
  await check(page, '#/disputes/new?claim=C30000000003', 'Submit Dispute', 'Submit Dispute');
  await check(page, '#/appeals/new?claim=C30000000005', 'Appeal', 'the Appeal form');
  await check(page, `#/cases/${ids.cases.decided}`, /^Clinical appeal AP-/, 'a decided appeal');
  await check(page, `#/cases/${ids.cases.returned_incomplete}`, /^Claim appeal AP-/, 'an appeal returned as incomplete');
  await check(page, '#/status?claim=C30000000009', 'Check Status', 'Check Status by claim');
  await page.locator('tbody tr').first().waitFor();
  await fitsWidth(page);
  await check(page, '#/documents', 'Provider Documents', 'Provider Documents');
  await page.locator('tbody tr').first().waitFor();
  await fitsWidth(page);
  await scan(page, 'Provider Documents with letters at 360 px');
  noProblems(page);
});

test('the checks themselves: a planted violation and a planted overflow are caught', async () => {
  const page = await open(browser, {width: 360, height: 740});
  await page.goto(`${base}/`);
  await page.getByRole('button', {name: 'Sign in'}).waitFor();
  await page.evaluate(() => {
    const input = document.createElement('input'); // no label
    const low = document.createElement('p');
    low.textContent = 'Faint text';
    low.style.color = '#ccc'; // set by the driver, not by the page
    document.querySelector('main').append(input, low);
  });
  await assert.rejects(scan(page, 'a planted violation'), /label|color-contrast/);
  await page.evaluate(() => {
    const wide = document.createElement('div');
    wide.style.width = '600px';
    wide.textContent = 'wide';
    document.querySelector('main').append(wide);
  });
  await assert.rejects(fitsWidth(page), /wide in a 360px window/);
});
