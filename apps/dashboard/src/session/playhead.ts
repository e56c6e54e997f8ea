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
export function usePlayhead(playhead: Playhead, stepMs = 250): number {
  return useSyncExternalStore(playhead.subscribe, () => Math.floor(playhead.current / stepMs) * stepMs);
}
