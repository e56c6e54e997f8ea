// The first version's browser SDK, rebuilt request for request from what it
// sends (issue 14, ../../shared/seeds), on a small site of its own origin —
// so every request it makes to the stack is cross-origin, as on a customer's
// site:
//
// - the session id is kept in localStorage and reused while the visitor was
//   active within the last 30 minutes, also after the server finalized it;
// - /api/sessions/start: fetch, JSON with Content-Type application/json and
//   X-API-Key (a preflighted request);
// - /api/ingest: the same headers, no seq, `keepalive` while the page unloads;
//   a batch that fails (no answer or not 2xx) is put back in front of the
//   queue and sent again with the next flush;
// - /api/sessions/end: navigator.sendBeacon with an application/json Blob
//   (credentialed, preflighted), apiKey in the body; fallback keepalive fetch.
//
// The pages tap every event rrweb emits into localStorage synchronously (so
// events emitted while a page unloads are kept) for the test to compare
// with what the server stored.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildDirectory } from './stack.mjs';

/** The first version's SDK, as a classic script defining window.IncueraV1. */
export const V1_SDK = `
(function () {
  var SESSION_KEY = 'incuera_session_id';
  var ACTIVITY_KEY = 'incuera_last_activity';
  function IncueraV1(config) {
    this.apiKey = config.apiKey;
    this.apiHost = config.apiHost;
    this.batchSize = config.batchSize || 50;
    this.flushInterval = config.flushInterval || 10000;
    this.sessionTimeout = config.sessionTimeout || 30 * 60 * 1000;
    this.events = [];
    this.eventCount = 0;
  }
  IncueraV1.prototype.sessionIdFor = function () {
    var id = localStorage.getItem(SESSION_KEY);
    var last = Number(localStorage.getItem(ACTIVITY_KEY) || 0);
    if (!id || Date.now() - last > this.sessionTimeout) {
      id = 'session_' + Date.now() + '_' + Math.random().toString(36).slice(2, 11);
      localStorage.setItem(SESSION_KEY, id);
    }
    localStorage.setItem(ACTIVITY_KEY, String(Date.now()));
    return id;
  };
  IncueraV1.prototype.headers = function () {
    return { 'Content-Type': 'application/json', 'X-API-Key': this.apiKey };
  };
  IncueraV1.prototype.init = function () {
    var self = this;
    this.sessionId = this.sessionIdFor();
    fetch(this.apiHost + '/api/sessions/start', {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify({
        sessionId: this.sessionId,
        userId: null,
        userEmail: null,
        metadata: {
          url: location.href,
          referrer: document.referrer,
          userAgent: navigator.userAgent,
          screen: { width: screen.width, height: screen.height },
          viewport: { width: innerWidth, height: innerHeight },
          timestamp: Date.now(),
        },
      }),
    }).catch(function () {});
    rrweb.record({
      emit: function (event) {
        self.events.push(event);
        self.eventCount++;
        localStorage.setItem(ACTIVITY_KEY, String(Date.now()));
        if (window.onIncueraEvent) window.onIncueraEvent(self.sessionId, event);
        if (self.events.length >= self.batchSize) self.flush(false);
      },
    });
    setInterval(function () { self.flush(false); }, this.flushInterval);
    addEventListener('beforeunload', function () { self.flush(true); });
    addEventListener('pagehide', function () {
      self.flush(true);
      self.end();
    });
    return this;
  };
  IncueraV1.prototype.flush = function (unloading) {
    if (this.events.length === 0) return Promise.resolve();
    var self = this;
    var batch = this.events;
    this.events = [];
    return fetch(this.apiHost + '/api/ingest', {
      method: 'POST',
      headers: this.headers(),
      body: JSON.stringify({ sessionId: this.sessionId, events: batch, timestamp: Date.now() }),
      keepalive: unloading,
    })
      .then(function (res) {
        if (!res.ok) throw new Error('HTTP ' + res.status);
      })
      .catch(function () {
        self.events = batch.concat(self.events);
      });
  };
  IncueraV1.prototype.end = function () {
    var data = JSON.stringify({
      sessionId: this.sessionId,
      timestamp: Date.now(),
      reason: 'pagehide',
      finalEventCount: this.eventCount,
      apiKey: this.apiKey,
    });
    var url = this.apiHost + '/api/sessions/end';
    var queued = false;
    try {
      queued = navigator.sendBeacon(url, new Blob([data], { type: 'application/json' }));
    } catch (e) {}
    if (!queued) {
      fetch(url, { method: 'POST', keepalive: true, headers: this.headers(), body: data }).catch(function () {});
    }
  };
  window.IncueraV1 = IncueraV1;
})();
`;

// Taps each emitted event into localStorage, in order, with its session id.
const TAP = `
window.onIncueraEvent = function (sessionId, event) {
  var n = Number(localStorage.getItem('tap_count') || 0);
  localStorage.setItem('tap_' + n, JSON.stringify({ sessionId: sessionId, event: event }));
  localStorage.setItem('tap_count', String(n + 1));
};
`;

function page(n, config) {
  const items = Array.from({ length: 12 }, (_, i) => `<li><button id="b${i}">Item ${n}.${i}</button></li>`).join('');
  return `<!doctype html><html><head><meta charset="utf-8"><title>Page ${n}</title>
<script src="/rrweb.js"></script><script src="/v1sdk.js"></script>
<script>${TAP}</script></head><body><h1>Page ${n}</h1><ul>${items}</ul>
<a id="next" href="/page/${n + 1}">next</a>
<script>window.sdk = new IncueraV1(${JSON.stringify(config)}).init();
document.addEventListener('click', function (e) { if (e.target.tagName === 'BUTTON') e.target.textContent += ' *'; });</script>
</body></html>`;
}

/**
 * Serves the site on 127.0.0.1 (any free port) with the SDK recording into
 * `stack`. `config` adds SDK options (batchSize, flushInterval). Returns
 * { origin, url(n), close() }.
 */
export async function startV1Site(stack, config = {}) {
  const rrweb = readFileSync(join(buildDirectory(), 'libincuera/src/render/player/rrweb/rrweb.umd.min.cjs'));
  const sdkConfig = { apiKey: stack.ingestKey, apiHost: stack.url, ...config };
  const server = createServer((req, res) => {
    const path = new URL(req.url, 'http://x').pathname;
    const send = (type, body) => res.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-store' }).end(body);
    if (path === '/rrweb.js') return send('text/javascript', rrweb);
    if (path === '/v1sdk.js') return send('text/javascript', V1_SDK);
    const m = /^\/page\/(\d+)$/.exec(path);
    if (m) return send('text/html; charset=utf-8', page(Number(m[1]), sdkConfig));
    if (path === '/blank') return send('text/html; charset=utf-8', '<!doctype html><title>blank</title>');
    res.writeHead(404).end();
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const origin = `http://127.0.0.1:${server.address().port}`;
  return {
    origin,
    url: (n) => `${origin}/page/${n}`,
    /** What the pages' recorder emitted, in order: [{ sessionId, event }]. */
    async tapped(context) {
      const p = await context.newPage();
      try {
        await p.goto(`${origin}/blank`);
        return await p.evaluate(() => {
          const n = Number(localStorage.getItem('tap_count') || 0);
          return Array.from({ length: n }, (_, i) => JSON.parse(localStorage.getItem(`tap_${i}`)));
        });
      } finally {
        await p.close();
      }
    },
    close: () => new Promise((r) => server.close(r)),
  };
}
