import {useState} from 'react';
import {mediaUrl} from '../api/endpoints';
import type {Session} from '../api/types';
import {ImageOffIcon, UserIcon} from '../components/icons';
import {ErrorCountBadge, SessionStatusBadge} from '../components/StatusBadge';
import {focusRing} from '../components/ui';
import {formatDateTime, formatDuration, formatRelative, hostOf, plural, shortUrl} from '../lib/format';
import {Link} from '../lib/router';

export function userLabel(session: Session): string {
  return session.user_email || session.user_id || 'anonymous';
}

// A live visit has no final duration yet; show how long it has been going.
export function sessionDuration(session: Session): number {
  if (session.duration_ms > 0 || session.status !== 'recording') return session.duration_ms;
  return Math.max(0, session.last_event_at - session.started_at);
}

export function Thumbnail({session, className = ''}: {session: Session; className?: string}) {
  const [failed, setFailed] = useState(false);
  const frame = `relative shrink-0 overflow-hidden rounded-lg bg-slate-100 ring-1 ring-slate-200 aspect-video ${className}`;
  if (!session.has_thumbnail || failed) {
    return (
      <div
        className={`${frame} flex items-center justify-center text-2xl text-slate-300`}
        data-testid="thumbnail-placeholder"
      >
        <ImageOffIcon />
      </div>
    );
  }
  return (
    <div className={frame}>
      <img
        src={mediaUrl.thumbnail(session.id)}
        alt=""
        loading="lazy"
        onError={() => setFailed(true)}
        className="absolute inset-0 size-full object-cover object-top"
      />
    </div>
  );
}

function Started({session}: {session: Session}) {
  return (
    <time dateTime={new Date(session.started_at).toISOString()} title={formatDateTime(session.started_at)}>
      {formatRelative(session.started_at)}
    </time>
  );
}

export function SessionRow({session}: {session: Session}) {
  const user = userLabel(session);
  return (
    <li>
      <Link
        to={`/sessions/${encodeURIComponent(session.id)}`}
        data-testid="session-row"
        className={`flex gap-3 rounded-xl bg-white p-3 shadow-sm ring-1 ring-slate-200 transition hover:shadow-md hover:ring-indigo-300 sm:gap-4 ${focusRing}`}
      >
        <Thumbnail session={session} className="w-28 sm:w-40" />
        <div className="min-w-0 flex-1">
          <div className="flex flex-wrap items-center gap-x-2 gap-y-1">
            <span
              className={`inline-flex min-w-0 items-center gap-1 text-sm font-medium ${user === 'anonymous' ? 'text-slate-500' : 'text-slate-900'}`}
            >
              <UserIcon className="shrink-0 text-slate-400" />
              <span className="truncate">{user}</span>
            </span>
            <SessionStatusBadge status={session.status} />
            <ErrorCountBadge count={session.error_count} />
          </div>
          <p className="mt-1 truncate text-sm text-slate-700" title={session.url}>
            <span className="text-slate-400">{hostOf(session.url)}</span>
            {shortUrl(session.url)}
          </p>
          <p className="mt-1 flex flex-wrap gap-x-3 text-xs text-slate-500 sm:hidden">
            <Started session={session} />
            <span>{formatDuration(sessionDuration(session))}</span>
            <span>{plural(session.page_count, 'page')}</span>
          </p>
        </div>
        <div className="hidden shrink-0 flex-col items-end gap-1 text-right sm:flex">
          <span className="text-sm font-medium text-slate-900 tabular-nums">
            {formatDuration(sessionDuration(session))}
          </span>
          <span className="text-xs text-slate-500">
            <Started session={session} />
          </span>
          <span className="text-xs text-slate-500">{plural(session.page_count, 'page')}</span>
        </div>
      </Link>
    </li>
  );
}
