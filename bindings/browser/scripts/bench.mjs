// SDK figures (for `make bench`), in Debian's Chromium against the fake ingest server:
//  - bundle size, min+gzip;
//  - main-thread time per 1 000 recorded events: the same scripted workload (input, then
//    1 000 script updates of the DOM) on the test page with and without the SDK, the
//    difference of the main thread's CPU time (CDP ThreadTime) / events recorded;
//  - bytes on the wire per minute of a scripted demo-shop session, with gzip (as sent)
//    and without (the decompressed JSON).
// BENCH_SECONDS (default 30) sets the shop session length, BENCH_RUNS (default 3) how
// many with/without pairs the main-thread figure is the median of. Prints a table;
// `--json` prints the figures as JSON instead. Needs `npm run build` first.
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { spawn } from 'node:child_process';
import { chromium } from 'playwright-core';
import { startFakeServer, startPageServer } from '../test/browser/fake-server.mjs';

const SECONDS = Number(process.env.BENCH_SECONDS || 30);
const RUNS = Number(process.env.BENCH_RUNS || 3);
const bundle = readFileSync('dist/incuera.iife.js');
const result = { bundle_min_bytes: bundle.length, bundle_min_gzip_bytes: gzipSync(bundle, { level: 9 }).length };

const api = await startFakeServer();
const html = () => readFileSync('test/browser/pages/page.html');
const pages = await startPageServer({ '/a.html': { type: 'text/html', body: html }, '/sdk.js': { type: 'text/javascript', body: () => bundle } });
const shop = spawn(process.execPath, ['../../examples/shop/serve.mjs', '--port', '0', '--sdk', 'dist/incuera.iife.js'], { stdio: ['ignore', 'pipe', 'inherit'] });
const shopUrl = await new Promise((resolve) => shop.stdout.on('data', (d) => /http:\/\/\S+/.test(String(d)) && resolve(/http:\/\/\S+/.exec(String(d))[0])));
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const ingested = (sid) => api.requests.filter((r) => r.path === '/api/ingest' && r.body?.sessionId === sid && r.status === 200);

async function workload(withSdk) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  const opts = encodeURIComponent(JSON.stringify({ flushIntervalMs: 1000 }));
  await page.goto(`${pages.url}/a.html?host=${encodeURIComponent(api.url)}&opts=${opts}${withSdk ? '' : '&nosdk'}`);
  await page.waitForTimeout(500);
  // ThreadTime: the main thread's CPU time, which other processes competing for the cores do not inflate
  const task = async () => (await cdp.send('Performance.getMetrics')).metrics.find((m) => m.name === 'ThreadTime').value;
  const t0 = await task();
  for (let i = 0; i < 200; i++) {
    await page.mouse.move(100 + (i % 50) * 10, 100 + (i % 7) * 20, { steps: 4 });
    if (i % 4 === 0) await page.click('#add');
    if (i % 10 === 0) await page.type('#name', 'ab');
  }
  // then a script updating the page in 1 000 separate tasks (one mutation event each), so
  // the recording cost outweighs the run-to-run noise of the page's own work
  await page.evaluate(
    () =>
      new Promise((done) => {
        const list = document.getElementById('list');
        const channel = new MessageChannel(); // unclamped, unlike nested setTimeout
        let n = 0;
        channel.port1.onmessage = () => {
          list.insertAdjacentHTML('beforeend', `<li>update ${n}</li>`);
          if (++n < 1000) channel.port2.postMessage(0);
          else setTimeout(done, 50);
        };
        channel.port2.postMessage(0);
      }),
  );
  const seconds = (await task()) - t0;
  const sid = withSdk ? await page.evaluate(() => window.sdk.getSessionId()) : null;
  await page.waitForTimeout(1500); // last flush
  const events = sid ? ingested(sid).reduce((n, r) => n + r.body.events.length, 0) : 0;
  await context.close();
  return { seconds, events };
}

// pairs of runs without and with the SDK; the median pair cost is the figure
const costs = [];
for (let i = 0; i < RUNS; i++) {
  const base = await workload(false);
  const rec = await workload(true);
  costs.push({ ms: ((rec.seconds - base.seconds) * 1000 * 1000) / rec.events, events: rec.events });
}
costs.sort((a, b) => a.ms - b.ms);
const median = costs[Math.floor(costs.length / 2)];
result.workload_events = median.events;
result.main_thread_ms_per_1000_events = Number(median.ms.toFixed(1));
result.main_thread_ms_per_1000_events_range = [Number(costs[0].ms.toFixed(1)), Number(costs.at(-1).ms.toFixed(1))];

// a shop visit of SECONDS seconds, over and over the same path
{
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  const page = await context.newPage();
  page.on('pageerror', () => {});
  await page.goto(`${shopUrl}?key=bench&host=${encodeURIComponent(api.url)}`);
  const sid = await page.evaluate(() => window.incuera.getSessionId());
  const end = Date.now() + SECONDS * 1000;
  while (Date.now() < end) {
    await page.goto(`${shopUrl}index.html`);
    await page.mouse.move(300, 300, { steps: 10 });
    await page.click('button.add[data-id="cap"]');
    await page.mouse.wheel(0, 400);
    await page.click('a[href="product.html?id=tee"]');
    await page.click('#add-to-cart');
    await page.click('#added a');
    await page.click('#to-checkout');
    await page.type('#name', 'Bench User', { delay: 30 });
    await page.type('#email', 'bench@example.org', { delay: 30 });
    await page.type('#card', '4000123412341234', { delay: 30 });
    await page.click('#buy-now');
  }
  await page.goto('about:blank');
  await new Promise((r) => setTimeout(r, 1000));
  const reqs = ingested(sid);
  const perMinute = (n) => Math.round((n * 60) / SECONDS);
  // Every request counts towards the wire, but a batch sent again by the next
  // page (kept at pagehide in case the unload request was lost) holds no new events.
  const firsts = new Map();
  for (const r of reqs) if (!firsts.has(r.body.seq)) firsts.set(r.body.seq, r);
  const wire = (list) => list.reduce((n, r) => n + r.wireBytes, 0);
  result.shop_seconds = SECONDS;
  result.shop_events = [...firsts.values()].reduce((n, r) => n + r.body.events.length, 0);
  result.wire_bytes_per_minute_gzip = perMinute(wire(reqs));
  result.wire_bytes_per_minute_plain = perMinute(reqs.reduce((n, r) => n + Buffer.byteLength(r.text), 0));
  result.resent_share_of_wire = Number((1 - wire([...firsts.values()]) / wire(reqs)).toFixed(3));
  await context.close();
}

await browser.close();
shop.kill();
await api.close();
await pages.close();
if (process.argv.includes('--json')) {
  console.log(JSON.stringify(result, null, 2));
} else {
  const kib = (n) => `${(n / 1024).toFixed(1)} KiB`;
  const r = result;
  console.log('Browser SDK (bindings/browser/scripts/bench.mjs, Debian Chromium headless)');
  console.log(`| bundle min | bundle min+gzip | main-thread ms / 1000 events (median of ${RUNS}, range) | shop events/min | wire/min gzip | wire/min plain | resent |`);
  console.log('|------------|-----------------|---------------------------------------------|-----------------|---------------|----------------|--------|');
  console.log(
    `| ${kib(r.bundle_min_bytes)} | ${kib(r.bundle_min_gzip_bytes)} | ${r.main_thread_ms_per_1000_events} (${r.main_thread_ms_per_1000_events_range.join('–')}), ${r.workload_events} events ` +
      `| ${Math.round((r.shop_events * 60) / r.shop_seconds)} | ${kib(r.wire_bytes_per_minute_gzip)} | ${kib(r.wire_bytes_per_minute_plain)} | ${(r.resent_share_of_wire * 100).toFixed(1)} % |`,
  );
}
