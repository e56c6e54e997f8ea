// Timeline markers for the replay scrubber. Clicks come from the events (the
// analysis keeps no list of them); errors, rage and dead clicks and page
// changes come from the analysis when there is one, else from the events.
import type {Analysis} from '../api/types';
import {shortUrl} from '../lib/format';

export type MarkerKind = 'click' | 'navigation' | 'error' | 'rage' | 'dead';

export interface Marker {
  kind: MarkerKind;
  // Session time: ms since the first event.
  timeMs: number;
  label: string;
}

export const markerStyles: Record<MarkerKind, {color: string; name: string}> = {
  click: {color: 'bg-sky-500', name: 'Clicks'},
  navigation: {color: 'bg-violet-500', name: 'Page changes'},
  error: {color: 'bg-rose-600', name: 'Errors'},
  rage: {color: 'bg-orange-500', name: 'Rage clicks'},
  dead: {color: 'bg-amber-400', name: 'Dead clicks'},
};

// rrweb wire constants (EventType, IncrementalSource, MouseInteractions).
const kMeta = 4;
const kIncremental = 3;
const kCustom = 5;
const kPlugin = 6;
const kMouseInteraction = 2;
const kClick = 2;
const kDoubleClick = 4;

export interface RecordedEvent {
  type: number;
  timestamp: number;
  data?: {
    source?: number;
    type?: number;
    href?: string;
    tag?: string;
    plugin?: string;
    payload?: {level?: string; href?: string; url?: string; message?: string; payload?: unknown[]};
  };
}

export function buildMarkers(events: RecordedEvent[], analysis: Analysis | undefined): Marker[] {
  if (events.length === 0) return [];
  const start = events[0].timestamp;
  const markers: Marker[] = [];
  const analysed = analysis?.status === 'completed';
  let seenMeta = false;

  for (const event of events) {
    const t = event.timestamp - start;
    const data = event.data;
    if (
      event.type === kIncremental &&
      data?.source === kMouseInteraction &&
      (data.type === kClick || data.type === kDoubleClick)
    ) {
      markers.push({kind: 'click', timeMs: t, label: data.type === kDoubleClick ? 'Double click' : 'Click'});
    } else if (analysed) {
      continue;
    } else if (event.type === kMeta) {
      // The first meta event opens the recording; later ones are page loads.
      if (seenMeta && data?.href)
        markers.push({kind: 'navigation', timeMs: t, label: `Page load ${shortUrl(data.href)}`});
      seenMeta = true;
    } else if (event.type === kCustom && data?.tag === 'navigation') {
      const href = data.payload?.href ?? data.payload?.url ?? '';
      markers.push({kind: 'navigation', timeMs: t, label: `Navigated to ${shortUrl(href)}`});
    } else if (event.type === kCustom && (data?.tag === 'error' || data?.tag === 'unhandledrejection')) {
      markers.push({kind: 'error', timeMs: t, label: data.payload?.message ?? 'Error'});
    } else if (event.type === kPlugin && data?.plugin === 'rrweb/console@1' && data.payload?.level === 'error') {
      markers.push({kind: 'error', timeMs: t, label: String(data.payload.payload?.[0] ?? 'Console error')});
    }
  }

  if (analysed) {
    analysis.funnel?.visits
      .slice(1)
      .forEach((visit) =>
        markers.push({kind: 'navigation', timeMs: visit.start_ms, label: `Page ${shortUrl(visit.url)}`}),
      );
    analysis.errors?.forEach((error) =>
      markers.push({kind: 'error', timeMs: error.time_ms, label: error.message || error.kind}),
    );
    analysis.metrics?.rage_clicks.forEach((issue) =>
      markers.push({kind: 'rage', timeMs: issue.time_ms, label: `Rage click ×${issue.count} ${issue.description}`}),
    );
    analysis.metrics?.dead_clicks.forEach((issue) =>
      markers.push({kind: 'dead', timeMs: issue.time_ms, label: `Dead click ${issue.description}`}),
    );
  }
  return markers.sort((a, b) => a.timeMs - b.timeMs);
}

// Keeps one marker per kind per 1/`buckets` of the timeline, so a session
// with thousands of clicks still draws a readable, clickable strip.
export function thinMarkers(markers: Marker[], totalMs: number, buckets = 240): Marker[] {
  if (totalMs <= 0) return markers;
  const seen = new Set<string>();
  return markers.filter((marker) => {
    const key = `${marker.kind}:${Math.floor((marker.timeMs / totalMs) * buckets)}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
