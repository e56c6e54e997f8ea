// The replay in a chunk of its own (rrweb is most of the dashboard's code),
// so every other page starts without evaluating it and the session page
// fetches it while it fetches the session's first events.
import {lazy} from 'react';

const load = () => import('./Replay');

// Starts downloading the replay's chunk; later calls reuse the same load.
export function preloadReplay(): void {
  void load();
}

export const Replay = lazy(() => load().then((module) => ({default: module.Replay})));
