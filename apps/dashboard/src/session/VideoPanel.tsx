import {type Ref, useState} from 'react';
import {mediaUrl} from '../api/endpoints';
import type {Session} from '../api/types';
import {AlertIcon, FilmIcon, RefreshIcon} from '../components/icons';
import {Button, Notice, Spinner} from '../components/ui';
import {formatBytes, formatDuration} from '../lib/format';

// The MP4 the worker rendered, or why there is none yet and what to do.
export function VideoPanel({
  session,
  onRerender,
  rerendering,
  videoRef,
}: {
  session: Session;
  onRerender: () => void;
  rerendering: boolean;
  videoRef: Ref<HTMLVideoElement>;
}) {
  const [failed, setFailed] = useState(false);
  const rerender = (
    <Button size="sm" onClick={onRerender} busy={rerendering}>
      <RefreshIcon />
      Re-render
    </Button>
  );

  if (session.status === 'ready' && session.video && !failed) {
    return (
      <div className="min-w-0">
        <video
          ref={videoRef}
          controls
          preload="metadata"
          playsInline
          src={mediaUrl.video(session.id)}
          onError={() => setFailed(true)}
          data-testid="session-video"
          className="aspect-video w-full rounded-lg bg-slate-900"
        />
        <p className="mt-2 text-xs text-slate-500">
          {formatDuration(session.video.duration_ms)} · {formatBytes(session.video.size)} · idle gaps shortened
        </p>
      </div>
    );
  }

  let body;
  if (failed) {
    body = (
      <Notice tone="red" icon={<AlertIcon />} title="The video could not be loaded" action={rerender}>
        The file may be missing from storage. Render it again.
      </Notice>
    );
  } else if (session.status === 'failed') {
    body = (
      <Notice tone="red" icon={<AlertIcon />} title="Render failed" action={rerender}>
        <span data-testid="render-failure">{session.failure_reason || 'The worker gave no reason.'}</span> — check the
        worker log, then re-render.
      </Notice>
    );
  } else if (session.status === 'discarded') {
    body = (
      <Notice icon={<FilmIcon />} title="Not rendered: the session was discarded">
        It was shorter than the project’s minimum duration, so its events were dropped.
      </Notice>
    );
  } else if (session.status === 'recording') {
    body = (
      <Notice icon={<FilmIcon />} title="Video not rendered yet (status: recording)">
        The visitor is still on the site. The video is rendered once the session ends.
      </Notice>
    );
  } else {
    body = (
      <Notice
        icon={<Spinner className="size-7" />}
        title={`Video not rendered yet (status: ${session.status === 'completed' ? 'queued' : session.status})`}
        action={session.status === 'ready' ? rerender : undefined}
      >
        {session.status === 'ready'
          ? 'The session is ready but has no video file. Render it again.'
          : 'A worker is on it; this page updates by itself. If nothing happens, check that incuera-worker is running.'}
      </Notice>
    );
  }
  return (
    <div className="flex aspect-video items-center justify-center rounded-lg bg-slate-50 ring-1 ring-slate-200">
      {body}
    </div>
  );
}
