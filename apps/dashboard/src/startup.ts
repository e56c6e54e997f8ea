// The requests the first screen needs, sent while the bundle is still being
// evaluated (main.tsx imports this module first) rather than after React's
// first render and, on a session page, after the login check: who is logged
// in, and for /sessions/<id> the session, its event page index, its first
// page of events (GET …/events/pages/0, which needs no index) and the
// replay's chunk, all at once.
//
// Each answer is taken once, by the component that would otherwise have
// asked (a later mount asks again). An answer that failed is asked again by
// its taker: a session page opened while logged out is answered 401 here,
// and asked again once the visitor has signed in.
import {api, type Me} from './api/endpoints';
import type {EventPages, Session} from './api/types';
import {loadReplay} from './session/LazyReplay';
import type {RecordedEvent} from './session/timeline';

// A promise whose failure is handled by its taker: without a handler here, a
// failed request nobody took would be reported as an unhandled rejection.
function sent<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

// A session's event page index and its first page, asked for at once.
export interface FirstEvents {
  index: Promise<EventPages>;
  // Page 0 as cut when it was asked: its length may differ from the index's
  // if the session's storage was compacted in between. Fails for a session
  // without events.
  firstPage: Promise<RecordedEvent[]>;
}

let me: Promise<Me> | undefined = sent(api.me());
let early: {id: string; session?: Promise<Session>; events?: FirstEvents} | undefined;

const sessionPath = /^\/sessions\/([^/]+)$/.exec(window.location.pathname);
if (sessionPath) {
  const id = decodeURIComponent(sessionPath[1]);
  const index = sent(api.eventPages(id));
  const firstPage = sent(api.eventPage(id, 0) as Promise<RecordedEvent[]>);
  early = {id, session: sent(api.session(id)), events: {index, firstPage}};
  // import() starts its download only once this script has run; a
  // modulepreload link starts it now (the chunk's name is fixed by
  // vite.config.ts, in the build only).
  if (import.meta.env.PROD) {
    const link = document.createElement('link');
    link.rel = 'modulepreload';
    link.href = '/assets/replay.js';
    document.head.append(link);
  }
  void loadReplay().catch(() => undefined); // the session page reports a failure
}

// `answer` when it was sent at startup (taken once), else `ask()`; `ask()`
// again when the early answer failed.
function orAsk<T>(answer: Promise<T> | undefined, ask: () => Promise<T>): Promise<T> {
  return answer ? answer.catch(ask) : ask();
}

// GET /api/me.
export function takeMe(): Promise<Me> {
  const answer = me;
  me = undefined;
  return orAsk(answer, api.me);
}

// GET /api/sessions/{id}.
export function takeSession(id: string): Promise<Session> {
  const answer = early?.id === id ? early.session : undefined;
  if (early) early.session = undefined;
  return orAsk(answer, () => api.session(id));
}

// The event page index and first page of session `id` when they were sent
// at startup (taken once), else undefined.
export function takeFirstEvents(id: string): FirstEvents | undefined {
  const answer = early?.id === id ? early.events : undefined;
  if (early) early.events = undefined;
  return answer;
}
