import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchBuffer, FULL_SNAPSHOT, parseBatches, serializeBatches, type RecordedEvent } from '../../src/buffer';

const inc = (t: number): RecordedEvent => ({ type: 3, data: {}, timestamp: t });
const full = (t: number): RecordedEvent => ({ type: FULL_SNAPSHOT, data: {}, timestamp: t });

function fill(buf: BatchBuffer, seq: number, events: RecordedEvent[]) {
  for (const e of events) buf.push('s1', e);
  return buf.seal(seq)!;
}

test('seal numbers the open batch and empties it', () => {
  const buf = new BatchBuffer(100);
  assert.equal(buf.seal(1), null);
  buf.push('s1', inc(1));
  const b = buf.seal(7)!;
  assert.deepEqual([b.sessionId, b.seq, b.events.length], ['s1', 7, 1]);
  assert.equal(buf.openSize, 0);
  assert.equal(buf.size, 1);
});

test('within bounds nothing is dropped', () => {
  const buf = new BatchBuffer(4);
  fill(buf, 1, [full(1), inc(2)]);
  fill(buf, 2, [full(3), inc(4)]);
  assert.deepEqual(buf.trim(), []);
});

test('over the bound, everything older than the newest snapshot goes', () => {
  const buf = new BatchBuffer(5);
  const b1 = fill(buf, 1, [full(1), inc(2)]);
  const b2 = fill(buf, 2, [inc(3), inc(4)]);
  const b3 = fill(buf, 3, [full(5), inc(6)]);
  assert.equal(buf.overflowing, true);
  assert.deepEqual(buf.trim(), [b1, b2]);
  assert.deepEqual(buf.sealed, [b3]);
});

test('the only full snapshot is never dropped; a newer one makes the old droppable', () => {
  const buf = new BatchBuffer(3);
  fill(buf, 1, [full(1), inc(2)]);
  fill(buf, 2, [inc(3), inc(4)]);
  assert.deepEqual(buf.trim(), []);
  assert.equal(buf.overflowing, true);
  // what the SDK does next: take a new snapshot (into the open batch), trim again
  buf.push('s1', full(5));
  assert.deepEqual(buf.trim().map((b) => b.seq), [1, 2]);
  assert.equal(buf.size, 1);
});

test('a batch being sent is not dropped', () => {
  const buf = new BatchBuffer(2);
  const b1 = fill(buf, 1, [inc(1), inc(2)]);
  b1.inFlight = true;
  const b2 = fill(buf, 2, [inc(3), inc(4)]);
  buf.push('s1', full(5));
  assert.deepEqual(buf.trim(), [b2]);
  assert.deepEqual(buf.sealed, [b1]);
});

test('remove is idempotent', () => {
  const buf = new BatchBuffer(10);
  const b = fill(buf, 1, [inc(1)]);
  buf.remove(b);
  buf.remove(b);
  assert.equal(buf.size, 0);
});

test('batches kept for the next page round-trip with their seq; junk is ignored', () => {
  const buf = new BatchBuffer(100);
  const b = fill(buf, 4, [full(1), inc(2)]);
  b.attempts = 3;
  b.inFlight = true;
  const back = parseBatches(serializeBatches([b]));
  assert.deepEqual(back, [{ sessionId: 's1', seq: 4, events: b.events, attempts: 0, inFlight: false }]);
  assert.deepEqual(parseBatches('not json'), []);
  assert.deepEqual(parseBatches(null), []);
  assert.deepEqual(parseBatches('[{"seq":1}]'), []);
  const next = new BatchBuffer(100);
  fill(next, 5, [inc(3)]);
  next.restore(back);
  assert.deepEqual(next.sealed.map((x) => x.seq), [4, 5]);
});
