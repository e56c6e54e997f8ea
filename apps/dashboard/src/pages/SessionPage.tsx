import {type ReactNode, useEffect, useMemo, useRef, useState} from 'react';
import {errorMessage} from '../api/client';
import {api} from '../api/endpoints';
import type {Keyframe, Session} from '../api/types';
import {ConfirmDialog} from '../components/Dialog';
import {ChevronLeftIcon, RefreshIcon, TrashIcon} from '../components/icons';
import {ErrorCountBadge, SessionStatusBadge, isAnalysisBusy, isSessionBusy} from '../components/StatusBadge';
import {Button, Card, InlineError, Loading, Notice, focusRing} from '../components/ui';
import {formatDateTime, formatDuration, plural} from '../lib/format';
import {Link, navigate, useSearch} from '../lib/router';
import {useAsync, useInterval} from '../lib/useAsync';
import {useTitle} from '../lib/useTitle';
import {sessionDuration, userLabel} from '../project/SessionRow';
import {AnalysisSection} from '../session/AnalysisSection';
import {KeyframeStrip} from '../session/KeyframeStrip';
import {type RecordedEvent, buildMarkers} from '../session/markers';
import {Replay, type ReplayHandle} from '../session/Replay';
import {StorageLine} from '../session/StorageLine';
import {VideoPanel} from '../session/VideoPanel';
import {videoTimeOf} from '../session/timeMap';
import {NotFoundPage} from './NotFoundPage';

const pollMs = 5000;

export function SessionPage({sessionId}: {sessionId: string}) {
  const session = useAsync(() => api.session(sessionId), [sessionId]);
  const analysis = useAsync(() => api.analysis(sessionId), [sessionId]);
  const events = useAsync(() => api.events(sessionId) as Promise<RecordedEvent[]>, [sessionId]);
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
  // Arrived here from the end of the visit's previous part: play on.
  const continuing = new URLSearchParams(useSearch()).has('continue');
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
  const reloadEvents = events.reload;
  useEffect(() => {
    if (lastStatus.current === 'recording' && status && status !== 'recording') reloadEvents(true);
    lastStatus.current = status;
  }, [status, reloadEvents]);

  const markers = useMemo(() => buildMarkers(events.data ?? [], analysis.data), [events.data, analysis.data]);

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
    return (
      <Notice
        tone="red"
        title="The session could not be loaded"
        action={<Button onClick={() => session.reload()}>Retry</Button>}
      >
        {errorMessage(session.error)}
      </Notice>
    );
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

      <div className="grid gap-6 lg:grid-cols-2">
        <div ref={replayBox} className="min-w-0 scroll-mt-20">
          <Card title="Replay" data-testid="replay-card">
            {events.loading && !events.data ? (
              <Loading label="Loading events…" />
            ) : events.error ? (
              <Notice
                tone="red"
                title="The events could not be loaded"
                action={<Button onClick={() => events.reload()}>Retry</Button>}
              >
                {errorMessage(events.error)}
              </Notice>
            ) : (events.data?.length ?? 0) < 2 ? (
              <Notice title="Nothing to replay">
                {s.status === 'discarded'
                  ? 'The session was discarded and its events deleted.'
                  : 'No events have been stored for this session yet.'}
              </Notice>
            ) : (
              <Replay
                ref={replayRef}
                events={events.data!}
                markers={markers}
                autoPlay={continuing}
                onFinish={
                  s.next ? () => navigate(`/sessions/${encodeURIComponent(s.next!)}?continue`) : undefined
                }
              />
            )}
          </Card>
        </div>
        <Card title="Rendered video" data-testid="video-card">
          <VideoPanel
            session={s}
            onRerender={() => void run('render')}
            rerendering={action === 'render'}
            videoRef={videoRef}
          />
        </Card>
      </div>

      {ready && keyframes.length > 0 && (
        <Card title="Keyframes">
          <KeyframeStrip sessionId={s.id} keyframes={keyframes} onSelect={showKeyframe} />
        </Card>
      )}

      {analysis.error ? (
        <Notice
          tone="red"
          title="The analysis could not be loaded"
          action={<Button onClick={() => analysis.reload()}>Retry</Button>}
        >
          {errorMessage(analysis.error)}
        </Notice>
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
