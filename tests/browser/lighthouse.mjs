// Lighthouse (12.x) over the main page kinds of a built site, in both languages, as a search
// engine and a screen-reader user would meet them. Fails unless SEO and accessibility are 100.
//
//   node tests/browser/lighthouse.mjs <public-dir> <port> <base-path> <page>...
//
// The site must have been built with `--base-url http://127.0.0.1:<port><base-path>/`, so its
// canonical, hreflang and sitemap URLs point at the server this script starts.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import lighthouse from 'lighthouse';
import * as chromeLauncher from 'chrome-launcher';

const [dir, portArg, basePath, ...pages] = process.argv.slice(2);
const root = path.resolve(dir);
const port = Number(portArg);
const TYPES = { '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript',
  '.json': 'application/json', '.xml': 'application/xml', '.svg': 'image/svg+xml', '.txt': 'text/plain' };

// GitHub Pages' rules: folders serve index.html, a missing file the root 404.html with 404.
const server = http.createServer((req, res) => {
  let rel;
  try { rel = decodeURIComponent(new URL(req.url, 'http://x').pathname); } catch { rel = '/'; }
  if (!rel.startsWith(basePath + '/') || rel.split('/').includes('..')) rel = '/\0missing';
  rel = rel.slice(basePath.length);
  let file = path.join(root, rel);
  if (fs.existsSync(file) && fs.statSync(file).isDirectory()) file = path.join(file, 'index.html');
  if (!fs.existsSync(file)) {
    res.writeHead(404, { 'Content-Type': TYPES['.html'] });
    return res.end(fs.readFileSync(path.join(root, '404.html')));
  }
  res.writeHead(200, { 'Content-Type': TYPES[path.extname(file)] || 'application/octet-stream' });
  res.end(fs.readFileSync(file));
});
await new Promise((ok) => server.listen(port, '127.0.0.1', ok));

const chrome = await chromeLauncher.launch({
  chromePath: process.env.CHROMIUM || '/usr/bin/chromium',
  // chrome-launcher gives every launch a fresh temporary --user-data-dir.
  chromeFlags: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
let failed = 0;
try {
  for (const p of pages) {
    const url = `http://127.0.0.1:${port}${basePath}${p}`;
    const r = await lighthouse(url, { port: chrome.port, output: 'json', logLevel: 'error',
      onlyCategories: ['seo', 'accessibility'] });
    const cats = r.lhr.categories;
    const seo = Math.round(cats.seo.score * 100);
    const a11y = Math.round(cats.accessibility.score * 100);
    const ok = seo === 100 && a11y === 100;
    if (!ok) failed++;
    console.log(`${ok ? 'ok  ' : 'FAIL'} lighthouse ${basePath}${p}: SEO ${seo}, accessibility ${a11y}`);
    if (!ok) {
      for (const a of Object.values(r.lhr.audits)) {
        if (a.score !== null && a.score < 1 && a.scoreDisplayMode !== 'informative' && a.scoreDisplayMode !== 'manual') {
          console.log(`     ${a.id}: ${a.title}`);
        }
      }
    }
  }
} finally {
  await chrome.kill();
  server.close();
}
console.log(`${pages.length - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
