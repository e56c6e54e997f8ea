// The harness itself: a seeded server that answers, keeps its port and data
// across a restart, and serves the SDK the shop loads.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { withStack } from './lib/stack.mjs';

test('a seeded stack accepts ingest with its key and survives a restart on the same port', async () => {
  await withStack({}, async (stack) => {
    assert.match(stack.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const sdk = await fetch(`${stack.url}/sdk.js`);
    assert.equal(sdk.status, 200);
    assert.match(await sdk.text(), /Incuera/);

    const start = await fetch(`${stack.url}/api/sessions/start`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'X-API-Key': stack.ingestKey },
      body: JSON.stringify({ sessionId: 'harness-1', metadata: { url: 'http://shop.test/' } }),
    });
    assert.equal(start.status, 200, await start.text());

    const port = stack.port;
    await stack.restart();
    assert.equal(stack.port, port);
    const sessions = JSON.parse(stack.cli('sessions', 'list', '--project', stack.projectSlug, '--owner', stack.adminEmail, '--json'));
    assert.deepEqual(sessions.map((s) => s.client_id ?? s.clientId), ['harness-1']);
  });
});
