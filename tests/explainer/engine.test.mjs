// Unit tests of the explainer engine (static/explain-core.js) on a small hand-made index, so
// that each rule is tested on its own: formats, noise, ranking, fallbacks, provider pages.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const core = require(path.join(path.dirname(new URL(import.meta.url).pathname), '../../static/explain-core.js'));

const item = (kind, code, extra = {}) => ({ kind, code, title: `T ${code}`, summary: `S ${code}. More.`, url: `/smtp/${code.toLowerCase()}/`, fix_url: `/smtp/${code.toLowerCase()}/#how-to-fix`, fix: `F ${code}`, who: ['sender'], retry: false, ...extra });
const idx = core.prepare({
  version: 1,
  classes: { 2: { name: 'C2', kind: 'success', summary: 'ok', url: '/smtp/#class-2xx' }, 4: { name: 'C4', kind: 'transient', summary: 'later', url: '/smtp/#class-4xx' }, 5: { name: 'C5', kind: 'permanent', summary: 'no', url: '/smtp/#class-5xx' } },
  subjects: { 1: { name: 'Addressing', url: '/smtp/#subject-1' }, 7: { name: 'Policy', url: '/smtp/#subject-7' } },
  labels: { who: { sender: 'The sender' } },
  items: [
    ...['220', '221', '250', '354', '421', '451', '452', '550', '552', '554'].map((c) => item('basic', c, { class: +c[0], retry: c[0] === '4' })),
    item('enhanced', 'X.1.1', { concrete: ['5.1.1'], subject: 1, detail: 1, who: ['sender', 'sending_admin'] }),
    item('enhanced', 'X.7.1', { concrete: ['4.7.1', '5.7.1'], subject: 7, detail: 1 }),
    item('enhanced', 'X.7.26', { concrete: ['5.7.26'], subject: 7, detail: 26 }),
    item('enhanced', 'X.3.0', { concrete: ['4.3.0', '5.3.0'], subject: 3, detail: 0 }),
    item('provider', '5.7.606-5.7.649', { codes: ['5.7.606', '5.7.607', '5.7.649'], providers: ['Microsoft 365'], patterns: ['banned sending IP'], basic: ['550'], who: ['sending_admin'] }),
    item('provider', 'yahoo-tss04', { codes: [], providers: ['Yahoo'], patterns: ['[TSS04]'], basic: ['421'], retry: true, who: ['sending_admin'] }),
  ],
});
const run = (text) => core.explain(idx, text);
const cards = (text) => run(text).results.map((r) => `${r.kind}:${r.code}`);
const prim = (text) => { const p = run(text).primary; return [p.basic, p.enhanced]; };

test('real reply formats are recognised', () => {
  for (const [text, want] of [
    ['#550 5.1.1 RESOLVER.ADR.RecipNotFound; not found ##', ['550', '5.1.1']],
    ['550: 5.2.2 Mailbox Full', ['550', '5.2.2']],
    ['ERROR_CODE :550, ERROR_CODE :5.1.1 Account not exists', ['550', '5.1.1']],
    ['Diagnostic-Code: smtp;550 5.7.1 Relay denied', ['550', '5.7.1']],
    ['Diagnostic-Code: SMTP; 552 Requested mailbox exceeds quota', ['552', null]],
    ['550-5.1.1 The email account\n550-5.1.1 does not exist\n550 5.1.1 gsmtp', ['550', '5.1.1']],
    ['host mx[192.0.2.1] said: 550 Mailbox unavailable (in reply to RCPT TO command)', ['550', null]],
    ["Remote Server returned '550 5.1.1 RESOLVER.ADR.RecipNotFound; not found'", ['550', '5.1.1']],
    ['host mx.example.net [192.0.2.1]: 550 Unrouteable address', ['550', null]],
    ['Reported error: 554 5.7.26 DMARC', ['554', '5.7.26']],
    ['Action: failed\nStatus: 5.1.1', [null, '5.1.1']],
    ['status=bounced (host mx said: 550 no (in reply to RCPT TO command)) dsn=5.0.0', ['550', '5.0.0']],
    ['<<< 452 4.2.2 Over quota', ['452', '4.2.2']],
  ]) assert.deepEqual(prim(text), want, text);
});

test('noise is not a code', () => {
  for (const text of [
    'Content-Length: 534', 'X-Mailer: Apple Mail (2.753.1)', 'Jun 4 mx postfix/smtpd[252]: connect from x',
    'a 452 bytes message', 'retry in 450 seconds', 'size 554 KB', 'connect to mx.example.org:465', 'port 587',
    'Message-ID: <550.421@example.org>', 'Exim 4.94.2', 'version 5.1.2', '192.0.2.250 and 5.1.1.4', '2024-05-21 12:45:50',
    'error 404 not found', 'we sent 550 messages', 'Received: from x (x [192.0.2.1]) by mx with ESMTP id 550abc',
  ]) assert.deepEqual(core.findCodes(text, (c) => ['550', '452', '554', '450'].includes(c)), [], text);
});

test('the failing reply of a transcript comes first, successes are left out', () => {
  const t = 'Out: 220 mx ESMTP\n In: EHLO x\n Out: 250 2.0.0 Ok\n Out: 354 go ahead\n Out: 451 4.3.0 Error: queue file write error\n In: QUIT\n Out: 221 2.0.0 Bye';
  const res = run(t);
  assert.deepEqual([res.primary.basic, res.primary.enhanced], ['451', '4.3.0']);
  // X.3.0 is a catch-all (detail 0): the basic code says more and leads.
  assert.deepEqual(res.results.map((r) => r.code), ['451', '4.3.0']);
  assert.deepEqual(res.successes, ['220', '250', '354', '221']);
  // Without a failure the successes are the result.
  assert.deepEqual(cards('250 2.0.0 Ok: queued'), ['basic:250', 'enhanced:2.0.0']);
});

test('a DSN Diagnostic-Code outranks free text and later transcript lines', () => {
  const t = '<<< 550 5.1.1 User unknown\n<<< 503 5.0.0 Need RCPT\nStatus: 5.1.1\nDiagnostic-Code: SMTP; 550 5.1.1 User Unknown';
  assert.deepEqual(prim(t), ['550', '5.1.1']);
  assert.equal(cards(t)[0], 'enhanced:5.1.1');
});

test('unknown codes fall back to the entry, the subject or the class, and say which', () => {
  const r1 = run('450 4.1.1 mailbox unavailable').results.find((r) => r.code === '4.1.1');
  assert.deepEqual([r1.fallback, r1.item.code], ['entry', 'X.1.1']);
  const r2 = run('550 5.7.999 blocked').results.find((r) => r.code === '5.7.999');
  assert.deepEqual([r2.fallback, r2.item.url], ['subject', '/smtp/#subject-7']);
  const r3 = run('said: 559 no way').results[0];
  assert.deepEqual([r3.code, r3.fallback, r3.item.url], ['559', 'class', '/smtp/#class-5xx']);
  // The verdict then leads with the known basic code, not the subject.
  assert.deepEqual(cards('550 5.7.999 blocked'), ['basic:550', 'enhanced:5.7.999']);
});

test('provider pages refine the verdict, by code or by pattern', () => {
  const a = run('550 5.7.607 Access denied, banned sending IP [192.0.2.1]');
  assert.deepEqual(a.results.map((r) => `${r.kind}:${r.code}`), ['provider:5.7.607', 'basic:550']);
  assert.equal(a.primary.provider, '5.7.606-5.7.649');
  const b = run('421 4.7.0 [TSS04] Messages from 192.0.2.1 temporarily deferred - 4.16.55.1');
  assert.deepEqual(b.results.map((r) => `${r.kind}:${r.code}`), ['provider:yahoo-tss04', 'basic:421', 'enhanced:4.7.0']);
  const v = core.verdict(idx, b);
  assert.equal(v.retry, true);
  assert.deepEqual(v.who, ['sending_admin']);
  // A pattern alone, with no failing reply, is not a diagnosis.
  assert.deepEqual(run('see [TSS04] in the docs').results, []);
});

test('the verdict says what happened, who acts, retry and the fix link', () => {
  const v = core.verdict(idx, run('550 5.1.1 no such user'));
  assert.equal(v.what, 'S X.1.1. More.');
  assert.deepEqual(v.who, ['sender', 'sending_admin']);
  assert.equal(v.retry, false);
  assert.equal(v.fix_url, '/smtp/x.1.1/#how-to-fix');
  assert.equal(core.verdict(idx, run('451 4.3.0 try later')).retry, true);
  assert.equal(core.verdict(idx, run('250 2.0.0 Ok')).retry, null);
  assert.equal(core.verdict(idx, run('no codes here')), null);
});

test('duplicates are listed once', () => {
  assert.deepEqual(cards('550-5.1.1 a\n550-5.1.1 b\n550 5.1.1 c\nStatus: 5.1.1\nDiagnostic-Code: smtp; 550 5.1.1 c'), ['enhanced:5.1.1', 'basic:550']);
});

test('JSON fields of sending services and a reply after "<address>:"', () => {
  for (const [text, want] of [
    ['{"reason": "550 Mailbox unavailable", "status": "5.1.1"}', ['550', '5.1.1']],
    ['{"diagnosticCode":"smtp; 550 5.1.1 user unknown","action":"failed"}', ['550', '5.1.1']],
    ['"code": 552, "message": "Mailbox full"', ['552', null]],
    ['<kijitora@ezweb.ne.jp>: 550 user unknown (in reply to RCPT TO command)', ['550', null]],
    ['SMTP Error (state 13): 550 Requested action not taken: mailbox unavailable', ['550', null]],
  ]) assert.deepEqual(prim(text), want, text);
  // A colon alone is not enough for numbers that are no code or not followed by words.
  for (const text of ['Port: 465 open', 'Size: 552 KB', 'Total: 550\n', 'Count: 554 messages', 'Score: 450.5 points']) {
    assert.deepEqual(core.findCodes(text, (c) => ['550', '552', '554', '450'].includes(c)), [], text);
  }
});
