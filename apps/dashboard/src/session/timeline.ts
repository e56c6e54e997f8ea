// What happened in a session, read from its rrweb events page by page as
// they arrive: console messages, network requests and the activity shown in
// the event list (clicks, inputs, page loads, errors). Times are session
// time: ms since the session's first event.
import type {Analysis} from '../api/types';
import {shortUrl} from '../lib/format';
import {NodeLabels, type SerializedNode} from './nodeLabels';

// rrweb wire constants (EventType, IncrementalSource, MouseInteractions).
export const kFullSnapshot = 2;
export const kIncremental = 3;
export const kMeta = 4;
export const kCustom = 5;
export const kPlugin = 6;
const kMutation = 0;
const kMouseInteraction = 2;
const kInput = 5;
const kClick = 2;
const kDoubleClick = 4;
export const consolePlugin = 'rrweb/console@1';
export const networkPlugin = 'rrweb/network@1';

export interface RecordedEvent {
  type: number;
  timestamp: number;
  data?: unknown;
}

// One request as the SDK records it (rrweb/network@1, see the SDK README).
export interface NetworkRequest {
  url: string;
  method: string;
  initiatorType: string;
  status: number;
  startTime: number;
  endTime: number;
  failed?: boolean;
  error?: string;
  requestBytes?: number;
  responseBytes?: number;
  requestHeaders?: Record<string, string>;
  responseHeaders?: Record<string, string>;
  requestBody?: string;
  responseBody?: string;
}

export interface ConsoleEntry {
  id: number;
  timeMs: number;
  level: string;
  text: string;
  trace: string[];
}

export interface NetworkEntry {
  id: number;
  timeMs: number;
  request: NetworkRequest;
  // Failed as the search counts it: no response, or a 4xx/5xx answer.
  failed: boolean;
}

export type ActivityKind = 'click' | 'input' | 'page' | 'error' | 'rage' | 'dead';

export interface Activity {
  timeMs: number;
  kind: ActivityKind;
  label: string;
}

export const isFailedRequest = (r: NetworkRequest): boolean => r.failed === true || r.status === 0 || r.status >= 400;

// rrweb's console plugin stringifies each argument; a string argument arrives quoted.
function consoleArg(arg: unknown): string {
  if (typeof arg !== 'string') return String(arg);
  if (arg.startsWith('"')) {
    try {
      const parsed: unknown = JSON.parse(arg);
      if (typeof parsed === 'string') return parsed;
    } catch {
      // not a JSON string: shown as recorded
    }
  }
  return arg;
}

type Data = Record<string, unknown> & {
  source?: number;
  type?: number;
  id?: number;
  tag?: string;
  href?: string;
  plugin?: string;
  node?: SerializedNode;
  adds?: {node: SerializedNode}[];
  payload?: Record<string, unknown>;
};

export class SessionTimeline {
  // Epoch ms of the session's first event; null before any arrived.
  start: number | null = null;
  readonly console: ConsoleEntry[] = [];
  readonly network: NetworkEntry[] = [];
  readonly activity: Activity[] = [];
  private readonly labels = new NodeLabels();
  private nextId = 0;

  // Reads the next events of the session (pages arrive in order).
  add(events: RecordedEvent[]): void {
    for (const event of events) {
      this.start ??= event.timestamp;
      this.read(event, event.timestamp - this.start);
    }
  }

  private read(event: RecordedEvent, t: number): void {
    const data = (event.data ?? {}) as Data;
    switch (event.type) {
      case kFullSnapshot:
        if (data.node) this.labels.add(data.node);
        return;
      case kMeta:
        if (data.href) this.activity.push({timeMs: t, kind: 'page', label: `Page load ${shortUrl(data.href)}`});
        return;
      case kCustom:
        return this.readCustom(data, t);
      case kPlugin:
        return this.readPlugin(data, t);
      case kIncremental:
        return this.readIncremental(data, t);
    }
  }

  private readIncremental(data: Data, t: number): void {
    if (data.source === kMutation) {
      data.adds?.forEach((add) => this.labels.add(add.node));
    } else if (data.source === kMouseInteraction && (data.type === kClick || data.type === kDoubleClick)) {
      const what = data.type === kDoubleClick ? 'Double click' : 'Click';
      const label = data.id === undefined ? '' : this.labels.label(data.id);
      this.activity.push({timeMs: t, kind: 'click', label: label ? `${what} on “${label}”` : what});
    } else if (data.source === kInput && data.id !== undefined) {
      // Typing emits an input event per keystroke: one entry per field edit.
      const label = `Input in ${this.labels.field(data.id)}`;
      const last = this.activity[this.activity.length - 1];
      if (last?.kind !== 'input' || last.label !== label) this.activity.push({timeMs: t, kind: 'input', label});
    }
  }

  private readCustom(data: Data, t: number): void {
    const payload = data.payload ?? {};
    if (data.tag === 'navigation') {
      const href = String(payload.href ?? payload.url ?? '');
      this.activity.push({timeMs: t, kind: 'page', label: `Navigated to ${shortUrl(href)}`});
    } else if (data.tag === 'error' || data.tag === 'unhandledrejection') {
      this.activity.push({timeMs: t, kind: 'error', label: String(payload.message ?? 'Error')});
    }
  }

  private readPlugin(data: Data, t: number): void {
    const payload = data.payload ?? {};
    if (data.plugin === consolePlugin) {
      const args = Array.isArray(payload.payload) ? payload.payload : [];
      this.console.push({
        id: this.nextId++,
        timeMs: t,
        level: String(payload.level ?? 'log'),
        text: args.map(consoleArg).join(' '),
        trace: Array.isArray(payload.trace) ? payload.trace.map(String) : [],
      });
    } else if (data.plugin === networkPlugin && Array.isArray(payload.requests)) {
      for (const request of payload.requests as NetworkRequest[]) {
        const timeMs = typeof request.startTime === 'number' ? request.startTime - this.start! : t;
        this.network.push({id: this.nextId++, timeMs: Math.max(0, timeMs), request, failed: isFailedRequest(request)});
      }
    }
  }
}

// The event list: the recorded activity with the analysis's rage and dead
// clicks (only the analysis detects those), in time order.
export function activityList(timeline: SessionTimeline, analysis: Analysis | undefined): Activity[] {
  const metrics = analysis?.status === 'completed' ? analysis.metrics : null;
  if (!metrics) return timeline.activity;
  const found: Activity[] = [
    ...metrics.rage_clicks.map((issue) => ({
      timeMs: issue.time_ms,
      kind: 'rage' as const,
      label: `Rage click ×${issue.count} ${issue.target?.text ? `on “${issue.target.text}”` : issue.description}`,
    })),
    ...metrics.dead_clicks.map((issue) => ({
      timeMs: issue.time_ms,
      kind: 'dead' as const,
      label: `Dead click ${issue.target?.text ? `on “${issue.target.text}”` : issue.description}`,
    })),
  ];
  return [...timeline.activity, ...found].sort((a, b) => a.timeMs - b.timeMs);
}
