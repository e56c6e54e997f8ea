// Talking to the Incuera server: JSON POSTs (gzip when the browser can), the
// unload path (keepalive fetch or sendBeacon), and the retry policy for batches.

import type { Batch, BatchBuffer } from './buffer';

/** Browsers cap the bodies of all in-flight keepalive requests at 64 KiB. */
export const KEEPALIVE_BUDGET = 64 * 1024;

/** The server's endpoints the SDK calls (ARCHITECTURE.md §6). */
export const ENDPOINTS = {
  start: '/api/sessions/start',
  heartbeat: '/api/sessions/heartbeat',
  end: '/api/sessions/end',
  ingest: '/api/ingest',
} as const;

export type Status = number; // HTTP status, 0 when the request never got an answer

export const isSuccess = (s: Status): boolean => s >= 200 && s < 300;

/** Network errors, timeouts, throttling and server errors are worth another try. */
export const isRetryable = (s: Status): boolean => s === 0 || s === 408 || s === 429 || s >= 500;

/**
 * Exponential backoff with "equal jitter": half of the exponential delay is
 * fixed, the other half random, so many clients recovering from the same
 * outage do not retry in lockstep.
 */
export function backoffDelay(attempt: number, baseMs: number, maxMs: number, random: () => number = Math.random): number {
  const exp = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return exp / 2 + random() * (exp / 2);
}

/** The longest Retry-After the SDK honours (a daily quota asks for hours). */
export const MAX_RETRY_AFTER_MS = 24 * 3600 * 1000;

/**
 * Milliseconds a 429 or 503 answer asks to wait: Retry-After in seconds or as
 * an HTTP date, capped at MAX_RETRY_AFTER_MS; 0 when absent or unreadable.
 */
export function retryAfterMs(header: string | null, now: number = Date.now()): number {
  if (!header) return 0;
  const seconds = Number(header);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(header) - now;
  return Number.isFinite(ms) ? Math.min(MAX_RETRY_AFTER_MS, Math.max(0, ms)) : 0;
}

/**
 * On unload a body goes by keepalive fetch while the keepalive budget allows
 * (it keeps our headers and lets us see the answer if the page survives),
 * otherwise by sendBeacon, which has its own queue.
 */
export function unloadChannel(bodyBytes: number, keepaliveBytesInFlight: number): 'keepalive' | 'beacon' {
  return bodyBytes + keepaliveBytesInFlight < KEEPALIVE_BUDGET ? 'keepalive' : 'beacon';
}

export const byteLength = (s: string): number => new TextEncoder().encode(s).length;

async function gzip(text: string): Promise<Uint8Array<ArrayBuffer>> {
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

export class Transport {
  private readonly base: string;
  private keepaliveBytes = 0;

  constructor(
    apiHost: string,
    private readonly apiKey: string,
    private readonly log: (...args: unknown[]) => void,
  ) {
    this.base = apiHost.replace(/\/+$/, '');
  }

  /** The absolute URL of an endpoint of the server. */
  url(path: string): string {
    try {
      return new URL(this.base + path, location.href).href;
    } catch {
      return this.base + path;
    }
  }

  /**
   * `onAnswer`, when given, receives the JSON body of a 2xx answer;
   * `onRetryAfter` the wait (ms) a 429 or 503 answer asks for.
   */
  async post(
    path: string,
    body: object,
    compress: boolean,
    onAnswer?: (answer: unknown) => void,
    onRetryAfter?: (ms: number) => void,
  ): Promise<Status> {
    const json = JSON.stringify(body);
    const headers: Record<string, string> = { 'Content-Type': 'application/json', 'X-API-Key': this.apiKey };
    let payload: BodyInit = json;
    if (compress && typeof CompressionStream === 'function') {
      try {
        payload = await gzip(json);
        headers['Content-Encoding'] = 'gzip';
      } catch {
        payload = json;
      }
    }
    try {
      const res = await fetch(this.base + path, { method: 'POST', headers, body: payload, credentials: 'omit' });
      if (onAnswer && isSuccess(res.status)) onAnswer(await res.json().catch(() => null));
      if (onRetryAfter && (res.status === 429 || res.status === 503)) {
        onRetryAfter(retryAfterMs(res.headers.get('Retry-After')));
      }
      return res.status;
    } catch (err) {
      this.log('request failed', path, err);
      return 0;
    }
  }

  /**
   * Send while the page may be going away. Synchronous to start (no gzip, which
   * is asynchronous) and always a CORS "simple" request — text/plain, the API
   * key in the body, no custom header — so no preflight has to complete first
   * and the requests leave in the order they were made (tail, then end).
   * Keepalive fetch while the body fits the keepalive budget (its answer is
   * still seen if the page survives), otherwise sendBeacon.
   * Resolves with the status for keepalive; a beacon counts as 200 once queued.
   * Null when neither channel took the body: Chromium caps all pending
   * keepalive and beacon bodies of a page together at 64 KiB.
   */
  sendUnloading(path: string, body: object): Promise<Status> | null {
    const json = this.withKey(body);
    const bytes = byteLength(json);
    if (unloadChannel(bytes, this.keepaliveBytes) === 'keepalive') {
      this.keepaliveBytes += bytes;
      return fetch(this.base + path, {
        method: 'POST',
        headers: { 'Content-Type': 'text/plain' },
        body: json,
        credentials: 'omit',
        keepalive: true,
      })
        .then((res) => res.status, () => 0)
        .finally(() => {
          this.keepaliveBytes -= bytes;
        });
    }
    return this.beacon(path, body) ? Promise.resolve(200) : null;
  }

  beacon(path: string, body: object): boolean {
    const blob = new Blob([this.withKey(body)], { type: 'text/plain' });
    try {
      return navigator.sendBeacon(this.base + path, blob);
    } catch (err) {
      this.log('beacon failed', path, err);
      return false;
    }
  }

  private withKey(body: object): string {
    return JSON.stringify({ ...body, apiKey: this.apiKey });
  }
}

export interface RetryPolicy {
  baseMs: number;
  maxMs: number;
  /** a batch still failing after this many attempts is given up */
  maxAttempts: number;
}

/** The fields of the server's answer to /api/ingest the SDK acts on. */
export interface IngestAnswer {
  /**
   * The batch opened the next part of a visit the server had finalized and
   * holds no full snapshot: that part replays from its first one.
   */
  take_full_snapshot?: boolean;
  /** false: the server leaves this visit out of its sample and stores none of it */
  sampled?: boolean;
}

const ingestBody = (b: Batch) => ({ sessionId: b.sessionId, events: b.events, timestamp: Date.now(), seq: b.seq });

/**
 * Sends sealed batches one at a time, oldest first, so the server sees them in
 * order. Failures that may heal are retried with backoff, never sooner than a
 * 429/503 answer's Retry-After; a batch the server
 * rejects (4xx other than 408/429) is dropped at once — resending it cannot help.
 */
export class Uploader {
  private sending = false;
  /** batches with an unload request still pending, not to be sent twice */
  private readonly unloading = new Set<Batch>();
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly buffer: BatchBuffer,
    private readonly transport: Transport,
    private readonly policy: RetryPolicy,
    /** called with the last status (0: no answer) */
    private readonly onDropped: (batch: Batch, status: Status) => void,
    /** called with the server's answer to a batch it took */
    private readonly onAnswer: (batch: Batch, answer: IngestAnswer) => void = () => {},
  ) {}

  pump(): void {
    if (this.sending || this.timer !== null) return;
    const batch = this.buffer.sealed.find((b) => !b.inFlight);
    if (batch) void this.send(batch);
  }

  private async send(batch: Batch): Promise<void> {
    this.sending = true;
    batch.inFlight = true;
    let asked = 0;
    const status = await this.transport.post(
      ENDPOINTS.ingest,
      ingestBody(batch),
      true,
      (answer) => {
        if (answer && typeof answer === 'object') this.onAnswer(batch, answer as IngestAnswer);
      },
      (ms) => (asked = ms),
    );
    batch.inFlight = false;
    this.sending = false;
    if (isSuccess(status)) {
      this.buffer.remove(batch);
    } else if (!isRetryable(status)) {
      this.buffer.remove(batch);
      this.onDropped(batch, status);
    } else if (++batch.attempts >= this.policy.maxAttempts) {
      this.buffer.remove(batch);
      this.onDropped(batch, status);
    } else {
      // Never sooner than the server asked (a quota, a full disk).
      const delay = Math.max(asked, backoffDelay(batch.attempts, this.policy.baseMs, this.policy.maxMs));
      this.timer = setTimeout(() => {
        this.timer = null;
        this.pump();
      }, delay);
      return;
    }
    this.pump();
  }

  /**
   * The tab is hiding or the page unloading: send every unacknowledged batch
   * now, including one whose normal request may be cancelled by the unload
   * (a duplicate is harmless, the server stores each seq once). A batch the
   * browser refuses (over its unload quota) stays in the buffer.
   */
  flushUnloading(): void {
    for (const batch of this.buffer.sealed) {
      if (this.unloading.has(batch)) continue;
      const sent = this.transport.sendUnloading(ENDPOINTS.ingest, ingestBody(batch));
      if (!sent) continue;
      this.unloading.add(batch);
      void sent.then((status) => {
        this.unloading.delete(batch);
        if (isSuccess(status)) this.buffer.remove(batch);
      });
    }
  }

  stop(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }
}
