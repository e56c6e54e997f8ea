// Loads a session's events page by page (GET …/events/pages, then each
// page's event range with …/events?from=&count= in order, the next page
// fetched while one is read), so the replay starts on the first page while
// the rest arrives. Each page is read into the session's timeline (panes,
// event list, markers) and handed to the replay through the feed.
import {useEffect, useState} from 'react';
import {api} from '../api/endpoints';
import {takeFirstEvents} from '../startup';
import type {EventPages} from '../api/types';
import {type RecordedEvent, SessionTimeline} from './timeline';

// The pages loaded so far, in order, and a signal for each new one.
export class EventFeed {
  readonly pages: RecordedEvent[][] = [];
  // The last page is in (set before its listeners run).
  complete = false;
  private readonly listeners = new Set<(page: RecordedEvent[]) => void>();

  push(page: RecordedEvent[], last: boolean): void {
    this.pages.push(page);
    this.complete = last;
    this.listeners.forEach((listener) => listener(page));
  }

  subscribe(listener: (page: RecordedEvent[]) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

export interface PagedEvents {
  feed: EventFeed;
  timeline: SessionTimeline;
  index: EventPages | null;
  // Pages loaded so far; bumps re-derive what depends on the timeline.
  loaded: number;
  done: boolean;
  error: unknown;
}

// The page re-derives its panes at most this often while pages stream in.
const updateEveryMs = 300;

// Resolves when the tab is next idle, or after a second at most.
function whenIdle(): Promise<void> {
  return new Promise((resolve) => {
    if (typeof requestIdleCallback === 'function') requestIdleCallback(() => resolve(), {timeout: 1000});
    else setTimeout(resolve, 100);
  });
}

function fresh(): PagedEvents {
  return {feed: new EventFeed(), timeline: new SessionTimeline(), index: null, loaded: 0, done: false, error: null};
}

// `reloadKey` changing loads the events again (e.g. once a live visit ended).
export function usePagedEvents(sessionId: string, reloadKey: unknown): PagedEvents {
  const [state, setState] = useState<PagedEvents>(fresh);

  useEffect(() => {
    const controller = new AbortController();
    const {signal} = controller;
    const mine = fresh();
    setState(mine);
    let lastUpdate = 0;
    (async () => {
      // Sent at startup when the dashboard was opened on this page.
      const early = takeFirstEvents(sessionId);
      const askIndex = () => api.eventPages(sessionId, signal);
      const index = await (early ? early.index.catch(askIndex) : askIndex());
      const count = index.pages.length;
      const fetchPage = (n: number) => {
        const {first_event: from, events} = index.pages[n];
        return api.eventRange(sessionId, from, events, signal) as Promise<RecordedEvent[]>;
      };
      // The early first page is the index's page 0 unless the storage was
      // compacted between the two requests; then it is asked for by range.
      const firstPage = () =>
        early
          ? early.firstPage.then(
              (events) => (events.length === index.pages[0].events ? events : fetchPage(0)),
              () => fetchPage(0),
            )
          : fetchPage(0);
      let next = count === 0 ? null : firstPage();
      for (let n = 0; n < count; n++) {
        const events = await next!;
        // The next page is fetched while this one is read; page 1 only once
        // the tab is idle after page 0 (the replay has drawn its first frame
        // then): reading it would compete with drawing that frame.
        next = n + 1 === count ? null : n === 0 ? whenIdle().then(() => fetchPage(1)) : fetchPage(n + 1);
        // A rejection of the prefetched page is handled when it is awaited.
        next?.catch(() => undefined);
        if (signal.aborted) return;
        const last = n + 1 === count;
        mine.timeline.add(events);
        mine.feed.push(events, last);
        // The replay takes every page at once (the feed); the panes follow in steps.
        if (n === 0 || last || performance.now() - lastUpdate >= updateEveryMs) {
          lastUpdate = performance.now();
          setState({...mine, index, loaded: n + 1, done: last});
        }
      }
      if (count === 0) {
        mine.feed.complete = true;
        setState({...mine, index, done: true});
      }
    })().catch((error: unknown) => {
      if (!signal.aborted) setState((current) => ({...current, error}));
    });
    return () => controller.abort();
  }, [sessionId, reloadKey]);

  return state;
}
