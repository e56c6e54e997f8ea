// Seeds a stack with the recorded shop session (tests/data/recording) through
// the ingest API, as the SDK would send it, and waits until the worker has
// rendered and analysed it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, waitFor } from '../lib/stack.mjs';

export const recording = JSON.parse(readFileSync(join(repoRoot, 'tests/data/recording/shop.json'), 'utf8'));
export const recordingFacts = JSON.parse(readFileSync(join(repoRoot, 'tests/data/recording/expected.json'), 'utf8'));

async function post(stack, path, body) {
  const res = await fetch(`${stack.url}${path}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-API-Key': stack.ingestKey },
    body: JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

/**
 * Sends the recording as one visit (start, two batches, end) and resolves to
 * the session as GET /api/sessions/{id} shows it once it is `ready` with a
 * completed analysis.
 */
export async function seedRecordedSession(stack, { clientId = 'dashboard-e2e', userId = 'u-42', userEmail = 'shopper@example.com' } = {}) {
  const first = recording[0].timestamp;
  const last = recording[recording.length - 1].timestamp;
  const meta = recording.find((e) => e.type === 4).data;
  await post(stack, '/api/sessions/start', {
    sessionId: clientId,
    userId,
    userEmail,
    metadata: {
      url: 'http://shop.test/demo/index.html',
      referrer: '',
      userAgent: 'Mozilla/5.0 (X11; Linux x86_64) dashboard-e2e',
      screen: { width: meta.width, height: meta.height },
      viewport: { width: meta.width, height: meta.height },
      timestamp: first,
    },
  });
  const half = Math.ceil(recording.length / 2);
  await post(stack, '/api/ingest', { sessionId: clientId, events: recording.slice(0, half), seq: 0, timestamp: first });
  await post(stack, '/api/ingest', { sessionId: clientId, events: recording.slice(half), seq: 1, timestamp: last });
  await post(stack, '/api/sessions/end', { sessionId: clientId, timestamp: last, reason: 'pagehide', finalEventCount: recording.length });

  const { sessions } = await stack.json(`/api/sessions?project=${stack.projectSlug}`);
  const id = sessions.find((s) => s.client_id === clientId)?.id;
  if (!id) throw new Error(`session ${clientId} not listed: ${JSON.stringify(sessions)}`);
  return waitFor(
    async () => {
      const session = await stack.json(`/api/sessions/${id}`);
      if (session.status === 'failed') throw new Error(`render failed: ${session.failure_reason}`);
      return session.status === 'ready' && session.analysis_status === 'completed' && session;
    },
    180_000,
    `session ${id} rendered and analysed`,
    500,
  );
}
