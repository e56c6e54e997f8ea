// The first version's SDK, as deployed on customers' sites (lib/v1site.mjs),
// in real Chromium and cross-origin: its credentialed end beacon is let
// through by CORS.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, waitFor, withStack } from './lib/stack.mjs';
import { startV1Site } from './lib/v1site.mjs';

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
