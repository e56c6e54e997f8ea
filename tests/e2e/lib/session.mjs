// Waiting on a stored session through the admin API, and the checks every
// end-to-end test makes on what the server kept.
import assert from 'node:assert/strict';
import { waitFor } from './stack.mjs';

/** POSTs `body` to an ingest route with the stack's ingest key; the JSON answer, or throws. */
export async function ingestPost(stack, path, body) {
  const res = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-API-Key': stack.ingestKey },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/** The project's only session, once the server has one (read key: its own project). */
export async function onlySession(stack, timeoutMs = 15_000) {
  const { sessions } = await waitFor(async () => {
    const list = await stack.json('/api/sessions');
    return list.sessions.length > 0 && list;
  }, timeoutMs, 'a session to be listed');
  assert.equal(sessions.length, 1, `one session, got ${sessions.map((s) => s.client_id).join(', ')}`);
  return sessions[0];
}

/**
 * Polls the session until it is rendered (status ready) and analysed; fails
 * at once on status failed/discarded or a failed analysis, with the reason.
 * The wait covers the end grace, the worker's sweep (30 s) and the render.
 */
export function untilAnalysed(stack, id, timeoutMs = 180_000) {
  return waitFor(
    async () => {
      const s = await stack.json(`/api/sessions/${id}`);
      if (s.status === 'failed' || s.status === 'discarded') {
        throw Object.assign(new Error(`session ${id} is ${s.status}: ${s.failure_reason || s.end_reason}`), { fatal: true });
      }
      if (s.analysis_status === 'failed') throw Object.assign(new Error(`analysis of ${id} failed`), { fatal: true });
      return s.status === 'ready' && s.analysis_status === 'completed' && s;
    },
    timeoutMs,
    `session ${id} to be rendered and analysed`,
    1000,
  );
}

/** The stored events of a session, as the one JSON array the API streams. */
export async function storedEvents(stack, id) {
  const res = await stack.api(`/api/sessions/${id}/events`);
  assert.equal(res.status, 200);
  assert.match(res.headers.get('content-type'), /application\/json/);
  return JSON.parse(await res.text());
}

/** Stored events equal the emitted ones: same count, same order, same content. */
export function assertSameEvents(stored, emitted) {
  if (stored.length !== emitted.length) {
    // name what went missing or came twice, not only the counts
    const kept = new Set(stored.map((e) => JSON.stringify(e)));
    const sent = new Set(emitted.map((e) => JSON.stringify(e)));
    const describe = (e) => `type ${e.type}${e.data?.source !== undefined ? ` source ${e.data.source}` : ''} at ${e.timestamp}`;
    const lost = emitted.filter((e) => !kept.has(JSON.stringify(e))).map(describe);
    const extra = stored.filter((e) => !sent.has(JSON.stringify(e))).map(describe);
    const last = emitted.at(-1)?.timestamp;
    assert.fail(`${stored.length} events stored, ${emitted.length} recorded; lost: [${lost.join('; ')}]; ` +
      `not recorded: [${extra.join('; ')}]; last recorded at ${last}`);
  }
  for (let i = 0; i < emitted.length; i++) {
    // one event at a time, so a difference names its index instead of dumping two whole arrays
    assert.deepEqual(stored[i], emitted[i], `event ${i} (type ${emitted[i].type}) stored as recorded`);
  }
}

/** The MP4 answers a byte range and starts with an ftyp box. */
export async function assertVideoServed(stack, id) {
  const res = await stack.api(`/api/sessions/${id}/video`, { headers: { Range: 'bytes=0-63' } });
  assert.equal(res.status, 206);
  assert.equal(res.headers.get('content-type'), 'video/mp4');
  const head = Buffer.from(await res.arrayBuffer());
  assert.equal(head.length, 64);
  assert.equal(head.subarray(4, 8).toString('latin1'), 'ftyp');
}

/** The parts of the visit the SDK recorded as `clientId` (its sessions "<id>" and "<id>#<part>"), in order. */
export async function visitParts(stack, clientId) {
  const parts = [];
  for (let cursor = ''; ;) {
    const page = await stack.json(`/api/sessions?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
    parts.push(...page.sessions.filter((s) => s.client_id === clientId || s.client_id.startsWith(`${clientId}#`)));
    if (!page.next_cursor) break;
    cursor = page.next_cursor;
  }
  return parts.sort((a, b) => a.part - b.part);
}

/**
 * Every emitted event is stored exactly once: counted event by event (as
 * JSON), whatever part of the visit holds it. Fails naming what was lost and
 * what was stored twice.
 */
export function assertEachStoredOnce(stored, emitted) {
  const counts = new Map();
  for (const e of emitted) counts.set(JSON.stringify(e), (counts.get(JSON.stringify(e)) ?? 0) + 1);
  const extra = [];
  for (const e of stored) {
    const key = JSON.stringify(e);
    const left = counts.get(key) ?? 0;
    if (left === 0) extra.push(e);
    else counts.set(key, left - 1);
  }
  const lost = [...counts.entries()].filter(([, n]) => n > 0).flatMap(([k, n]) => Array(n).fill(JSON.parse(k)));
  const describe = (e) =>
    `type ${e.type}${e.data?.source !== undefined ? ` source ${e.data.source}/${e.data.type}` : ''} at ${e.timestamp}` +
    ` (emitted #${emitted.findIndex((x) => JSON.stringify(x) === JSON.stringify(e))} of ${emitted.length})`;
  assert.ok(
    lost.length === 0 && extra.length === 0,
    `${emitted.length} events emitted, ${stored.length} stored: ${lost.length} lost [${lost.map(describe).join('; ')}], ` +
      `${extra.length} duplicated or never emitted [${extra.map(describe).join('; ')}]`,
  );
}

/** Keeps every visit, however short, so each emitted event can be looked for. */
export async function keepEveryVisit(stack) {
  const login = await fetch(`${stack.url}/api/auth/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ email: stack.adminEmail, password: stack.adminPassword }),
  });
  assert.equal(login.status, 200);
  const { token } = await login.json();
  const res = await fetch(`${stack.url}/api/projects/${stack.projectSlug}`, {
    method: 'PATCH',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${token}` },
    body: JSON.stringify({ settings: { min_duration_ms: 0 } }),
  });
  assert.equal(res.status, 200, await res.text());
}

/** Waits until every part of the visit is finalized and returns the parts with their events. */
export async function finalizedVisit(stack, clientId, parts) {
  const found = await waitFor(async () => {
    const list = await visitParts(stack, clientId);
    return list.length === parts && list.every((s) => s.status !== 'recording') && list;
  }, 30_000, `${parts} finalized part(s) of visit ${clientId}`);
  for (const part of found) part.events = await storedEvents(stack, part.id);
  return found;
}
