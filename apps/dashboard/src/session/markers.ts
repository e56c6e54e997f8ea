// Timeline markers for the replay scrubber. Clicks come from the events (the
// analysis keeps no list of them); errors, rage and dead clicks and page
// changes come from the analysis when there is one, else from the events;
// notes from the session's notes.
import type {Analysis, Note} from '../api/types';
import {shortUrl} from '../lib/format';
import type {SessionTimeline} from './timeline';

export type MarkerKind = 'click' | 'navigation' | 'error' | 'rage' | 'dead' | 'note';

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
  note: {color: 'bg-emerald-500', name: 'Notes'},
};

export function buildMarkers(timeline: SessionTimeline, analysis: Analysis | undefined, notes: Note[]): Marker[] {
  const markers: Marker[] = [];
  const analysed = analysis?.status === 'completed';
  let firstPage = true;
  for (const activity of timeline.activity) {
    if (activity.kind === 'click') {
      markers.push({kind: 'click', timeMs: activity.timeMs, label: activity.label});
    } else if (analysed) {
      continue;
    } else if (activity.kind === 'page') {
      // The first page load opens the recording.
      if (!firstPage) markers.push({kind: 'navigation', timeMs: activity.timeMs, label: activity.label});
      firstPage = false;
    } else if (activity.kind === 'error') {
      markers.push({kind: 'error', timeMs: activity.timeMs, label: activity.label});
    }
  }
  if (!analysed) {
    timeline.console
      .filter((entry) => entry.level === 'error')
      .forEach((entry) => markers.push({kind: 'error', timeMs: entry.timeMs, label: entry.text || 'Console error'}));
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
  notes.forEach((note) => markers.push({kind: 'note', timeMs: note.at_ms, label: `Note: ${note.text}`}));
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
