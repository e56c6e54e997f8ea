import {type DependencyList, useCallback, useEffect, useRef, useState} from 'react';

export interface AsyncState<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  // Runs the loader again; `quiet` keeps the current data on screen meanwhile.
  reload: (quiet?: boolean) => void;
  setData: (update: (current: T | undefined) => T | undefined) => void;
}

// Loads data for a component and reloads when `deps` change. Answers that
// arrive after the deps changed (or after unmount) are dropped.
export function useAsync<T>(load: () => Promise<T>, deps: DependencyList): AsyncState<T> {
  const [data, setDataState] = useState<T | undefined>(undefined);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(true);
  const generation = useRef(0);
  const loadRef = useRef(load);
  loadRef.current = load;

  const run = useCallback((quiet: boolean) => {
    const mine = ++generation.current;
    if (!quiet) setLoading(true);
    loadRef.current().then(
      (value) => {
        if (mine !== generation.current) return;
        setDataState(value);
        setError(null);
        setLoading(false);
      },
      (failure) => {
        if (mine !== generation.current) return;
        setError(failure);
        setLoading(false);
      },
    );
  }, []);

  useEffect(() => {
    setDataState(undefined);
    run(false);
    return () => {
      generation.current++;
    };
  }, deps);

  const reload = useCallback((quiet = false) => run(quiet), [run]);
  const setData = useCallback((update: (current: T | undefined) => T | undefined) => setDataState(update), []);
  return {data, error, loading, reload, setData};
}

// Calls `tick` every `ms` while `active`, pausing while the tab is hidden.
export function useInterval(tick: () => void, ms: number, active: boolean) {
  const tickRef = useRef(tick);
  tickRef.current = tick;
  useEffect(() => {
    if (!active) return;
    const id = window.setInterval(() => {
      if (document.visibilityState === 'visible') tickRef.current();
    }, ms);
    return () => window.clearInterval(id);
  }, [ms, active]);
}
