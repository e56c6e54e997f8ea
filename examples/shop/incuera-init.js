// Starts the Incuera SDK (loaded just before from /sdk.js) with the shop's config:
// URL query (?key=…&host=…) → remembered for this tab → window.INCUERA_CONFIG.
(function () {
  var q = new URLSearchParams(location.search);
  var saved = {};
  try {
    saved = JSON.parse(sessionStorage.getItem('shop_incuera_config') || '{}');
  } catch (e) {
    saved = {};
  }
  var defaults = window.INCUERA_CONFIG || {};
  var config = {
    apiKey: q.get('key') || saved.apiKey || defaults.apiKey || '',
    apiHost: q.get('host') || saved.apiHost || defaults.apiHost || '',
  };
  try {
    sessionStorage.setItem('shop_incuera_config', JSON.stringify(config));
  } catch (e) {
    /* storage disabled: the query has to be repeated */
  }
  if (!window.Incuera || !config.apiKey) {
    document.addEventListener('DOMContentLoaded', function () {
      var note = document.createElement('p');
      note.className = 'banner';
      note.textContent = !window.Incuera
        ? 'Recording off: /sdk.js did not load.'
        : 'Recording off: open this page with ?key=<API key>[&host=<server>].';
      document.body.prepend(note);
    });
    return;
  }
  // the customer's email, known once they have ordered
  var user = localStorage.getItem('shop_user') || undefined;
  window.incuera = new window.Incuera({
    apiKey: config.apiKey,
    apiHost: config.apiHost,
    userId: user,
    userEmail: user,
    // text shown back to the customer on checkout is personal too
    maskTextSelector: '[data-private], .private',
    debug: q.has('debug'),
  }).init();
})();
