// Runs the real search of static/site.js over a built site's search indexes and checks the
// queries in queries.mjs. Usage: node tests/search/run.mjs <public dir>
// The search code is the "Search index" section of site.js (up to the dropdown), evaluated
// as is: it only defines functions, so it needs no browser.
import { readFileSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import queries from './queries.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const js = readFileSync(join(here, '../../static/site.js'), 'utf8');
const start = js.indexOf('// ---- Search index');
const end = js.indexOf('// ---- Search dropdown');
if (start < 0 || end < start) throw new Error('site.js: search section markers not found');
const { prepare, search, exactCode } = new Function(`${js.slice(start, end)}\nreturn { prepare, search, exactCode };`)();

const pub = process.argv[2];
const index = {
  en: JSON.parse(readFileSync(join(pub, 'search-index.json'), 'utf8')).map(prepare),
  zh: JSON.parse(readFileSync(join(pub, 'zh/search-index.json'), 'utf8')).map(prepare),
};
// Basic codes by number, registry entries by name (X.2.2), provider pages by slug (p:5.7.57).
const id = (e) => (e.kind === 'provider' ? `p:${e.url.split('/').filter(Boolean).pop()}` : e.registry || e.code);

let failed = 0;
for (const { lang, q, first, top3 = [] } of queries) {
  const t0 = performance.now();
  const got = search(index[lang], q).slice(0, 3).map(id);
  const ms = performance.now() - t0;
  const want = first ? [first, ...top3] : top3;
  const ok = (!first || got[0] === first) && want.every((w) => got.includes(w));
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${lang} ${JSON.stringify(q)} → ${got.join(', ')}${ok ? '' : `  (want ${first ? `first ${first}, ` : ''}${want.join(', ')})`}  ${ms.toFixed(2)} ms`);
}

// An exact code is "one entry"; a prefix or a word is not (Enter then opens the results).
const exact = [['en', '550', '550'], ['en', '5.7.26', 'X.7.26'], ['zh', 'X.2.2', 'X.2.2'], ['en', '5.1.10', 'p:5.1.10'], ['en', '5.7', null], ['en', 'spam', null]];
for (const [lang, q, want] of exact) {
  const e = exactCode(index[lang], q);
  const ok = (e ? id(e) : null) === want;
  if (!ok) failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} exact ${lang} ${q} → ${e ? id(e) : 'none'}`);
}
// Plural forms are checked in the browser test; here the nonsense query must find nothing.
if (search(index.en, 'zzzqqq').length) { failed++; console.log('FAIL nonsense query found results'); }

console.log(`${queries.length} queries, ${failed} failed`);
process.exit(failed ? 1 : 0);
