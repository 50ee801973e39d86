// The explainer engine over a corpus of real bounce texts (tests/explainer/corpus.json) and a
// noise set, against the built site's explain-index.json. Run by tests/explainer.rs inside
// `cargo test`; by hand: SITE=public node --test tests/explainer/
//
// Prints the metrics the issue asks for and fails below the targets.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const core = require(path.join(here, '../../static/explain-core.js'));
const site = process.env.SITE;
assert.ok(site, 'set SITE to a built site (the folder holding explain-index.json)');
const idx = core.prepare(JSON.parse(fs.readFileSync(path.join(site, 'explain-index.json'), 'utf8')));
const { cases, noise } = JSON.parse(fs.readFileSync(path.join(here, 'corpus.json'), 'utf8'));

const pct = (n, d) => (d ? (100 * n) / d : 100);

test('corpus: at least 150 real bounces, each with a source and expected codes', () => {
  assert.ok(cases.length >= 150, `${cases.length} cases`);
  for (const c of cases) {
    assert.ok(c.source && c.text && (c.basic || c.enhanced), `case ${c.id} is incomplete`);
    assert.ok(c.basic === null || /^[2-5]\d\d$/.test(c.basic), `case ${c.id}: basic ${c.basic}`);
    assert.ok(c.enhanced === null || /^[245]\.\d\.\d{1,3}$/.test(c.enhanced), `case ${c.id}: enhanced ${c.enhanced}`);
  }
});

test('corpus: primary code, codes found, extra cards', () => {
  let primary = 0, basicFound = 0, basicTotal = 0, enhFound = 0, enhTotal = 0, extra = 0;
  const misses = [];
  for (const c of cases) {
    const res = core.explain(idx, c.text);
    const codes = res.results.map((r) => r.code);
    const ok = res.primary.basic === c.basic && res.primary.enhanced === c.enhanced;
    if (ok) primary++;
    else misses.push(`#${c.id} primary ${res.primary.basic} ${res.primary.enhanced}, want ${c.basic} ${c.enhanced}`);
    if (c.basic) {
      basicTotal++;
      if (res.results.some((r) => r.kind === 'basic' && r.code === c.basic)) basicFound++;
      else misses.push(`#${c.id} no card for ${c.basic}: ${codes.join(' ')}`);
    }
    if (c.enhanced) {
      enhTotal++;
      if (res.results.some((r) => r.kind !== 'basic' && r.code === c.enhanced)) enhFound++;
      else misses.push(`#${c.id} no card for ${c.enhanced}: ${codes.join(' ')}`);
    }
    // A card is relevant when it is an expected code, one listed in `also`, or a provider page.
    const allowed = new Set([c.basic, c.enhanced, ...(c.also || [])]);
    const irrelevant = res.results.filter((r) => r.kind !== 'provider' && !allowed.has(r.code));
    if (irrelevant.length) {
      extra++;
      misses.push(`#${c.id} extra cards: ${irrelevant.map((r) => r.code).join(' ')}`);
    }
  }
  const m = {
    cases: cases.length,
    primary_right: pct(primary, cases.length),
    reply_code_found: pct(basicFound, basicTotal),
    enhanced_code_found: pct(enhFound, enhTotal),
    cases_with_extra_cards: pct(extra, cases.length),
  };
  console.log(`explainer corpus: ${m.cases} cases, primary right ${m.primary_right.toFixed(1)} %, reply code found ${m.reply_code_found.toFixed(1)} %, enhanced code found ${m.enhanced_code_found.toFixed(1)} %, cases with irrelevant extra cards ${m.cases_with_extra_cards.toFixed(1)} %`);
  for (const s of misses) console.log(`  ${s}`);
  assert.ok(m.primary_right >= 99, `primary right ${m.primary_right} %`);
  assert.ok(m.reply_code_found >= 99.5, `reply code found ${m.reply_code_found} %`);
  assert.ok(m.enhanced_code_found >= 99.5, `enhanced code found ${m.enhanced_code_found} %`);
  assert.ok(m.cases_with_extra_cards <= 5, `extra cards ${m.cases_with_extra_cards} %`);
});

test('noise set: numbers that are not codes give no result', () => {
  let reported = 0;
  for (const n of noise) {
    const res = core.explain(idx, n.text);
    const found = core.findCodes(n.text);
    if (res.results.length || found.length) console.log(`  noise #${n.id} (${n.source}): ${found.map((f) => f.code).join(' ')}`);
    reported += found.length;
  }
  console.log(`noise set: ${noise.length} texts, non-code numbers reported: ${reported}`);
  assert.equal(reported, 0);
});

test('no dead ends: every provider code leads to its page, every well-formed code to something', () => {
  const data = idx.data;
  let providerCodes = 0;
  for (const it of data.items.filter((i) => i.kind === 'provider')) {
    for (const code of it.codes || []) {
      providerCodes++;
      const basic = code[0] === '4' ? '451' : '550';
      const res = core.explain(idx, `${basic} ${code} rejected`);
      assert.equal(res.results[0].kind, 'provider', `${code}: ${res.results.map((r) => r.kind + ':' + r.code)}`);
      assert.equal(res.results[0].item.url, it.url, code);
    }
  }
  console.log(`provider codes: ${providerCodes}, each leads to its provider page`);
  for (const cls of [2, 4, 5]) {
    for (let s = 0; s <= 7; s++) {
      for (let d = 0; d <= 999; d += 37) {
        const r = core.resolve(idx, 'enhanced', `${cls}.${s}.${d}`);
        assert.ok(r.item && r.item.url, `${cls}.${s}.${d} is a dead end`);
      }
    }
  }
  for (let n = 200; n <= 599; n++) {
    const r = core.resolve(idx, 'basic', String(n));
    assert.ok(r.item && r.item.url, `${n} is a dead end`);
  }
});
