// What every browser test shares: Debian's Chromium driven by
// playwright-core, sign-in through the development sign-in page, the axe
// scan, screenshots, and files to upload.
import assert from 'node:assert/strict';
import {readFile, mkdir} from 'node:fs/promises';
import {createRequire} from 'node:module';
import {chromium} from 'playwright-core';

export const base = process.env.PORTAL_URL;
if (!base) throw new Error('PORTAL_URL is not set: run these through `make test` (go test ./localstack/webtest)');
export const ids = JSON.parse(process.env.SAMPLE_IDS ?? '{}');
export const A = '111111111';
export const C = '333333333';

/** A date as the API writes it, days from today (the stack's clock). */
export const isoDay = (days = 0) => {
  const d = new Date();
  d.setDate(d.getDate() + days);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
};

export async function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM,
    // The machine's network is closed: no background, component or sync traffic.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

/**
 * A page in a context of its own, failing the test on any content security
 * policy violation or script error the page reports.
 */
export async function open(browser, {width = 1280, height = 900} = {}) {
  const context = await browser.newContext({viewport: {width, height}, acceptDownloads: true});
  const page = await context.newPage();
  page.problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error' && /Content Security Policy|Uncaught/i.test(m.text())) page.problems.push(m.text());
  });
  page.on('pageerror', (e) => page.problems.push(String(e)));
  page.urls = [];
  page.on('request', (r) => page.urls.push(r.url()));
  return page;
}

/** No address the page asked for holds any of these (PHI stays out of URLs). */
export function noneInURLs(page, values) {
  assert.ok(page.urls.some((u) => u.includes('/api/')), 'the page called no API: nothing was checked');
  const found = page.urls.filter((u) => values.some((v) => decodeURIComponent(u).includes(v)));
  assert.deepEqual(found, [], 'PHI in a URL the page requested');
}

export function noProblems(page) {
  assert.deepEqual(page.problems, [], 'the page reported CSP violations or script errors');
}

/** Signs in as the sample provider with that TIN, as a provider would. */
export async function signIn(page, tin) {
  await page.goto(`${base}/`);
  await page.getByRole('button', {name: 'Sign in'}).click();
  await page.getByRole('heading', {name: 'Development sign-in'}).waitFor();
  await page.getByRole('button', {name: new RegExp(`TIN ${tin}`)}).click();
  await page.getByRole('button', {name: 'Sign out'}).waitFor();
  assert.equal(new URL(page.url()).search, '', 'the code left the address bar');
}

const require = createRequire(import.meta.url);
const axeSource = await readFile(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core's WCAG 2.1 A and AA rules on the page as it stands: no violation. */
export async function scan(page, what) {
  // Evaluated through the driver, so the page's CSP (no inline scripts) stays on.
  if (!(await page.evaluate(() => typeof window.axe !== 'undefined'))) await page.evaluate(axeSource);
  const result = await page.evaluate(() => window.axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}));
  const found = result.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.deepEqual(found, [], `axe found WCAG 2.1 AA violations on ${what}`);
  assert.ok(result.passes.length > 5, `axe checked next to nothing on ${what}`);
  return result.passes.length;
}

/** Keeps a picture of the screen for the README when SCREENSHOTS names a folder. */
export async function shot(page, name) {
  const dir = process.env.SCREENSHOTS;
  if (!dir) return;
  await mkdir(dir, {recursive: true});
  await page.screenshot({path: `${dir}/${name}.png`, fullPage: true});
}

/** The page fits its width: nothing but a table's own scroll region is wider. */
export async function fitsWidth(page) {
  const [scroll, width] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  assert.ok(scroll <= width, `the page is ${scroll}px wide in a ${width}px window`);
}

/** A small PDF whose content is a PDF. */
export const pdf = (name, kb = 2) => ({
  name, mimeType: 'application/pdf',
  buffer: Buffer.concat([Buffer.from('%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n'), Buffer.alloc(kb * 1024, 32), Buffer.from('\n%%EOF\n')]),
});
/** A program named as a PDF: the check refuses it by its content. */
export const program = (name) => ({name, mimeType: 'application/pdf', buffer: Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(4096, 0)])});

/** Waits until the file's row says its check result. */
export async function fileResult(page, name) {
  const row = page.locator('li.file', {hasText: name});
  await row.locator('.file-status', {hasText: /Accepted|Refused|Not uploaded/}).waitFor({timeout: 20000});
  return (await row.locator('.file-status').textContent()).trim();
}

/** The form control labelled so (not the tab panel a tab of that name labels). */
export const field = (page, label) =>
  page.getByLabel(new RegExp(`^${label.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}( \\(required\\))?$`)).and(page.locator('input, select, textarea'));

/** Opens a screen by its address within the signed-in page (a reload would sign in again). */
export const go = (page, hash) => page.evaluate((h) => { location.hash = h; }, hash);
