// Navigation to a usable claim search page, through Chromium against the
// local stack: from the development sign-in's redirect back to the portal
// (a full page load: the HTML, the script, /config.json, the code exchanged
// for a token) until the search form can be used. Prints the times, in ms,
// as JSON for the Go benchmark that runs this (BenchmarkPortal).
import {base, launch} from './helpers.mjs';

const n = Number(process.argv[2] ?? 10);
const browser = await launch();
const times = [];
try {
  for (let i = 0; i < n; i++) {
    // A fresh context each time: nothing cached, as a first visit.
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${base}/`);
    await page.getByRole('button', {name: 'Sign in'}).click();
    const provider = page.getByRole('button', {name: /TIN 111111111/});
    await provider.waitFor();
    const start = performance.now();
    await provider.click();
    await page.waitForFunction(() => {
      const b = [...document.querySelectorAll('form button[type=submit]')].find((x) => x.textContent === 'Search');
      return b && !b.disabled && document.activeElement?.tagName === 'H1';
    }, null, {polling: 'raf'});
    times.push(performance.now() - start);
    await context.close();
  }
} finally {
  await browser.close();
}
process.stdout.write(JSON.stringify({navToUsableMs: times}) + '\n');
