// Records the real-world test corpus: every session below is driven in Debian's headless
// Chromium, and its events are written exactly as the recorder sent them, plus a
// <name>.truth.json of what the script did (README.md says what each count means).
//
//   (cd ../../../bindings/browser && npm ci && npm run build)   # the SDK under test
//   npm ci && node record.mjs [name...]                          # default: every session
//
// SDK sessions load bindings/browser/dist/incuera.iife.js as a site would: a local site server
// (127.0.0.1) serves Debian's documentation, pages/ and examples/shop with the SDK snippet, and
// the SDK sends to a capture server speaking the ingest protocol
// (bindings/browser/test/browser/fake-server.mjs). The recording is the session's batches in
// `seq` order, each stored once — what GET /api/sessions/{id}/events returns.
// Compatibility sessions inject older rrweb recorders directly (no SDK) into pages/compat.html.
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { extname, join, normalize, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { startFakeServer } from '../../../bindings/browser/test/browser/fake-server.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = resolve(here, '../../..');
const SDK_BUNDLE = join(repo, 'bindings/browser/dist/incuera.iife.js');
const VIEWPORT = { width: 1280, height: 720 };
// Sessions recorded on a larger screen than the video (the most common desktop size): the
// render paints them at the video's scale.
const VIEWPORTS = { 'handbook-desktop': { width: 1920, height: 1080 } };
const viewportOf = (name) => VIEWPORTS[name] ?? VIEWPORT;
const HANDBOOK = '/usr/share/doc/debian-handbook/html/en-US';
const REFERENCE = '/usr/share/debian-reference';
const API_KEY = 'corpus-recorder';
const MIN_SESSION_MS = 36_000;

// ---------------------------------------------------------------------------------------------
// The site: Debian's documentation, the stress pages and the demo shop, one origin.

function ensureDebianDocs() {
  const missing = [];
  if (!existsSync(`${HANDBOOK}/index.html`)) missing.push('debian-handbook');
  if (!existsSync(`${REFERENCE}/index.en.html`)) missing.push('debian-reference-en');
  if (!missing.length) return;
  console.log(`installing ${missing.join(' ')} (apt-get)`);
  execFileSync('apt-get', ['install', '-y', '--no-install-recommends', ...missing], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

const MOUNTS = [
  // [url prefix, directory, inject the SDK snippet into its HTML]
  ['/handbook/', HANDBOOK, true],
  ['/reference/', REFERENCE, true],
  ['/pages/', join(here, 'pages'), true],
  ['/shop/', join(repo, 'examples/shop'), false], // the shop loads /sdk.js itself
  ['/plain/', join(here, 'pages'), false], // for the injected older recorders
];
const TYPES = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css', '.js': 'text/javascript', '.png': 'image/png',
  '.svg': 'image/svg+xml', '.ttf': 'font/ttf', '.jpg': 'image/jpeg', '.gif': 'image/gif',
};

// What a site puts in its pages to record them: the bundle, then the SDK started with the
// page's own options (window.CORPUS_SDK_OPTIONS, set earlier in <head>) if any. console.assert
// is captured as well, so every kind of error the analysis counts is in the recording.
const snippet = (apiHost) => `<script src="/sdk.js"></script>
<script>window.incuera = new Incuera(Object.assign({ apiKey: '${API_KEY}', apiHost: '${apiHost}',
  captureConsole: ['error', 'warn', 'assert'] }, window.CORPUS_SDK_OPTIONS || {})).init();</script>
`;

async function startSite(apiHost) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname);
    if (path === '/sdk.js') return send(res, SDK_BUNDLE, '.js');
    if (path === '/shop/shop-config.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      return res.end(`window.INCUERA_CONFIG = ${JSON.stringify({ apiKey: API_KEY, apiHost })};`);
    }
    for (const [prefix, dir, inject] of MOUNTS) {
      if (!path.startsWith(prefix)) continue;
      let file = normalize(join(dir, path.slice(prefix.length)));
      if (!file.startsWith(dir)) break;
      if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
      // iframe documents (frame*.html) carry no SDK: the parent page's recorder records them
      const withSdk = inject && file.endsWith('.html') && !/\/frame[^/]*\.html$/.test(file);
      return send(res, file, extname(file), withSdk ? snippet(apiHost) : null);
    }
    res.writeHead(404).end();
  });
  return new Promise((r) => server.listen(0, '127.0.0.1', () => r({ url: `http://127.0.0.1:${server.address().port}`, server })));
}

function send(res, file, ext, inject = null) {
  if (!existsSync(file)) return res.writeHead(404).end();
  let body = readFileSync(file);
  if (inject) body = Buffer.from(body.toString('utf8').replace(/<\/head>/i, `${inject}</head>`));
  res.writeHead(200, { 'Content-Type': TYPES[ext] || 'application/octet-stream', 'Cache-Control': 'no-store' });
  res.end(body);
}

// ---------------------------------------------------------------------------------------------
// Driving a page while writing down what was done: the truth.

const pause = (page, ms) => page.waitForTimeout(ms);

class Driver {
  constructor(page, name) {
    this.page = page;
    this.name = name;
    this.viewport = viewportOf(name);
    this.url = '';
    this.fields = new Set();
    this.maxScroll = new Map(); // url -> largest window.scrollY after a scroll
    this.t = {
      clicks: 0, inputs: 0, keystrokes: 0, scrolls: 0, page_loads: 0, navigations: 0,
      rage_clicks: 0, dead_clicks: 0,
      errors: { console_error: 0, console_assert: 0, uncaught: 0, unhandled_rejection: 0, total: 0 },
      pages: [], max_scroll_y: {},
    };
  }

  // A document with a recorder finished loading at `url` (a Meta event follows).
  arrived() {
    const url = this.page.url();
    this.t.page_loads++;
    if (url !== this.url) {
      this.t.navigations++;
      this.t.pages.push(url);
      this.url = url;
    }
  }

  async goto(url) {
    this.began ??= Date.now();
    await this.page.goto(url, { waitUntil: 'load', timeout: 90_000 });
    await this.settle();
    this.arrived();
  }

  // The recorder starts at `load` and sends its snapshot; give it a moment.
  async settle() {
    await this.page.waitForLoadState('load');
    await pause(this.page, 1200);
  }

  async wander(n = 3) {
    for (let i = 0; i < n; i++) {
      await this.page.mouse.move(180 + ((i * 211 + this.t.clicks * 37) % 900), 140 + ((i * 97) % 420), { steps: 8 });
      await pause(this.page, 220);
    }
  }

  // One wheel step (smooth scrolling is off, so the document jumps once and the recorder
  // sees one scroll event). Counted when the document moved.
  async scroll(dy) {
    const before = await this.page.evaluate(() => window.scrollY);
    await this.page.mouse.move(this.viewport.width - 30, this.viewport.height / 2);
    await this.page.mouse.wheel(0, dy);
    await pause(this.page, 450);
    const after = await this.page.evaluate(() => window.scrollY);
    if (after === before) return false;
    this.t.scrolls++;
    this.maxScroll.set(this.url, Math.max(this.maxScroll.get(this.url) ?? 0, after));
    return true;
  }

  // Brings a locator's box into the viewport with one counted scroll if needed.
  async box(locator) {
    let b = await locator.boundingBox();
    if (!b) throw new Error(`${this.name}: nothing to click at ${locator}`);
    if (b.y < 60 || b.y + b.height > this.viewport.height - 40) {
      await this.scroll(Math.round(b.y - this.viewport.height / 3));
      b = await locator.boundingBox();
    }
    return b;
  }

  // `expect`: 'change' (the page mutates), 'load' (a new document), 'dead' (nothing
  // happens for more than the 2.5 s dead-click window), 'field' (focuses a form field).
  async click(target, expect = 'change', then = 900) {
    const locator = typeof target === 'string' ? this.page.locator(target).first() : target;
    const b = await this.box(locator);
    await this.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 10 });
    await pause(this.page, 150);
    const before = this.page.url();
    await this.page.mouse.click(b.x + b.width / 2, b.y + b.height / 2);
    this.t.clicks++;
    if (expect === 'load') {
      await this.page.waitForURL((u) => u.href !== before);
      await this.settle();
      this.arrived();
      return;
    }
    if (expect === 'dead') {
      this.t.dead_clicks++;
      await pause(this.page, 3000); // no event that could count as a response: a mouse rest
      return;
    }
    await pause(this.page, then);
  }

  // A click on whatever is at viewport point (x, y), which responds.
  async clickAt(x, y, then = 900) {
    await this.page.mouse.move(x, y, { steps: 10 });
    await this.page.mouse.click(x, y);
    this.t.clicks++;
    await pause(this.page, then);
  }

  // `n` presses within 1 s on one spot of a button that answers each of them.
  async rage(selector, n = 4) {
    const b = await this.box(this.page.locator(selector).first());
    await this.page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 6 });
    for (let i = 0; i < n; i++) {
      await this.page.mouse.click(b.x + b.width / 2 + i * 2, b.y + b.height / 2);
      await pause(this.page, 140);
    }
    this.t.clicks += n;
    this.t.rage_clicks++;
    await pause(this.page, 1500);
  }

  // Clicks into a field and types: each character changes the value once (one Input event).
  async type(selector, text) {
    await this.click(selector, 'field', 200);
    await this.page.keyboard.type(text, { delay: 90 });
    this.fields.add(selector);
    this.t.keystrokes += [...text].length;
    await pause(this.page, 400);
  }

  // A checkbox click: a click and one Input event on the field.
  async check(selector) {
    await this.click(selector, 'field', 400);
    this.fields.add(selector);
    this.t.keystrokes++;
  }

  // Selects text by dragging across a paragraph (Chromium fires a click at the end of the
  // drag), then scrolls on, which answers that click; on a page too short to scroll nothing
  // does, and the click is a dead one.
  async selectText(selector) {
    const b = await this.box(this.page.locator(selector).first());
    const y = b.y + Math.min(10, b.height / 2);
    await this.page.mouse.move(b.x + 4, y, { steps: 5 });
    await this.page.mouse.down();
    await this.page.mouse.move(b.x + Math.min(b.width - 4, 420), y, { steps: 12 });
    await this.page.mouse.up();
    this.t.clicks++;
    await pause(this.page, 500);
    const selected = await this.page.evaluate(() => String(getSelection()).length);
    if (!selected) throw new Error(`${this.name}: selecting text in ${selector} selected nothing`);
    if (!(await this.scroll(300))) {
      this.t.dead_clicks++;
      await pause(this.page, 2600);
    }
  }

  error(kind) {
    this.t.errors[kind]++;
    this.t.errors.total++;
  }

  truth(extra) {
    this.t.inputs = this.fields.size;
    for (const [url, y] of this.maxScroll) this.t.max_scroll_y[url] = y;
    return { ...extra, ...this.t };
  }
}

// ---------------------------------------------------------------------------------------------
// The sessions.

// Follows a DocBook page's own "Next" link in the navigation bar at the top of the page
// (the Handbook's is ul.docnav.top, the Reference's .navheader).
async function next(d, nav) {
  await d.scroll(-1_000_000);
  await d.click(`${nav} a[accesskey="n"]`, 'load');
}
const HANDBOOK_NAV = 'ul.docnav.top';
const REFERENCE_NAV = '.navheader';

async function readPage(d, paragraphs) {
  await d.wander(2);
  await d.scroll(700);
  await d.selectText(paragraphs);
  await d.wander(2);
  await d.scroll(900);
  await pause(d.page, 800);
}

const SESSIONS = {
  // The Debian Administrator's Handbook: DocBook/publican HTML with its own CSS, six pages
  // followed through the table of contents and the "Next" links.
  async handbook(d, site) {
    await d.goto(`${site}/handbook/index.html`);
    await d.wander(3);
    await d.scroll(600);
    await d.scroll(600);
    await d.click('a[href="sect.book-structure.html"]', 'load');
    await readPage(d, '.section .para');
    await next(d, HANDBOOK_NAV);
    await readPage(d, '.section .para');
    await d.scroll(-1_000_000);
    await d.click(`${HANDBOOK_NAV} a[accesskey="p"]`, 'load'); // back with the page's "Prev" link
    await d.wander(2);
    await d.scroll(500);
    await next(d, HANDBOOK_NAV);
    await next(d, HANDBOOK_NAV);
    await readPage(d, '.section .para');
    await d.click('h2.title', 'dead'); // the section's title, plain text
    await d.scroll(-400);
  },

  // The Debian Reference: long chapters (80-130 kB of HTML each), deep lists and tables.
  async reference(d, site) {
    await d.goto(`${site}/reference/index.en.html`);
    await d.wander(2);
    await d.scroll(800);
    await d.scroll(-1_000_000);
    await d.click('a[href="ch03.en.html"]', 'load');
    await readPage(d, '.section p');
    await d.scroll(4000);
    await d.scroll(4000);
    await next(d, REFERENCE_NAV);
    await readPage(d, '.section p');
    await next(d, REFERENCE_NAV);
    await d.wander(2);
    await d.scroll(1200);
    await d.scroll(1_000_000); // to the end of the chapter
    await d.click('.navfooter a[accesskey="h"]', 'load'); // "Home", at the bottom
    await d.wander(2);
    await d.click('a[href="ch08.en.html"]', 'load');
    await readPage(d, '.section p');
  },

  // pages/stress.html and pages/form.html: every hard case for the replayer, the analysis'
  // click rules and error kinds, and a 150 s idle gap in the middle.
  async stress(d, site) {
    await d.goto(`${site}/pages/stress.html`);
    await d.wander(3);
    await d.click(d.page.locator('#shadow-button'));
    await d.click(d.page.locator('#shadow-button'));
    await d.click(d.page.frameLocator('#frame').locator('#frame-button'));
    await d.click('#dead-text', 'dead');
    await d.rage('#rage');
    await d.click('#btn-console-error');
    d.error('console_error');
    await d.click('#btn-assert');
    d.error('console_assert');
    await d.click('#btn-throw', 'change', 1200);
    d.error('uncaught'); // reported by the console plugin and the SDK: one error
    await d.click('#btn-reject', 'change', 1200);
    d.error('unhandled_rejection');
    // nobody touches the page for two and a half minutes (the SDK still flushes and beats)
    await d.page.clock.fastForward(150_000);
    await pause(d.page, 1000);
    await d.type('#name', 'Ada Lovelace');
    await d.type('#email', 'ada@example.org');
    await d.type('#password', 'hunter2!');
    await d.type('#about', 'Analyst of engines.');
    await d.check('#agree');
    await d.click('#save');
    await d.click('#deep-button');
    await d.scroll(-1_000_000);
    await d.click('#to-form', 'load');
    await d.wander(2);
    await d.type('#full-name', 'Grace Hopper');
    await d.type('#address', '1 Compiler Way');
    await d.type('#pin', '4711');
    await d.click('#place');
    await d.click('#back', 'load');
    await d.wander(2);
    await d.scroll(500);
  },

  // pages/big.html: 40 000 elements, 300 000 px tall, scrolled to the end.
  async big(d, site) {
    await d.goto(`${site}/pages/big.html`);
    await d.wander(4);
    await d.click('.row[data-i="5"]');
    for (const dy of [2000, 30000, 60000, 90000]) {
      await d.scroll(dy);
      await d.wander(3);
      await pause(d.page, 1500);
    }
    await d.clickAt(300, 400); // whichever row is there
    await d.scroll(1_000_000);
    await d.click('.row[data-i="10000"]');
    await d.scroll(-150000);
    await d.wander(6);
    await d.clickAt(500, 200);
    await d.wander(4);
  },

  // examples/shop: catalogue -> product -> cart -> checkout (validation error, a "Buy now"
  // that throws and changes nothing, then a valid order) -> catalogue.
  async shop(d, site) {
    await d.goto(`${site}/shop/index.html`);
    await d.wander(3);
    await d.click('button.add[data-id="cap"]');
    await d.click('button.add[data-id="mug"]');
    await d.click('a[href="product.html?id=tee"]', 'load');
    await d.wander(2);
    await d.click('#add-to-cart');
    await d.click('#added a', 'load');
    await d.wander(2);
    await d.click('#to-checkout', 'load');
    await d.type('#name', 'Jane Shopper');
    await d.type('#email', 'jane@example.org');
    await d.type('#card', 'not-a-card');
    await d.type('#expiry', '12/29');
    await d.type('#cvc', '987');
    await d.click('#place-order');
    d.error('console_error');
    await d.click('#buy-now', 'dead'); // throws before changing anything
    d.error('uncaught');
    await d.click('#card', 'field', 200);
    await d.page.keyboard.press('Control+A');
    await d.page.keyboard.type('4000123412341234', { delay: 60 });
    d.t.keystrokes += 16;
    await pause(d.page, 400);
    await d.click('#place-order', 'load');
    await d.wander(3);
    await d.click('a[href="product.html?id=mug"]', 'load');
    await d.wander(3);
  },
};

// Older recorders, injected straight into pages/compat.html (no SDK): the bundles to load,
// in order, and how to start recording with the console plugin.
const COMPAT = {
  'rrweb-1.1.3': {
    files: ['record/rrweb-record.min.js', 'plugins/console-record.min.js'],
    start: 'rrwebRecord({ emit, plugins: [rrwebConsoleRecord.getRecordConsolePlugin({ level: ["error", "warn", "assert"] })] })',
  },
  'rrweb-2.0.0-alpha.13': {
    files: ['record/rrweb-record.min.js', 'plugins/console-record.min.js'],
    start: 'rrwebRecord({ emit, plugins: [rrwebConsoleRecord.getRecordConsolePlugin({ level: ["error", "warn", "assert"] })] })',
  },
  'rrweb-2.0.0-alpha.18': {
    files: ['rrweb.umd.min.cjs', '../../console-record-2.0.0-alpha.18/dist/rrweb-plugin-console-record.umd.min.cjs'],
    start: 'rrweb.record({ emit, plugins: [rrwebPluginConsoleRecord.getRecordConsolePlugin({ level: ["error", "warn", "assert"] })] })',
  },
  'rrweb-2.1.7': {
    files: ['rrweb.umd.min.cjs', '../../console-record-2.1.1/dist/rrweb-plugin-console-record.umd.min.cjs'],
    start: 'rrweb.record({ emit, plugins: [rrwebPluginConsoleRecord.getRecordConsolePlugin({ level: ["error", "warn", "assert"] })] })',
  },
};
for (const version of Object.keys(COMPAT)) SESSIONS[`compat-${version}`] = compatSession;
// the handbook's walk on a 1920x1080 screen (VIEWPORTS)
SESSIONS['handbook-desktop'] = SESSIONS.handbook;

async function compatSession(d, site) {
  await d.goto(`${site}/plain/compat.html`);
  await d.wander(3);
  await d.click('#more');
  await d.click('#dead-text', 'dead');
  await d.rage('#more', 3);
  await d.click('#btn-console-error');
  d.error('console_error');
  await d.click('#btn-assert');
  d.error('console_assert');
  await d.click('#btn-throw', 'change', 1200);
  d.error('uncaught');
  await d.type('#name', 'Old Recorder');
  await d.type('#password', 'secret');
  await d.scroll(600);
  await d.scroll(600);
  await d.wander(3);
  await d.scroll(-1_000_000);
}

// ---------------------------------------------------------------------------------------------

function sdkRecorderVersion() {
  const lock = JSON.parse(readFileSync(join(repo, 'bindings/browser/package-lock.json'), 'utf8'));
  for (const name of ['@rrweb/record', 'rrweb']) {
    const entry = lock.packages?.[`node_modules/${name}`];
    if (entry) return `${name}@${entry.version}`;
  }
  throw new Error('bindings/browser/package-lock.json names no rrweb recorder');
}

async function record(browser, name, site, api) {
  const context = await browser.newContext({ viewport: viewportOf(name) });
  const page = await context.newPage();
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  if (process.env.CORPUS_DEBUG) {
    page.on('request', (r) => console.log(name, '>', r.url().slice(0, 120)));
    page.on('requestfinished', (r) => console.log(name, '<', r.url().slice(0, 120)));
    page.on('console', (m) => console.log(name, 'console', m.type(), m.text().slice(0, 200)));
  }
  // Date, timers and performance.now under Playwright's clock, which runs at real speed
  // until a session fast-forwards through an idle gap.
  await page.clock.install();
  const compat = name.startsWith('compat-') ? COMPAT[name.slice('compat-'.length)] : null;
  if (compat) {
    const dist = join(here, 'node_modules', name.slice('compat-'.length), 'dist');
    const bundles = compat.files.map((f) => readFileSync(join(dist, f), 'utf8'));
    // one script; each bundle may end in a //# sourceMappingURL comment, hence the newlines
    // Init scripts run in every frame, also in the blank iframes rrweb 2 creates for itself:
    // only the top document loads a recorder (which records its same-origin frames).
    await page.addInitScript({
      content: `if (window === window.top) {\n${bundles.join('\n;\n')}\n;window.__events = [];
        window.addEventListener('DOMContentLoaded', () => { const emit = (e) => window.__events.push(e); ${compat.start}; });\n}`,
    });
  }
  const d = new Driver(page, name);
  await SESSIONS[name](d, site);
  // The server keeps sessions of 30 s or more (its default minimum): a visitor who reads on
  // makes every session last long enough however fast this machine drove it.
  while (Date.now() - d.began < MIN_SESSION_MS) await d.wander(2);
  await pause(page, 1500);

  let events;
  let recorder;
  if (compat) {
    // as text: Playwright refuses to serialize objects nested as deeply as these snapshots
    events = JSON.parse(await page.evaluate(() => JSON.stringify(window.__events)));
    recorder = `rrweb@${name.slice('compat-rrweb-'.length)} (injected, with its console plugin)`;
  } else {
    const sessionId = await page.evaluate(() => window.incuera.getSessionId());
    await page.evaluate(() => window.incuera.stop()); // sends what is buffered
    events = await sessionEvents(api, sessionId);
    recorder = `${sdkRecorderVersion()} (bindings/browser SDK)`;
  }
  await context.close();
  const truth = d.truth({
    recording: name,
    recorder,
    viewport: viewportOf(name),
    events: events.length,
    session_ms: events.at(-1).timestamp - events[0].timestamp,
  });
  // the page errors the session caused on purpose, and nothing else
  const expectedPageErrors = truth.errors.uncaught + truth.errors.unhandled_rejection;
  if (pageErrors.length !== expectedPageErrors) {
    throw new Error(`${name}: ${pageErrors.length} page errors, expected ${expectedPageErrors}: ${pageErrors.join(' | ')}`);
  }
  return { events, truth };
}

// Waits until the session's batches stop arriving, then returns them in `seq` order, each once.
async function sessionEvents(api, sessionId) {
  const batches = () => api.requests.filter((r) => r.path === '/api/ingest' && r.body?.sessionId === sessionId);
  let seen = -1;
  while (batches().length !== seen) {
    seen = batches().length;
    await new Promise((r) => setTimeout(r, 2000));
  }
  const bySeq = new Map();
  for (const r of batches()) if (!bySeq.has(r.body.seq)) bySeq.set(r.body.seq, r.body.events);
  const seqs = [...bySeq.keys()].sort((a, b) => a - b);
  seqs.forEach((s, i) => {
    if (s !== i + 1) throw new Error(`session ${sessionId}: batch ${i + 1} never arrived (got ${seqs})`);
  });
  return seqs.flatMap((s) => bySeq.get(s));
}

// Large recordings are stored gzip-compressed (the tests read both).
const GZIP_ABOVE = 2_000_000;

function save(name, { events, truth }) {
  const json = JSON.stringify(events);
  const file = json.length > GZIP_ABOVE ? `${name}.json.gz` : `${name}.json`;
  writeFileSync(join(here, file), file.endsWith('.gz') ? gzipSync(json, { level: 9 }) : json);
  writeFileSync(join(here, `${name}.truth.json`), JSON.stringify({ file, ...truth }, null, 2) + '\n');
  console.log(`${name}: ${events.length} events, ${(truth.session_ms / 1000).toFixed(1)} s -> ${file}`);
}

const names = process.argv.slice(2).length ? process.argv.slice(2) : Object.keys(SESSIONS);
for (const n of names) if (!SESSIONS[n]) throw new Error(`unknown session '${n}' (known: ${Object.keys(SESSIONS).join(', ')})`);
if (!existsSync(SDK_BUNDLE)) throw new Error(`no ${SDK_BUNDLE}: cd bindings/browser && npm ci && npm run build`);
ensureDebianDocs();
const api = await startFakeServer();
const site = await startSite(api.url);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  // one wheel step = one scroll event; no background requests
  args: ['--no-sandbox', '--disable-gpu', '--disable-smooth-scrolling', '--disable-background-networking',
         '--disable-component-update', '--disable-sync', '--no-first-run'],
});
try {
  // a few sessions side by side (each in its own browser context): they mostly wait, but
  // more at once slow the big page's load past its timeout on 2 cores
  const results = [];
  const queue = [...names.keys()];
  const worker = async () => {
    for (let i; (i = queue.shift()) !== undefined; ) {
      results[i] = await record(browser, names[i], site.url, api).then(
        (value) => ({ status: 'fulfilled', value }),
        (reason) => ({ status: 'rejected', reason }),
      );
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  results.forEach((r, i) => (r.status === 'fulfilled' ? save(names[i], r.value) : console.error(`${names[i]}: FAILED`, r.reason)));
  if (results.some((r) => r.status === 'rejected')) process.exitCode = 1;
} finally {
  await browser.close();
  site.server.close();
  await api.close();
}
