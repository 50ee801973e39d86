/* codesite front-end (contract: spec/FRONTEND.md): header search dropdown, search page, bounce
 * explainer form on the home page, 404 suggestion, copy-link buttons. Pages work without it; this only enhances.
 * No libraries; the only request is the same-origin search index. */
(() => {
  'use strict';

  const data = document.body.dataset;
  const $ = (id) => document.getElementById(id);

  /**
   * Localized string from data-l-* on <body>, with {name} slots filled in. With `n: 1` the
   * singular form (data-l-<key>-one) is used where the language has one ("1 result").
   */
  const t = (key, vars = {}) =>
    Object.keys(vars).reduce((s, k) => s.split(`{${k}}`).join(vars[k]),
      (vars.n === 1 && data[key + 'One']) || data[key] || '');

  function set(e, attrs) {
    for (const k in attrs) e.setAttribute(k, attrs[k]);
    return e;
  }

  /** New element; texts always go in as text, never as HTML. */
  function el(tag, cls, text, attrs) {
    const e = set(document.createElement(tag), attrs);
    if (cls) e.className = cls;
    if (text != null) e.textContent = text;
    return e;
  }

  const param = (name) => new URLSearchParams(location.search).get(name) || '';

  /** Sets one query parameter of the address without adding a history entry. */
  function setParam(name, value) {
    const u = new URL(location.href);
    if (value) u.searchParams.set(name, value); else u.searchParams.delete(name);
    history.replaceState(history.state, '', u.pathname + u.search + u.hash);
  }

  function debounce(fn, ms) {
    let timer;
    return (...args) => { clearTimeout(timer); timer = setTimeout(() => fn(...args), ms); };
  }

  // A visually hidden live region for short announcements. Inside <main>, so that all
  // content stays inside landmarks.
  const announcer = el('div', 'visually-hidden', null, { role: 'status', 'aria-live': 'polite' });
  (document.querySelector('main') || document.body).appendChild(announcer);
  function announce(msg) {
    announcer.textContent = ''; // so that the same message twice is announced twice
    setTimeout(() => { announcer.textContent = msg; }, 50);
  }

  // ---- Search index

  const indexes = {};

  /** Loads an index once (a failure may be retried) and prepares it for matching. */
  function loadIndex(url = data.searchIndex) {
    if (!indexes[url]) {
      indexes[url] = fetch(url, { credentials: 'same-origin' })
        .then((r) => { if (!r.ok) throw new Error(`${url}: HTTP ${r.status}`); return r.json(); })
        .then((list) => list.map(prepare));
      indexes[url].catch(() => { delete indexes[url]; });
    }
    return indexes[url];
  }

  // `codes` are what numeric queries compare with: "550", or "4.7.26", "5.7.26", "x.7.26".
  // `order` breaks ties: basic codes first, then enhanced ones, each numerically. Provider
  // pages sort just before the registry entry of their first code (/smtp/5.1.10/ is the
  // provider page, so it comes first).
  const providerOrder = (e) => {
    const m = /^\d\.(\d+)\.(\d+)$/.exec((e.concrete || [])[0] || '');
    return m ? 1e6 + m[1] * 1e3 + +m[2] - 0.5 : 3e6;
  };
  const lower = (s) => String(s || '').toLowerCase();
  const prepare = (e) => {
    const keywords = (e.keywords || []).map(lower);
    return {
      e,
      // A provider page matches every concrete code it claims; not the basic codes it comes
      // with, so that "550" is the 550 page.
      codes: e.kind === 'enhanced' ? [...(e.concrete || []), lower(e.registry)]
        : e.kind === 'provider' ? e.concrete || [] : [lower(e.code)],
      title: lower(e.title),
      summary: lower(e.summary),
      keywords,
      kw: keywords.join('\n'),
      alt: lower(e.alt),
      body: lower(e.body),
      order: e.kind === 'enhanced' ? 1e6 + e.subject * 1e3 + e.detail
        : e.kind === 'provider' ? providerOrder(e) : +e.code || 2e6,
    };
  };

  // How much a query word counts, by where it is found: the title most, keywords (synonyms,
  // what people type) nearly as much, the default language's title and keywords on other
  // languages' sites (`alt`), the summary, and the body least.
  const FIELDS = [['title', 10], ['kw', 9], ['alt', 6], ['summary', 5], ['body', 2]];

  /**
   * A query word and its stem: "throttling" → "throttl", "blacklisted" → "blacklist". Chinese
   * words lose a trailing modal particle: "邮箱满了" → "邮箱满".
   */
  function forms(w) {
    const zh = /^(\p{Script=Han}{2,})[了吗呢啊吧]$/u.exec(w);
    if (zh) return [w, zh[1]];
    const m = /^[a-z]{5,}?(ies|ing|ed|es|s)$/.exec(w);
    if (!m || w.length - m[1].length < 4) return [w];
    const stem = w.slice(0, -m[1].length);
    return m[1] === 'ies' ? [w, stem + 'y'] : [w, stem];
  }

  /**
   * Chinese has no spaces, so people's wording differs from the page's in small words:
   * "邮箱满" for "邮箱已满". A Chinese word of 3+ characters not found as typed still matches a
   * title or a single keyword that has all of its characters.
   */
  const HAN = /^\p{Script=Han}{3,}$/u;
  const hasChars = (text, w) => [...w].every((c) => text.includes(c));

  const NUMERIC = /^[\dx][\d.]*$/;

  /** Score of an entry for a numeric query (a code or its start), 0 if it does not match. */
  function codeScore(p, q) {
    if (p.codes.includes(q)) return 1000;
    if (p.codes.some((c) => c.startsWith(q))) return 500;
    // "7.26": subject.detail without the class (a leading 2, 4 or 5 is read as the class).
    if (/^[^245]/.test(q) && p.codes.includes('x.' + q)) return 500;
    return 0;
  }

  /**
   * Relevance of an entry: every query word must be found somewhere (a code, a field); each
   * adds the weight of the best field it is found in, and the whole query found as typed adds
   * a bonus (an exact keyword or title most). 0 means no match.
   */
  function score(p, q, terms) {
    let s = 0;
    for (const w of terms) {
      let best = p.codes.includes(w) ? 20 : 0;
      for (const f of forms(w)) {
        for (const [field, weight] of FIELDS) if (weight > best && p[field].includes(f)) best = weight;
        if (!best && HAN.test(f)) {
          if (hasChars(p.title, f)) best = 6;
          else if (p.keywords.some((k) => hasChars(k, f))) best = 5;
        }
      }
      if (!best) return 0;
      s += best;
    }
    // The whole query as typed: an exact title or keyword counts most (an earlier keyword, the
    // page's main sense, a little more); then where else the phrase appears, cumulatively, so
    // that among equal matches the page that talks about it most comes first.
    const k = p.keywords.indexOf(q);
    if (p.title === q) s += 30;
    else if (k >= 0) s += 30 - Math.min(k, 5);
    else if (p.title.includes(q)) s += 15;
    else if (p.kw.includes(q)) s += 12;
    else if (p.alt.includes(q)) s += 8;
    if (p.summary.includes(q)) s += 4;
    if (p.body.includes(q)) s += 2;
    return s;
  }

  const clean = (query) => query.trim().toLowerCase().replace(/^#/, '').replace(/\s+/g, ' ');

  /**
   * Entries matching a query, most relevant first. Codes: exact, then prefix ("5.7", "55").
   * Words: plain substrings (fine for Chinese, which has no spaces) of any field, ranked by
   * `score`. Short numbers ("5", "45") match codes only, not every text with that digit.
   */
  function search(index, query) {
    const q = clean(query);
    if (!q) return [];
    const terms = q.split(' ');
    const numeric = NUMERIC.test(q);
    const hits = [];
    for (const p of index) {
      let s = numeric ? codeScore(p, q) : 0;
      if (!s && !(numeric && q.length < 3)) s = score(p, q, terms);
      if (s > 0) hits.push({ s, p });
    }
    return hits.sort((a, b) => b.s - a.s || a.p.order - b.p.order).map((h) => h.p.e);
  }

  /**
   * The one entry whose code is exactly the query ("550", "5.7.26", "x.7.26"), if any. A
   * provider page owns the address of its codes (/smtp/5.1.10/), so it wins over the registry
   * entry that lists the same concrete code.
   */
  function exactCode(index, query) {
    const q = clean(query);
    if (!NUMERIC.test(q)) return null;
    const found = index.filter((p) => p.codes.includes(q));
    const own = found.filter((p) => p.e.kind === 'provider');
    if (own.length === 1) return own[0].e;
    return found.length === 1 ? found[0].e : null;
  }

  const badge = (code, kind) => el('span', `badge-mini badge-${kind}`, code);
  const KIND_OF_DIGIT = { 2: 'success', 3: 'intermediate', 4: 'transient', 5: 'permanent' };
  /** An entry's badges: one per concrete code of an enhanced entry, coloured by its class. */
  const badges = (e) => {
    const codes = e.kind === 'enhanced' && e.concrete ? e.concrete : [e.code];
    const out = [];
    codes.forEach((c, i) => { if (i) out.push(' '); out.push(badge(c, codes.length > 1 ? KIND_OF_DIGIT[c[0]] : e.class)); });
    return out;
  };

  // ---- Search dropdown (ARIA combobox) on the header and home page search fields.
  // Focus stays in the input; the active option is tracked with aria-activedescendant.
  // Enter without an active option submits the form to the search page, as without JS.

  function combobox(input) {
    const form = input.form;
    const label = form.querySelector(`label[for="${input.id}"]`);
    const list = el('ul', 'suggest', null, { id: input.id + '-list', role: 'listbox', 'aria-label': label ? label.textContent.trim() : '' });
    list.hidden = true;
    form.classList.add('has-suggest');
    form.appendChild(list);
    set(input, { role: 'combobox', 'aria-autocomplete': 'list', 'aria-controls': list.id, 'aria-expanded': 'false' });

    let results = [];
    let active = -1;
    const announceCount = debounce((n, q) => announce(n ? t('lResults', { n }) : t('lNoResults', { q })), 600);

    function setActive(i) {
      const opts = list.children;
      if (opts[active]) opts[active].setAttribute('aria-selected', 'false');
      active = i;
      if (opts[i]) {
        opts[i].setAttribute('aria-selected', 'true');
        input.setAttribute('aria-activedescendant', opts[i].id);
        opts[i].scrollIntoView({ block: 'nearest' });
      } else {
        input.removeAttribute('aria-activedescendant');
      }
    }

    function open(show) {
      if (!show) setActive(-1);
      list.hidden = !show;
      input.setAttribute('aria-expanded', String(show));
    }

    function render(entries) {
      setActive(-1);
      results = entries.slice(0, 8);
      list.textContent = '';
      results.forEach((e, i) => {
        const li = el('li', 'suggest-option', null, { id: `${list.id}-${i}`, role: 'option', 'aria-selected': 'false' });
        li.append(...badges(e), ' ', el('span', 'suggest-title', e.title));
        list.appendChild(li);
      });
      open(results.length > 0);
    }

    const go = (i) => { if (results[i]) location.href = results[i].url; };

    input.addEventListener('focus', () => loadIndex().catch(() => {}));
    input.addEventListener('input', () => {
      const q = input.value;
      if (!q.trim()) return render([]);
      loadIndex().then((index) => {
        if (input.value !== q) return; // typed on while the index loaded
        const found = search(index, q);
        render(found);
        announceCount(found.length, q.trim());
      }, () => render([]));
    });
    input.addEventListener('keydown', (ev) => {
      const n = results.length;
      if ((ev.key === 'ArrowDown' || ev.key === 'ArrowUp') && n) {
        ev.preventDefault();
        open(true);
        // Cycles through the options and the input itself (-1).
        let next = active + (ev.key === 'ArrowDown' ? 1 : -1);
        if (next >= n) next = -1;
        if (next < -1) next = n - 1;
        setActive(next);
      } else if (ev.key === 'Enter' && !list.hidden && active >= 0) {
        ev.preventDefault();
        go(active);
      } else if (ev.key === 'Enter' && active < 0 && NUMERIC.test(clean(input.value))) {
        // An exact code goes straight to its page; anything else to the search page.
        ev.preventDefault();
        const submit = () => form.submit();
        loadIndex().then((index) => {
          const e = exactCode(index, input.value);
          if (e) location.href = e.url; else submit();
        }, submit);
      } else if (ev.key === 'Escape' && !list.hidden) {
        ev.preventDefault(); // only when closing the list; otherwise Escape clears the field
        open(false);
      }
    });
    input.addEventListener('blur', () => open(false));
    list.addEventListener('mousedown', (ev) => ev.preventDefault()); // keep focus in the input
    list.addEventListener('click', (ev) => {
      const li = ev.target.closest('[role="option"]');
      if (li) go([...list.children].indexOf(li));
    });
    addEventListener('pageshow', () => open(false)); // back/forward cache
  }

  for (const id of ['site-q', 'home-q', 'not-found-q']) if ($(id) && $(id).form) combobox($(id));

  // ---- Search page

  (function searchPage() {
    const form = $('search-form'), input = $('search-q'), status = $('search-status'), out = $('search-results');
    if (!form || !input || !status || !out) return;
    // While typing, the count is announced after a pause rather than on every key.
    const setStatus = debounce((msg) => { status.textContent = msg; }, 400);

    // `how`: 'load' (the address's query), 'type' or 'submit'. An exact code submitted with
    // Enter opens its page (a shared /search/?q=550 link still lists the result).
    function run(how) {
      const typing = how !== 'load';
      const q = input.value;
      if (typing) setParam('q', q.trim());
      if (!q.trim()) { out.textContent = ''; setStatus(''); return; }
      loadIndex().then((index) => {
        if (input.value !== q) return;
        const exact = how === 'submit' && exactCode(index, q);
        if (exact) { location.replace(exact.url); return; }
        const found = search(index, q);
        out.textContent = '';
        for (const e of found) {
          const a = el('a', 'result', null, { href: e.url });
          const head = el('span', 'result-head');
          head.append(...badges(e), ' ', el('span', 'result-title', e.title));
          a.append(head, el('span', 'result-summary', e.summary));
          out.appendChild(el('li')).appendChild(a);
        }
        const msg = found.length ? t('lResults', { n: found.length }) : t('lNoResults', { q: q.trim() });
        if (typing) setStatus(msg); else status.textContent = msg;
      });
    }

    input.value = param('q');
    run('load');
    input.addEventListener('input', () => run('type'));
    form.addEventListener('submit', (ev) => { ev.preventDefault(); run('submit'); });
  })();

  // ---- Bounce explainer form on the home page. The explainer itself (/explain/) is
  // explain-core.js and explain.js; from here the text goes in the fragment of its address,
  // which browsers never send to a server.

  (function homeExplainForm() {
    const form = $('explain-form'), area = $('explain-text');
    if (!form || !area || $('explain-results')) return;
    form.addEventListener('submit', (ev) => {
      ev.preventDefault();
      location.href = form.action + (area.value.trim() ? '#text=' + encodeURIComponent(area.value) : '');
    });
  })();

  /** The entry of a code: basic by number; enhanced by concrete code, else by X.subject.detail. */
  function lookup(index, f) {
    const has = (c) => index.find((p) => p.e.kind === f.kind && p.codes.includes(c));
    const p = has(f.code) || (f.kind === 'enhanced' && has(f.code.replace(/^\w+/, 'x')));
    return p && p.e;
  }

  // ---- 404: no dead ends. A code in the address (/smtp/551/, /5.7.26, /smtp/5.7.999/) leads
  // to its page; a code the site does not know leads to the nearest thing it knows: the
  // registry entry with the same subject and detail, else the subject, else the class.

  /** decodeURIComponent that never throws (a stray % in a typed address). */
  function decode(s) {
    try { return decodeURIComponent(s); } catch (_) { return s; }
  }

  /** A label with {code} and {target} slots filled with text or elements. */
  function fill(template, slots) {
    return template.split(/(\{(?:code|target)\})/).map((part) => {
      const m = /^\{(code|target)\}$/.exec(part);
      return m ? slots[m[1]] : part;
    });
  }

  (function notFound() {
    const box = $('code-suggestion');
    if (!box) return;
    const path = decode(location.pathname);
    let m = /(?:^|[^\d.])([245x])\.(\d{1,3})\.(\d{1,3})(?![\d.])/i.exec(path);
    let f = m && { kind: 'enhanced', cls: m[1].toLowerCase(), subject: +m[2], detail: +m[3] };
    if (f) f.code = `${f.cls}.${f.subject}.${f.detail}`;
    if (!f && (m = /(?:^|[^\d.])([2-5]\d\d)(?![\d.])/.exec(path))) f = { kind: 'basic', cls: m[1][0], code: m[1] };
    if (!f) return;
    // GitHub Pages serves the root 404 page for every missing address; under another
    // language's prefix (/zh/…, found from the language switch) use that language's pages.
    let home = data.home;
    if (data.home + 'search-index.json' === data.searchIndex) {
      for (const a of document.querySelectorAll('.lang-switch a[href$="404.html"]')) {
        const h = a.getAttribute('href').replace(/404\.html$/, '');
        if (h.length > home.length && path.startsWith(h)) home = h;
      }
    }
    const local = (href) => (href.startsWith(data.home) ? home + href.slice(data.home.length) : href);
    const fallbacks = $('code-fallbacks');
    const section = (attr, digit) => {
      const a = fallbacks && fallbacks.content.querySelector(`a[data-${attr}="${digit}"]`);
      return a && { url: local(a.getAttribute('href')), name: a.textContent };
    };
    const shown = f.cls === 'x' ? f.code.toUpperCase() : f.code;
    function show(label, target) {
      box.replaceChildren(...fill(label, { code: shown, target: el('a', null, target.name, { href: target.url }) }));
      box.hidden = false;
    }
    loadIndex(home + 'search-index.json').then((index) => {
      const entries = index.map((p) => p.e);
      const exact = entries.find((e) => (f.kind === 'basic'
        ? e.kind === 'basic' && e.code === f.code
        : e.kind === 'provider' && (e.concrete || []).includes(f.code)));
      if (exact) return show(t('lSuggest').replace('{code}', '{target}'), { url: exact.url, name: shown });
      if (f.kind === 'enhanced') {
        const entry = entries.find((e) => e.kind === 'enhanced' && e.subject === f.subject && e.detail === f.detail);
        // The registry entry is the page for every class of it: 4.7.26 is on X.7.26's page.
        if (entry && (f.cls === 'x' || (entry.concrete || []).includes(f.code))) {
          return show(t('lSuggest').replace('{code}', '{target}'), { url: entry.url, name: shown });
        }
        if (entry) return show(box.dataset.lEntry, { url: entry.url, name: `${entry.registry} ${entry.title}` });
        const subject = section('subject', f.subject);
        if (subject) return show(box.dataset.lSubject, subject);
      }
      const cls = f.cls !== 'x' && section('class', f.cls);
      if (cls) show(box.dataset.lClass, cls);
    }, () => {});
  })();

  // ---- Copy-link buttons on section headings

  function icon(d) {
    const ns = 'http://www.w3.org/2000/svg';
    const svg = set(document.createElementNS(ns, 'svg'), { viewBox: '0 0 24 24', 'aria-hidden': 'true' });
    svg.appendChild(set(document.createElementNS(ns, 'path'), { d }));
    return svg;
  }
  const LINK = 'M10 14a4 4 0 0 0 5.7 0l3-3a4 4 0 0 0-5.7-5.7l-1.2 1.2M14 10a4 4 0 0 0-5.7 0l-3 3a4 4 0 0 0 5.7 5.7l1.2-1.2';
  const CHECK = 'M5 12.5l4.5 4.5L19 7.5';

  // The button sits after its heading, not inside it, so the heading's accessible name stays
  // "How to fix" and not "How to fix Copy link". It is left out of the tab order: one stop per
  // section would bury the content under buttons, and the contents list near the top already
  // gives keyboard users a link to every section.
  for (const h of document.querySelectorAll('main h2[id]')) {
    const label = t('lCopy').replace('{section}', h.textContent.trim());
    const btn = el('button', 'copy-link', null, { type: 'button', title: label, 'aria-label': label, tabindex: '-1' });
    btn.appendChild(icon(LINK));
    let timer;
    btn.addEventListener('click', () => {
      const url = location.href.split('#')[0] + '#' + h.id;
      // The clipboard API needs a secure context; elsewhere the link goes in the address bar.
      const copy = navigator.clipboard ? navigator.clipboard.writeText(url) : Promise.reject();
      copy.then(() => {
        btn.classList.add('is-copied');
        btn.replaceChildren(icon(CHECK));
        announce(t('lCopied'));
        clearTimeout(timer);
        timer = setTimeout(() => { btn.classList.remove('is-copied'); btn.replaceChildren(icon(LINK)); }, 2000);
      }, () => history.replaceState(history.state, '', '#' + h.id));
    });
    const row = el('div', 'section-head');
    h.replaceWith(row);
    row.append(h, btn);
  }
})();
