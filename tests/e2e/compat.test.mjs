// SDKs of the first version keep working unchanged: exactly their requests
// (ARCHITECTURE §6, ../shared/seeds) — /start and /ingest as JSON with
// X-API-Key after a CORS preflight, plain (no gzip) bodies without sequence
// numbers, and /end as a sendBeacon would send it: text/plain JSON carrying
// apiKey, no custom header. The session is stored intact, ended and rendered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, withStack } from './lib/stack.mjs';
import { assertSameEvents, assertVideoServed, onlySession, storedEvents, untilAnalysed } from './lib/session.mjs';

const ORIGIN = 'https://shop.example.com';
const BATCH = 40; // the first SDK flushed on a count, like this

/** The recorded shop visit (32 s), moved to end a second ago as if recorded live. */
function recording() {
  const events = JSON.parse(readFileSync(join(repoRoot, 'tests/data/recording/shop.json'), 'utf8'));
  const shift = Date.now() - 1000 - events.at(-1).timestamp;
  return events.map((e) => ({ ...e, timestamp: e.timestamp + shift }));
}

test('a first-version client: start, ingest and a beacon end store, end and render the session', async () => {
  await withStack({ env: { RENDER_FPS: '10' } }, async (stack) => {
    const events = recording();
    const sessionId = `session_${events[0].timestamp}_v1compat`;
    const post = async (path, body, headers) => {
      const res = await fetch(`${stack.url}${path}`, { method: 'POST', headers: { Origin: ORIGIN, ...headers }, body: JSON.stringify(body) });
      assert.equal(res.status, 200, `${path}: ${res.status}`);
      assert.equal(res.headers.get('access-control-allow-origin'), ORIGIN, `${path}: CORS for the page`);
      return res.json();
    };
    const jsonHeaders = { 'Content-Type': 'application/json', 'X-API-Key': stack.ingestKey };

    // what the browser asks before a JSON POST with X-API-Key
    for (const path of ['/api/sessions/start', '/api/ingest']) {
      const pre = await fetch(`${stack.url}${path}`, {
        method: 'OPTIONS',
        headers: { Origin: ORIGIN, 'Access-Control-Request-Method': 'POST', 'Access-Control-Request-Headers': 'content-type,x-api-key' },
      });
      assert.ok(pre.status === 200 || pre.status === 204, `preflight ${path}: ${pre.status}`);
      assert.match(pre.headers.get('access-control-allow-headers').toLowerCase(), /x-api-key/);
      assert.match(pre.headers.get('access-control-allow-methods'), /POST/);
    }

    const started = await post(
      '/api/sessions/start',
      {
        sessionId,
        userId: 'user_123',
        userEmail: 'user@example.com',
        metadata: {
          url: 'https://shop.example.com/',
          referrer: 'https://google.com',
          userAgent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120.0 Safari/537.36',
          screen: { width: 1920, height: 1080 },
          viewport: { width: 1280, height: 720 },
          timestamp: events[0].timestamp,
        },
      },
      jsonHeaders,
    );
    assert.equal(started.success, true);
    assert.equal(typeof started.message, 'string');

    for (let i = 0; i < events.length; i += BATCH) {
      const batch = events.slice(i, i + BATCH);
      const answer = await post('/api/ingest', { sessionId, events: batch, timestamp: Date.now() }, jsonHeaders);
      assert.equal(answer.success, true);
      assert.equal(answer.events_received, batch.length);
      assert.equal(typeof answer.message, 'string');
    }

    const ended = await post(
      '/api/sessions/end',
      { sessionId, timestamp: Date.now(), reason: 'pagehide', finalEventCount: events.length, apiKey: stack.ingestKey },
      { 'Content-Type': 'text/plain;charset=UTF-8' },
    );
    assert.equal(ended.success, true);
    assert.equal(typeof ended.session_finalized, 'boolean');
    assert.equal(ended.video_job_queued, true, 'a 32 s visit is long enough to be rendered');

    const listed = await onlySession(stack);
    assert.equal(listed.client_id, sessionId);
    const session = await untilAnalysed(stack, listed.id);
    assert.equal(session.user_id, 'user_123');
    assert.equal(session.user_email, 'user@example.com');
    assert.equal(session.url, 'https://shop.example.com/');
    assert.equal(session.referrer, 'https://google.com');
    assert.deepEqual(session.screen, { width: 1920, height: 1080 });
    assert.deepEqual(session.viewport, { width: 1280, height: 720 });
    assert.equal(session.started_at, events[0].timestamp);
    assert.equal(session.end_reason, 'pagehide');
    assert.equal(session.event_count, events.length);
    assertSameEvents(await storedEvents(stack, session.id), events);
    assert.ok(session.video.duration_ms > 5_000, `video of ${session.video.duration_ms} ms`);
    await assertVideoServed(stack, session.id);
  });
});
