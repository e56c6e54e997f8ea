// The requests the first screen needs, sent as soon as the bundle has been
// evaluated (main.tsx imports this module first) rather than after React's
// first render and, on a session page, after the login check: who is logged
// in, and for /sessions/<id> the session, its event page index, its first
// page of events (GET …/events/pages/0, which needs no index) and the
// replay's chunk, all at once.
//
// They go out in a task of their own, right after the one evaluating the
// bundle: sent from inside it, they lengthened that long task by 50-100 ms on
// a 2-core machine (the browser's network threads and the server answering
// them took the cores from it).
//
// Each answer is taken once, by the component that would otherwise have
// asked (a later mount asks again). An answer that failed is asked again by
// its taker: a session page opened while logged out is answered 401 here,
// and asked again once the visitor has signed in.
import {api, type Me} from './api/endpoints';
import type {EventPages, Session} from './api/types';
import {loadReplay} from './session/LazyReplay';
import type {RecordedEvent} from './session/timeline';

// A session's event page index and its first page, asked for at once.
export interface FirstEvents {
  index: Promise<EventPages>;
  // Page 0 as cut when it was asked: its length may differ from the index's
  // if the session's storage was compacted in between. Fails for a session
  // without events.
  firstPage: Promise<RecordedEvent[]>;
}

interface Early {
  me?: Promise<Me>;
  session?: {id: string; session?: Promise<Session>; events?: FirstEvents};
}

// A promise whose failure is handled by its taker: without a handler here, a
// failed request nobody took would be reported as an unhandled rejection.
function sent<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => undefined);
  return promise;
}

let early: Early | undefined;

// Sends the requests, once: from the timer below, or from the first taker
// if it comes first.
function send(): Early {
  if (early) return early;
  early = {me: sent(api.me())};
  const sessionPath = /^\/sessions\/([^/]+)$/.exec(window.location.pathname);
  if (sessionPath) {
    const id = decodeURIComponent(sessionPath[1]);
    const index = sent(api.eventPages(id));
    const firstPage = sent(api.eventPage(id, 0) as Promise<RecordedEvent[]>);
    early.session = {id, session: sent(api.session(id)), events: {index, firstPage}};
    void loadReplay().catch(() => undefined); // the session page reports a failure
  }
  return early;
}
setTimeout(send, 0);

// `answer` when it was sent at startup (taken once), else `ask()`; `ask()`
// again when the early answer failed.
function orAsk<T>(answer: Promise<T> | undefined, ask: () => Promise<T>): Promise<T> {
  return answer ? answer.catch(ask) : ask();
}

// GET /api/me.
export function takeMe(): Promise<Me> {
  const sentEarly = send();
  const answer = sentEarly.me;
  sentEarly.me = undefined;
  return orAsk(answer, api.me);
}

// GET /api/sessions/{id}.
export function takeSession(id: string): Promise<Session> {
  const page = send().session;
  const answer = page?.id === id ? page.session : undefined;
  if (page) page.session = undefined;
  return orAsk(answer, () => api.session(id));
}

// The event page index and first page of session `id` when they were sent
// at startup (taken once), else undefined.
export function takeFirstEvents(id: string): FirstEvents | undefined {
  const page = send().session;
  const answer = page?.id === id ? page.events : undefined;
  if (page) page.events = undefined;
  return answer;
}
