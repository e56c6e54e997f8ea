import { test } from 'node:test';
import assert from 'node:assert/strict';
import { KEEPALIVE_BUDGET, backoffDelay, isRetryable, isSuccess, unloadChannel } from '../../src/transport';

test('backoff doubles per attempt, is capped, and is jittered within [exp/2, exp]', () => {
  assert.equal(backoffDelay(1, 1000, 30_000, () => 0), 500);
  assert.equal(backoffDelay(1, 1000, 30_000, () => 1), 1000);
  assert.equal(backoffDelay(2, 1000, 30_000, () => 1), 2000);
  assert.equal(backoffDelay(4, 1000, 30_000, () => 1), 8000);
  assert.equal(backoffDelay(10, 1000, 30_000, () => 1), 30_000);
  assert.equal(backoffDelay(10, 1000, 30_000, () => 0), 15_000);
  for (let i = 0; i < 100; i++) {
    const d = backoffDelay(3, 1000, 30_000);
    assert.ok(d >= 2000 && d <= 4000, String(d));
  }
});

test('only network errors, 408, 429 and 5xx are retried', () => {
  for (const s of [0, 408, 429, 500, 502, 503]) assert.equal(isRetryable(s), true, String(s));
  for (const s of [400, 401, 403, 404, 413, 422]) assert.equal(isRetryable(s), false, String(s));
  assert.equal(isSuccess(200), true);
  assert.equal(isSuccess(204), true);
  assert.equal(isSuccess(0), false);
});

test('unload: keepalive under 64 KB in flight, beacon beyond', () => {
  assert.equal(unloadChannel(1000, 0), 'keepalive');
  assert.equal(unloadChannel(KEEPALIVE_BUDGET - 1, 0), 'keepalive');
  assert.equal(unloadChannel(KEEPALIVE_BUDGET, 0), 'beacon');
  assert.equal(unloadChannel(40_000, 30_000), 'beacon');
  assert.equal(unloadChannel(100_000, 0), 'beacon');
});
