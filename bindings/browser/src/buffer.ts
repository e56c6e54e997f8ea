// Bounded in-memory queue of event batches waiting for the server.
//
// Events accumulate in an open batch; `seal` turns it into a numbered batch.
// Sealed batches stay here until the server acknowledges them, so a send that
// fails is retried with the same seq (the server stores a seq only once).

/** An rrweb event as far as the SDK cares. */
export interface RecordedEvent {
  type: number;
  data: unknown;
  timestamp: number;
}

/** rrweb's EventType.FullSnapshot */
export const FULL_SNAPSHOT = 2;

export interface Batch {
  sessionId: string;
  seq: number;
  events: RecordedEvent[];
  /** failed attempts so far */
  attempts: number;
  inFlight: boolean;
}

export const hasFullSnapshot = (events: RecordedEvent[]): boolean =>
  events.some((e) => e.type === FULL_SNAPSHOT);

export class BatchBuffer {
  readonly sealed: Batch[] = [];
  private open: RecordedEvent[] = [];
  private openSession = '';

  constructor(readonly maxEvents: number) {}

  get openSize(): number {
    return this.open.length;
  }

  get size(): number {
    return this.sealed.reduce((n, b) => n + b.events.length, this.open.length);
  }

  /** Add an event; a change of session seals nothing by itself — call seal first. */
  push(sessionId: string, event: RecordedEvent): void {
    this.openSession = sessionId;
    this.open.push(event);
  }

  /** Close the open batch under `seq` (from the session's counter). */
  seal(seq: number): Batch | null {
    if (this.open.length === 0) return null;
    const batch: Batch = {
      sessionId: this.openSession,
      seq,
      events: this.open,
      attempts: 0,
      inFlight: false,
    };
    this.open = [];
    this.sealed.push(batch);
    return batch;
  }

  /** Put batches left over by an earlier page in front of this page's. */
  restore(batches: Batch[]): void {
    this.sealed.unshift(...batches);
  }

  remove(batch: Batch): void {
    const i = this.sealed.indexOf(batch);
    if (i >= 0) this.sealed.splice(i, 1);
  }

  /**
   * When over the bound, drop every batch (but one being sent) older than the
   * newest full snapshot. Dropping only as many as needed would leave
   * incremental events whose base the server never gets; cutting at a snapshot
   * keeps what remains replayable. When the newest snapshot is not old enough
   * for this to help, the caller takes a new full snapshot and trims again.
   * Returns the dropped batches.
   */
  trim(): Batch[] {
    if (!this.overflowing) return [];
    const anchor = this.lastSnapshotIndex();
    const dropped = this.sealed.slice(0, Math.max(anchor, 0)).filter((b) => !b.inFlight);
    dropped.forEach((b) => this.remove(b));
    return dropped;
  }

  get overflowing(): boolean {
    return this.size > this.maxEvents;
  }

  /**
   * Index into `sealed` of the newest batch holding a full snapshot;
   * `sealed.length` when the open batch holds one; -1 when there is none.
   */
  private lastSnapshotIndex(): number {
    if (hasFullSnapshot(this.open)) return this.sealed.length;
    for (let i = this.sealed.length - 1; i >= 0; i--) {
      if (hasFullSnapshot(this.sealed[i]!.events)) return i;
    }
    return -1;
  }
}

/**
 * Batches the browser would not send while the page unloaded are kept in
 * storage and sent by the next page of the origin. Only the wire fields survive.
 */
export function serializeBatches(batches: Batch[]): string {
  return JSON.stringify(batches.map(({ sessionId, seq, events }) => ({ sessionId, seq, events })));
}

export function parseBatches(raw: string | null): Batch[] {
  if (!raw) return [];
  try {
    const list = JSON.parse(raw) as Array<Partial<Batch>>;
    return list
      .filter((b) => typeof b.sessionId === 'string' && typeof b.seq === 'number' && Array.isArray(b.events))
      .map((b) => ({ sessionId: b.sessionId!, seq: b.seq!, events: b.events!, attempts: 0, inFlight: false }));
  } catch {
    return [];
  }
}
