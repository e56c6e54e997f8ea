// The demo shop for end-to-end tests, and a tap on what the SDK's recorder
// emits in the page, to compare with what the server stored.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './stack.mjs';

/**
 * Serves examples/shop with examples/shop/serve.mjs on a free port, with the
 * SDK bundle exactly as the stack's server serves it at /sdk.js and the
 * stack's ingest key and origin in shop-config.js. Returns
 * { url (ends with /demo/), entry (the catalogue page), close() }.
 */
export async function startShop(stack) {
  const res = await fetch(`${stack.url}/sdk.js`);
  if (!res.ok) throw new Error(`GET /sdk.js: ${res.status}`);
  const sdk = join(stack.dir, 'sdk.js');
  writeFileSync(sdk, Buffer.from(await res.arrayBuffer()));
  const child = spawn(
    process.execPath,
    [join(repoRoot, 'examples/shop/serve.mjs'), '--port', '0', '--sdk', sdk, '--key', stack.ingestKey, '--host', stack.url],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const kill = () => child.kill();
  process.once('exit', kill); // a test that throws before close() leaves no server behind
  const url = await new Promise((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const m = /http:\/\/\S+\/demo\//.exec(out);
      if (m) resolve(m[0]);
    });
    child.once('exit', (code) => reject(new Error(`shop server exited (${code}): ${out}`)));
  });
  return {
    url,
    entry: `${url}index.html`,
    close: () => {
      process.off('exit', kill);
      kill();
    },
  };
}

/**
 * Taps every rrweb event the SDK's recorder hands to the SDK in the shop's
 * pages of `context`: it wraps the SDK class's event handler as the IIFE
 * defines `window.Incuera` (before any page script runs) and appends each
 * event, as the JSON the SDK will send, to the shop origin's localStorage —
 * synchronously, so events emitted while a page unloads are kept too.
 * `read()` returns them all in order as [{ sessionId, page, event }]; call it
 * after the last page has closed or navigated away.
 */
export async function tapRecorder(context, shop) {
  await context.addInitScript(() => {
    // when each page hid and unloaded, to place a lost event in time
    const mark = (what) => localStorage.setItem('e2e_tap_marks', `${localStorage.getItem('e2e_tap_marks') || ''} ${what}@${Date.now()}`);
    addEventListener('pagehide', () => mark('pagehide'));
    document.addEventListener('visibilitychange', () => mark(document.visibilityState));
    let value;
    Object.defineProperty(window, 'Incuera', {
      configurable: true,
      get: () => value,
      set(v) {
        value = v;
        const proto = typeof v === 'function' ? v.prototype : null;
        if (!proto || typeof proto.handleEvent !== 'function' || proto.handleEvent.tapped) return;
        const handle = proto.handleEvent;
        proto.handleEvent = function (event) {
          const result = handle.call(this, event);
          // after the SDK's own handling, which may restamp an event that opens a new session
          const n = Number(localStorage.getItem('e2e_tap_count') || 0);
          const entry = { sessionId: this.getSessionId(), page: location.pathname + location.search, event };
          localStorage.setItem(`e2e_tap_${n}`, JSON.stringify(entry));
          localStorage.setItem('e2e_tap_count', String(n + 1));
          return result;
        };
        proto.handleEvent.tapped = true;
      },
    });
  });
  return {
    async read() {
      // any document of the shop's origin reads its storage; a 404 page loads no SDK
      const page = await context.newPage();
      try {
        await page.goto(`${shop.url}e2e-tap-reader`);
        const { entries, marks } = await page.evaluate(() => {
          const n = Number(localStorage.getItem('e2e_tap_count') || 0);
          return {
            entries: Array.from({ length: n }, (_, i) => JSON.parse(localStorage.getItem(`e2e_tap_${i}`))),
            marks: (localStorage.getItem('e2e_tap_marks') || '').trim(),
          };
        });
        return Object.assign(entries, { marks });
      } finally {
        await page.close();
      }
    },
  };
}

/** rrweb event types and sources the tests look at. */
export const RRWEB = {
  META: 4,
  FULL_SNAPSHOT: 2,
  INCREMENTAL: 3,
  CUSTOM: 5,
  PLUGIN: 6,
  MOUSE_INTERACTION: 2, // incremental source
  CLICK: 2, // mouse interaction type
};

export const isClick = (e) => e.type === RRWEB.INCREMENTAL && e.data.source === RRWEB.MOUSE_INTERACTION && e.data.type === RRWEB.CLICK;

const pause = (page, ms) => page.waitForTimeout(ms);

/** Moves the mouse along a few points, as a visitor reading the page. */
export async function wander(page, n = 4) {
  for (let i = 0; i < n; i++) {
    await page.mouse.move(200 + ((i * 173) % 800), 150 + ((i * 97) % 400), { steps: 6 });
    await pause(page, 250);
  }
}

/** What a visitor types at checkout; none of it may ever reach the server in clear. */
export const CHECKOUT = {
  name: 'Jane Privatename',
  email: 'jane.private@example.org',
  badCard: 'not-a-card',
  card: '4000123412341234',
  expiry: '12/29',
  cvc: '987',
};

/** Strings that must not appear in stored events (the CVC quoted: bare digits occur in timestamps). */
export const SECRETS = ['Privatename', 'jane.private', CHECKOUT.badCard, CHECKOUT.card, CHECKOUT.expiry, `"${CHECKOUT.cvc}"`];

/**
 * A visit of at least `minMs` over the catalogue, a product page, the cart,
 * the checkout (an invalid card → console.error, "Buy now" → uncaught error,
 * then a valid order) and the catalogue again. Returns { clicks, pages }:
 * the clicks made and the pages loaded (the SDK's meta events).
 */
export async function browseShop(page, shop, { minMs = 40_000 } = {}) {
  let began;
  let clicks = 0;
  let pages = 0;
  const click = async (selector) => {
    await page.click(selector);
    clicks++;
  };
  const arrive = async (urlPattern) => {
    await page.waitForURL(urlPattern);
    await page.waitForFunction(() => window.incuera && document.readyState === 'complete');
    pages++;
  };
  page.on('pageerror', () => {}); // "Buy now" throws on purpose

  await page.goto(shop.entry);
  await arrive(/index\.html/);
  began = Date.now(); // the recording starts once the first page has loaded
  await wander(page);
  await page.mouse.wheel(0, 300);
  await pause(page, 1500);
  await click('button.add[data-id="cap"]');
  await pause(page, 800);
  await click('button.add[data-id="mug"]');
  await wander(page, 3);
  await click('a[href="product.html?id=tee"]');

  await arrive(/product\.html/);
  await wander(page);
  await page.fill('#qty', '2');
  await click('#add-to-cart');
  await pause(page, 1500);
  await click('#added a');

  await arrive(/cart\.html/);
  await wander(page);
  await pause(page, 1500);
  await click('#to-checkout');

  await arrive(/checkout\.html/);
  await page.type('#name', CHECKOUT.name, { delay: 40 });
  await page.type('#email', CHECKOUT.email, { delay: 40 });
  await page.type('#card', CHECKOUT.badCard, { delay: 40 });
  await page.type('#expiry', CHECKOUT.expiry, { delay: 40 });
  await page.type('#cvc', CHECKOUT.cvc, { delay: 40 });
  await click('#place-order'); // rejected: console.error
  await pause(page, 1500);
  await click('#buy-now'); // throws
  await pause(page, 1500);
  await page.fill('#card', CHECKOUT.card);
  await pause(page, 500);
  await click('#place-order');

  await arrive(/index\.html\?ordered=1/);
  await wander(page);
  await click('a[href="product.html?id=mug"]');
  await arrive(/product\.html\?id=mug/);
  await wander(page);
  // keep reading until the visit is long enough to be kept and rendered
  while (Date.now() - began < minMs) await wander(page, 2);
  await click('a[href="index.html"].logo');
  await arrive(/index\.html$/);
  await wander(page, 2);
  return { clicks, pages };
}
