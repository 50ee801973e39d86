/* Redirect pages (aliases, reverse pairs, concrete codes, provider ranges): go to the target
 * and keep the query and the #fragment, which a meta refresh drops. The meta refresh inside
 * <noscript> is the fallback without JavaScript. */
(() => {
  'use strict';
  const a = document.getElementById('redirect-target');
  if (!a) return;
  const to = new URL(a.getAttribute('href'), location.href);
  // The target's own query wins over the old one; redirect targets have none today.
  if (!to.search) to.search = location.search;
  to.hash = location.hash;
  location.replace(to.href);
})();
