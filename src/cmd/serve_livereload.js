// Injected by `codesite serve` only. Polls the server; reloads after a successful rebuild and
// shows the build error as an overlay while the last good site stays on screen.
(function () {
  'use strict';
  var seen = null;
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
    fetch('/__codesite/status', { cache: 'no-store' })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        if (seen === null) seen = s.version;
        else if (s.version !== seen) { location.reload(); return; }
        overlay(s.error);
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 500); });
  }
  poll();
})();
