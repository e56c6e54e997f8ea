import {type ReactNode, useEffect, useMemo, useRef, useState} from 'react';
import {errorMessage} from '../api/client';
import {api} from '../api/endpoints';
import type {Keyframe, Note, Session} from '../api/types';
import {CopyButton} from '../components/CopyButton';
import {ConfirmDialog} from '../components/Dialog';
import {ChevronLeftIcon, RefreshIcon, TrashIcon} from '../components/icons';
import {ErrorCountBadge, SessionStatusBadge, isAnalysisBusy, isSessionBusy} from '../components/StatusBadge';
import {Button, Card, InlineError, LoadError, Loading, Notice, focusRing} from '../components/ui';
import {formatDateTime, formatDuration, plural} from '../lib/format';
import {Link, navigate, useSearch} from '../lib/router';
import {useAsync, useInterval} from '../lib/useAsync';
import {useTitle} from '../lib/useTitle';
import {takeSession} from '../startup';
import {sessionDuration, userLabel} from '../project/SessionRow';
import {AnalysisSection} from '../session/AnalysisSection';
import {ConsolePane} from '../session/ConsolePane';
import {EventList} from '../session/EventList';
import {Inspector} from '../session/Inspector';
import {KeyframeStrip} from '../session/KeyframeStrip';
import {buildMarkers} from '../session/markers';
import {NetworkPane} from '../session/NetworkPane';
import {NotesPane} from '../session/NotesPane';
import {Playhead} from '../session/playhead';
import {useReplayComponent} from '../session/LazyReplay';
import type {ReplayHandle} from '../session/Replay';
import {StorageLine} from '../session/StorageLine';
import {activityList} from '../session/timeline';
import {usePagedEvents} from '../session/usePagedEvents';
import {VideoPanel} from '../session/VideoPanel';
import {videoTimeOf} from '../session/timeMap';
import {NotFoundPage} from './NotFoundPage';

const pollMs = 5000;
const noNotes: Note[] = [];

// `?t=83` (seconds, as the copy-link button writes it) → ms of session time.
function startMsOf(search: string): number {
  const t = Number(new URLSearchParams(search).get('t'));
  return Number.isFinite(t) && t > 0 ? Math.round(t * 1000) : 0;
}

// The page's address at a moment of the session.
function momentLink(sessionId: string, ms: number): string {
  return `${window.location.origin}/sessions/${encodeURIComponent(sessionId)}?t=${Math.floor(ms / 1000)}`;
}

export function SessionPage({sessionId}: {sessionId: string}) {
  const {Replay, error: replayError, retry: retryReplay} = useReplayComponent();
  // The replay's first frame comes first: the panes beside it and the
  // sections below it are drawn once it is shown (or once there is nothing
  // to show), so that their rendering and layout do not hold it back.
  const [replayShown, setReplayShown] = useState(false);
  const session = useAsync(() => takeSession(sessionId), [sessionId]);
  const analysis = useAsync(() => api.analysis(sessionId), [sessionId]);
  const [eventsKey, setEventsKey] = useState(0);
  const events = usePagedEvents(sessionId, eventsKey);
  const notes = useAsync(() => api.notes(sessionId), [sessionId]);
  const playhead = useMemo(() => new Playhead(), [sessionId]);
  const ready = session.data?.status === 'ready';
  const videoIndex = useAsync(
    () => (ready ? api.videoIndex(sessionId) : Promise.resolve({keyframes: [], time_map: []})),
    [sessionId, ready],
  );
  const keyframes = videoIndex.data?.keyframes ?? [];
  const replayRef = useRef<ReplayHandle>(null);
  const replayBox = useRef<HTMLDivElement>(null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const [action, setAction] = useState<'render' | 'analyze' | null>(null);
  const [actionError, setActionError] = useState<unknown>(null);
  const [deleting, setDeleting] = useState(false);
  const search = useSearch();
  // Arrived here from the end of the visit's previous part: play on.
  const continuing = new URLSearchParams(search).has('continue');
  const startMs = startMsOf(search);
  useTitle(session.data && `Session of ${userLabel(session.data)}`);

  const busy =
    (session.data && isSessionBusy(session.data.status)) || (analysis.data && isAnalysisBusy(analysis.data.status));
  useInterval(
    () => {
      session.reload(true);
      analysis.reload(true);
    },
    pollMs,
    Boolean(busy),
  );

  // Events fetched while the visit was live are missing its tail: fetch them
  // again once it has ended.
  const status = session.data?.status;
  const lastStatus = useRef(status);
  useEffect(() => {
    if (lastStatus.current === 'recording' && status && status !== 'recording') setEventsKey((key) => key + 1);
    lastStatus.current = status;
  }, [status]);

  // The timeline grows in place as pages arrive; `loaded` says it changed.
  const {timeline, loaded} = events;
  const noteList = notes.data ?? noNotes;
  const markers = useMemo(
    () => buildMarkers(timeline, analysis.data, noteList),
    [timeline, loaded, analysis.data, noteList],
  );
  const activity = useMemo(() => activityList(timeline, analysis.data).slice(), [timeline, loaded, analysis.data]);
  const consoleEntries = useMemo(() => timeline.console.slice(), [timeline, loaded]);
  const networkEntries = useMemo(() => timeline.network.slice(), [timeline, loaded]);
  const pages = events.index?.pages ?? [];
  const totalMs = pages.length ? pages[pages.length - 1].last_timestamp - pages[0].first_timestamp : 0;
  const setNotes = (update: (current: Note[]) => Note[]) => notes.setData((current) => update(current ?? []));
  const replayFirst =
    !replayShown && !events.error && replayError == null && !(events.done && (events.index?.total_events ?? 0) < 2);

  // A moment of the session is shown in the replay and, when the render
  // knows where it is, in the video too.
  const jump = (ms: number) => {
    replayRef.current?.seek(ms);
    const videoMs = videoTimeOf(ms, videoIndex.data?.time_map ?? []);
    if (videoRef.current && videoMs != null) videoRef.current.currentTime = videoMs / 1000;
    const box = replayBox.current;
    if (box && box.getBoundingClientRect().top < 0) box.scrollIntoView({behavior: 'smooth', block: 'start'});
  };
  const showKeyframe = (keyframe: Keyframe) => {
    jump(keyframe.session_time_ms);
    if (videoRef.current) videoRef.current.currentTime = keyframe.video_time_ms / 1000;
  };

  const run = async (kind: 'render' | 'analyze') => {
    setAction(kind);
    setActionError(null);
    try {
      await (kind === 'render' ? api.render(sessionId) : api.analyze(sessionId));
      session.reload(true);
      analysis.reload(true);
    } catch (failure) {
      setActionError(failure);
    } finally {
      setAction(null);
    }
  };

  if (session.loading && !session.data) return <Loading label="Loading session…" />;
  if (session.error) {
    if ((session.error as {status?: number}).status === 404) return <NotFoundPage what="session" />;
    return <LoadError title="The session could not be loaded" error={session.error} onRetry={() => session.reload()} />;
  }
  const s = session.data!;

  return (
    <div className="space-y-6">
      <SessionHeader
        session={s}
        actions={
          <>
            <Button
              size="sm"
              onClick={() => void run('render')}
              busy={action === 'render'}
              disabled={s.status === 'recording'}
            >
              <RefreshIcon />
              Re-render
            </Button>
            <Button
              size="sm"
              onClick={() => void run('analyze')}
              busy={action === 'analyze'}
              disabled={s.status === 'recording'}
            >
              <RefreshIcon />
              Re-analyze
            </Button>
            <Button
              size="sm"
              variant="ghost"
              className="text-rose-600 hover:text-rose-700"
              onClick={() => setDeleting(true)}
            >
              <TrashIcon />
              Delete
            </Button>
          </>
        }
      />
      {actionError != null && <InlineError>{errorMessage(actionError)}</InlineError>}
      {(s.previous || s.next) && <VisitParts session={s} />}

      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div ref={replayBox} className="min-w-0 scroll-mt-20">
          <Card
            title="Replay"
            data-testid="replay-card"
            actions={
              loaded > 0 && (
                <CopyButton label="Copy link to this moment" text={() => momentLink(s.id, playhead.current)} />
              )
            }
          >
            {events.error ? (
              <LoadError
                title="The events could not be loaded"
                error={events.error}
                onRetry={() => setEventsKey((key) => key + 1)}
              />
            ) : loaded === 0 && !events.done ? (
              <Loading label="Loading events…" />
            ) : (events.index?.total_events ?? 0) < 2 ? (
              <Notice title="Nothing to replay">
                {s.status === 'discarded'
                  ? 'The session was discarded and its events deleted.'
                  : 'No events have been stored for this session yet.'}
              </Notice>
            ) : replayError != null ? (
              <LoadError title="The player could not be loaded" error={replayError} onRetry={retryReplay} />
            ) : !Replay ? (
              <Loading label="Loading the player…" />
            ) : (
              <Replay
                ref={replayRef}
                feed={events.feed}
                totalMs={totalMs}
                playhead={playhead}
                startMs={startMs}
                markers={markers}
                autoPlay={continuing}
                onFinish={s.next ? () => navigate(`/sessions/${encodeURIComponent(s.next!)}?continue`) : undefined}
                onShown={() => setReplayShown(true)}
              />
            )}
          </Card>
        </div>
        {!replayFirst && (
          <Inspector
            tabs={[
              {
                id: 'events',
                label: 'Events',
                count: activity.length,
                content: <EventList items={activity} playhead={playhead} onSeek={jump} />,
              },
              {
                id: 'console',
                label: 'Console',
                count: consoleEntries.length,
                content: <ConsolePane entries={consoleEntries} onSeek={jump} />,
              },
              {
                id: 'network',
                label: 'Network',
                count: networkEntries.length,
                content: <NetworkPane entries={networkEntries} onSeek={jump} />,
              },
              {
                id: 'notes',
                label: 'Notes',
                count: noteList.length,
                content: (
                  <NotesPane sessionId={s.id} notes={noteList} onChange={setNotes} playhead={playhead} onSeek={jump} />
                ),
              },
            ]}
          />
        )}
      </div>

      {!replayFirst && (
        <>
          <Card title="Rendered video" data-testid="video-card" className="lg:max-w-3xl">
            <VideoPanel
              session={s}
              onRerender={() => void run('render')}
              rerendering={action === 'render'}
              videoRef={videoRef}
            />
          </Card>

          {ready && keyframes.length > 0 && (
            <Card title="Keyframes">
              <KeyframeStrip sessionId={s.id} keyframes={keyframes} onSelect={showKeyframe} />
            </Card>
          )}

          {analysis.error ? (
            <LoadError
              title="The analysis could not be loaded"
              error={analysis.error}
              onRetry={() => analysis.reload()}
            />
          ) : analysis.data ? (
            <AnalysisSection
              session={s}
              analysis={analysis.data}
              onAnalyze={() => void run('analyze')}
              analyzing={action === 'analyze'}
              onJump={jump}
            />
          ) : (
            <Loading label="Loading analysis…" />
          )}
        </>
      )}

      <ConfirmDialog
        open={deleting}
        onClose={() => setDeleting(false)}
        title="Delete this session?"
        confirmLabel="Delete session"
        onConfirm={async () => {
          await api.deleteSession(s.id);
          navigate(`/projects/${encodeURIComponent(s.project_id)}`, {replace: true});
        }}
      >
        <p>Its events, video, keyframes and analysis are deleted for good.</p>
      </ConfirmDialog>
    </div>
  );
}

// The parts of one visit (the visitor came back after a part was
// finalized): where this one stands, with links to the parts around it. The
// replay goes on to the next part when this one ends.
function VisitParts({session}: {session: Session}) {
  const link = (id: string, label: string, rel: string) => (
    <Link
      to={`/sessions/${encodeURIComponent(id)}`}
      className={`rounded font-medium text-indigo-600 hover:text-indigo-500 ${focusRing}`}
      data-testid={`visit-${rel}`}
    >
      {label}
    </Link>
  );
  return (
    <div
      className="flex flex-wrap items-center gap-x-4 gap-y-1 rounded-lg bg-indigo-50 px-4 py-2 text-sm text-slate-700"
      data-testid="visit-parts"
    >
      <span>
        Part {session.part} of a visit that continued after a pause
        {session.next ? '; the replay goes on to the next part' : ''}
      </span>
      {session.previous && link(session.previous, `← Part ${session.part - 1}`, 'previous')}
      {session.next && link(session.next, `Part ${session.part + 1} →`, 'next')}
    </div>
  );
}

function SessionHeader({session, actions}: {session: Session; actions: ReactNode}) {
  const user = userLabel(session);
  return (
    <div className="space-y-3">
      <Link
        to={`/projects/${encodeURIComponent(session.project_id)}`}
        className={`inline-flex items-center gap-1 rounded text-sm text-slate-500 hover:text-slate-800 ${focusRing}`}
      >
        <ChevronLeftIcon />
        Sessions
      </Link>
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <h1
              className={`truncate text-2xl font-semibold tracking-tight ${user === 'anonymous' ? 'text-slate-500' : ''}`}
            >
              {user}
            </h1>
            <SessionStatusBadge status={session.status} />
            <ErrorCountBadge count={session.error_count} />
          </div>
          <p className="mt-1 truncate text-sm text-slate-600" title={session.url}>
            {session.url}
          </p>
          <p className="mt-1 flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-500">
            <span>{formatDateTime(session.started_at)}</span>
            <span>{formatDuration(sessionDuration(session))}</span>
            <span>{plural(session.page_count, 'page')}</span>
            <span>{plural(session.event_count, 'event')}</span>
            <StorageLine session={session} />
            {session.viewport.width > 0 && (
              <span>
                {session.viewport.width}×{session.viewport.height} viewport
              </span>
            )}
            {session.user_id && session.user_email && <span>id {session.user_id}</span>}
          </p>
        </div>
        <div className="flex flex-wrap gap-2">{actions}</div>
      </div>
    </div>
  );
}
