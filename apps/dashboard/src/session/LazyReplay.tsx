// The replay in a chunk of its own (rrweb is most of the dashboard's code),
// so every other page starts without evaluating it and the session page
// fetches it while it fetches the session's first events.
//
// Not React.lazy: React reveals the content of a suspended boundary at most
// every 300 ms after its fallback appeared, which held the first frame of a
// replay back by up to that long after its chunk and first events were in.
import {useCallback, useEffect, useState} from 'react';
import type * as ReplayModule from './Replay';

let loading: Promise<typeof ReplayModule> | null = null;
let loaded: typeof ReplayModule | null = null;

// Starts downloading the replay's chunk; later calls reuse the same load (a
// failed one is tried again).
export function loadReplay(): Promise<typeof ReplayModule> {
  if (!loading) {
    loading = import('./Replay').then(
      (module) => (loaded = module),
      (error: unknown) => {
        loading = null;
        throw error;
      },
    );
  }
  return loading;
}

// The Replay component once its chunk is in (at once when it already is),
// or the error that kept it out, and a way to try again.
export function useReplayComponent(): {
  Replay: typeof ReplayModule.Replay | null;
  error: unknown;
  retry: () => void;
} {
  const [module, setModule] = useState(loaded);
  const [error, setError] = useState<unknown>(null);
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    if (module) return;
    let live = true;
    loadReplay().then(
      (m) => live && setModule(m),
      (failure: unknown) => live && setError(failure),
    );
    return () => {
      live = false;
    };
  }, [module, attempt]);
  const retry = useCallback(() => {
    setError(null);
    setAttempt((n) => n + 1);
  }, []);
  return {Replay: module?.Replay ?? null, error, retry};
}
