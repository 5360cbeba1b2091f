// Document Upload on a denied claim and the Claim Attachment tab: files go
// straight to storage with a progress bar each, each file's check result
// shows as soon as it is known, a refused file loses nothing typed, Delete
// Selected, and Attached Documents lists what was sent, with downloads.
import assert from 'node:assert/strict';
import {after, before, test} from 'node:test';
import {A, field, fileResult, go, isoDay, launch, noProblems, open, pdf, program, scan, shot, signIn} from './helpers.mjs';

let browser;
before(async () => { browser = await launch(); });
after(async () => { await browser?.close(); });

test('Document Upload: progress, a verdict per file, a refused file, Delete Selected, then Attached Documents', async () => {
  const page = await open(browser);
  await signIn(page, A);
  await go(page, '#/claims/C10000000003');
  await page.getByRole('heading', {name: 'Claim C10000000003'}).waitFor();
  const upload = page.locator('section', {has: page.getByRole('heading', {name: 'Document Upload'})});
  await field(page, 'Provider Contact Email').fill('billing@bluegrass.example');
  await field(page, 'Notes').fill('Records for the stay, as asked.');

  // Storage is slowed so that the progress bar is seen moving.
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 512 * 1024});
  await upload.locator('input[type=file]').setInputFiles([pdf('discharge-summary.pdf', 1536)]);
  const bar = upload.locator('progress');
  await bar.waitFor({timeout: 10000});
  await page.waitForFunction(() => {
    const p = document.querySelector('li.file progress');
    return p && p.value > 0 && p.value < 100;
  }, null, {timeout: 10000});
  assert.match(await bar.getAttribute('aria-label'), /discharge-summary\.pdf/);
  await shot(page, 'document-upload-progress');
  await cdp.send('Network.emulateNetworkConditions', {offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1});
  assert.equal(await fileResult(page, 'discharge-summary.pdf'), 'Accepted');

  // A program named as a PDF is refused by its content, with the reason.
  await upload.locator('input[type=file]').setInputFiles([program('scan.pdf')]);
  const verdict = await fileResult(page, 'scan.pdf');
  assert.match(verdict, /^Refused: .{10,}/);
  // A name the API refuses before any upload: its words, on the file.
  await upload.locator('input[type=file]').setInputFiles([{name: 'macro.exe', mimeType: 'application/octet-stream', buffer: Buffer.from('hello')}]);
  assert.match(await fileResult(page, 'macro.exe'), /^Not uploaded: .{10,}/);
  // Nothing typed was lost.
  assert.equal(await field(page, 'Provider Contact Email').inputValue(), 'billing@bluegrass.example');
  assert.equal(await field(page, 'Notes').inputValue(), 'Records for the stay, as asked.');
  await scan(page, 'Document Upload with an accepted and two refused files');
  await shot(page, 'document-upload');

  // Delete Selected removes the refused ones.
  for (const name of ['scan.pdf', 'macro.exe']) await upload.locator('li.file', {hasText: name}).getByRole('checkbox').check();
  await upload.getByRole('button', {name: /Delete Selected \(2\)/}).click();
  await page.waitForFunction(() => document.querySelectorAll('li.file').length === 1);

  await upload.getByRole('button', {name: 'Submit Documents'}).click();
  await upload.getByRole('status').filter({hasText: 'Submitted on'}).waitFor();
  const attached = page.locator('section', {has: page.getByRole('heading', {name: 'Attached Documents'})});
  const link = attached.getByRole('link', {name: 'discharge-summary.pdf'});
  await link.waitFor();
  // The download link is the short-lived storage link, which answers with the file.
  const res = await page.request.get(await link.getAttribute('href'));
  assert.equal(res.status(), 200);
  assert.ok((await res.body()).subarray(0, 5).equals(Buffer.from('%PDF-')));
  // It downloads under the name it was uploaded with, which is not in the link.
  assert.match(res.headers()['content-disposition'] ?? '', /^attachment; filename="?discharge-summary\.pdf"?$/);
  assert.ok(!(await link.getAttribute('href')).includes('discharge-summary'), 'the file name is in the link');
  await scan(page, 'Attached Documents');
  noProblems(page);
});

test('Claim Attachment: documents for a claim not sent yet', async () => {
  const page = await open(browser);
  await signIn(page, A);
  await page.getByRole('link', {name: 'Claim Attachment'}).click();
  await page.getByRole('heading', {name: 'Claim Attachment'}).waitFor();
  await field(page, 'Member ID').fill('100000001');
  await field(page, 'Service Date').fill(isoDay(0));
  await field(page, 'Submission Reason').selectOption('operative_report');
  await field(page, 'Provider Contact Email').fill('not-an-email');
  await page.locator('input[type=file]').setInputFiles([pdf('operative-report.pdf')]);
  assert.equal(await fileResult(page, 'operative-report.pdf'), 'Accepted');
  await page.getByRole('button', {name: 'Submit Documents'}).click();
  // The API's words next to the field; the file and the rest stay.
  await page.locator('#contactEmail-error').waitFor();
  assert.equal(await field(page, 'Provider Contact Email').getAttribute('aria-invalid'), 'true');
  assert.equal(await field(page, 'Member ID').inputValue(), '100000001');
  assert.equal(await fileResult(page, 'operative-report.pdf'), 'Accepted');
  await scan(page, 'Claim Attachment with an error');
  await field(page, 'Provider Contact Email').fill('front-desk@bluegrass.example');
  await page.getByRole('button', {name: 'Submit Documents'}).click();
  await page.getByRole('status').filter({hasText: 'when it arrives'}).waitFor();
  await shot(page, 'claim-attachment');
  noProblems(page);
});

test('a session that ends mid-task: sign in again in a small window, and nothing typed is lost', async () => {
  const page = await open(browser);
  await signIn(page, A);
  await page.getByRole('link', {name: 'Claim Attachment'}).click();
  await field(page, 'Member ID').fill('100000001');
  await field(page, 'Notes').fill('Typed before the session ended.');
  await page.locator('input[type=file]').setInputFiles([pdf('ended.pdf')]);
  assert.equal(await fileResult(page, 'ended.pdf'), 'Accepted');
  // API Gateway's answer to an expired token, once.
  await page.route('**/api/claim-attachments', (route) => route.fulfill({status: 401, contentType: 'application/json', body: '{"message":"Unauthorized"}'}), {times: 1});
  await page.getByRole('button', {name: 'Submit Documents'}).click();
  const banner = page.getByRole('alert').filter({hasText: 'Your session has ended.'}).first();
  await banner.waitFor();
  await scan(page, 'a session ended mid-task');
  const [popup] = await Promise.all([page.waitForEvent('popup'), page.getByRole('button', {name: 'Sign in again'}).click()]);
  // The issuer's session (its cookie) answers at once: the window closes by itself.
  if (!popup.isClosed()) await popup.waitForEvent('close');
  await page.locator('.session-ended').waitFor({state: 'detached'});
  assert.equal(await field(page, 'Notes').inputValue(), 'Typed before the session ended.');
  assert.equal(await fileResult(page, 'ended.pdf'), 'Accepted');
  // The new token reaches the API: its own answer this time (no contact email yet).
  await page.getByRole('button', {name: 'Submit Documents'}).click();
  await page.locator('#contactEmail-error').waitFor();
  noProblems(page);
});

test('Claim Attachment submitted empty shows every problem in one round, in plain words; an impossible date is named as such', async () => {
  const page = await open(browser);
  await signIn(page, A);
  await page.getByRole('navigation', {name: 'Portal'}).getByRole('link', {name: 'Claim Attachment'}).click();
  await page.getByRole('heading', {name: 'Claim Attachment', level: 1}).waitFor();
  await page.getByRole('button', {name: 'Submit Documents'}).click();
  const summary = page.getByRole('alert').filter({hasText: 'There is a problem'});
  await summary.waitFor();
  for (const id of ['memberId', 'serviceDate', 'submissionReason', 'uploadIds', 'contactEmail']) {
    await page.locator(`#${id}-error`).waitFor({timeout: 2000});
  }
  const text = await summary.textContent();
  assert.match(text, /5 fields need your attention/);
  // The provider's words: no field names, codes, values or developer terms.
  assert.doesNotMatch(text, /[a-z]+[A-Z][a-z]+|_|JSON|body|route|OpenAPI|required,|YYYY/);
  await scan(page, 'Claim Attachment with every problem');
  await shot(page, 'claim-attachment-every-problem');
  // A date typed that is not on the calendar is named as such, not as missing.
  await page.locator('#serviceDate').pressSequentially('02302026');
  await field(page, 'Member ID').fill('100000001');
  await page.getByRole('button', {name: 'Submit Documents'}).click();
  await page.locator('#serviceDate-error').filter({hasText: 'That is not a date on the calendar'}).waitFor();
  assert.equal(await page.locator('#memberId-error').count(), 0, 'the member ID, now given, is still marked');
  // Without the API (the connection lost), the portal still names every
  // empty field, in the API's words, before anything is sent.
  await page.route('**/api/claim-attachments', (route) => route.abort());
  page.once('dialog', (d) => void d.accept()); // leaving the changed form asks first
  await go(page, '#/claims');
  await page.getByRole('heading', {name: 'Claim Information and Attachments'}).waitFor();
  await page.getByRole('navigation', {name: 'Portal'}).getByRole('link', {name: 'Claim Attachment'}).click();
  await page.getByRole('button', {name: 'Submit Documents'}).click();
  await page.getByRole('alert').filter({hasText: '5 fields need your attention'}).waitFor();
  assert.equal(await page.locator('#memberId-error').textContent(), 'Enter the member ID.');
  assert.equal(await page.locator('#uploadIds-error').textContent(), 'Add at least one file.');
  noProblems(page);
});
