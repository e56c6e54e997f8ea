// @incuera/sdk — records the page with rrweb and ships the events to an
// Incuera server (protocol: ARCHITECTURE.md §6; compatible with the first
// version's /start, /ingest and /end bodies, plus seq, gzip and /heartbeat).

import { record } from 'rrweb';
import type { RecordPlugin } from '@rrweb/types';
import { getRecordConsolePlugin, type LogLevel } from '@rrweb/rrweb-plugin-console-record';
import { BatchBuffer, FULL_SNAPSHOT, hasFullSnapshot, parseBatches, serializeBatches, type Batch, type RecordedEvent } from './buffer';
import { getRecordNetworkPlugin, type NetworkOptions } from './network';
import { DEFAULT_SESSION_TIMEOUT_MS, SessionStore, type KeyValueStore } from './session';
import { ENDPOINTS, Transport, Uploader } from './transport';

export interface IncueraOptions {
  apiKey: string;
  /** Server origin, e.g. "https://replay.example.com"; "" means this page's origin. */
  apiHost: string;
  userId?: string;
  userEmail?: string;
  /** Record every input's value as asterisks (default true). */
  maskAllInputs?: boolean;
  /** Elements whose text is recorded as asterisks, e.g. "[data-private], .private". */
  maskTextSelector?: string;
  /** Elements recorded as an empty placeholder box. */
  blockSelector?: string;
  /** Inputs whose typing is not recorded at all. */
  ignoreSelector?: string;
  /** Fraction of sessions recorded, decided once per session (default 1). */
  sampleRate?: number;
  mousemoveThrottleMs?: number;
  scrollThrottleMs?: number;
  /** Console levels recorded by rrweb's console plugin; [] records none. */
  captureConsole?: LogLevel[];
  /**
   * fetch/XHR capture (rrweb/network@1 plugin events): method, URL, status,
   * timings and sizes by default; headers and bodies only where allowed.
   */
  network?: NetworkOptions;
  /** Events per batch (default 100). */
  batchSize?: number;
  /** A non-empty batch is sent at least this often (default 10 000 ms). */
  flushIntervalMs?: number;
  /** Events kept in memory while the server is unreachable (default 10 000). */
  maxBufferEvents?: number;
  /** Default 60 000 ms. */
  heartbeatIntervalMs?: number;
  /** Inactivity after which a new session starts (default 30 min). */
  sessionTimeoutMs?: number;
  /** First retry delay of a failed batch; doubles per attempt up to 30 s (default 1 000 ms). */
  retryBaseMs?: number;
  debug?: boolean;
}

const PENDING_KEY = 'incuera_pending';
const MAX_EARLY_EVENTS = 50;

function local(): Storage | null {
  try {
    return window.localStorage;
  } catch {
    return null;
  }
}

function storages(): KeyValueStore[] {
  const out: KeyValueStore[] = [];
  // Accessing the properties can itself throw (storage disabled by policy).
  try {
    out.push(window.sessionStorage);
  } catch {
    /* unavailable */
  }
  try {
    out.push(window.localStorage);
  } catch {
    /* unavailable */
  }
  return out;
}

export default class Incuera {
  private readonly opts: Required<Omit<IncueraOptions, 'userId' | 'userEmail' | 'maskTextSelector' | 'blockSelector' | 'ignoreSelector' | 'mousemoveThrottleMs' | 'scrollThrottleMs'>> &
    IncueraOptions;
  private session: SessionStore | null = null;
  private buffer: BatchBuffer;
  private transport: Transport;
  private uploader: Uploader;
  private stopRecording: (() => void) | null = null;
  private cleanups: Array<() => void> = [];
  /** true while rrweb is emitting a snapshot we asked for (see handleEvent) */
  private snapshotting = false;
  private early: Array<[string, object]> = [];
  /** pagehide has run for a real unload (not the back/forward cache) */
  private unloaded = false;

  constructor(options: IncueraOptions) {
    this.opts = {
      maskAllInputs: true,
      sampleRate: 1,
      captureConsole: ['error', 'warn'],
      network: {},
      batchSize: 100,
      flushIntervalMs: 10_000,
      maxBufferEvents: 10_000,
      heartbeatIntervalMs: 60_000,
      sessionTimeoutMs: DEFAULT_SESSION_TIMEOUT_MS,
      retryBaseMs: 1000,
      debug: false,
      // an option passed as undefined keeps its default
      ...(Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) as IncueraOptions),
    };
    this.buffer = new BatchBuffer(this.opts.maxBufferEvents);
    this.transport = new Transport(this.opts.apiHost, this.opts.apiKey, this.log);
    this.uploader = new Uploader(
      this.buffer,
      this.transport,
      { baseMs: this.opts.retryBaseMs, maxMs: 30_000, maxAttempts: 10 },
      (batch, status) => this.onDropped(batch, status),
      (batch, answer) => {
        // The server finalized the session meanwhile and continues it in a
        // new part, which needs a full snapshot to be replayed from its start.
        if (answer.sampled === false) {
          this.leaveOut(batch.sessionId);
          return;
        }
        if (answer.take_full_snapshot && this.stopRecording && batch.sessionId === this.session?.current.id) {
          this.seal();
          this.takeFullSnapshot();
        }
      },
    );
  }

  /** Start recording. Returns this for `new Incuera({...}).init()`. */
  init(): this {
    if (this.stopRecording || typeof window === 'undefined') return this;
    const now = Date.now();
    const session = new SessionStore(storages(), this.opts.sessionTimeoutMs, this.opts.sampleRate, now);
    this.session = session;
    if (this.opts.userId) session.identify(this.opts.userId, this.opts.userEmail);
    if (!session.current.sampled) {
      this.log('session not sampled', session.current.id);
      return this;
    }
    this.sendStart();
    const stop = record<RecordedEvent>({
      emit: (e) => this.handleEvent(e),
      maskAllInputs: this.opts.maskAllInputs,
      maskTextSelector: this.opts.maskTextSelector,
      blockSelector: this.opts.blockSelector,
      ignoreSelector: this.opts.ignoreSelector,
      sampling: {
        ...(this.opts.mousemoveThrottleMs !== undefined && { mousemove: this.opts.mousemoveThrottleMs }),
        ...(this.opts.scrollThrottleMs !== undefined && { scroll: this.opts.scrollThrottleMs }),
      },
      plugins: this.plugins(),
    });
    if (!stop) return this;
    this.stopRecording = stop;
    this.listen();
    this.restorePending();
    this.log('recording', session.current.id);
    return this;
  }

  private plugins(): RecordPlugin[] {
    const plugins: RecordPlugin[] = [];
    if (this.opts.captureConsole.length) plugins.push(getRecordConsolePlugin({ level: this.opts.captureConsole }));
    if (this.opts.network.enabled !== false) {
      // the SDK's own requests to the server are never recorded
      const own = Object.values(ENDPOINTS).map((p) => this.transport.url(p));
      plugins.push(getRecordNetworkPlugin(this.opts.network, own) as RecordPlugin);
    }
    return plugins;
  }

  identify(userId: string, email?: string): void {
    this.opts.userId = userId;
    this.opts.userEmail = email;
    if (!this.session) return;
    this.session.identify(userId, email);
    if (this.stopRecording) this.sendStart();
  }

  /** Stop recording and send what is buffered; the server ends the session by inactivity. */
  stop(): void {
    if (!this.halt()) return;
    this.seal();
    this.uploader.pump();
  }

  /** Stops rrweb and every listener and timer; false when not recording. */
  private halt(): boolean {
    if (!this.stopRecording) return false;
    this.stopRecording();
    this.stopRecording = null;
    this.cleanups.forEach((c) => c());
    this.cleanups = [];
    return true;
  }

  getSessionId(): string | null {
    return this.session?.current.id ?? null;
  }

  private readonly log = (...args: unknown[]): void => {
    if (this.opts.debug) console.debug('[incuera]', ...args);
  };

  private handleEvent(event: RecordedEvent): void {
    const session = this.session!;
    const now = Date.now();
    if (!this.snapshotting && session.expired(now)) {
      // Back after the inactivity timeout: what follows is a new session, and
      // a session must begin with a full snapshot for the replayer.
      this.rotate(now);
      // The event was stamped before the snapshot just taken; it must not
      // precede it in the new session.
      event.timestamp = Math.max(event.timestamp, Date.now());
    }
    session.touch(now);
    this.buffer.push(session.current.id, event);
    if (event.type === FULL_SNAPSHOT) {
      // Send a snapshot at once, by the normal gzip path: it is the largest
      // body, too large for the unload path if the visitor leaves within the
      // flush interval, and worthless replay-wise if lost.
      queueMicrotask(() => {
        this.sealAndSend();
        // rrweb marks itself recording right after emitting its first snapshot
        const early = this.early;
        this.early = [];
        early.forEach(([tag, payload]) => this.addCustomEvent(tag, payload));
      });
    }
    // rrweb can still emit after pagehide (a throttled mouse move, the last
    // mutations); no later flush will come for it.
    if (this.unloaded) this.sendTail();
    else if (this.buffer.openSize >= this.opts.batchSize) this.sealAndSend();
    if (this.buffer.overflowing && !this.snapshotting) this.enforceBound();
  }

  private takeFullSnapshot(): void {
    this.snapshotting = true;
    try {
      record.takeFullSnapshot(true);
    } catch {
      // rrweb starts recording at the window's 'load' and takes its own first
      // snapshot then; before that there is nothing to re-snapshot.
    } finally {
      this.snapshotting = false;
    }
  }

  // rrweb refuses custom events before it records (until 'load'); errors of the
  // loading page are kept and added once the first snapshot is in.
  private addCustomEvent(tag: string, payload: object): void {
    try {
      record.addCustomEvent(tag, payload);
    } catch {
      // bounded: a page failing in a loop before 'load' must not grow memory
      if (this.early.length < MAX_EARLY_EVENTS) this.early.push([tag, payload]);
    }
  }

  private rotate(now: number): void {
    const session = this.session!;
    this.seal(); // the old session's tail keeps its own id and seq
    this.uploader.pump();
    session.rotate(now);
    this.log('session expired, new session', session.current.id);
    this.sendStart();
    this.takeFullSnapshot();
  }

  private seal(): void {
    const session = this.session;
    if (!session || this.buffer.openSize === 0) return;
    this.buffer.seal(session.nextSeq(this.buffer.openSize, Date.now()));
  }

  private sealAndSend(): void {
    this.seal();
    this.uploader.pump();
  }

  // Over the memory bound (server unreachable for long): drop the oldest
  // batches, taking a new full snapshot first when the newest one is too
  // recent for dropping what precedes it to be enough.
  private enforceBound(): void {
    let dropped = this.buffer.trim();
    if (this.buffer.overflowing) {
      this.seal();
      this.takeFullSnapshot();
      dropped = dropped.concat(this.buffer.trim());
    }
    if (dropped.length) this.log('buffer full, dropped batches', dropped.map((b) => b.seq));
  }

  private onDropped(batch: Batch, status: number): void {
    this.log('dropped batch', batch.sessionId, batch.seq, 'status', status);
    if (status === 401 || status === 403) {
      // The key is wrong or revoked: nothing this page records will be accepted.
      this.log('API key refused, recording stopped');
      this.stop();
      return;
    }
    // The replay of this session now has a gap; a new snapshot restarts it.
    // Not when the dropped batch held a snapshot itself: if the server rejects
    // snapshots, taking another one would loop.
    if (this.stopRecording && batch.sessionId === this.session?.current.id && !hasFullSnapshot(batch.events)) {
      this.seal();
      this.takeFullSnapshot();
    }
  }

  private sendStart(): void {
    const s = this.session!.current;
    const body = {
      sessionId: s.id,
      userId: s.userId ?? null,
      userEmail: s.userEmail ?? null,
      metadata: {
        url: location.href,
        referrer: document.referrer,
        userAgent: navigator.userAgent,
        screen: { width: screen.width, height: screen.height },
        viewport: { width: window.innerWidth, height: window.innerHeight },
        timestamp: Date.now(),
      },
    };
    const onAnswer = (answer: unknown): void => {
      if ((answer as { sampled?: unknown } | null)?.sampled === false) this.leaveOut(s.id);
    };
    void this.transport.post(ENDPOINTS.start, body, false, onAnswer).then((status) => {
      if (status < 200 || status >= 300) this.log('start answered', status);
    });
  }

  /**
   * The server leaves the visit out of its sample (its project's sample rate):
   * stop recording, drop what is buffered, and record no later page of it.
   */
  private leaveOut(sessionId: string): void {
    const session = this.session;
    if (!session || sessionId !== session.current.id || !session.current.sampled) return;
    this.log('session not sampled by the server', sessionId);
    session.exclude(Date.now());
    this.halt(); // what is not sealed yet is never sent
    this.buffer.sealed.filter((b) => b.sessionId === sessionId).forEach((b) => this.buffer.remove(b));
  }

  private listen(): void {
    const on = <K extends keyof WindowEventMap>(type: K, fn: (e: WindowEventMap[K]) => void): void => {
      window.addEventListener(type, fn as EventListener);
      this.cleanups.push(() => window.removeEventListener(type, fn as EventListener));
    };

    on('error', (e) => {
      // Resource load errors do not bubble to window; what arrives here is an uncaught exception.
      if (!(e instanceof ErrorEvent)) return;
      const err = e.error as { stack?: unknown } | undefined;
      this.addCustomEvent('error', {
        message: e.message,
        stack: typeof err?.stack === 'string' ? err.stack : undefined,
        filename: e.filename,
        lineno: e.lineno,
        colno: e.colno,
      });
    });
    on('unhandledrejection', (e) => {
      const reason = e.reason as { message?: unknown; stack?: unknown } | undefined;
      this.addCustomEvent('unhandledrejection', {
        message: typeof reason?.message === 'string' ? reason.message : String(e.reason),
        stack: typeof reason?.stack === 'string' ? reason.stack : undefined,
      });
    });

    const onVisibility = (): void => {
      const now = Date.now();
      if (document.visibilityState === 'hidden') {
        // The tab may be discarded while hidden without any further event.
        this.seal();
        this.session!.save(now);
        this.uploader.flushUnloading();
      } else if (this.session!.expired(now)) {
        this.rotate(now);
      }
    };
    document.addEventListener('visibilitychange', onVisibility);
    this.cleanups.push(() => document.removeEventListener('visibilitychange', onVisibility));
    on('pagehide', (e) => {
      this.sendTail();
      // Only a real unload ends the session; a page kept in the back/forward
      // cache may come back. The end is sent after the tail so it is queued last.
      if (!e.persisted) {
        this.unloaded = true;
        this.sendEnd();
      }
    });
    on('pageshow', (e) => {
      if (e.persisted) this.unloaded = false;
    });

    const flushTimer = setInterval(() => this.sealAndSend(), this.opts.flushIntervalMs);
    const heartbeatTimer = setInterval(() => this.heartbeat(), this.opts.heartbeatIntervalMs);
    this.cleanups.push(() => clearInterval(flushTimer), () => clearInterval(heartbeatTimer), () => this.uploader.stop());
  }

  /** The page is going away: everything recorded leaves now by the unload path. */
  private sendTail(): void {
    this.seal();
    this.session!.save(Date.now());
    this.uploader.flushUnloading();
    // Every batch the server has not acknowledged is kept for the next page,
    // even one just handed to the browser: an unload request to an
    // unreachable server fails unseen. A copy that did arrive is answered
    // as a duplicate of its seq, never stored twice.
    this.persistPending(this.buffer.sealed);
  }

  private persistPending(batches: Batch[]): void {
    if (!batches.length) return;
    try {
      // a page back from the back/forward cache hides again with the same batches
      const id = (b: Batch): string => `${b.sessionId}:${b.seq}`;
      const fresh = new Set(batches.map(id));
      const kept = parseBatches(local()?.getItem(PENDING_KEY) ?? null).filter((b) => !fresh.has(id(b)));
      local()?.setItem(PENDING_KEY, serializeBatches(kept.concat(batches)));
      this.log('kept for the next page', batches.map((b) => b.seq));
    } catch {
      // over the storage quota: these events are lost
    }
  }

  private restorePending(): void {
    const store = local();
    if (!store) return;
    try {
      const batches = parseBatches(store.getItem(PENDING_KEY));
      store.removeItem(PENDING_KEY);
      if (!batches.length) return;
      this.buffer.restore(batches);
      this.uploader.pump();
    } catch {
      // storage disabled
    }
  }

  // Tells the server a quiet but visible tab is still open — unless the session
  // itself has expired here, which the server must be allowed to notice too.
  private heartbeat(): void {
    const session = this.session!;
    if (document.visibilityState !== 'visible' || session.expired(Date.now())) return;
    void this.transport.post(ENDPOINTS.heartbeat, { sessionId: session.current.id, timestamp: Date.now() }, false);
  }

  private sendEnd(): void {
    const s = this.session!.current;
    this.transport.beacon(ENDPOINTS.end, {
      sessionId: s.id,
      timestamp: Date.now(),
      reason: 'pagehide',
      finalEventCount: s.eventCount,
    });
  }
}

export { Incuera };
export type { NetworkOptions, NetworkRequest } from './network';
