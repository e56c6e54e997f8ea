// The whole product: Debian's headless Chromium browses the demo shop for 40 s
// over seven page loads with the SDK from the server's /sdk.js; the real
// server and its in-process worker store, end, render and analyse the visit;
// what the server kept is compared with what the recorder emitted in the page.
// Once on SQLite with the database queue, once on PostgreSQL with Redis.
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { launchBrowser, withStack } from './lib/stack.mjs';
import { SECRETS, CHECKOUT, RRWEB, browseShop, isClick, startShop, tapRecorder } from './lib/shop.mjs';
import { assertSameEvents, assertVideoServed, onlySession, storedEvents, untilAnalysed } from './lib/session.mjs';

// No idle compression, so the video runs as long as the visit; 10 fps keeps
// the render light on a 2-core machine.
const RENDER_ENV = { RENDER_SKIP_IDLE: 'false', RENDER_FPS: '10' };

async function visitAndCheck(stack) {
  const shop = await startShop(stack);
  const browser = await launchBrowser();
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
    const tap = await tapRecorder(context, shop);
    const page = await context.newPage();
    const visit = await browseShop(page, shop, { minMs: 40_000 });
    // closing the tab fires pagehide: the SDK sends its tail, then the end beacon
    await page.close({ runBeforeUnload: true });
    const emittedAll = await tap.read();

    const listed = await onlySession(stack);
    const ids = new Set(emittedAll.map((e) => e.sessionId));
    assert.deepEqual([...ids], [listed.client_id], 'every page recorded into the one listed session');
    const emitted = emittedAll.map((e) => e.event);

    const session = await untilAnalysed(stack, listed.id);
    assert.ok(session.ended_at >= session.started_at, 'ended');
    assert.equal(session.end_reason, 'pagehide', 'ended by the beacon of the closed tab');
    assert.equal(session.event_count, emitted.length);
    assert.equal(session.page_count, visit.pages);
    assert.equal(session.user_email, CHECKOUT.email, 'identify() after the order');
    assert.ok(session.duration_ms >= 40_000, `duration ${session.duration_ms} ms`);

    // every page of the visit, in order
    const metas = emitted.filter((e) => e.type === RRWEB.META).map((e) => new URL(e.data.href).pathname);
    assert.equal(metas.length, visit.pages);
    for (const p of ['/demo/index.html', '/demo/product.html', '/demo/cart.html', '/demo/checkout.html']) {
      assert.ok(metas.includes(p), `${p} recorded`);
    }

    const stored = await storedEvents(stack, session.id);
    assertSameEvents(stored, emitted);
    const text = JSON.stringify(stored);
    for (const secret of SECRETS) assert.ok(!text.includes(secret), `${secret} never stored`);

    // the video covers the visit (idle time not skipped): within 10 % and a second
    assert.ok(session.video, 'video rendered');
    const span = stored.at(-1).timestamp - stored[0].timestamp;
    assert.ok(Math.abs(session.video.duration_ms - span) <= span * 0.1 + 1000, `video ${session.video.duration_ms} ms for a ${span} ms visit`);
    assert.ok(session.video.size > 10_000, `video of ${session.video.size} bytes`);
    await assertVideoServed(stack, session.id);

    const analysis = await stack.json(`/api/sessions/${session.id}/analysis`);
    assert.equal(analysis.status, 'completed');
    assert.equal(emitted.filter(isClick).length, visit.clicks, 'the recorder saw every click');
    assert.equal(analysis.counts.clicks, visit.clicks);
    assert.equal(analysis.counts.page_loads, visit.pages);
    const errors = analysis.errors.map((e) => [e.kind, e.message]);
    // rrweb's console plugin also logs an uncaught error ("Uncaught …"): it is still one error
    assert.equal(analysis.counts.errors, 2, `the thrown error and the console.error, each once: ${JSON.stringify(errors)}`);
    assert.ok(errors.some(([k, m]) => k === 'error' && m.includes('Payment provider unavailable')), JSON.stringify(errors));
    assert.ok(errors.some(([k, m]) => k === 'console' && m.includes('card number rejected')), JSON.stringify(errors));

    // the dashboard lists it for its owner
    const home = await fetch(`${stack.url}/`);
    assert.equal(home.status, 200);
    assert.match(home.headers.get('content-type'), /text\/html/);
    const dash = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    await dash.goto(`${stack.url}/projects/${stack.projectSlug}`);
    await dash.getByLabel('Email').fill(stack.adminEmail);
    await dash.getByLabel('Password').fill(stack.adminPassword);
    await dash.getByRole('button', { name: 'Sign in' }).click();
    await dash.getByTestId('session-row').filter({ hasText: CHECKOUT.email }).getByText('Ready').waitFor();
  } finally {
    await browser.close();
    shop.close();
  }
}

describe('the demo shop end to end', { concurrency: true }, () => {
  test('on SQLite with the database queue', () => withStack({ env: RENDER_ENV }, visitAndCheck));

  test('on PostgreSQL with the Redis queue', { skip: !process.env.INCUERA_TEST_POSTGRES_URL && 'needs tests/services.sh' }, () =>
    withStack({ database: 'postgres', queue: 'redis', env: RENDER_ENV }, visitAndCheck));
});
