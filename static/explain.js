/* codesite bounce explainer page (/explain/): reads the text, asks the engine in explain-core.js
 * and shows the verdict card and the other codes. Loaded on this page only.
 *
 * Privacy: the text stays in the browser. A shareable link keeps it in the fragment
 * (/explain/#text=…), which browsers never send to a server; an old ?text= link still works
 * and its text is moved into the fragment at once. */
(() => {
  'use strict';

  const $ = (id) => document.getElementById(id);
  const form = $('explain-form'), area = $('explain-text'), status = $('explain-status'), out = $('explain-results');
  const core = window.ExplainCore;
  if (!form || !area || !status || !out || !core) return;
  const L = out.dataset;
  const B = document.body.dataset;

  /** A label with {name} slots filled. */
  const t = (s, vars = {}) => Object.keys(vars).reduce((acc, k) => acc.split(`{${k}}`).join(vars[k]), s || '');

  /** New element; texts always go in as text, never as HTML. */
  function el(tag, cls, text, attrs = {}) {
    const e = document.createElement(tag);
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  let index = null;
  function loadIndex() {
    if (!index) {
      index = fetch(L.index, { credentials: 'same-origin' })
        .then((r) => { if (!r.ok) throw new Error(`${L.index}: HTTP ${r.status}`); return r.json(); })
        .then(core.prepare);
      index.catch(() => { index = null; });
    }
    return index;
  }

  const firstSentence = (s) => { const m = /^.*?(?:[.!?](?=\s|$)|[。！？])/.exec(s || ''); return m ? m[0] : s || ''; };
  const CLASS_KIND = { 2: 'success', 3: 'intermediate', 4: 'transient', 5: 'permanent' };
  const kindLabel = (k) => (k === 'basic' ? B.lBasic : k === 'provider' ? L.lKindProvider : B.lEnhanced);

  /** The note saying which nearest entry stands in for an unknown code. */
  function fallbackNote(r) {
    if (!r.fallback) return null;
    const key = { entry: 'lFallbackEntry', subject: 'lFallbackSubject', class: 'lFallbackClass' }[r.fallback];
    const entry = r.fallback === 'entry' ? r.item.code : `${r.item.code} ${r.item.title}`;
    return el('p', 'explain-fallback', t(L[key], { code: r.code, entry }));
  }

  function verdictCard(idx, res) {
    const v = core.verdict(idx, res);
    const head = res.results[0];
    const card = el('section', 'explain-verdict', null, { 'data-code': head.code, 'data-kind': head.kind, 'aria-labelledby': 'explain-verdict-title' });
    const h = card.appendChild(el('h2', null, null, { id: 'explain-verdict-title' }));
    const shown = [res.primary.basic, res.primary.enhanced].filter(Boolean).join(' ') || head.code;
    h.append(L.lVerdict + (L.lColon || ": "), el('code', `badge-mini badge-${CLASS_KIND[shown[0]] || 'permanent'}`, shown), ' ', el('a', null, v.title, { href: v.url }));
    if (head.kind === 'provider' && head.item.providers && head.item.providers.length) {
      card.appendChild(el('p', 'explain-provider', t(L.lProvider, { providers: head.item.providers.join(L.lListSep) })));
    }
    const note = fallbackNote(head);
    if (note) card.appendChild(note);
    const dl = card.appendChild(el('dl', 'verdict-facts'));
    const row = (label, cls, content) => {
      dl.appendChild(el('dt', null, label));
      const dd = dl.appendChild(el('dd', cls));
      dd.append(...[].concat(content));
    };
    row(L.lWhat, 'verdict-what', firstSentence(v.what));
    const who = (v.who || []).map((id) => (idx.data.labels && idx.data.labels.who[id]) || id);
    if (who.length) row(L.lWho, 'verdict-who', who.join(L.lListSep));
    row(L.lRetry, 'verdict-retry', v.retry === true ? L.lRetryYes : v.retry === false ? L.lRetryNo : L.lRetryNone);
    const fix = [];
    // No space after a full-width full stop ("。"), one after a Latin one.
    if (v.fix) fix.push(el('span', 'verdict-fix-line', v.fix), /[\u3000-\u30ff\u4e00-\u9fff\uff00-\uffef]$/.test(v.fix) ? '' : ' ');
    fix.push(el('a', 'verdict-fix-link', t(L.lFixLink, { code: head.item.code || head.code }), { href: v.fix_url }));
    row(L.lFix, 'verdict-fix', fix);
    return card;
  }

  function codeCard(r) {
    const li = el('li', 'explain-item' + (r.fallback ? ' explain-fallback-item' : ''), null, { 'data-code': r.code, 'data-kind': r.kind });
    const head = li.appendChild(el('p', 'explain-head'));
    head.append(el('code', `explain-code badge-mini badge-${CLASS_KIND[r.code[0]] || 'permanent'}`, r.code), ' ', el('span', 'explain-kind', kindLabel(r.kind)));
    const note = fallbackNote(r);
    if (note) li.appendChild(note);
    const title = li.appendChild(el('p', 'explain-title'));
    // Names the page the link goes to ("X.7.0" for 4.7.0).
    if (r.item.code && r.item.code !== r.code && r.fallback !== 'entry') title.append(el('span', 'explain-registry', r.item.code), ' ');
    title.appendChild(el('a', null, r.item.title, { href: r.item.fix_url || r.item.url }));
    li.appendChild(el('p', 'explain-summary', firstSentence(r.item.summary)));
    return li;
  }

  /** The address of this explanation: the text in the fragment only. */
  const shareUrl = (text) => `${location.pathname}#text=${encodeURIComponent(text)}`;

  let run = 0;
  function explain(text) {
    const mine = ++run;
    out.replaceChildren();
    status.textContent = '';
    if (!text.trim()) return;
    loadIndex().then((idx) => {
      if (mine !== run) return; // a newer request started while the index loaded
      const res = core.explain(idx, text);
      if (!res.results.length) { status.textContent = B.lExplainNone; return; }
      out.appendChild(verdictCard(idx, res));
      const rest = res.results.slice(1);
      if (rest.length) {
        out.appendChild(el('h2', 'explain-others', L.lOthers, { id: 'explain-others' }));
        const ul = out.appendChild(el('ul', 'explain-list'));
        for (const r of rest) ul.appendChild(codeCard(r));
      }
      if (res.successes.length) out.appendChild(el('p', 'explain-successes', t(L.lSuccesses, { codes: res.successes.join(L.lListSep) })));
      const share = out.appendChild(el('p', 'explain-share'));
      share.append(el('a', null, L.lShare, { href: shareUrl(text) }), L.lColon || ': ', el('span', 'explain-share-note', L.lShareNote));
      status.textContent = t(B.lExplainFound, { n: res.results.length });
    }, () => { if (mine === run) status.textContent = B.lExplainNone; });
  }

  /** The text of the address: the fragment, else an old ?text= link (then moved into the fragment). */
  function fromAddress() {
    const hash = new URLSearchParams(location.hash.slice(1)).get('text');
    if (hash != null) return hash;
    const query = new URLSearchParams(location.search).get('text');
    if (query != null) {
      const u = new URLSearchParams(location.search);
      u.delete('text');
      const q = u.toString();
      history.replaceState(history.state, '', location.pathname + (q ? `?${q}` : '') + (query ? `#text=${encodeURIComponent(query)}` : ''));
      return query;
    }
    return null;
  }

  function load() {
    const text = fromAddress();
    if (text == null) return;
    area.value = text;
    explain(text);
  }

  load();
  addEventListener('hashchange', load);
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const text = area.value;
    history.replaceState(history.state, '', text.trim() ? shareUrl(text) : location.pathname);
    explain(text);
  });
})();
