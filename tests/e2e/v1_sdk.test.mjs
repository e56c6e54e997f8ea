// The first version's SDK, as deployed on customers' sites (lib/v1site.mjs),
// in real Chromium and cross-origin: its credentialed end beacon is let
// through by CORS; visits that navigate while a request is in flight (the
// SDK re-sends what it believes failed) and visitors who come back after the
// server finalized their session lose nothing and store nothing twice.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, waitFor, withStack } from './lib/stack.mjs';
import { startV1Site } from './lib/v1site.mjs';
import { assertEachStoredOnce, finalizedVisit, keepEveryVisit } from './lib/session.mjs';

test("the first version's end beacon (an application/json Blob, cross-origin) ends the session", async () => {
  await withStack({}, async (stack) => {
    const site = await startV1Site(stack);
    const browser = await launchBrowser();
    try {
      // what the browser asks before that beacon: a credentialed preflight
      const pre = await fetch(`${stack.url}/api/sessions/end`, {
        method: 'OPTIONS',
        headers: { Origin: site.origin, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type' },
      });
      assert.equal(pre.headers.get('access-control-allow-origin'), site.origin);
      assert.equal(pre.headers.get('access-control-allow-credentials'), 'true');
      assert.match(pre.headers.get('vary'), /Origin/);

      const context = await browser.newContext();
      const page = await context.newPage();
      const refused = [];
      page.on('console', (m) => /CORS|Access-Control/.test(m.text()) && refused.push(m.text()));
      await page.goto(site.url(1));
      await page.click('#b1');
      const { sessions } = await waitFor(async () => {
        const list = await stack.json('/api/sessions');
        return list.sessions.length === 1 && list.sessions[0].event_count > 0 && list;
      }, 15_000, 'the session and its first events');
      assert.equal(sessions[0].ended_at, null);

      await page.goto(`${site.origin}/blank`); // pagehide: the end beacon
      const ended = await waitFor(async () => {
        const s = await stack.json(`/api/sessions/${sessions[0].id}`);
        return s.ended_at !== null && s;
      }, 10_000, 'the end beacon to end the session');
      assert.equal(ended.end_reason, 'pagehide');
      assert.deepEqual(refused, [], 'no request blocked by CORS');
      await context.close();
    } finally {
      await browser.close();
      await site.close();
    }
  });
});

test("the first version's SDK: visits navigating mid-request and a return after finalization lose nothing, store nothing twice", async () => {
  await withStack({}, async (stack) => {
    await keepEveryVisit(stack);
    // Small batches: a flush is in flight at almost every navigation.
    const site = await startV1Site(stack, { batchSize: 4, flushInterval: 1000 });
    const browser = await launchBrowser();
    try {
      const context = await browser.newContext();
      const page = await context.newPage();
      const browse = async (n) => {
        await page.goto(site.url(n));
        for (let i = 0; i < 6; i++) {
          await page.mouse.move(20 + i * 30, 40 + i * 20);
          await page.click(`#b${i}`);
        }
        // leave at once: the flush just started is cut by the navigation
        await page.mouse.move(5, 5);
        await page.click('#next');
        await page.waitForURL(site.url(n + 1));
      };
      await browse(1);
      await browse(2);
      await browse(3);
      await page.goto(`${site.origin}/blank`);
      const sessionId = await page.evaluate(() => localStorage.getItem('incuera_session_id'));
      const first = await finalizedVisit(stack, sessionId, 1);
      assert.equal(first[0].client_id, sessionId);

      // The visitor comes back (same browser, within 30 minutes): the same session id.
      await browse(10);
      await browse(11);
      await page.goto(`${site.origin}/blank`);
      assert.equal(await page.evaluate(() => localStorage.getItem('incuera_session_id')), sessionId);
      const parts = await finalizedVisit(stack, sessionId, 2);
      assert.equal(parts[1].client_id, `${sessionId}#2`);
      assert.equal(parts[1].previous, parts[0].id);
      assert.equal(parts[0].next, parts[1].id);
      assert.ok(parts[1].events.some((e) => e.type === 2), 'the return replays from its own full snapshot');

      const emitted = (await site.tapped(context)).map((t) => t.event);
      assert.ok(emitted.length > 50, `${emitted.length} events emitted`);
      assertEachStoredOnce(parts.flatMap((p) => p.events), emitted);
      await context.close();
    } finally {
      await browser.close();
      await site.close();
    }
  });
});
