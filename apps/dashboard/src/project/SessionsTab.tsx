import {useCallback, useEffect, useRef, useState} from 'react';
import {errorMessage} from '../api/client';
import {api} from '../api/endpoints';
import type {Project, Session} from '../api/types';
import {FilmIcon} from '../components/icons';
import {isAnalysisBusy, isSessionBusy} from '../components/StatusBadge';
import {Button, InlineError, LoadError, Loading, Notice, Spinner} from '../components/ui';
import {Link, navigate, usePathname, useSearch} from '../lib/router';
import {useInterval} from '../lib/useAsync';
import {installSnippet, keyPlaceholder} from './snippet';
import {SavedFilters} from './SavedFilters';
import {SessionFilterBar} from './SessionFilterBar';
import {SessionRow} from './SessionRow';
import {type FilterValues, filtersToSearch, hasFilters, readFilters, toApiFilters} from './sessionFilters';

const pageSize = 30;
// Fast while something visible is still changing, slow otherwise (new visits).
const busyRefreshMs = 5000;
const idleRefreshMs = 30000;
// Busy sessions beyond the first page are refreshed one by one, up to this many.
const maxSingleRefreshes = 20;

interface ListState {
  sessions: Session[];
  cursor: string | null;
  loading: boolean;
  loadingMore: boolean;
  error: unknown;
}

const initial: ListState = {sessions: [], cursor: null, loading: true, loadingMore: false, error: null};

function needsRefresh(session: Session): boolean {
  return isSessionBusy(session.status) || isAnalysisBusy(session.analysis_status);
}

export function SessionsTab({project}: {project: Project}) {
  const pathname = usePathname();
  const search = useSearch();
  const values = readFilters(search);
  const [state, setState] = useState<ListState>(initial);
  const [attempt, setAttempt] = useState(0);
  const generation = useRef(0);
  const apiFilters = JSON.stringify(toApiFilters(values));

  const setFilters = useCallback(
    (next: FilterValues) => navigate(pathname + filtersToSearch(next), {replace: true}),
    [pathname],
  );

  // First page whenever the project or the filters change.
  useEffect(() => {
    const mine = ++generation.current;
    setState(initial);
    api.sessions(project.id, JSON.parse(apiFilters), null, pageSize).then(
      (page) =>
        mine === generation.current &&
        setState({...initial, sessions: page.sessions, cursor: page.next_cursor, loading: false}),
      (error) => mine === generation.current && setState({...initial, loading: false, error}),
    );
  }, [project.id, apiFilters, attempt]);

  const loadMore = useCallback(() => {
    if (!state.cursor || state.loadingMore) return;
    const mine = generation.current;
    setState((s) => ({...s, loadingMore: true, error: null}));
    api.sessions(project.id, JSON.parse(apiFilters), state.cursor, pageSize).then(
      (page) => {
        if (mine !== generation.current) return;
        setState((s) => {
          const known = new Set(s.sessions.map((x) => x.id));
          return {
            ...s,
            sessions: [...s.sessions, ...page.sessions.filter((x) => !known.has(x.id))],
            cursor: page.next_cursor,
            loadingMore: false,
          };
        });
      },
      (error) => mine === generation.current && setState((s) => ({...s, loadingMore: false, error})),
    );
  }, [project.id, apiFilters, state.cursor, state.loadingMore]);

  // New sessions appear on top and busy ones update their status in place.
  const refresh = useCallback(async () => {
    const mine = generation.current;
    const filters = JSON.parse(apiFilters);
    try {
      const first = await api.sessions(project.id, filters, null, pageSize);
      const inFirst = new Set(first.sessions.map((s) => s.id));
      const others = state.sessions.filter((s) => !inFirst.has(s.id) && needsRefresh(s)).slice(0, maxSingleRefreshes);
      const singles = await Promise.all(others.map((s) => api.session(s.id).catch(() => s)));
      if (mine !== generation.current) return;
      const fresh = new Map([...first.sessions, ...singles].map((s) => [s.id, s]));
      setState((s) => {
        const known = new Set(s.sessions.map((x) => x.id));
        const added = first.sessions.filter(
          (x) => !known.has(x.id) && x.started_at >= (s.sessions[0]?.started_at ?? 0),
        );
        return {
          ...s,
          sessions: [...added, ...s.sessions.map((x) => fresh.get(x.id) ?? x)],
          cursor: s.sessions.length === 0 ? first.next_cursor : s.cursor,
        };
      });
    } catch {
      // A failed background refresh keeps what is on screen; the next tick retries.
    }
  }, [project.id, apiFilters, state.sessions]);

  const anyBusy = state.sessions.some(needsRefresh);
  // An empty unfiltered list polls fast too, so the first session shows up at once.
  const waitingForFirst = !state.loading && !state.error && state.sessions.length === 0 && !hasFilters(values);
  useInterval(() => void refresh(), anyBusy || waitingForFirst ? busyRefreshMs : idleRefreshMs, !state.loading);

  return (
    <div className="space-y-4">
      <SessionFilterBar values={values} onChange={setFilters} />
      <SavedFilters projectId={project.id} values={values} onApply={setFilters} />
      {state.loading ? (
        <Loading label="Loading sessions…" />
      ) : state.error && state.sessions.length === 0 ? (
        <LoadError title="Sessions could not be loaded" error={state.error} onRetry={() => setAttempt((n) => n + 1)} />
      ) : state.sessions.length === 0 ? (
        hasFilters(values) ? (
          <Notice
            title="No sessions match these filters"
            action={<Button onClick={() => setFilters(readFilters(''))}>Clear filters</Button>}
          >
            Try a wider date range or fewer filters.
          </Notice>
        ) : (
          <EmptyProject project={project} />
        )
      ) : (
        <>
          <ul className="space-y-3" aria-label="Sessions">
            {state.sessions.map((session) => (
              <SessionRow key={session.id} session={session} />
            ))}
          </ul>
          {state.error != null && <InlineError>{errorMessage(state.error)}</InlineError>}
          {state.cursor ? <LoadMore loading={state.loadingMore} onLoad={loadMore} /> : null}
        </>
      )}
    </div>
  );
}

// A button for keyboards and screen readers, and a sentinel that loads the
// next page on its own when it scrolls into view.
function LoadMore({loading, onLoad}: {loading: boolean; onLoad: () => void}) {
  const sentinel = useRef<HTMLDivElement>(null);
  const onLoadRef = useRef(onLoad);
  onLoadRef.current = onLoad;
  useEffect(() => {
    const node = sentinel.current;
    if (!node) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) onLoadRef.current();
      },
      {rootMargin: '400px'},
    );
    observer.observe(node);
    return () => observer.disconnect();
  }, []);
  return (
    <div ref={sentinel} className="flex justify-center py-2">
      <Button onClick={onLoad} disabled={loading}>
        {loading && <Spinner className="size-4" />}
        {loading ? 'Loading…' : 'Load more'}
      </Button>
    </div>
  );
}

function EmptyProject({project}: {project: Project}) {
  return (
    <div className="rounded-xl border-2 border-dashed border-slate-200 bg-white">
      <Notice
        icon={<FilmIcon />}
        title="No sessions yet — add the snippet to your site"
        action={
          <Link
            to={`/projects/${encodeURIComponent(project.slug)}/keys`}
            className="text-sm font-medium text-indigo-600 hover:text-indigo-500"
          >
            Create an ingest key and copy the snippet →
          </Link>
        }
      >
        <p>
          Paste this on your pages with an ingest key. Sessions show up here by themselves, a few seconds after a visit
          starts.
        </p>
        <pre className="mt-3 overflow-x-auto rounded-lg bg-slate-900 p-3 text-left font-mono text-xs break-all whitespace-pre-wrap text-slate-100">
          {installSnippet(keyPlaceholder)}
        </pre>
      </Notice>
    </div>
  );
}
