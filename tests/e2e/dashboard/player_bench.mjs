// make bench: a generated 1-hour session of ≥ 50 MB of event JSON, stored
// through the real ingest API, opened on the dashboard's session page in
// Debian's headless Chromium. Prints the time to the replay's first frame
// (from navigation start), the longest long task (PerformanceObserver
// 'longtask') while the session loads, and the tab's peak memory (the
// renderer's VmHWM and the peak JS heap), and what the first frame waited for
// (each request before it, from the Resource Timing API: when it started and
// ended). Targets: first frame < 1 s, no long task over 200 ms. With
// BENCH_TRACE=1 the tab is traced too (which slows it a little) and each
// long task is explained: the chain of trace events that took its time
// (long_tasks.mjs).
// Usage: node tests/e2e/dashboard/player_bench.mjs BUILD_DIR
import { readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { ingestPost } from '../lib/session.mjs';
import { anchorMark, explainLongTasks, traceCategories } from './long_tasks.mjs';
import { launchBrowser, startStack, waitFor } from '../lib/stack.mjs';

const HOUR_S = 3600;
const ROWS = 200;
const BATCH_EVENTS = 40;
const MIN_BYTES = 50 * 1024 * 1024;

// Text of a table row rewritten every second: varied words, ~14 KB.
const words = 'order shipped invoice customer basket refund parcel coupon address delivery status pending'.split(' ');
function rowText(second) {
  let out = '';
  for (let i = 0; out.length < 14_000; i++) out += `${words[(second * 7 + i * 13) % words.length]}-${(second * 31 + i) % 9973} `;
  return out;
}

/** The session's events: a page of ROWS rows, then every second a row's text changes and the mouse moves. */
function generate(t0) {
  const rows = [];
  for (let i = 0; i < ROWS; i++) {
    rows.push({
      type: 2, id: 10 + 2 * i, tagName: 'div', attributes: { class: 'row' },
      childNodes: [{ type: 3, id: 11 + 2 * i, textContent: `Row ${i}` }],
    });
  }
  const doc = {
    type: 0, id: 1, childNodes: [
      { type: 1, id: 2, name: 'html', publicId: '', systemId: '' },
      { type: 2, id: 3, tagName: 'html', attributes: {}, childNodes: [
        { type: 2, id: 4, tagName: 'head', attributes: {}, childNodes: [] },
        { type: 2, id: 5, tagName: 'body', attributes: {}, childNodes: rows },
      ] },
    ],
  };
  const events = [
    { type: 4, timestamp: t0, data: { href: 'http://bench.test/orders', width: 1280, height: 800 } },
    { type: 2, timestamp: t0 + 1, data: { node: doc, initialOffset: { left: 0, top: 0 } } },
  ];
  for (let s = 1; s <= HOUR_S; s++) {
    const t = t0 + s * 1000;
    const row = s % ROWS;
    events.push({ type: 3, timestamp: t, data: { source: 0, texts: [{ id: 11 + 2 * row, value: rowText(s) }], attributes: [], removes: [], adds: [] } });
    const positions = Array.from({ length: 10 }, (_, k) => ({ x: (s * 37 + k * 11) % 1200, y: (s * 17 + k * 7) % 760, id: 10 + 2 * row, timeOffset: -450 + k * 50 }));
    events.push({ type: 3, timestamp: t + 500, data: { source: 1, positions } });
    if (s % 30 === 0) events.push({ type: 3, timestamp: t + 600, data: { source: 2, type: 2, id: 10 + 2 * row, x: 100, y: 20 + row * 3 } });
    if (s % 60 === 0) {
      events.push({ type: 6, timestamp: t + 700, data: { plugin: 'rrweb/console@1', payload: { level: 'warn', payload: [`"slow order list at ${s}s"`], trace: [] } } });
      events.push({ type: 6, timestamp: t + 800, data: { plugin: 'rrweb/network@1', payload: { requests: [{ url: `http://bench.test/api/orders?page=${s}`, method: 'GET', initiatorType: 'fetch', status: 200, startTime: t + 650, endTime: t + 800, responseBytes: 14000 }] } } });
    }
  }
  return events;
}

// Peak resident memory of this process's Chromium renderers (VmHWM, MB).
function rendererPeakMb() {
  const children = new Map();
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      const ppid = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[1]);
      if (!children.has(ppid)) children.set(ppid, []);
      children.get(ppid).push(Number(pid));
    } catch {
      // the process exited meanwhile
    }
  }
  let peak = 0;
  const stack = [process.pid];
  while (stack.length) {
    const pid = stack.pop();
    for (const child of children.get(pid) ?? []) stack.push(child);
    try {
      if (!readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=renderer')) continue;
      const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb / 1024);
    } catch {
      // gone
    }
  }
  return peak;
}

const buildDir = process.argv[2];
const stack = await startStack({ buildDir, env: { RENDER_ENABLED: 'false' } });
let browser;
try {
  const t0 = Date.now() - HOUR_S * 1000 - 5_000;
  const events = generate(t0);
  const bytes = events.reduce((n, e) => n + JSON.stringify(e).length, 0);
  if (bytes < MIN_BYTES) throw new Error(`generated only ${bytes} bytes`);
  const clientId = 'bench-hour';
  await ingestPost(stack, '/api/sessions/start', { sessionId: clientId, metadata: { url: 'http://bench.test/orders', timestamp: t0 } });
  const ingestStart = Date.now();
  for (let i = 0, seq = 1; i < events.length; i += BATCH_EVENTS, seq++) {
    const batch = events.slice(i, i + BATCH_EVENTS);
    await ingestPost(stack, '/api/ingest', { sessionId: clientId, events: batch, seq, timestamp: batch[batch.length - 1].timestamp });
  }
  const ingestS = (Date.now() - ingestStart) / 1000;
  const { sessions } = await stack.json(`/api/sessions?project=${stack.projectSlug}`);
  const id = sessions.find((s) => s.client_id === clientId).id;
  const index = await waitFor(async () => {
    const answer = await stack.json(`/api/sessions/${id}/events/pages`);
    return answer.total_events === events.length && answer;
  }, 60_000, 'every event to be stored');

  browser = await launchBrowser();
  const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
  const login = await context.request.post(`${stack.url}/api/auth/login`, { data: { email: stack.adminEmail, password: stack.adminPassword } });
  if (!login.ok()) throw new Error(`login: ${login.status()}`);
  const page = await context.newPage();
  await page.addInitScript((mark) => {
    if (window !== window.top) return;  // not in the replay's frame
    const stats = { longest: 0, longTasks: 0, firstFrame: null, tasks: [], anchor: performance.mark(mark).startTime };
    window.__bench = stats;
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        stats.longTasks += 1;
        stats.longest = Math.max(stats.longest, entry.duration);
        stats.tasks.push({ startTime: entry.startTime, duration: entry.duration });
      }
    }).observe({ type: 'longtask', buffered: true });
    const look = () => {
      const frame = document.querySelector('[data-testid="replay-stage"] iframe');
      if (frame?.contentDocument?.querySelectorAll('.row').length) stats.firstFrame = performance.now();
      else requestAnimationFrame(look);
    };
    requestAnimationFrame(look);
  }, anchorMark);
  const tracing = process.env.BENCH_TRACE === '1';
  if (tracing) await browser.startTracing(page, { categories: traceCategories });
  const cdp = await context.newCDPSession(page);
  await cdp.send('Performance.enable');
  let heapPeak = 0;
  let pagesLoaded = 0;
  // A page by its range, or page 0 by its number (asked for with the index).
  page.on('response', (r) => /\/events(\?from=\d+&count=\d+|\/pages\/\d+)$/.test(r.url()) && r.ok() && pagesLoaded++);
  const sample = setInterval(async () => {
    try {
      const { metrics } = await cdp.send('Performance.getMetrics');
      heapPeak = Math.max(heapPeak, metrics.find((m) => m.name === 'JSHeapTotalSize')?.value ?? 0);
    } catch {
      // the page is closing
    }
  }, 100);
  const opened = Date.now();
  await page.goto(`${stack.url}/sessions/${id}`);
  const firstFrame = await waitFor(() => page.evaluate(() => window.__bench.firstFrame), 60_000, 'the first frame', 50);
  await waitFor(() => pagesLoaded === index.pages.length, 300_000, 'every page', 200);
  const allLoadedS = (Date.now() - opened) / 1000;
  // The last page's events are handed to the replayer in slices; let them settle.
  await waitFor(() => page.getByTestId('replay-loaded').evaluate((el) => parseFloat(el.style.width) >= 99.9), 30_000, 'the replay to hold every event');
  await page.waitForTimeout(1500);
  clearInterval(sample);
  const stats = await page.evaluate(() => window.__bench);
  // What the first frame waited for: the page's requests up to it (start and
  // end, ms from navigation start), then the work after the last of them.
  const requests = await page.evaluate((until) => {
    const short = (url) => {
      const u = new URL(url);
      return u.pathname.replace(/\/api\/sessions\/[^/]+/, '/api/sessions/{id}') + u.search;
    };
    const nav = performance.getEntriesByType('navigation')[0];
    return [{name: 'document', start: nav.startTime, end: nav.responseEnd},
      ...performance.getEntriesByType('resource').filter((r) => r.startTime < until)
        .map((r) => ({name: short(r.name), start: r.startTime, end: r.responseEnd}))];
  }, firstFrame);
  const trace = tracing ? JSON.parse((await browser.stopTracing()).toString('utf8')) : null;
  const peakRss = rendererPeakMb();
  const clock = await page.getByTestId('replay-clock').textContent();
  const ok = firstFrame < 1000 && stats.longest <= 200;
  console.log(`player_bench: 1-hour session, ${events.length} events, ${(bytes / 1024 / 1024).toFixed(1)} MB of event JSON in ${index.pages.length} pages (ingested in ${ingestS.toFixed(1)} s)`);
  console.log('| first frame ms | longest long task ms | long tasks | all pages loaded s | peak renderer RSS MB | peak JS heap MB | replay clock |');
  console.log('|----------------|----------------------|------------|--------------------|----------------------|-----------------|--------------|');
  console.log(`| ${firstFrame.toFixed(0).padStart(14)} | ${stats.longest.toFixed(0).padStart(20)} | ${String(stats.longTasks).padStart(10)} | ${allLoadedS.toFixed(1).padStart(18)} | ${peakRss.toFixed(0).padStart(20)} | ${(heapPeak / 1024 / 1024).toFixed(0).padStart(15)} | ${clock.trim()} |`);
  console.log(`targets: first frame < 1000 ms, no long task > 200 ms: ${ok ? 'met' : 'NOT met'}`);
  console.log('before the first frame (ms from navigation start):');
  for (const r of requests) console.log(`  ${r.name.padEnd(48)} ${r.start.toFixed(0).padStart(5)} -> ${r.end.toFixed(0).padStart(5)}`);
  console.log(`  ${'first frame'.padEnd(48)} ${firstFrame.toFixed(0).padStart(14)}`);
  if (trace) {
    console.log('the longest tasks (trace events, outermost first):');
    for (const line of explainLongTasks(trace, stats.anchor, stats.tasks)) console.log(`  ${line}`);
  }
  // Long tasks and first frame are wall-clock times of the tab's main thread:
  // on a machine busier than its cores they grow with the load.
  console.log(`(machine: ${availableParallelism()} CPUs, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')} at the end of the run)`);
} finally {
  await browser?.close();
  await stack.stop();
}
