// Session identity that survives page loads of one visit.
//
// The state lives in sessionStorage (this tab) and localStorage (a new tab or a
// restored tab of the same visit). A session expires after `timeoutMs` without
// activity — measured from the last recorded event, not from its creation.
// The batch sequence number and the event count are persisted with the id so a
// new page of the same visit continues the numbering instead of restarting at 1
// (the server deduplicates batches by (sessionId, seq)).

export interface SessionState {
  id: string;
  /** ms epoch of the last recorded event */
  lastActivity: number;
  /** last sequence number handed out for this session (0 = none yet) */
  seq: number;
  /** events sealed into batches for this session, across all its pages */
  eventCount: number;
  /** sampling decision, made once per session so a visit is all-or-nothing */
  sampled: boolean;
  userId?: string;
  userEmail?: string;
}

/** The subset of the Web Storage API the session needs (testable in node). */
export interface KeyValueStore {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

export const STORAGE_KEY = 'incuera_session';
export const DEFAULT_SESSION_TIMEOUT_MS = 30 * 60 * 1000;
// Writing storage on every mouse move would cost main-thread time; activity is
// persisted at most this often (and always when a batch is sealed or the tab hides).
const ACTIVITY_WRITE_INTERVAL_MS = 5000;

/**
 * A new session id in the first version's shape, `session_<ms>_<suffix>`:
 * 16 base-36 characters (82 bits) from the browser's CSPRNG, so nobody can
 * guess a visitor's id and write events into their session with the public
 * ingest key.
 */
export function newSessionId(now: number): string {
  let suffix = '';
  const bytes = new Uint8Array(32);
  while (suffix.length < 16) {
    crypto.getRandomValues(bytes);
    // 252 = 7 x 36: bytes above it are skipped, so every character is equally likely.
    for (const b of bytes) {
      if (b < 252 && suffix.length < 16) suffix += (b % 36).toString(36);
    }
  }
  return `session_${now}_${suffix}`;
}

export function isExpired(state: SessionState, now: number, timeoutMs: number): boolean {
  return now - state.lastActivity > timeoutMs;
}

function parse(raw: string | null): SessionState | null {
  if (!raw) return null;
  try {
    const v = JSON.parse(raw) as Partial<SessionState>;
    if (typeof v.id !== 'string' || typeof v.lastActivity !== 'number') return null;
    return {
      id: v.id,
      lastActivity: v.lastActivity,
      seq: typeof v.seq === 'number' ? v.seq : 0,
      eventCount: typeof v.eventCount === 'number' ? v.eventCount : 0,
      sampled: v.sampled !== false,
      userId: v.userId,
      userEmail: v.userEmail,
    };
  } catch {
    return null;
  }
}

export class SessionStore {
  private state: SessionState;
  private lastWrite = 0;
  /** true when load() found no live session and created one */
  readonly created: boolean;

  constructor(
    private readonly stores: KeyValueStore[],
    private readonly timeoutMs: number,
    private readonly sampleRate: number,
    now: number,
    private readonly random: () => number = Math.random,
  ) {
    const live = this.readLive(now);
    this.created = live === null;
    this.state = live ?? this.fresh(now);
    this.write(now);
  }

  get current(): Readonly<SessionState> {
    return this.state;
  }

  expired(now: number): boolean {
    return isExpired(this.state, now, this.timeoutMs);
  }

  /** Replace the session by a new one (after inactivity); identity is kept. */
  rotate(now: number): void {
    const { userId, userEmail } = this.state;
    this.state = { ...this.fresh(now), userId, userEmail };
    this.write(now);
  }

  touch(now: number): void {
    this.state.lastActivity = now;
    if (now - this.lastWrite >= ACTIVITY_WRITE_INTERVAL_MS) this.write(now);
  }

  identify(userId: string, userEmail?: string): void {
    this.state.userId = userId;
    this.state.userEmail = userEmail;
    this.write(this.state.lastActivity);
  }

  /**
   * Hand out the next sequence number for a batch of `events` events.
   * Re-reads storage first: another page of the visit (or another tab) may have
   * advanced the counter since this page loaded.
   */
  nextSeq(events: number, now: number): number {
    for (const stored of this.readAll()) {
      if (stored.id !== this.state.id) continue;
      this.state.seq = Math.max(this.state.seq, stored.seq);
      this.state.eventCount = Math.max(this.state.eventCount, stored.eventCount);
    }
    this.state.seq += 1;
    this.state.eventCount += events;
    this.write(now);
    return this.state.seq;
  }

  /** The server left this visit out of its sample: no page of it records. */
  exclude(now: number): void {
    this.state.sampled = false;
    this.write(now);
  }

  /** Persist now (e.g. when the tab hides). */
  save(now: number): void {
    this.write(now);
  }

  private fresh(now: number): SessionState {
    return {
      id: newSessionId(now),
      lastActivity: now,
      seq: 0,
      eventCount: 0,
      sampled: this.random() < this.sampleRate,
    };
  }

  private readAll(): SessionState[] {
    const out: SessionState[] = [];
    for (const s of this.stores) {
      try {
        const v = parse(s.getItem(STORAGE_KEY));
        if (v) out.push(v);
      } catch {
        // storage disabled (privacy mode, sandboxed iframe): memory only
      }
    }
    return out;
  }

  // This tab's own session wins (first store); otherwise the most recently
  // active one among the others, as long as it has not expired.
  private readLive(now: number): SessionState | null {
    const live = this.readAll().filter((s) => !isExpired(s, now, this.timeoutMs));
    if (live.length === 0) return null;
    const first = live[0]!;
    const sameId = live.filter((s) => s.id === first.id);
    return {
      ...first,
      seq: Math.max(...sameId.map((s) => s.seq)),
      eventCount: Math.max(...sameId.map((s) => s.eventCount)),
      lastActivity: Math.max(...sameId.map((s) => s.lastActivity)),
    };
  }

  private write(now: number): void {
    this.lastWrite = now;
    const raw = JSON.stringify(this.state);
    for (const s of this.stores) {
      try {
        s.setItem(STORAGE_KEY, raw);
      } catch {
        // quota exceeded or storage disabled: the in-memory state still works
      }
    }
  }
}
