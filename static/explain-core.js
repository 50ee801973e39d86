/* codesite bounce explainer engine: finds the SMTP reply codes and enhanced status codes in a
 * pasted bounce, ranks them and builds the verdict. Pure: no DOM, no network. The page glue is
 * static/explain.js; `node --test tests/explainer/` runs this file through `module.exports`.
 *
 * Time is linear in the length of the text: one pass over the lines, one regular expression
 * over each line, and context checks that look at most a fixed number of characters back. */
(function (root, factory) {
  const api = factory();
  if (typeof module === 'object' && module.exports) module.exports = api;
  else root.ExplainCore = api;
})(typeof self !== 'undefined' ? self : this, () => {
  'use strict';

  // Numbers are read as whole tokens (digits and dots), so an IP address, a version such as
  // 2.753.1 or a date is one token and never yields a code.
  const TOKEN = /\d+(?:\.\d+)*/g;
  const BASIC = /^[2-5]\d\d$/;
  // RFC 3463: class.subject.detail; every subject in use is a single digit 0–7.
  const ENHANCED = /^([245])\.([0-7])\.(\d{1,3})$/;

  // How far back on a line the context checks look: a constant, so the scan stays linear.
  const WINDOW = 64;

  // Before a code at the start of a line: quoting, a timestamp, a transcript direction.
  const LINE_START = new RegExp(
    '^\\s*(?:>\\s*)*' +
      '(?:\\[?\\d{4}-\\d\\d-\\d\\d[T ][\\d:.,]+(?:Z|[+-]\\d\\d:?\\d\\d)?\\]?\\s+)?' +
      '(?:(?:S|C|Out|In|RECV|SENT|Recv|Sent|Send|Server|Response|Reply|SMTP|Remote)\\s*[:>]\\s*|<<<\\s*|>>>\\s*|<-\\s*|->\\s*|[<>]\\s+)?' +
      '[\'"]?#?$',
    'i',
  );

  // Words after which a number is a reply: "said: 550", "smtp;550", "returned '550",
  // "ERROR_CODE :550", "The response was: 550", "Reported error: 550".
  const AFTER_WORD = /(?:\bsaid|\breplied|\breturned|\bresponse|\breply|\bresponded|\bstatus|\bsmtp|\berror(?:_code)?|\bcode|\bwas|\bfailed|\breason|\bdeferred|\brejected|\bdiagnostic(?:-code)?)['"]?\s*(?:[:;=]\s*)?(?:smtp\s*;\s*)?['"(]?\s*#?$/i;
  // Exim: "host mx.example.net [192.0.2.1]: 550 Unrouteable address".
  const AFTER_HOST = /\bhost\b.*\]:\s*$/i;
  // After any "label: " — "<user@example.jp>: 550 user unknown", "SMTP Error (state 13): 550
  // Requested action not taken": a known failure code followed by words.
  const AFTER_COLON = /:\s+['"]?$/;
  // Contexts in which even a code this reference does not know is certainly a reply code.
  const SURE_WORD = /(?:\bsaid|\bsmtp|\breturned|\berror_code|\bdiagnostic-code)\s*(?:[:;=]\s*)?(?:smtp\s*;\s*)?['"(]?\s*#?$/i;

  // A number followed by a unit is a size, a duration or a count, not a code.
  // Case-sensitive: "452 bytes" and "550 messages" are counts, "451 Message deferred" a reply.
  const UNIT = /^\s*(?:bytes?|Bytes|[kKMGT]i?B|kbytes|octets|secs?|seconds?|mins?|minutes?|hrs?|hours?|days?|ms|s|%|percent|messages|msgs|mails|recipients|rcpts|times|tries|attempts|connections|users|lines|chars|characters|x)\b/;

  // Header lines whose numbers are never codes (X-Mailer: Apple Mail (2.753.1), Received: …).
  const NOISE_HEADER = /^(?:X-Mailer|User-Agent|Received|Content-[\w-]+|Message-ID|Date|MIME-Version|DKIM-Signature|ARC-[\w-]+|Authentication-Results|Received-SPF|References|In-Reply-To|Thread-\w+|X-Originating-IP|X-MS-[\w-]+|X-Microsoft-[\w-]+|X-Google-[\w-]+|X-Gm-[\w-]+|X-Received|X-Forefront-[\w-]+|X-Spam-[\w-]+|Arrival-Date|Last-Attempt-Date)\s*:/i;
  // A DSN's machine-readable fields (RFC 3464), which outrank free text.
  const DSN_FIELD = /^\s*(Diagnostic-Code|Status)\s*:/i;
  // "version 4.1.2", "Exim 4.2.1": a version, not a status.
  const VERSION_WORD = /\b(?:v|ver|version|release|rev|build|exim|postfix|sendmail|dovecot|openssl|tls|ssl|python|php)\s*$/i;

  // Characters that may stand right before a basic code, and right after it.
  const BASIC_BEFORE = /[\s#;:'"(<>=,]/;
  const BASIC_AFTER = /[\s\-:,;'")]/;

  const lineStartOk = (prefix) => prefix.length <= WINDOW && LINE_START.test(prefix);

  /**
   * Every code occurrence in the text, in order: {kind, code, pos, line, dsn, pair}, where
   * `pair` links a basic code with the enhanced code that follows it ("550 5.1.1", "550-5.1.1",
   * "550: 5.2.2", "ERROR_CODE :550, ERROR_CODE :5.1.1"). `known(code)` says whether a basic
   * code is in the reference: after a loose word ("error 404") only known codes count.
   */
  function findCodes(text, known = () => true) {
    const out = [];
    let offset = 0;
    let lineNo = 0;
    const lines = String(text).split('\n');
    for (const line of lines) {
      const dsnMatch = DSN_FIELD.exec(line);
      const dsn = dsnMatch ? dsnMatch[1].toLowerCase() : null;
      if (!dsn && NOISE_HEADER.test(line)) {
        offset += line.length + 1;
        lineNo++;
        continue;
      }
      let lastBasic = null;
      TOKEN.lastIndex = 0;
      let m;
      while ((m = TOKEN.exec(line))) {
        const tok = m[0];
        const start = m.index;
        const end = start + tok.length;
        const before = start > 0 ? line[start - 1] : '';
        const after = end < line.length ? line[end] : '';
        const back = line.slice(Math.max(0, start - WINDOW), start);
        // A token glued to letters ("x550", "550abc", "abc5.1.1") is part of a word.
        if (/[A-Za-z_]/.test(after)) continue;
        let e;
        if (BASIC.test(tok)) {
          if (before && !BASIC_BEFORE.test(before)) continue;
          if (after && !BASIC_AFTER.test(after)) continue;
          if (after === ':' && /\d/.test(line[end + 1] || '')) continue; // a time, 450:30
          if (after === '-' && /\d/.test(line[end + 1] || '') && !/^-#?[245]\.\d/.test(line.slice(end, end + 4))) continue;
          // A port ("host:465"): a colon right after a word.
          if (before === ':' && /[\w\]]/.test(line[start - 2] || '') && !AFTER_WORD.test(back)) continue;
          const rest = line.slice(end, end + 24);
          const paired = /^[\s\-:,;'"]*(?:(?:ERROR_CODE|code)\s*:?\s*)?#?[245]\.[0-7]\.\d{1,3}(?![\d.]*\d)/i.test(rest);
          const atStart = start <= WINDOW && lineStartOk(line.slice(0, start));
          const word = AFTER_WORD.test(back) || AFTER_HOST.test(back);
          if (!paired && UNIT.test(line.slice(end, end + 16))) continue;
          let ok = false;
          if (paired || (atStart && (after === '' || /^[\s-]+\S/.test(rest) || after === ' '))) ok = true;
          else if (word) ok = known(tok) || SURE_WORD.test(back) || AFTER_HOST.test(back);
          else if (AFTER_COLON.test(back) && /[45]/.test(tok[0]) && known(tok)) ok = /^[ -](?:#?\d|[A-Za-z<(#'"])/.test(rest);
          if (!ok) continue;
          const occ = { kind: 'basic', code: tok, pos: offset + start, line: lineNo, dsn, pair: null };
          out.push(occ);
          lastBasic = { occ, end };
        } else if ((e = ENHANCED.exec(tok))) {
          if (before && /[\w.@/]/.test(before)) continue;
          if (VERSION_WORD.test(back)) continue;
          const code = `${e[1]}.${+e[2]}.${+e[3]}`;
          const occ = { kind: 'enhanced', code, pos: offset + start, line: lineNo, dsn, pair: null };
          if (lastBasic && start - lastBasic.end <= 24 && !/\d/.test(line.slice(lastBasic.end, start)) && !lastBasic.occ.pair) {
            lastBasic.occ.pair = occ;
            occ.pair = lastBasic.occ;
          } else if (e[1] === '2' && dsn !== 'status') {
            continue; // a lone 2.x.y outside a DSN is too often a version number
          }
          out.push(occ);
        }
      }
      offset += line.length + 1;
      lineNo++;
    }
    return out;
  }

  const classOf = (code) => +String(code)[0];
  const isFailure = (code) => classOf(code) === 4 || classOf(code) === 5;
  const isGeneric = (code) => /^\d\.0\.0$/.test(code);

  /** Indexes the explain-index.json data for lookups. */
  function prepare(data) {
    const basic = new Map();
    const byConcrete = new Map();
    const byEntry = new Map();
    const providerByCode = new Map();
    const providers = [];
    for (const it of data.items || []) {
      if (it.kind === 'basic') basic.set(it.code, it);
      else if (it.kind === 'enhanced') {
        for (const c of it.concrete || []) byConcrete.set(c, it);
        byEntry.set(`${it.subject}.${it.detail}`, it);
      } else if (it.kind === 'provider') {
        const p = { item: it, patterns: (it.patterns || []).map((s) => String(s).toLowerCase()).filter(Boolean) };
        providers.push(p);
        for (const c of it.codes || []) if (!providerByCode.has(c)) providerByCode.set(c, p);
      }
    }
    return { data, basic, byConcrete, byEntry, providerByCode, providers };
  }

  /**
   * What a code found in the text resolves to: {kind, code, item, fallback}. `fallback` is
   * null for an exact match, else 'entry' (same subject and detail, other class), 'subject'
   * (X.s.x) or 'class' (the first digit): a well-formed code is never a dead end.
   */
  function resolve(idx, kind, code) {
    const cls = idx.data.classes && idx.data.classes[String(code)[0]];
    const classItem = cls && { kind: 'class', code: `${String(code)[0]}xx`, title: cls.name, summary: cls.summary, url: cls.url, fix_url: cls.url, fix: '', who: [], retry: classOf(code) === 4 };
    if (kind === 'basic') {
      const it = idx.basic.get(code);
      return it ? { kind: 'basic', code, item: it, fallback: null } : { kind: 'basic', code, item: classItem, fallback: 'class' };
    }
    const p = idx.providerByCode.get(code);
    if (p) return { kind: 'provider', code, item: p.item, fallback: null };
    const exact = idx.byConcrete.get(code);
    if (exact) return { kind: 'enhanced', code, item: exact, fallback: null };
    const [, s, d] = code.split('.');
    const entry = idx.byEntry.get(`${s}.${d}`);
    if (entry) return { kind: 'enhanced', code, item: entry, fallback: 'entry' };
    const subj = idx.data.subjects && idx.data.subjects[s];
    if (subj) {
      const item = { kind: 'subject', code: `X.${s}.x`, title: subj.name, summary: cls ? cls.summary : '', url: subj.url, fix_url: subj.url, fix: '', who: [], retry: classOf(code) === 4 };
      return { kind: 'enhanced', code, item, fallback: 'subject' };
    }
    return { kind: 'enhanced', code, item: classItem, fallback: 'class' };
  }

  /** The provider page whose patterns or codes best match the text and the primary reply. */
  function matchProvider(idx, lower, primary) {
    let best = null;
    let bestScore = 0;
    for (const p of idx.providers) {
      let score = 0;
      let len = 0;
      for (const pat of p.patterns) {
        if (lower.includes(pat)) { score = 2; len = Math.max(len, pat.length); }
      }
      const codes = p.item.codes || [];
      if (primary.enhanced && codes.includes(primary.enhanced)) score += 2;
      if (score && primary.basic && (p.item.basic || []).map(String).includes(primary.basic)) score += 1;
      // A page for another class than the reply's (a 4xx page for a 5xx bounce) fits less.
      if (score && primary.basic && codes.length && !codes.some((c) => c[0] === primary.basic[0])) score -= 1;
      if (score > bestScore || (score === bestScore && score && len > best.len)) {
        best = { p, len };
        bestScore = score;
      }
    }
    return bestScore >= 2 ? best.p.item : null;
  }

  /**
   * Explains a text: {primary: {basic, enhanced, provider}, results, successes}. `results` are
   * the cards in rank order (the verdict's first), each {kind, code, item, fallback, role};
   * `successes` lists 2xx/3xx codes left out because a failure is present.
   */
  function explain(idx, text) {
    const occ = findCodes(text, (c) => idx.basic.has(c));
    // Replies: a basic code with its paired enhanced code, or an enhanced code alone.
    const replies = [];
    for (const o of occ) {
      if (o.kind === 'basic') replies.push({ basic: o, enhanced: o.pair, pos: o.pos, dsn: o.dsn });
      else if (!o.pair) replies.push({ basic: null, enhanced: o, pos: o.pos, dsn: o.dsn });
    }
    const codeOf = (r) => (r.basic || r.enhanced).code;
    const failures = replies.filter((r) => isFailure(codeOf(r)));
    const pool = failures.length ? failures : replies;
    // The failing reply: a DSN field over free text, else the last one (a transcript's failure
    // comes after its 220 greeting and 250 replies).
    const rank = (r) => (r.dsn === 'diagnostic-code' && r.basic ? 2 : 0) + (r.basic ? 1 : 0);
    let chosen = null;
    for (const r of pool) if (!chosen || rank(r) > rank(chosen) || (rank(r) === rank(chosen) && r.pos >= chosen.pos)) chosen = r;

    const primary = { basic: null, enhanced: null, provider: null };
    if (chosen) {
      const cls = codeOf(chosen)[0];
      primary.basic = chosen.basic ? chosen.basic.code : null;
      if (!primary.basic) {
        const b = pool.filter((r) => r.basic && r.basic.code[0] === cls).pop();
        if (b) primary.basic = b.basic.code;
      }
      let enh = chosen.enhanced ? chosen.enhanced.code : null;
      if (!enh || isGeneric(enh)) {
        // An enhanced code of the same class elsewhere (a DSN Status field, Postfix's dsn=,
        // qmail's "(#5.1.1)"): a specific one first, the DSN field first, else the last.
        const same = pool.filter((r) => r.enhanced && r.enhanced.code[0] === (primary.basic || cls)[0]);
        const specific = same.filter((r) => !isGeneric(r.enhanced.code));
        const pick = (list) => list.filter((r) => r.dsn === 'status').pop() || list[list.length - 1];
        const found = pick(specific) || (!enh && pick(same));
        if (found) enh = found.enhanced.code;
      }
      primary.enhanced = enh;
    }
    const provider = idx.providers.length && chosen ? matchProvider(idx, String(text).toLowerCase(), primary) : null;
    if (provider) primary.provider = provider.code;

    const results = [];
    const seen = new Set();
    const add = (r, role) => {
      const key = `${r.kind}:${r.code}`;
      if (seen.has(key)) return;
      seen.add(key);
      results.push(Object.assign(r, { role }));
    };
    if (chosen) {
      const pe = primary.enhanced && resolve(idx, 'enhanced', primary.enhanced);
      const pb = primary.basic && resolve(idx, 'basic', primary.basic);
      if (provider) {
        const code = pe && pe.kind === 'provider' && pe.item === provider ? primary.enhanced : provider.code;
        add({ kind: 'provider', code, item: provider, fallback: null }, 'verdict');
        if (code === primary.enhanced) seen.add(`enhanced:${code}`);
      }
      // The most specific explanation leads: an enhanced entry over the basic code, but the
      // basic code over a catch-all entry (X.7.0), a subject or a class fallback.
      const specific = pe && (pe.fallback === null || pe.fallback === 'entry') && !/\.0$/.test(primary.enhanced);
      const enhFirst = pe && (specific || !pb || pb.fallback);
      const order = enhFirst ? [pe, pb] : [pb, pe];
      for (const r of order) if (r) add(r, results.length ? 'primary' : 'verdict');
      // The other failures: DSN fields first, then the latest first.
      const others = pool.filter((r) => r !== chosen).sort((a, b) => rank(b) - rank(a) || b.pos - a.pos);
      for (const r of others) {
        if (r.basic) add(resolve(idx, 'basic', r.basic.code), 'other');
        if (r.enhanced) add(resolve(idx, 'enhanced', r.enhanced.code), 'other');
      }
    }
    const successes = failures.length ? [...new Set(replies.filter((r) => !isFailure(codeOf(r))).map(codeOf))] : [];
    return { primary, results, successes };
  }

  /**
   * The verdict card's content from the ranked results: what happened (one sentence), who
   * must act (ids), whether the sending server retries (true/false/null for a non-failure),
   * the first fix line and where the whole fix is.
   */
  function verdict(idx, res) {
    const head = res.results[0];
    if (!head) return null;
    const basic = res.primary.basic ? resolve(idx, 'basic', res.primary.basic) : null;
    const b = basic && !basic.fallback ? basic.item : null;
    const it = head.item;
    const exact = !head.fallback || head.fallback === 'entry';
    const code = res.primary.basic || res.primary.enhanced || head.code;
    const cls = classOf(res.primary.enhanced || code);
    let retry = null;
    if (head.kind === 'provider' && typeof it.retry === 'boolean') retry = it.retry;
    else if (cls === 4) retry = b ? b.retry : true;
    else if (cls === 5) retry = false;
    const fixFrom = exact && it.fix ? it : b && b.fix ? b : it;
    return {
      code: head.code,
      kind: head.kind,
      fallback: head.fallback,
      title: it.title,
      what: exact ? it.summary : (b ? b.summary : it.summary),
      who: (exact && it.who && it.who.length ? it.who : b ? b.who : it.who) || [],
      retry,
      fix: fixFrom.fix || '',
      fix_url: fixFrom.fix_url || fixFrom.url,
      url: it.url,
    };
  }

  return { findCodes, prepare, resolve, explain, verdict };
});
