// Our SDK and a visit the server has finalized: the visitor who comes back
// in the same browser (the SDK keeps its session id for 30 minutes), and the
// open tab whose session the server ended for inactivity, continue in the
// visit's next part. Every event the recorder emitted is stored exactly once
// across the parts, and each part replays from a full snapshot of its own.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, withStack } from './lib/stack.mjs';
import { RRWEB, startShop, tapRecorder, wander } from './lib/shop.mjs';
import { assertEachStoredOnce, finalizedVisit, keepEveryVisit, untilAnalysed, visitParts } from './lib/session.mjs';
import { waitFor } from './lib/stack.mjs';

async function recordingShop(stack, fn) {
  await keepEveryVisit(stack);
  const shop = await startShop(stack);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const tap = await tapRecorder(context, shop);
    await fn({ shop, context, tap });
    await context.close();
  } finally {
    await browser.close();
    shop.close();
  }
}

const ready = (page) => page.waitForFunction(() => window.incuera && document.readyState === 'complete');

test('a visitor who comes back after the server finalized the visit continues it in a linked part', async () => {
  await withStack({}, async (stack) => {
    await recordingShop(stack, async ({ shop, context, tap }) => {
      let page = await context.newPage();
      await page.goto(shop.entry);
      await ready(page);
      await wander(page, 6);
      await page.click('a[href="product.html?id=bag"]');
      await page.waitForURL(/product\.html/);
      await ready(page);
      await wander(page, 4);
      const sessionId = await page.evaluate(() => window.incuera.getSessionId());
      await page.close({ runBeforeUnload: true }); // the end beacon
      await finalizedVisit(stack, sessionId, 1);

      page = await context.newPage();
      await page.goto(shop.entry);
      await ready(page);
      assert.equal(await page.evaluate(() => window.incuera.getSessionId()), sessionId, 'the same SDK session');
      await wander(page, 6);
      await page.close({ runBeforeUnload: true });
      const parts = await finalizedVisit(stack, sessionId, 2);
      assert.equal(parts[1].previous, parts[0].id);
      assert.equal(parts[0].next, parts[1].id);
      assert.equal(parts[1].part, 2);
      assert.ok(parts[1].events.some((e) => e.type === RRWEB.FULL_SNAPSHOT), 'the return has its own full snapshot');

      const emitted = (await tap.read()).map((t) => t.event);
      assertEachStoredOnce(parts.flatMap((p) => p.events), emitted);
    });
  });
});

test('an open tab whose session was ended for inactivity goes on in a new part that the SDK re-snapshots', async () => {
  await withStack({ env: { INACTIVITY_TIMEOUT_SECONDS: '4', RENDER_FPS: '5' } }, async (stack) => {
    await recordingShop(stack, async ({ shop, context, tap }) => {
      const page = await context.newPage();
      await page.goto(shop.entry);
      await ready(page);
      await wander(page, 4);
      const sessionId = await page.evaluate(() => window.incuera.getSessionId());
      // idle (no events, no heartbeat within the timeout): the server ends and finalizes it
      await finalizedVisit(stack, sessionId, 1);
      await wander(page, 6);
      await page.click('button.add[data-id="socks"]');
      // the batch opens part 2 without a snapshot; the answer makes the SDK take one
      const second = await waitFor(async () => {
        const parts = await visitParts(stack, sessionId);
        return parts.length === 2 && parts[1].event_count > 0 && parts[1];
      }, 30_000, 'the second part');
      // Leave the button: a focused element's blur fires after pagehide,
      // when the SDK has sent its last batch (a known limit of the SDK).
      await page.evaluate(() => document.activeElement?.blur());
      await page.close({ runBeforeUnload: true });
      const parts = await finalizedVisit(stack, sessionId, 2);
      assert.equal(parts[1].id, second.id);
      const events = parts[1].events;
      assert.notEqual(events[0].type, RRWEB.FULL_SNAPSHOT, 'the part began with what the tab recorded next');
      assert.ok(events.some((e) => e.type === RRWEB.FULL_SNAPSHOT), 'and the SDK took a full snapshot when told');

      const emitted = (await tap.read()).map((t) => t.event);
      assertEachStoredOnce(parts.flatMap((p) => p.events), emitted);
      // rendered and analysed from its first full snapshot on
      const rendered = await untilAnalysed(stack, parts[1].id);
      assert.ok(rendered.video.duration_ms > 0);
    });
  });
});
