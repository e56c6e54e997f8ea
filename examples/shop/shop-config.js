// Default configuration of the demo shop. A server that serves the shop may
// replace this file; `?key=…&host=…` in the URL overrides it (and is kept for
// the rest of the visit). An empty apiHost means "the origin serving this page".
window.INCUERA_CONFIG = window.INCUERA_CONFIG || { apiKey: '', apiHost: '' };
