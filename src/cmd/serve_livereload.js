// Injected by `codesite serve` only. Long-polls the server with this page's path and the token of
// the bytes it was served: reloads as soon as a rebuild changed this page (and only then), and
// shows the build error as an overlay while the last good site stays on screen.
(function () {
  'use strict';
  var me = document.currentScript;
  // The token of the bytes this page was served with: a rebuild that ends while the page loads
  // still reloads it.
  var page = (me && me.dataset.page) || '';
  var where = '?path=' + encodeURIComponent(location.pathname) + '&page=' + encodeURIComponent(page);
  var seq = '';
  function overlay(text) {
    var el = document.getElementById('codesite-overlay');
    if (!text) { if (el) el.remove(); return; }
    if (!document.getElementById('codesite-overlay-css')) {
      var link = document.createElement('link');
      link.id = 'codesite-overlay-css'; link.rel = 'stylesheet'; link.href = '/__codesite/overlay.css';
      document.head.appendChild(link);
    }
    if (!el) {
      el = document.createElement('div');
      el.id = 'codesite-overlay'; el.setAttribute('role', 'alert');
      var h = document.createElement('h2'); h.textContent = 'Build failed: showing the last good version';
      var close = document.createElement('button'); close.type = 'button'; close.textContent = 'Close';
      close.addEventListener('click', function () { el.hidden = true; });
      el.appendChild(h); el.appendChild(close); el.appendChild(document.createElement('pre'));
      document.body.appendChild(el);
    }
    var pre = el.querySelector('pre');
    if (pre.textContent !== text) { pre.textContent = text; el.hidden = false; }
  }
  function poll() {
    // The server holds the request until something changes (or 10 s pass).
    fetch('/__codesite/status' + where + (seq === '' ? '' : '&since=' + seq), { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        // No token (a path the server cannot look up) never means reload: that would loop.
        if (typeof s.page === 'string' && s.page !== page) { location.reload(); return; }
        seq = s.seq;
        overlay(s.error);
        setTimeout(poll, 0);
      })
      // Server stopped or restarting: try again later, without hammering it.
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
