// Live reload in a real browser, run by tests/serve.rs:
//   node tests/browser/livereload.mjs <codesite binary> <site root>
// Serves the site, opens a code page in headless Chromium and checks: idle for 4 s, the page is
// not reloaded and a search term typed into the header survives; one edit gives exactly one
// reload showing the edit, and a second tab on a page the edit did not touch is not reloaded; a
// broken file shows the error overlay without a reload; fixing it back to the same bytes removes
// the overlay, still without a reload; no console error. Exits 1 on the first failed check.
import { chromium } from 'playwright-core';
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const [bin, root] = process.argv.slice(2);
const fail = (msg) => { console.error('FAIL: ' + msg); process.exitCode = 1; throw new Error(msg); };
const srv = spawn(bin, ['serve', '--port', '0', '--root', root], { stdio: ['ignore', 'pipe', 'ignore'] });
let browser;
try {
  const port = await new Promise((resolve, reject) => {
    let out = '';
    srv.stdout.on('data', (d) => {
      out += d;
      const m = / at http:\/\/127\.0\.0\.1:(\d+)\//.exec(out);
      if (m) resolve(m[1]);
    });
    srv.on('exit', () => reject(new Error('serve exited: ' + out)));
  });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  const page = await browser.newPage();
  let loads = 0;
  page.on('load', () => loads++);
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`http://127.0.0.1:${port}/smtp/451/`);
  const other = await browser.newPage();
  let otherLoads = 0;
  other.on('load', () => otherLoads++);
  await other.goto(`http://127.0.0.1:${port}/smtp/5.7.606-5.7.609/`);
  const search = page.locator('input[type=search]').first();
  await search.fill('550 mailbox');
  await page.waitForTimeout(4000);
  if (loads !== 1) fail(`reloaded ${loads - 1} times while idle`);
  if ((await search.inputValue()) !== '550 mailbox') fail('the search term was wiped while idle');

  const file = path.join(root, 'content/smtp/codes/451.yaml');
  const text = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, text.replace('Local error in processing', 'Local error while processing'));
  await page.waitForFunction(() => document.body.textContent.includes('Local error while processing'),
    null, { timeout: 20000 });
  await page.waitForTimeout(2000);
  if (loads !== 2) fail(`one edit gave ${loads - 1} reloads`);
  if (otherLoads !== 1) fail(`a tab on a page the edit did not change reloaded ${otherLoads - 1} times`);

  const good = fs.readFileSync(file, 'utf8');
  fs.writeFileSync(file, good.replace('class: 4', 'class: ['));
  await page.waitForSelector('#codesite-overlay', { timeout: 20000 });
  const shown = await page.locator('#codesite-overlay pre').textContent();
  if (!shown.includes('content/smtp/codes/451.yaml')) fail('overlay does not name the file: ' + shown);
  fs.writeFileSync(file, good);
  await page.waitForSelector('#codesite-overlay', { state: 'detached', timeout: 20000 });
  await page.waitForTimeout(1000);
  if (loads !== 2) fail(`the error and its fix gave ${loads - 2} reloads`);
  if (errors.length) fail('console errors: ' + errors.join('; '));
  console.log('ok: idle without reload, one edit one reload (and none elsewhere), overlay shown and cleared');
} catch (e) {
  if (!process.exitCode) { console.error(e); process.exitCode = 1; }
} finally {
  if (browser) await browser.close();
  srv.kill('SIGTERM');
}
