// Benchmark of the explainer engine: how long a large paste takes, and whether the time grows
// linearly with the text. Not a test (timings depend on the machine); run by hand:
//
//   cargo run -- build --output /tmp/site && SITE=/tmp/site node tests/explainer/bench.mjs
//
// Inputs: the corpus and noise texts repeated up to each size (a long mail log), and the same
// on one single line (the worst case for anything that looks back along a line).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const core = require(path.join(here, '../../static/explain-core.js'));
const site = process.env.SITE || 'public';
const idx = core.prepare(JSON.parse(fs.readFileSync(path.join(site, 'explain-index.json'), 'utf8')));
const { cases, noise } = JSON.parse(fs.readFileSync(path.join(here, 'corpus.json'), 'utf8'));
const sample = [...cases, ...noise].map((c) => c.text).join('\n\n');

function input(size, oneLine) {
  let s = '';
  while (s.length < size) s += sample + '\n';
  s = s.slice(0, size);
  return oneLine ? s.replace(/\n/g, ' ') : s;
}

function time(text) {
  core.explain(idx, text); // warm up
  const runs = [];
  for (let i = 0; i < 5; i++) {
    const t0 = process.hrtime.bigint();
    const res = core.explain(idx, text);
    runs.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (!res.results.length) throw new Error('no result');
  }
  return runs.sort((a, b) => a - b)[2];
}

console.log('size       lines      one line   (median of 5, ms)');
for (const size of [100e3, 250e3, 500e3, 1e6, 2e6]) {
  const a = time(input(size, false));
  const b = time(input(size, true));
  console.log(`${String(size / 1e3).padStart(5)} KB ${a.toFixed(1).padStart(9)} ${b.toFixed(1).padStart(10)}`);
}
