import { mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchBuffer } from '../../src/buffer';
import {
  KEEPALIVE_BUDGET,
  MAX_RETRY_AFTER_MS,
  type Transport,
  Uploader,
  backoffDelay,
  isRetryable,
  isSuccess,
  retryAfterMs,
  unloadChannel,
} from '../../src/transport';

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

test('Retry-After is read in seconds or as a date, never negative, capped at a day', () => {
  assert.equal(retryAfterMs(null), 0);
  assert.equal(retryAfterMs('120'), 120_000);
  assert.equal(retryAfterMs('0'), 0);
  assert.equal(retryAfterMs('-5'), 0);
  assert.equal(retryAfterMs('soon'), 0);
  const now = Date.parse('Thu, 03 Dec 2026 10:00:00 GMT');
  assert.equal(retryAfterMs('Thu, 03 Dec 2026 10:00:30 GMT', now), 30_000);
  assert.equal(retryAfterMs('Thu, 03 Dec 2026 09:00:00 GMT', now), 0);
  assert.equal(retryAfterMs(String(10 * 86400), now), MAX_RETRY_AFTER_MS);
});

test('a batch answered 429 is sent again no sooner than its Retry-After, and not in a tight loop', async () => {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    const sent: number[] = [];
    let clock = 0;
    const answers = [429, 429, 200];
    const transport = {
      async post(_path: string, _body: object, _gzip: boolean, _onAnswer?: unknown, onRetryAfter?: (ms: number) => void) {
        sent.push(clock);
        const status = answers.shift() ?? 200;
        if (status === 429) onRetryAfter?.(retryAfterMs('60'));
        return status;
      },
    } as unknown as Transport;
    const buffer = new BatchBuffer(1000);
    buffer.push('s1', { type: 3, data: {}, timestamp: 1 });
    buffer.seal(1);
    const uploader = new Uploader(buffer, transport, { baseMs: 1000, maxMs: 30_000, maxAttempts: 10 }, () => {});
    const settle = () => new Promise((r) => setImmediate(r));
    uploader.pump();
    await settle();
    assert.equal(sent.length, 1);
    for (const step of [59_999, 1, 59_999, 1]) {
      clock += step;
      mock.timers.tick(step);
      await settle();
    }
    assert.deepEqual(sent, [0, 60_000, 120_000]);
    assert.equal(buffer.sealed.length, 0);
  } finally {
    mock.timers.reset();
  }
});
