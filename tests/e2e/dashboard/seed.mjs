// Sends the recorded shop session (tests/data/recording) through the ingest
// API as the SDK would, moved to the present, and waits for the worker to
// render and analyse it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ingestPost, untilAnalysed } from '../lib/session.mjs';
import { repoRoot } from '../lib/stack.mjs';

const recording = JSON.parse(readFileSync(join(repoRoot, 'tests/data/recording/shop.json'), 'utf8'));
export const recordingFacts = JSON.parse(readFileSync(join(repoRoot, 'tests/data/recording/expected.json'), 'utf8'));

/**
 * Starts a visit and sends the first half of the recording, so the session is
 * `recording`. Returns { id, finish() }: finish() sends the rest and the end
 * beacon, then resolves to the session once it is `ready` and analysed.
 */
export async function startRecordedVisit(stack, { clientId, userId = 'u-42', userEmail = 'shopper@example.com' }) {
  // Shifted so the visit ends now: lists show it as recent, and in order.
  const shift = Date.now() - recording[recording.length - 1].timestamp;
  const events = recording.map((e) => ({ ...e, timestamp: e.timestamp + shift }));
  const meta = events.find((e) => e.type === 4).data;
  await ingestPost(stack, '/api/sessions/start', {
    sessionId: clientId,
    userId,
    userEmail,
    metadata: {
      url: 'http://shop.test/demo/index.html',
      referrer: '',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) dashboard-e2e',
      screen: { width: meta.width, height: meta.height },
      viewport: { width: meta.width, height: meta.height },
      timestamp: events[0].timestamp,
    },
  });
  const half = Math.ceil(events.length / 2);
  await ingestPost(stack, '/api/ingest', { sessionId: clientId, events: events.slice(0, half), seq: 0, timestamp: events[half - 1].timestamp });

  const { sessions } = await stack.json(`/api/sessions?project=${stack.projectSlug}`);
  const id = sessions.find((s) => s.client_id === clientId)?.id;
  if (!id) throw new Error(`session ${clientId} not listed: ${JSON.stringify(sessions)}`);

  async function finish() {
    const last = events[events.length - 1].timestamp;
    await ingestPost(stack, '/api/ingest', { sessionId: clientId, events: events.slice(half), seq: 1, timestamp: last });
    await ingestPost(stack, '/api/sessions/end', { sessionId: clientId, timestamp: last, reason: 'pagehide', finalEventCount: events.length });
    return untilAnalysed(stack, id);
  }
  return { id, finish };
}

/** The whole visit at once; resolves to the rendered and analysed session. */
export async function seedRecordedSession(stack, options) {
  const visit = await startRecordedVisit(stack, options);
  return visit.finish();
}

/** Opens `count` visits that send nothing after their start (status `recording`). */
export async function startEmptyVisits(stack, count, prefix = 'empty-visit') {
  for (let i = 0; i < count; i++) {
    await ingestPost(stack, '/api/sessions/start', {
      sessionId: `${prefix}-${i}`,
      userId: `${prefix}-user-${i}`,
      metadata: { url: `http://shop.test/demo/product.html?item=${i}`, timestamp: Date.now() - (count - i) * 1000 },
    });
  }
}

/**
 * The visitor of the finalized `session` comes back: a batch for its SDK
 * session id (the start of the recording again, a minute after the visit
 * ended) opens the visit's next part. Resolves to that part.
 */
export async function continueVisit(stack, session) {
  const shift = session.last_event_at + 60_000 - recording[0].timestamp;
  const events = recording.slice(0, 40).map((e) => ({ ...e, timestamp: e.timestamp + shift }));
  const answer = await ingestPost(stack, '/api/ingest', { sessionId: session.client_id, events, timestamp: Date.now() });
  return stack.json(`/api/sessions/${answer.session_id}`);
}
