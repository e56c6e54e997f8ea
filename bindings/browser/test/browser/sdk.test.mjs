// The SDK's IIFE bundle in real Chromium against the fake ingest server.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { startFakeServer, startPageServer } from './fake-server.mjs';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
let api, pages, browser;

before(async () => {
  api = await startFakeServer();
  const html = () => readFileSync(new URL('./pages/page.html', import.meta.url));
  pages = await startPageServer({
    '/a.html': { type: 'text/html', body: html },
    '/b.html': { type: 'text/html', body: html },
    '/data.json': { type: 'application/json', body: () => JSON.stringify({ token: 'resp-secret', items: [1, 2, 3] }) },
    '/sdk.js': { type: 'text/javascript', body: () => readFileSync(new URL('../../dist/incuera.iife.js', import.meta.url)) },
  });
  // playwright gives every launch a fresh temporary profile (--user-data-dir)
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});

after(async () => {
  await browser?.close();
  await api?.close();
  await pages?.close();
});

const pageUrl = (path, opts = {}) => `${pages.url}${path}?host=${encodeURIComponent(api.url)}&opts=${encodeURIComponent(JSON.stringify(opts))}`;

async function waitFor(what, fn, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function nodeId(node, match) {
  if (match(node)) return node.id;
  for (const c of node.childNodes ?? []) {
    const id = nodeId(c, match);
    if (id !== undefined) return id;
  }
  return undefined;
}

const of = (sessionId, path) => api.requests.filter((r) => r.path === path && (r.body?.sessionId === sessionId));
const okIngest = (sid) => of(sid, '/api/ingest').filter((r) => r.status === 200);
const allEvents = (sid) => okIngest(sid).flatMap((r) => r.body.events);

test('records a visit over two pages: start, gzip batches with seq, masking, errors, unload', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  // log, in a store that survives the navigation, the order the SDK hands requests to the browser
  await page.addInitScript(() => {
    const note = (path, body) => {
      let seq;
      try {
        seq = JSON.parse(body).seq;
      } catch {
        // a Blob (beacon) or gzip bytes: seq unknown
      }
      const calls = JSON.parse(localStorage.getItem('test_calls') || '[]');
      calls.push({ path: new URL(path).pathname, seq });
      localStorage.setItem('test_calls', JSON.stringify(calls));
    };
    const fetch0 = window.fetch;
    window.fetch = (url, init) => (note(url, init?.body), fetch0(url, init));
    const beacon0 = navigator.sendBeacon.bind(navigator);
    navigator.sendBeacon = (url, data) => (note(url, data), beacon0(url, data));
  });
  await page.goto(pageUrl('/a.html'));
  const sid = await page.evaluate(() => window.sdk.getSessionId());
  assert.match(sid, /^session_\d+_[0-9a-z]+$/);

  // start: header key, first-version fields
  const start = await waitFor('start', () => of(sid, '/api/sessions/start')[0]);
  assert.equal(start.headers['x-api-key'], 'test-key-123');
  assert.equal(start.headers['content-type'], 'application/json');
  const m = start.body.metadata;
  assert.ok(m.url.includes('/a.html'));
  for (const k of ['referrer', 'userAgent', 'timestamp']) assert.ok(k in m, k);
  assert.ok(m.screen.width > 0 && m.viewport.height > 0);

  // interact: typing into inputs (masked), masked text, an error, a console.error, a rejection
  await page.fill('#name', 'Alice Secretname');
  await page.type('#card', '4242424242424242');
  await page.type('#secret', 'hunter2pass');
  await page.type('#ignored', 'IGNOREDVALUE');
  await page.click('#add');
  await page.click('#boom');
  await page.click('#log');
  await page.click('#reject');

  await waitFor('ingest with the error', () => allEvents(sid).some((e) => e.type === 5 && e.data.tag === 'error'));
  await waitFor('console plugin event', () => allEvents(sid).some((e) => e.type === 6));
  await waitFor('rejection event', () => allEvents(sid).some((e) => e.type === 5 && e.data.tag === 'unhandledrejection'));

  const ingests = okIngest(sid);
  for (const r of ingests) {
    assert.equal(r.headers['x-api-key'], 'test-key-123');
    assert.equal(r.gzip, true, 'batches are gzip-compressed');
    assert.equal(typeof r.body.timestamp, 'number');
  }
  const seqs = ingests.map((r) => r.body.seq);
  assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'seq is 1, 2, 3, … in order');
  const events = allEvents(sid);
  const firstFull = events.findIndex((e) => e.type === 2);
  assert.equal(events[firstFull - 1].type, 4, 'meta, then a full snapshot');
  assert.ok(!events.slice(0, firstFull).some((e) => e.type === 3), 'nothing incremental before the snapshot');
  const text = JSON.stringify(events);
  for (const secret of ['Secretname', '4242424242', 'hunter2', 'IGNOREDVALUE', 'PRIVATE-TEXT-9931']) {
    assert.ok(!text.includes(secret), `${secret} must not be recorded`);
  }
  const ignoredId = nodeId(events[firstFull].data.node, (n) => n.attributes?.id === 'ignored');
  const inputs = events.filter((e) => e.type === 3 && e.data.source === 5);
  assert.ok(inputs.length > 0 && inputs.every((e) => /^\**$/.test(e.data.text)), 'input values are asterisks');
  assert.ok(!inputs.some((e) => e.data.id === ignoredId), 'ignoreSelector: no input events at all');
  const err = events.find((e) => e.type === 5 && e.data.tag === 'error').data.payload;
  assert.equal(err.message, 'Uncaught Error: boom from button');
  assert.ok(err.stack.includes('boom from button'));
  assert.ok(err.filename.includes('/a.html') && err.lineno > 0);
  const log = events.find((e) => e.type === 6).data;
  assert.equal(log.plugin, 'rrweb/console@1');
  assert.equal(log.payload.level, 'error');
  assert.equal(events.find((e) => e.data.tag === 'unhandledrejection').data.payload.message, 'rejected 7');

  // more activity that stays in the open batch, then navigate: pagehide sends the tail, then /end
  const lastSeqBefore = Math.max(...seqs);
  // in one task, so that no flush timer runs between the activity and the navigation
  await page.evaluate(() => {
    for (let i = 0; i < 5; i++) document.getElementById('list').insertAdjacentHTML('beforeend', '<li>tail</li>');
    document.getElementById('next').click();
  });
  await page.waitForURL(/b\.html/);

  const end = await waitFor('end', () => of(sid, '/api/sessions/end')[0]);
  assert.ok(end.headers['content-type'].startsWith('text/plain'));
  assert.equal(end.headers['x-api-key'], undefined, 'no custom header, no preflight');
  assert.equal(end.body.apiKey, 'test-key-123');
  assert.equal(end.body.reason, 'pagehide');
  assert.equal(api.requests.filter((r) => r.method === 'OPTIONS' && r.path === '/api/sessions/end').length, 0);
  const tail = await waitFor('tail', () => {
    const t = okIngest(sid).filter((r) => r.body.seq > lastSeqBefore && r.body.apiKey);
    return t.length && t;
  });
  assert.ok(tail[0].headers['content-type'].startsWith('text/plain'));
  assert.ok(JSON.stringify(tail.map((r) => r.body.events)).includes('tail'));
  // The browser sends both as it pleases; what the SDK controls is the order it hands them over.
  const calls = await page.evaluate(() => JSON.parse(localStorage.getItem('test_calls')));
  const endCall = calls.findIndex((c) => c.path === '/api/sessions/end');
  const tailCalls = calls.filter((c) => c.path === '/api/ingest' && c.seq > lastSeqBefore);
  assert.ok(tailCalls.length >= 1 && tailCalls.every((c) => calls.indexOf(c) < endCall), 'tail handed over before the end');

  // page 2: same session, numbering continues, new start with the new URL
  const sid2 = await page.evaluate(() => window.sdk.getSessionId());
  assert.equal(sid2, sid);
  await waitFor('second start', () => of(sid, '/api/sessions/start').find((r) => r.body.metadata.url.includes('/b.html')));
  await page.click('#add');
  const page2Batch = await waitFor('page 2 batch', () => okIngest(sid).find((r) => r.body.events.some((e) => e.type === 4 && e.data.href.includes('/b.html'))));
  const page1Batches = new Map(okIngest(sid).filter((r) => r.body.seq < page2Batch.body.seq).map((r) => [r.body.seq, r.body.events.length]));
  assert.equal(page2Batch.body.seq, Math.max(...page1Batches.keys()) + 1, 'page 2 continues the numbering');
  assert.equal(end.body.finalEventCount, [...page1Batches.values()].reduce((a, b) => a + b, 0), 'finalEventCount = events sent for this session');
  await context.close();
});

test('a 500 is retried with the same seq until it succeeds; a 400 is dropped, not retried', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pageUrl('/a.html'));
  const sid = await page.evaluate(() => window.sdk.getSessionId());
  await waitFor('first batch', () => okIngest(sid).length >= 1);

  api.failNextIngest(500, 503);
  await page.click('#add');
  const failed = await waitFor('500', () => of(sid, '/api/ingest').find((r) => r.status === 500));
  const retried = await waitFor('retry success', () => okIngest(sid).find((r) => r.body.seq === failed.body.seq));
  assert.ok(of(sid, '/api/ingest').some((r) => r.status === 503 && r.body.seq === failed.body.seq));
  assert.ok(retried.at - failed.at >= 100, 'backoff between attempts');
  assert.deepEqual(retried.body.events, failed.body.events);

  api.failNextIngest(400);
  await page.click('#add');
  const rejected = await waitFor('400', () => of(sid, '/api/ingest').find((r) => r.status === 400));
  await page.click('#add');
  // the SDK re-snapshots after losing a batch, then carries on with later seqs
  const later = await waitFor('later batch', () => okIngest(sid).find((r) => r.body.seq > rejected.body.seq && r.body.events.some((e) => e.type === 2)));
  assert.ok(later);
  await new Promise((r) => setTimeout(r, 1000));
  assert.equal(of(sid, '/api/ingest').filter((r) => r.body.seq === rejected.body.seq).length, 1, 'a 400 is not retried');
  await context.close();
});

test('heartbeat while visible; after the inactivity timeout a new session starts with a full snapshot', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pageUrl('/a.html', { heartbeatIntervalMs: 300, sessionTimeoutMs: 1500 }));
  const sid = await page.evaluate(() => window.sdk.getSessionId());
  const hb = await waitFor('heartbeat', () => of(sid, '/api/sessions/heartbeat')[0]);
  assert.equal(hb.headers['x-api-key'], 'test-key-123');
  assert.equal(typeof hb.body.timestamp, 'number');

  await new Promise((r) => setTimeout(r, 2000)); // idle past the timeout
  await page.click('#add');
  const sid2 = await page.evaluate(() => window.sdk.getSessionId());
  assert.notEqual(sid2, sid);
  await waitFor('new start', () => of(sid2, '/api/sessions/start')[0]);
  const first = await waitFor('new session batch', () => okIngest(sid2)[0]);
  assert.equal(first.body.seq, 1);
  assert.deepEqual(first.body.events.slice(0, 2).map((e) => e.type), [4, 2], 'meta + full snapshot first');
  const ts = first.body.events.map((e) => e.timestamp);
  assert.deepEqual(ts, [...ts].sort((a, b) => a - b), 'timestamps in order');
  // a reload of the new session keeps it
  await page.reload();
  assert.equal(await page.evaluate(() => window.sdk.getSessionId()), sid2);
  await context.close();
});

test('an error thrown while the page loads is recorded once rrweb starts', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pageUrl('/a.html') + '&early=1');
  const sid = await page.evaluate(() => window.sdk.getSessionId());
  const events = await waitFor('early error', () => {
    const ev = allEvents(sid);
    return ev.some((e) => e.type === 5 && e.data.tag === 'error') && ev;
  });
  const i = events.findIndex((e) => e.type === 5);
  assert.ok(events.findIndex((e) => e.type === 2) < i, 'after the first snapshot');
  assert.match(events[i].data.payload.message, /early boom/);
  await context.close();
});

test('the demo shop: one session over four pages, checkout fields masked, errors recorded', async () => {
  const { spawn } = await import('node:child_process');
  const shop = spawn(process.execPath, [new URL('../../../../examples/shop/serve.mjs', import.meta.url).pathname, '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const shopUrl = await new Promise((resolve, reject) => {
      shop.stdout.on('data', (d) => {
        const m = /http:\/\/\S+/.exec(String(d));
        if (m) resolve(m[0]);
      });
      shop.on('exit', reject);
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    page.on('pageerror', () => {}); // the Buy now button throws on purpose
    await page.goto(`${shopUrl}?key=test-key-123&host=${encodeURIComponent(api.url)}`);
    const sid = await page.evaluate(() => window.incuera.getSessionId());
    await page.click('button.add[data-id="mug"]');
    await page.click('a[href="product.html?id=tee"]');
    await page.fill('#qty', '2');
    await page.click('#add-to-cart');
    await page.click('#added a');
    await page.waitForURL(/cart\.html/);
    await page.click('#to-checkout');
    await page.waitForURL(/checkout\.html/);
    await page.type('#name', 'Jane Privatename');
    await page.type('#email', 'jane.private@example.org');
    await page.type('#card', '4000123412341234');
    await page.type('#expiry', '12/29');
    await page.type('#cvc', '987');
    await page.click('#buy-now');
    await page.fill('#card', '12');
    await page.click('#place-order');
    assert.equal(await page.evaluate(() => window.incuera.getSessionId()), sid);
    await waitFor('error and console events', () => {
      const ev = allEvents(sid);
      return ev.some((e) => e.type === 5 && e.data.tag === 'error') && ev.some((e) => e.type === 6);
    });
    const events = allEvents(sid);
    const text = JSON.stringify(events);
    // the CVC is quoted: three bare digits turn up inside timestamps
    for (const secret of ['Privatename', 'jane.private', '4000123412341234', '12/29', '"987"']) {
      assert.ok(!text.includes(secret), `${secret} must not be recorded`);
    }
    const hrefs = events.filter((e) => e.type === 4).map((e) => new URL(e.data.href).pathname);
    for (const p of ['/demo/', '/demo/product.html', '/demo/cart.html', '/demo/checkout.html']) assert.ok(hrefs.includes(p), p);
    const seqs = [...new Set(okIngest(sid).map((r) => r.body.seq))].sort((a, b) => a - b);
    assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'one numbering over all pages, no gaps');
    assert.match(events.find((e) => e.type === 5 && e.data.tag === 'error').data.payload.message, /Payment provider unavailable/);
    assert.ok(events.some((e) => e.type === 6 && e.data.payload.payload.join(' ').includes('card number rejected')));
    await context.close();
  } finally {
    shop.kill();
  }
});

test('hiding the tab flushes by the unload path without ending the session', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pageUrl('/a.html', { flushIntervalMs: 60_000 }));
  const sid = await page.evaluate(() => window.sdk.getSessionId());
  await waitFor('snapshot batch', () => okIngest(sid).length >= 1);
  await page.click('#add');
  await page.evaluate(() => {
    Object.defineProperty(document, 'visibilityState', { value: 'hidden', configurable: true });
    document.dispatchEvent(new Event('visibilitychange'));
  });
  const flushed = await waitFor('hide flush', () => okIngest(sid).find((r) => r.body.apiKey === 'test-key-123'));
  assert.ok(flushed.body.events.some((e) => e.type === 3));
  await new Promise((r) => setTimeout(r, 300));
  assert.equal(of(sid, '/api/sessions/end').length, 0, 'no end on a mere hide');
  await context.close();
});

test('a tail over the 64 KiB unload quota is kept and sent by the next page', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pageUrl('/a.html', { flushIntervalMs: 60_000, batchSize: 10_000 }));
  const sid = await page.evaluate(() => window.sdk.getSessionId());
  await waitFor('snapshot batch', () => okIngest(sid).length >= 1);
  await page.evaluate(() => {
    const li = document.createElement('li');
    li.textContent = 'BIGTAIL' + 'x'.repeat(150_000);
    document.getElementById('list').appendChild(li);
  });
  await new Promise((r) => setTimeout(r, 100)); // let the mutation be emitted
  await page.click('#next');
  await page.waitForURL(/b\.html/);
  await waitFor('end', () => of(sid, '/api/sessions/end')[0]);
  const big = await waitFor('big tail', () => okIngest(sid).find((r) => r.text.includes('BIGTAIL')));
  assert.equal(big.gzip, true, 'sent by page 2 through the normal path');
  const page2Meta = await waitFor('page 2 batch', () => okIngest(sid).find((r) => r.body.events.some((e) => e.type === 4 && e.data.href.includes('/b.html'))));
  assert.ok(big.body.seq < page2Meta.body.seq, 'keeps its seq from page 1');
  assert.equal(okIngest(sid).filter((r) => r.text.includes('BIGTAIL')).length, 1);
  await context.close();
});

test('nothing recorded while the server is down is lost', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pageUrl('/a.html', { retryBaseMs: 500 }));
  const sid = await page.evaluate(() => window.sdk.getSessionId());
  await waitFor('first batch', () => okIngest(sid).length >= 1);
  const outage = api.outage(4000);
  for (let i = 0; i < 8; i++) {
    await page.evaluate((n) => document.getElementById('list').insertAdjacentHTML('beforeend', `<li>during-outage-${n}</li>`), i);
    await new Promise((r) => setTimeout(r, 400));
  }
  await outage;
  await page.evaluate(() => document.getElementById('list').insertAdjacentHTML('beforeend', '<li>after-outage</li>'));
  await waitFor('after-outage batch', () => okIngest(sid).some((r) => r.text.includes('after-outage')), 30_000);
  const text = okIngest(sid).map((r) => r.text).join('');
  for (let i = 0; i < 8; i++) assert.ok(text.includes(`during-outage-${i}`), `event ${i} of the outage`);
  const seqs = [...new Set(okIngest(sid).map((r) => r.body.seq))].sort((a, b) => a - b);
  assert.deepEqual(seqs, seqs.map((_, i) => i + 1), 'no seq missing');
  await context.close();
});

test('a long outage overflows the bounded buffer: old batches go, a new snapshot follows every gap', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pageUrl('/a.html', { retryBaseMs: 300, batchSize: 10, maxBufferEvents: 40 }));
  const sid = await page.evaluate(() => window.sdk.getSessionId());
  await waitFor('first batch', () => okIngest(sid).length >= 1);
  const outage = api.outage(3000);
  for (let i = 0; i < 120; i++) {
    await page.evaluate((n) => document.getElementById('list').insertAdjacentHTML('beforeend', `<li>m-${n}</li>`), i);
  }
  const buffered = await page.evaluate(() => window.sdk.buffer.size);
  assert.ok(buffered <= 40 + 10, `buffer bounded (${buffered})`);
  await outage;
  await page.evaluate(() => document.getElementById('list').insertAdjacentHTML('beforeend', '<li>after-outage</li>'));
  await waitFor('after-outage batch', () => okIngest(sid).some((r) => r.text.includes('after-outage')), 30_000);
  const bySeq = new Map(okIngest(sid).map((r) => [r.body.seq, r.body.events]));
  const seqs = [...bySeq.keys()].sort((a, b) => a - b);
  const gaps = seqs.filter((s, i) => i > 0 && s !== seqs[i - 1] + 1);
  assert.ok(gaps.length >= 1, 'something was dropped');
  for (const s of gaps) assert.ok(bySeq.get(s).some((e) => e.type === 2), `batch ${s} after a gap starts from a full snapshot`);
  await context.close();
});

test('identify re-sends start with the user; sampleRate 0 records nothing', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pageUrl('/a.html'));
  const sid = await page.evaluate(() => window.sdk.getSessionId());
  await page.evaluate(() => window.sdk.identify('user-77', 'u77@example.com'));
  const start = await waitFor('identified start', () => of(sid, '/api/sessions/start').find((r) => r.body.userId === 'user-77'));
  assert.equal(start.body.userEmail, 'u77@example.com');
  await page.reload(); // the identity stays with the session
  await waitFor('start after reload', () => of(sid, '/api/sessions/start').filter((r) => r.body.userId === 'user-77').length >= 2);
  await context.close();

  const other = await browser.newContext();
  const p2 = await other.newPage();
  await p2.goto(pageUrl('/a.html', { sampleRate: 0 }));
  const sid2 = await p2.evaluate(() => window.sdk.getSessionId());
  await p2.click('#add');
  await new Promise((r) => setTimeout(r, 800));
  assert.equal(api.requests.filter((r) => r.body?.sessionId === sid2).length, 0);
  await other.close();
});

test('fetch and XHR are recorded as rrweb/network@1 events; headers and bodies only where allowed, masked', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.addInitScript(() => {
    window.testMaskRequest = (r) => (r.url.includes('drop-me') ? null : { ...r, url: r.url.replace(/token=[^&]*/, 'token=***') });
  });
  const network = { recordUrls: [`${pages.url}/data.json`], recordHeaders: ['content-type'], recordBodies: true, maxBodyLength: 20 };
  await page.goto(pageUrl('/a.html', { network }));
  await page.waitForFunction(() => window.sdk.getSessionId() && document.readyState === 'complete');
  const sid = await page.evaluate(() => window.sdk.getSessionId());
  await page.evaluate(async () => {
    await fetch('/data.json?token=abc', { method: 'POST', body: 'request-body-' + 'x'.repeat(40), headers: { 'Content-Type': 'text/plain', Authorization: 'Bearer no' } }).then((r) => r.text());
    await fetch('/missing?x=1');
    await fetch('/drop-me');
    await fetch('http://127.0.0.1:1/unreachable').catch(() => null);
    const ctl = new AbortController();
    const aborted = fetch('/data.json?slow', { signal: ctl.signal }).catch(() => null);
    ctl.abort();
    await aborted;
    await new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open('GET', '/a.html');
      x.onloadend = resolve;
      x.send();
    });
    await new Promise((resolve) => {
      const x = new XMLHttpRequest();
      x.open('GET', 'http://127.0.0.1:1/xhr-down');
      x.onloadend = resolve;
      x.send();
    });
  });
  const requests = () =>
    allEvents(sid)
      .filter((e) => e.type === 6 && e.data.plugin === 'rrweb/network@1')
      .flatMap((e) => e.data.payload.requests);
  const reqs = await waitFor('6 network requests recorded', () => (requests().length >= 6 ? requests() : null));
  const find = (part) => reqs.find((r) => r.url.includes(part));

  const data = find('/data.json?token');
  assert.equal(data.url, `${pages.url}/data.json?token=***`); // the masking hook ran
  assert.equal(data.method, 'POST');
  assert.equal(data.initiatorType, 'fetch');
  assert.equal(data.status, 200);
  assert.ok(data.endTime >= data.startTime && data.startTime > Date.now() - 60_000);
  assert.equal(data.requestBytes, 53);
  assert.deepEqual(data.requestHeaders, { 'content-type': 'text/plain' }); // Authorization not allowed
  assert.equal(data.requestBody, 'request-body-xxxxxxx… [33 more characters]');
  assert.match(data.responseBody, /^\{"token":"resp-secre… \[\d+ more characters\]$/);
  assert.equal(data.responseHeaders['content-type'], 'application/json');
  assert.equal(data.failed, undefined);

  const missing = find('/missing');
  assert.equal(missing.status, 404);
  assert.equal(missing.requestHeaders, undefined); // not an allowed URL: no headers, no bodies
  assert.equal(missing.responseBody, undefined);
  assert.equal(find('/drop-me'), undefined);
  assert.deepEqual([find('/unreachable').status, find('/unreachable').failed, find('/unreachable').error], [0, true, 'network error']);
  assert.deepEqual([find('?slow').failed, find('?slow').error], [true, 'aborted']);
  const xhr = find('/a.html');
  assert.deepEqual([xhr.initiatorType, xhr.method, xhr.status, xhr.failed], ['xmlhttprequest', 'GET', 200, undefined]);
  assert.ok(xhr.responseBytes > 500);
  assert.deepEqual([find('/xhr-down').status, find('/xhr-down').failed], [0, true]);
  assert.equal(reqs.length, 6);
  // the SDK's own requests to the server (start, ingest) are never recorded
  assert.equal(reqs.filter((r) => r.url.startsWith(api.url)).length, 0);
  await context.close();
});

test('network capture can be switched off', async () => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto(pageUrl('/a.html', { network: { enabled: false } }));
  await page.waitForFunction(() => document.readyState === 'complete');
  const sid = await page.evaluate(() => window.sdk.getSessionId());
  await page.evaluate(() => fetch('/data.json').then((r) => r.text()));
  await page.click('#add');
  await waitFor('events', () => allEvents(sid).some((e) => e.type === 3));
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(allEvents(sid).filter((e) => e.type === 6 && e.data.plugin === 'rrweb/network@1').length, 0);
  await context.close();
});
