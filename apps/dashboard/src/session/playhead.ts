// The replay's position, shared with the panes beside the player without
// re-rendering the whole session page on every animation frame: the replay
// writes it, each pane subscribes at the resolution it needs.
import {useSyncExternalStore} from 'react';

export class Playhead {
  private ms = 0;
  private readonly listeners = new Set<() => void>();

  get current(): number {
    return this.ms;
  }

  set(ms: number): void {
    if (ms === this.ms) return;
    this.ms = ms;
    this.listeners.forEach((listener) => listener());
  }

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };
}

// The playhead rounded down to `stepMs`, so a pane re-renders at most once a step.
export function usePlayhead(playhead: Playhead, stepMs: number): number {
  return useSyncExternalStore(playhead.subscribe, () => Math.floor(playhead.current / stepMs) * stepMs);
}

// Index of the last item at or before `ms` (-1 when none); items sorted by time.
export function lastAtOrBefore(items: {timeMs: number}[], ms: number): number {
  let lo = 0;
  let hi = items.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (items[mid].timeMs <= ms) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

// The item at the playhead, exactly; re-renders only when it changes.
export function usePlayheadIndex(playhead: Playhead, items: {timeMs: number}[]): number {
  return useSyncExternalStore(playhead.subscribe, () => lastAtOrBefore(items, playhead.current));
}
