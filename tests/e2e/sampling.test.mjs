// A project's sample_rate, applied by the server in real Chromium: at 0 our
// SDK is told at /start that the visit is left out, stops recording it and
// sends nothing more, on this page or the next; the first version's SDK,
// which ignores that answer, has each batch refused with a 200, so it never
// re-sends; nothing is stored. At 1 every emitted event is stored once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, waitFor, withStack } from './lib/stack.mjs';
import { startShop, tapRecorder, wander } from './lib/shop.mjs';
import { startV1Site } from './lib/v1site.mjs';
import { assertEachStoredOnce, keepEveryVisit, visitParts } from './lib/session.mjs';

async function setSampleRate(stack, rate) {
  const login = await fetch(`${stack.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: stack.adminEmail, password: stack.adminPassword }),
  });
  const { token } = await login.json();
  const res = await fetch(`${stack.url}/api/projects/${stack.projectSlug}`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ settings: { sample_rate: rate } }),
  });
  assert.equal(res.status, 200, await res.text());
}

/** Every request `page`s of `context` send to the server, with the answer's status and JSON. */
function watchIngest(context, stack) {
  const seen = [];
  context.on('response', async (res) => {
    if (!res.url().startsWith(stack.url)) return;
    const entry = { path: new URL(res.url()).pathname, method: res.request().method(), status: res.status() };
    seen.push(entry);
    entry.body = await res.json().catch(() => null);
  });
  context.on('requestfailed', (req) => {
    if (req.url().startsWith(stack.url)) seen.push({ path: new URL(req.url()).pathname, failed: req.failure()?.errorText });
  });
  return seen;
}

const ready = (page) => page.waitForFunction(() => window.incuera && document.readyState === 'complete');
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const posts = (seen, path) => seen.filter((r) => r.path === path && r.method === 'POST');

const METRICS_TOKEN = 'metrics-token-for-the-sampling-suite';

async function metric(stack, name) {
  const res = await fetch(`${stack.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } });
  const text = await res.text();
  const m = new RegExp(`^${name} (\\d+)$`, 'm').exec(text);
  return m ? Number(m[1]) : NaN;
}

test('at sample_rate 0 our SDK stops at the start answer, sends nothing more on any page, and nothing is stored', async () => {
  await withStack({ env: { METRICS_TOKEN } }, async (stack) => {
    await setSampleRate(stack, 0);
    const shop = await startShop(stack);
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      const seen = watchIngest(context, stack);
      const errors = [];
      const page = await context.newPage();
      page.on('pageerror', (e) => errors.push(String(e)));
      // The page's own errors and failed requests to the server; the shop's
      // missing favicon is not the SDK's.
      page.on('console', (m) => m.type() === 'error' && m.location().url?.startsWith(stack.url) && errors.push(m.text()));
      await page.goto(shop.entry);
      await ready(page);
      const start = await waitFor(() => posts(seen, '/api/sessions/start').find((r) => r.body), 10_000, 'the start answer');
      assert.equal(start.status, 200);
      assert.equal(start.body.sampled, false);
      assert.equal(start.body.success, true);
      await wander(page, 8);
      await page.click('a[href="product.html?id=bag"]');
      await page.waitForURL(/product\.html/);
      await ready(page);
      await wander(page, 8);
      await sleep(12_000); // past the SDK's 10 s flush and its retry backoff
      const sessionId = await page.evaluate(() => window.incuera.getSessionId());
      await page.close({ runBeforeUnload: true });
      await sleep(500);

      // One start, on the first page only; a batch or two that raced its
      // answer, each answered 200 and never re-sent; no heartbeat, no end.
      assert.equal(posts(seen, '/api/sessions/start').length, 1, JSON.stringify(seen));
      const batches = posts(seen, '/api/ingest');
      assert.ok(batches.length <= 2, `batches after the start answer: ${JSON.stringify(batches)}`);
      for (const b of batches) assert.deepEqual([b.status, b.body?.sampled, b.body?.stored], [200, false, false]);
      assert.equal(posts(seen, '/api/sessions/end').length + posts(seen, '/api/sessions/heartbeat').length, 0);
      assert.deepEqual(seen.filter((r) => r.failed || (r.status && r.status >= 300)), []);
      assert.deepEqual(errors, []);
      assert.deepEqual(await visitParts(stack, sessionId), []);
      assert.equal((await stack.json('/api/sessions')).sessions.length, 0);
      // The server counts every refused batch; the page's request log may miss
      // the one each navigation cuts off (its keepalive request outlives the
      // page): two here, leaving page 1 and page 2.
      const unloads = 2;
      const refused = await metric(stack, 'incuera_unsampled_batches_total');
      assert.ok(refused >= batches.length && refused <= batches.length + unloads, `${refused} refused, ${batches.length} seen`);
      await context.close();
    } finally {
      await browser.close();
      shop.close();
    }
  });
});

test("at sample_rate 0 the first version's SDK, which ignores the answer, has every batch refused once with a 200", async () => {
  await withStack({ env: { METRICS_TOKEN } }, async (stack) => {
    await setSampleRate(stack, 0);
    const site = await startV1Site(stack, { batchSize: 4, flushInterval: 1000 });
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      const seen = watchIngest(context, stack);
      const page = await context.newPage();
      await page.goto(site.url(1));
      for (let i = 0; i < 6; i++) await page.click('#b1');
      await page.goto(site.url(2));
      for (let i = 0; i < 6; i++) await page.click('#b2');
      await sleep(4_000);
      await page.goto(`${site.origin}/blank`);
      await sleep(1_000);

      const batches = posts(seen, '/api/ingest');
      assert.ok(batches.length >= 2, `the old SDK kept sending: ${batches.length} batches`);
      for (const b of batches) assert.equal(b.status, 200);
      // Each batch once: a re-sent batch carries the same events again.
      const tapped = await site.tapped(context);
      assert.ok(batches.length <= Math.ceil(tapped.length / 4) + 4, `${batches.length} requests for ${tapped.length} events`);
      assert.equal((await stack.json('/api/sessions')).sessions.length, 0);
      // The server counts every refused batch; the page's request log may miss
      // the one each navigation cuts off (its keepalive request outlives the
      // page): two here, leaving page 1 and page 2.
      const unloads = 2;
      const refused = await metric(stack, 'incuera_unsampled_batches_total');
      assert.ok(refused >= batches.length && refused <= batches.length + unloads, `${refused} refused, ${batches.length} seen`);
      await context.close();
    } finally {
      await browser.close();
      await site.close();
    }
  });
});

test('at sample_rate 1 every event our SDK emits is stored once', async () => {
  await withStack({}, async (stack) => {
    await keepEveryVisit(stack);
    await setSampleRate(stack, 1);
    const shop = await startShop(stack);
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      const tap = await tapRecorder(context, shop);
      const page = await context.newPage();
      await page.goto(shop.entry);
      await ready(page);
      await wander(page, 6);
      const sessionId = await page.evaluate(() => window.incuera.getSessionId());
      await page.close({ runBeforeUnload: true });
      const emitted = (await tap.read()).map((t) => t.event);
      const stored = await waitFor(async () => {
        const parts = await visitParts(stack, sessionId);
        const events = [];
        for (const p of parts) events.push(...(await stack.json(`/api/sessions/${p.id}/events`)));
        return events.length >= emitted.length && events;
      }, 20_000, 'every event to be stored');
      assertEachStoredOnce(stored, emitted);
      await context.close();
    } finally {
      await browser.close();
      shop.close();
    }
  });
});
