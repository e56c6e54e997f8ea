import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SessionStore, STORAGE_KEY, isExpired, newSessionId, type KeyValueStore } from '../../src/session';

class MemoryStore implements KeyValueStore {
  data = new Map<string, string>();
  getItem(k: string) {
    return this.data.get(k) ?? null;
  }
  setItem(k: string, v: string) {
    this.data.set(k, v);
  }
}
const MIN = 60_000;
const TIMEOUT = 30 * MIN;

test('session id has the first version format, with 16 random characters', () => {
  assert.match(newSessionId(1700000000000), /^session_1700000000000_[0-9a-z]{16}$/);
});

test('session ids come from crypto.getRandomValues, not Math.random', () => {
  const original = Math.random;
  Math.random = () => 0.5;
  try {
    const ids = new Set(Array.from({ length: 1000 }, () => newSessionId(0)));
    assert.equal(ids.size, 1000);
  } finally {
    Math.random = original;
  }
});

test('a new page of the same visit keeps the id and continues seq', () => {
  const tab = new MemoryStore();
  const local = new MemoryStore();
  const page1 = new SessionStore([tab, local], TIMEOUT, 1, 1000);
  assert.equal(page1.created, true);
  assert.equal(page1.nextSeq(10, 2000), 1);
  assert.equal(page1.nextSeq(5, 3000), 2);
  const page2 = new SessionStore([tab, local], TIMEOUT, 1, 4000);
  assert.equal(page2.created, false);
  assert.equal(page2.current.id, page1.current.id);
  assert.equal(page2.nextSeq(1, 5000), 3);
  assert.equal(page2.current.eventCount, 16);
});

test('expiry is 30 minutes of inactivity, not 30 minutes from creation', () => {
  const stores = [new MemoryStore(), new MemoryStore()];
  const s = new SessionStore(stores, TIMEOUT, 1, 0);
  // active every 10 minutes for an hour: never expires
  for (let t = 10 * MIN; t <= 60 * MIN; t += 10 * MIN) {
    assert.equal(s.expired(t), false, `at ${t / MIN} min`);
    s.touch(t);
  }
  s.save(60 * MIN);
  assert.equal(s.expired(60 * MIN + TIMEOUT), false);
  assert.equal(s.expired(60 * MIN + TIMEOUT + 1), true);
  // a page loaded after the expiry starts a new session at seq 1
  const later = new SessionStore(stores, TIMEOUT, 1, 60 * MIN + TIMEOUT + 1);
  assert.equal(later.created, true);
  assert.notEqual(later.current.id, s.current.id);
  assert.equal(later.nextSeq(1, 91 * MIN), 1);
});

test('touch persists the activity at most every 5 s, save always', () => {
  const store = new MemoryStore();
  const s = new SessionStore([store], TIMEOUT, 1, 0);
  const stored = () => JSON.parse(store.getItem(STORAGE_KEY)!).lastActivity;
  s.touch(1000);
  assert.equal(stored(), 0);
  s.touch(5000);
  assert.equal(stored(), 5000);
  s.touch(6000);
  s.save(6000);
  assert.equal(stored(), 6000);
});

test('rotate keeps the identity, resets seq and count', () => {
  const s = new SessionStore([new MemoryStore()], TIMEOUT, 1, 0);
  s.identify('u1', 'u1@example.com');
  s.nextSeq(3, 1);
  const old = s.current.id;
  s.rotate(TIMEOUT + 10);
  assert.notEqual(s.current.id, old);
  assert.equal(s.current.userId, 'u1');
  assert.equal(s.current.userEmail, 'u1@example.com');
  assert.equal(s.nextSeq(1, TIMEOUT + 11), 1);
  assert.equal(s.current.eventCount, 1);
});

test('a new tab adopts the visit from localStorage when its own storage is empty', () => {
  const local = new MemoryStore();
  const a = new SessionStore([new MemoryStore(), local], TIMEOUT, 1, 0);
  a.nextSeq(1, 0);
  const b = new SessionStore([new MemoryStore(), local], TIMEOUT, 1, MIN);
  assert.equal(b.current.id, a.current.id);
  assert.equal(b.nextSeq(1, MIN), 2);
});

test('seq never goes back when another page advanced the shared counter', () => {
  const local = new MemoryStore();
  const a = new SessionStore([new MemoryStore(), local], TIMEOUT, 1, 0);
  const b = new SessionStore([new MemoryStore(), local], TIMEOUT, 1, 0);
  assert.equal(a.nextSeq(1, 1), 1);
  assert.equal(b.nextSeq(1, 2), 2);
  assert.equal(a.nextSeq(1, 3), 3);
});

test('sampling is decided once per session', () => {
  const stores = [new MemoryStore()];
  const out = new SessionStore(stores, TIMEOUT, 0.5, 0, () => 0.9);
  assert.equal(out.current.sampled, false);
  // the next page of the visit keeps the decision whatever the dice say
  const next = new SessionStore(stores, TIMEOUT, 0.5, 1, () => 0.1);
  assert.equal(next.current.sampled, false);
  assert.equal(new SessionStore([new MemoryStore()], TIMEOUT, 0.5, 0, () => 0.1).current.sampled, true);
});

test('unusable storage degrades to memory', () => {
  const broken: KeyValueStore = {
    getItem() {
      throw new Error('SecurityError');
    },
    setItem() {
      throw new Error('QuotaExceededError');
    },
  };
  const s = new SessionStore([broken], TIMEOUT, 1, 0);
  assert.equal(s.nextSeq(1, 1), 1);
  assert.equal(s.nextSeq(1, 2), 2);
});

test('isExpired', () => {
  const st = { id: 'x', lastActivity: 100, seq: 0, eventCount: 0, sampled: true };
  assert.equal(isExpired(st, 100 + TIMEOUT, TIMEOUT), false);
  assert.equal(isExpired(st, 101 + TIMEOUT, TIMEOUT), true);
});
