// The server goes away for 20 s in the middle of a visit — the process is
// killed, then started again on the same port and database — while the
// visitor keeps clicking and moving to other pages. Every event the recorder
// emitted, before, during and after the outage, ends up stored, in order, in
// the one session, which is kept (longer than the 30 s minimum), rendered
// and analysed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, waitFor, withStack } from './lib/stack.mjs';
import { RRWEB, startShop, tapRecorder, wander } from './lib/shop.mjs';
import { assertSameEvents, onlySession, storedEvents, untilAnalysed } from './lib/session.mjs';

const OUTAGE_MS = 20_000;
// Past the project's minimum duration (30 s), so the session is kept: a
// shorter one is discarded with its events once the end grace is over.
const VISIT_MS = 40_000;

test('nothing recorded while the server is down for 20 s is lost', async () => {
  await withStack({}, async (stack) => {
    const shop = await startShop(stack);
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
      const tap = await tapRecorder(context, shop);
      const page = await context.newPage();
      const arrive = (pattern) => page.waitForURL(pattern).then(() => page.waitForFunction(() => window.incuera && document.readyState === 'complete'));
      page.on('pageerror', () => {});

      await page.goto(shop.entry);
      await arrive(/index\.html/);
      const visitStart = Date.now();
      await wander(page, 6);
      await page.click('button.add[data-id="socks"]');
      const sid = await page.evaluate(() => window.incuera.getSessionId());
      // the visit so far has reached the server before it goes
      const listed = await onlySession(stack);
      await waitFor(async () => (await storedEvents(stack, listed.id)).length >= 2, 15_000, 'the first batches');

      await stack.stopServer('SIGKILL');
      const down = Date.now();
      // the visitor carries on: a product page, the cart, clicks and typing
      await wander(page, 6);
      await page.click('a[href="product.html?id=bag"]');
      await arrive(/product\.html/);
      await wander(page, 6);
      await page.click('#add-to-cart');
      await page.click('#added a');
      await arrive(/cart\.html/);
      await wander(page, 4);
      await page.click('#to-checkout');
      await arrive(/checkout\.html/);
      await page.type('#name', 'During Outage', { delay: 50 });
      while (Date.now() - down < OUTAGE_MS) await wander(page, 2);
      await stack.startServer();
      const up = Date.now();
      await wander(page, 6);
      await page.click('a[href="index.html"].logo');
      await arrive(/index\.html/);
      while (Date.now() - visitStart < VISIT_MS) await wander(page, 2);
      await page.close({ runBeforeUnload: true });

      const tapped = await tap.read();
      const emitted = tapped.map((e) => e.event);
      assert.deepEqual([...new Set(tapped.map((e) => e.sessionId))], [sid], 'one session throughout');
      const inOutage = emitted.filter((e) => e.timestamp >= down && e.timestamp < up);
      assert.ok(inOutage.filter((e) => e.type === RRWEB.FULL_SNAPSHOT).length >= 3, 'three pages loaded during the outage');
      assert.ok(inOutage.length > 50, `${inOutage.length} events recorded during the outage`);

      // retries back off up to 30 s; the next page sends what earlier pages kept
      // (on a timeout the comparison below says what is missing)
      await waitFor(async () => (await storedEvents(stack, listed.id)).length >= emitted.length, 90_000, 'all events', 1000).catch(() => {});
      assert.equal((await onlySession(stack)).id, listed.id, 'no second session after the restart');
      // compared once the render has compacted the chunks (a read racing the
      // compaction is broken off and would only be retried)
      await untilAnalysed(stack, listed.id);
      try {
        assertSameEvents(await storedEvents(stack, listed.id), emitted);
      } catch (err) {
        err.message += `\npage visibility and unloads: ${tapped.marks}`;
        throw err;
      }
    } finally {
      await browser.close();
      shop.close();
    }
  });
});
