// Browser checks of a built site, in Debian's headless Chromium driven by playwright-core.
//
//   node tests/browser/run.mjs <public-dir>                 run the checks (exit 1 on failure)
//   node tests/browser/run.mjs <public-dir> --screenshots D  also write screenshots into D
//
// The site is served from 127.0.0.1 by a small server with GitHub Pages' rules. Every request
// the pages make is recorded: anything not to 127.0.0.1 fails the run (no CDN, no fonts, no
// analytics), as does any console error (which includes CSP violations).
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { chromium } from 'playwright-core';

const require = createRequire(import.meta.url);
const AXE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
const root = path.resolve(process.argv[2] || 'public');
const shotsAt = process.argv.indexOf('--screenshots');
const shotsDir = shotsAt > 0 ? path.resolve(process.argv[shotsAt + 1]) : null;

const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.json': 'application/json', '.xml': 'application/xml', '.svg': 'image/svg+xml', '.txt': 'text/plain' };

function serve() {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, 'http://x');
    let rel;
    try { rel = decodeURIComponent(url.pathname); } catch (_) { rel = url.pathname; } // served as a 404, as GitHub Pages does
    if (rel.split('/').includes('..')) { res.writeHead(400); return res.end(); }
    let file = path.join(root, rel);
    if (fs.existsSync(file) && fs.statSync(file).isDirectory()) {
      if (!rel.endsWith('/')) { res.writeHead(301, { Location: rel + '/' }); return res.end(); }
      file = path.join(file, 'index.html');
    }
    if (!fs.existsSync(file)) {
      const lang404 = path.join(root, rel.split('/')[1] || '', '404.html');
      const page = fs.existsSync(lang404) ? lang404 : path.join(root, '404.html');
      res.writeHead(404, { 'Content-Type': TYPES['.html'] });
      return res.end(fs.readFileSync(page));
    }
    res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
    res.end(fs.readFileSync(file));
  });
  return new Promise((ok) => server.listen(0, '127.0.0.1', () => ok(server)));
}

const failures = [];
let checks = 0;
function check(ok, what) {
  checks++;
  if (!ok) failures.push(what);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
}

const server = await serve();
const base = `http://127.0.0.1:${server.address().port}`;
// playwright-core starts Chromium with a fresh temporary profile of its own (it refuses a
// --user-data-dir argument), so every run begins from an empty user data directory.
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});

const external = new Set();
const consoleErrors = [];
async function newPage(opts = {}) {
  const ctx = await browser.newContext({ viewport: { width: opts.width || 1280, height: opts.height || 900 },
    colorScheme: opts.scheme || 'light', javaScriptEnabled: opts.js !== false });
  const page = await ctx.newPage();
  page.on('request', (r) => { if (!r.url().startsWith(base) && !r.url().startsWith('data:')) external.add(r.url()); });
  page.on('console', (m) => {
    // Chromium logs a page's own 404 status as an error; the 404 pages are visited on purpose.
    if (m.type() === 'error' && !/status of 404/.test(m.text())) consoleErrors.push(`${page.url()}: ${m.text()}`);
  });
  page.on('pageerror', (e) => consoleErrors.push(`${page.url()}: ${e.message}`));
  return page;
}

const codePage = '/smtp/451/';
const pairPage = '/smtp/450-vs-550/';
const providerPage = '/smtp/5.7.606-5.7.649/';
const samples = ['/', '/smtp/', codePage, pairPage, '/smtp/x.7.26/', providerPage, '/search/?q=451', '/explain/', `/explain/#text=${encodeURIComponent('550 5.7.606 banned sending IP\nOut: 250 2.0.0 Ok')}`, '/no-such-page/'];

try {
  // --- search -------------------------------------------------------------------------------
  {
    const page = await newPage();
    await page.goto(`${base}/search/?q=451`);
    const first = page.locator('#search-results a').first();
    await first.waitFor({ timeout: 10000 });
    check((await first.getAttribute('href')) === '/smtp/451/', 'search "451": first result is /smtp/451/');
    await page.goto(`${base}/search/?q=5.7.26`);
    await page.locator('#search-results a').first().waitFor({ timeout: 10000 });
    const hrefs = await page.locator('#search-results a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    check(hrefs[0] === '/smtp/x.7.26/', `search "5.7.26": first result is /smtp/x.7.26/ (got ${hrefs[0]})`);
    await page.goto(`${base}/search/?q=5.7`);
    await page.locator('#search-results a').first().waitFor({ timeout: 10000 });
    const n57 = await page.locator('#search-results a').count();
    check(n57 >= 10, `search "5.7" lists the 5.7.x entries (${n57})`);
    await page.goto(`${base}/search/?q=5.7.620`);
    await page.locator('#search-results a').first().waitFor({ timeout: 10000 });
    const h620 = await page.locator('#search-results a').first().getAttribute('href');
    check(h620 === providerPage, `search "5.7.620" finds the provider page of its range (got ${h620})`);
    await page.goto(`${base}/zh/search/?q=${encodeURIComponent('邮箱已满')}`);
    await page.locator('#search-results a').first().waitFor({ timeout: 10000 });
    const zh = await page.locator('#search-results a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
    check(zh.some((h) => h.startsWith('/zh/smtp/')), `Chinese search "邮箱已满" finds codes (${zh.slice(0, 3).join(', ')})`);
    await page.goto(`${base}/search/?q=zzzzqqq`);
    await page.waitForFunction(() => document.querySelector('#search-status').textContent.trim().length > 0);
    check((await page.locator('#search-results a').count()) === 0, 'search for nonsense shows no results and a status');

    // Header search: keyboard only.
    await page.goto(`${base}${codePage}`);
    await page.focus('#site-q');
    await page.keyboard.type('535');
    await page.locator('[role="option"]').first().waitFor({ timeout: 10000 });
    await page.keyboard.press('ArrowDown');
    await Promise.all([page.waitForURL(`${base}/smtp/535/`), page.keyboard.press('Enter')]);
    check(page.url() === `${base}/smtp/535/`, 'header search: type 535, ArrowDown, Enter opens /smtp/535/');

    // An exact code and Enter, without choosing an option, opens the code's page at once:
    // from the header field, also before the index has loaded, and from the search page.
    await page.goto(`${base}/smtp/`);
    await page.focus('#site-q');
    await page.keyboard.type('5.7.26');
    await Promise.all([page.waitForURL(`${base}/smtp/x.7.26/`), page.keyboard.press('Enter')]);
    check(page.url() === `${base}/smtp/x.7.26/`, 'header search: type 5.7.26, Enter opens /smtp/x.7.26/');
    await page.goto(`${base}/zh/search/`);
    await page.fill('#search-q', '550');
    await Promise.all([page.waitForURL(`${base}/zh/smtp/550/`), page.press('#search-q', 'Enter')]);
    check(page.url() === `${base}/zh/smtp/550/`, 'search page: 550, Enter opens /zh/smtp/550/');
    // A word and Enter lists results; the count uses the singular for one result.
    await page.goto(`${base}/search/?q=${encodeURIComponent('bad sequence of commands')}`);
    await page.waitForFunction(() => document.querySelector('#search-status').textContent.trim().length > 0);
    const one = (await page.locator('#search-status').textContent()).trim();
    check(one === '1 result', `one result is announced as "1 result" (got "${one}")`);
    await page.context().close();
  }

  // --- bounce explainer ---------------------------------------------------------------------
  {
    // Results in rank order, verdict first: [[data-kind, data-code], …].
    const ranked = (page) => page.locator('#explain-results [data-code]').evaluateAll((es) => es.map((e) => [e.dataset.kind, e.dataset.code]));
    const verdictOf = async (page) => {
      await page.locator('.explain-verdict').waitFor({ timeout: 10000 });
      return page.evaluate(() => {
        const v = document.querySelector('.explain-verdict');
        const txt = (s) => (v.querySelector(s) || { textContent: '' }).textContent.trim();
        const link = v.querySelector('.verdict-fix-link');
        return { code: v.dataset.code, kind: v.dataset.kind, what: txt('.verdict-what'), who: txt('.verdict-who'),
          retry: txt('.verdict-retry'), fix: txt('.verdict-fix-line'), href: link && link.getAttribute('href') };
      });
    };
    const page = await newPage();
    const bounce = [
      '<alice@example.com>: host mx.example.net[192.0.2.1] said:',
      '550-5.1.1 The email account that you tried to reach does not exist. Please try',
      '550-5.1.1 double-checking the recipient\'s email address for typos or',
      '550 5.1.1 unnecessary spaces. (in reply to RCPT TO command)',
      'Status: 5.1.1',
      'Content-Length: 534',
    ].join('\n');
    await page.goto(`${base}/explain/`);
    await page.fill('#explain-text', bounce);
    await page.click('#explain-form button[type="submit"]');
    const v = await verdictOf(page);
    const order = await ranked(page);
    // Gmail's text ("The email account that you tried to reach does not exist") has a provider
    // page: it leads, then the registry entry and the basic code, nothing else.
    check(JSON.stringify(order.slice(1)) === JSON.stringify([['enhanced', '5.1.1'], ['basic', '550']]) && order[0][0] === 'provider',
      `explainer: verdict the Gmail page, then 5.1.1 and 550, nothing else (${JSON.stringify(order)})`);
    check(v.href === `/smtp/${order[0][1]}/#how-to-fix`, `verdict links straight to the fix (${v.href})`);
    check(!page.url().includes('?') && page.url().includes('#text='), 'explainer puts the text in the fragment only');
    // The link alone reproduces the explanation (what an agent pastes into a ticket).
    const page2 = await newPage();
    const served = [];
    page2.on('request', (r) => served.push(r.url()));
    await page2.goto(page.url());
    await verdictOf(page2);
    check(JSON.stringify(await ranked(page2)) === JSON.stringify(order), 'fragment link reproduces the same result');
    check(!served.some((u) => /alice|example\.net/.test(u)), 'the bounce text never reaches the server');
    await page2.context().close();
    // Old ?text= links still work, and the text moves into the fragment.
    const page3 = await newPage();
    await page3.goto(`${base}/explain/?text=${encodeURIComponent(bounce)}`);
    await verdictOf(page3);
    check(JSON.stringify(await ranked(page3)) === JSON.stringify(order), 'an old ?text= link gives the same result');
    check(!page3.url().includes('?text=') && page3.url().includes('#text='), `?text= is moved into the fragment (${page3.url().slice(0, 60)})`);
    await page3.context().close();
    // The home page form goes to the explainer with the text in the fragment.
    await page.goto(`${base}/`);
    await page.fill('#explain-text', '452 4.2.2 Mailbox full');
    await Promise.all([page.waitForURL(/\/explain\/#text=/), page.click('#explain-form button[type="submit"]')]);
    check((await verdictOf(page)).code === '4.2.2', 'home page form: explained on /explain/ from the fragment');

    // Five typical bounces, both languages: the verdict card's content.
    const typical = [
      ['Microsoft 365', 'Remote Server returned \'550 5.1.10 RESOLVER.ADR.RecipientNotFound; Recipient not found by SMTP address lookup\'',
        { code: '5.1.10', retry: false, href: /^(x\.1\.10|5\.1\.10)\/#how-to-fix$/ }],
      ['Gmail', 'The response from the remote server was:\n452 4.2.2 The email account that you tried to reach is over quota. Please direct\n452 4.2.2 the recipient to https://support.google.com/mail/?p=OverQuotaTemp d2si12345 - gsmtp',
        { code: /^gmail-/, retry: true, href: /^gmail-[a-z-]+\/#how-to-fix$/ }],
      ['Yahoo', '<bob@yahoo.com>: host mta7.am0.yahoodns.net[67.195.204.77] said: 554 delivery error: dd This user doesn\'t have a yahoo.com account (bob@yahoo.com) [0] - mta4321.mail.gq1.yahoo.com (in reply to end of DATA command)',
        { code: /^yahoo-/, retry: false, href: /^yahoo-[a-z-]+\/#how-to-fix$/ }],
      ['Postfix transcript', ' Out: 220 mx.example.com ESMTP Postfix\n In:  EHLO client.example.org\n Out: 250-mx.example.com\n Out: 250 8BITMIME\n In:  MAIL FROM:<a@example.org>\n Out: 250 2.1.0 Ok\n In:  RCPT TO:<b@example.com>\n Out: 250 2.1.5 Ok\n In:  DATA\n Out: 354 End data with <CR><LF>.<CR><LF>\n Out: 451 4.3.0 Error: queue file write error',
        { code: /^postfix-/, retry: true, href: /^postfix-[a-z-]+\/#how-to-fix$/ }],
      ['DSN', 'Reporting-MTA: dns; mail.example.org\nArrival-Date: Mon, 3 Jun 2024 10:15:02 +0200 (CEST)\n\nFinal-Recipient: rfc822; carol@example.net\nAction: failed\nStatus: 5.2.2\nRemote-MTA: dns; mx.example.net\nDiagnostic-Code: smtp; 552 5.2.2 Mailbox full',
        { code: '5.2.2', retry: false, href: 'x.2.2/#how-to-fix' }],
    ];
    for (const prefix of ['', '/zh']) {
      const p = await newPage();
      for (const [name, text, want] of typical) {
        await p.goto(`${base}${prefix}/explain/#text=${encodeURIComponent(text)}`);
        const got = await verdictOf(p);
        const words = prefix ? /[\u4e00-\u9fff]/ : /^[\x00-\x7f]*$/;
        const is = (w, x) => (w instanceof RegExp ? w.test(x) : w === x);
        check(is(want.code, got.code) && (got.href || '').startsWith(`${prefix}/smtp/`) && is(want.href, got.href.slice(prefix.length + 6))
          && got.what.length > 10 && words.test(got.what) && got.who.length > 0 && got.fix.length > 10
          && (prefix ? (want.retry ? /^会/ : /^不会/) : (want.retry ? /^Yes/ : /^No/)).test(got.retry),
        `${prefix || '/en'} verdict for a ${name} bounce: ${got.code} ${got.href} | ${got.retry.slice(0, 20)} | ${got.what.slice(0, 40)}`);
        await p.goto(`${base}${prefix}/`); // so that the next fragment is a fresh load
      }
      await p.context().close();
    }

    // The Chinese page says the whole privacy note (a YAML " #" once cut it short).
    await page.goto(`${base}/zh/explain/#text=${encodeURIComponent('550 5.1.1 user unknown')}`);
    await page.locator('.explain-share-note').waitFor({ timeout: 10000 });
    const note = await page.locator('.explain-share-note').textContent();
    check(/#.*服务器/.test(note), `the Chinese share note is complete (${note.slice(0, 30)})`);
    await page.goto(`${base}/`);
    // A provider-specific code: the verdict is the provider page, its fix one click away.
    await page.goto(`${base}/explain/#text=${encodeURIComponent('550 5.7.606 Access denied, banned sending IP [192.0.2.5].')}`);
    const pv = await verdictOf(page);
    check(pv.kind === 'provider' && pv.code === '5.7.606' && pv.href === '/smtp/5.7.606-5.7.649/#how-to-fix',
      `provider code: verdict is the provider page (${pv.kind} ${pv.code} ${pv.href})`);
    await page.goto(`${base}/`);
    await page.goto(`${base}/zh/explain/#text=${encodeURIComponent('hello, 452 bytes in 450 seconds')}`);
    await page.waitForFunction(() => document.querySelector('#explain-status').textContent.trim().length > 0);
    check((await page.locator('#explain-results [data-code]').count()) === 0, 'text without a code: no results, a message instead');
    check(/[\u4e00-\u9fff]/.test(await page.locator('#explain-status').textContent()), 'the message is in Chinese on /zh/');
    await page.context().close();
  }

  // --- language switcher, 404 suggestion ------------------------------------------------------
  {
    const page = await newPage();
    await page.goto(`${base}${pairPage}`);
    await Promise.all([page.waitForURL(`${base}/zh${pairPage}`), page.click('.lang-switch a[hreflang="zh-Hans"]')]);
    check(page.url() === `${base}/zh${pairPage}`, 'language switcher lands on the same page in Chinese');
    await Promise.all([page.waitForURL(`${base}${pairPage}`), page.click('.lang-switch a[hreflang="en"]')]);
    check(page.url() === `${base}${pairPage}`, 'and back to English');
    const resp = await page.goto(`${base}/smtp/5511/`);
    check(resp.status() === 404, '404 status for a missing page');
    await page.goto(`${base}/zh/smtp/553x`);
    await page.waitForSelector('#code-suggestion:not([hidden]) a', { timeout: 10000 });
    const sug = await page.locator('#code-suggestion a').getAttribute('href');
    check(sug === '/zh/smtp/553/', `404 suggests the code page (${sug})`);
    await page.context().close();
  }

  // --- redirects keep the #fragment and the query; without JS the meta refresh still works --
  {
    const page = await newPage();
    for (const [from, to] of [
      ['/451/#how-to-fix', '/smtp/451/#how-to-fix'],                                  // alias
      ['/5.7.26/?ref=t#how-to-fix', '/smtp/x.7.26/?ref=t#how-to-fix'],                // alias of a concrete code
      ['/smtp/550-vs-450/#key-difference', '/smtp/450-vs-550/#key-difference'],       // reverse pair
      ['/smtp/5.7.26/#how-to-fix', '/smtp/x.7.26/#how-to-fix'],                       // concrete enhanced code
      ['/smtp/5.7.620/#how-to-fix', `${providerPage}#how-to-fix`],                    // code of a provider range
      ['/zh/smtp/5.7.620/?a=1#fix-sending_admin', `/zh${providerPage}?a=1#fix-sending_admin`],
    ]) {
      await page.goto(`${base}${from}`);
      await page.waitForURL(`${base}${to}`, { timeout: 10000 }).catch(() => {});
      check(page.url() === `${base}${to}`, `redirect ${from} lands on ${to} (got ${page.url().slice(base.length)})`);
    }
    await page.context().close();
    const nojs = await newPage({ js: false });
    await nojs.goto(`${base}/smtp/5.7.620/`);
    await nojs.waitForURL(`${base}${providerPage}`, { timeout: 10000 }).catch(() => {});
    check(nojs.url() === `${base}${providerPage}`, `without JavaScript the meta refresh redirects (got ${nojs.url().slice(base.length)})`);
    await nojs.context().close();
  }

  // --- the first fix line is on the first screen of a 360 x 740 phone, on every code,
  // registry entry and provider page in both languages ---------------------------------------
  {
    const api = JSON.parse(fs.readFileSync(path.join(root, 'api/v1/smtp/index.json'), 'utf8'));
    const paths = [...api.codes, ...api.enhanced, ...(api.providers || [])]
      .flatMap((item) => Object.values(item.urls).map((u) => new URL(u, base).pathname));
    const page = await newPage({ width: 360, height: 740 });
    const late = [];
    let noToc = 0;
    for (const p of paths) {
      await page.goto(`${base}${p}`);
      const [bottom, toc] = await page.evaluate(() => {
        const box = document.querySelector('.fix-box');
        return [box ? box.getBoundingClientRect().bottom : Infinity,
          document.querySelectorAll('nav.toc a[href="#how-to-fix"]').length];
      });
      if (bottom > 740) late.push(`${p} (${Math.round(bottom)} px)`);
      if (toc !== 1) noToc++;
    }
    check(paths.length > 100 && late.length === 0, `360 x 740: the first fix line is on the first screen of all ${paths.length} code pages${late.length ? ': ' + late.slice(0, 5).join(', ') : ''}`);
    check(noToc === 0, `every code page has a contents list linking #how-to-fix (${noToc} without)`);
    await page.context().close();
  }

  // --- 404: no dead ends ---------------------------------------------------------------------
  {
    const page = await newPage();
    for (const [p, href, text] of [
      ['/smtp/5.7.999/', '/smtp/#subject-7', 'X.7.x'],                  // unknown detail: the subject
      ['/zh/smtp/5.7.999/', '/zh/smtp/#subject-7', 'X.7.x'],
      ['/smtp/2.7.1/', '/smtp/x.7.1/', 'X.7.1'],                        // entry exists, not for class 2
      ['/smtp/599/', '/smtp/#class-5xx', '5xx'],                        // unknown basic code: the class
    ]) {
      const resp = await page.goto(`${base}${p}`);
      await page.waitForSelector('#code-suggestion:not([hidden]) a', { timeout: 10000 }).catch(() => {});
      const a = page.locator('#code-suggestion a');
      const got = (await a.count()) ? [await a.getAttribute('href'), await a.textContent()] : [null, ''];
      check(resp.status() === 404 && got[0] === href && got[1].includes(text), `404 ${p} falls back to ${href} (got ${got[0]} "${got[1]}")`);
    }
    // A stray % in the address must not break the page.
    await page.goto(`${base}/smtp/%E0%A4%A/`);
    check(await page.locator('h1').count() === 1, '404 with a malformed %-escape still renders');
    await page.context().close();
  }

  // --- 360 px: no horizontal scroll ----------------------------------------------------------
  for (const p of ['/', codePage, pairPage, '/zh/', `/zh${codePage}`, `/zh${pairPage}`, '/smtp/', '/explain/', providerPage, `/zh${providerPage}`]) {
    const page = await newPage({ width: 360 });
    await page.goto(`${base}${p}`);
    const [sw, cw] = await page.evaluate(() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]);
    check(sw <= cw, `360 px wide, no horizontal scroll: ${p} (${sw} <= ${cw})`);
    await page.context().close();
  }
  // Pair pages at 360 px: the second code's column of the comparison is fully on screen, and no
  // heading word is split (the Chinese title keeps 错误 together).
  for (const p of ['/smtp/235-vs-451/', '/zh/smtp/235-vs-451/', '/zh/smtp/451-vs-555/']) {
    const page = await newPage({ width: 360 });
    await page.goto(`${base}${p}`);
    const cells = await page.evaluate(() => [...document.querySelectorAll('table.compare tr')].map((tr) => {
      const c = tr.children[2].getBoundingClientRect();
      return { left: c.left, right: c.right, width: c.width, text: tr.children[2].textContent.trim() };
    }));
    const vw = await page.evaluate(() => document.documentElement.clientWidth);
    check(cells.length > 0 && cells.every((c) => c.width >= 100 && c.left >= 0 && c.right <= vw),
      `360 px: second column of the comparison is visible on ${p} (${JSON.stringify(cells.map((c) => [Math.round(c.left), Math.round(c.right)]))})`);
    if (p.startsWith('/zh/')) {
      // Rectangles of the two characters of 错误 in the title: one line, not split across two.
      const tops = await page.evaluate(() => {
        const h1 = document.querySelector('h1');
        const walker = document.createTreeWalker(h1, NodeFilter.SHOW_TEXT);
        for (let n = walker.nextNode(); n; n = walker.nextNode()) {
          const i = n.data.indexOf('错误');
          if (i < 0) continue;
          return [i, i + 1].map((j) => { const r = document.createRange(); r.setStart(n, j); r.setEnd(n, j + 1); return Math.round(r.getBoundingClientRect().top); });
        }
        return null;
      });
      if (tops) check(tops[0] === tops[1], `360 px: 错误 stays on one line in the title of ${p} (${tops})`);
    }
    await page.context().close();
  }

  // --- accessibility: axe-core, both languages, light and dark -------------------------------
  for (const scheme of ['light', 'dark']) {
    for (const p of samples.flatMap((s) => [s, `/zh${s}`])) {
      const page = await newPage({ scheme });
      await page.goto(`${base}${p}`);
      await page.waitForLoadState('networkidle');
      // Evaluated, not injected as a <script>: the page's CSP rightly refuses inline scripts.
      await page.evaluate(AXE);
      const res = await page.evaluate(async () => {
        const r = await window.axe.run(document, { resultTypes: ['violations'] });
        return r.violations.map((v) => `${v.id} (${v.nodes.length}): ${v.nodes.slice(0, 2).map((n) => n.target.join(' ')).join(' | ')}`);
      });
      check(res.length === 0, `axe ${scheme} ${p}${res.length ? ': ' + res.join('; ') : ''}`);
      await page.context().close();
    }
  }

  // --- screenshots ------------------------------------------------------------------------
  if (shotsDir) {
    fs.mkdirSync(shotsDir, { recursive: true });
    for (const scheme of ['light', 'dark']) {
      for (const [name, p] of [['home', '/'], ['code', codePage], ['pair', pairPage]]) {
        for (const [lang, prefix] of [['en', ''], ['zh', '/zh']]) {
          for (const width of [1280, 360]) {
            const page = await newPage({ scheme, width });
            await page.goto(`${base}${prefix}${p}`);
            await page.screenshot({ path: path.join(shotsDir, `${name}-${lang}-${scheme}-${width}.png`), fullPage: false });
            await page.context().close();
          }
        }
      }
    }
    console.log(`screenshots in ${shotsDir}`);
  }

  check(external.size === 0, `no requests outside 127.0.0.1${external.size ? ': ' + [...external].slice(0, 5).join(', ') : ''}`);
  check(consoleErrors.length === 0, `no console errors or CSP violations${consoleErrors.length ? ':\n  ' + consoleErrors.slice(0, 10).join('\n  ') : ''}`);
} catch (e) {
  failures.push(`exception: ${e.stack || e}`);
  console.log(`FAIL exception: ${e.stack || e}`);
} finally {
  await browser.close();
  server.close();
}
console.log(`${checks - failures.length} passed, ${failures.length} failed`);
process.exit(failures.length ? 1 : 0);
