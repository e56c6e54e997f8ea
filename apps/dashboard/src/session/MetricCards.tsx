import {useState} from 'react';
import {mediaUrl} from '../api/endpoints';
import type {ActionCounts, Analysis} from '../api/types';
import {CheckIcon} from '../components/icons';
import {Badge, Card} from '../components/ui';
import {formatDuration, plural, shortUrl} from '../lib/format';
import {JumpButton} from './JumpButton';

const countLabels: [keyof ActionCounts, string][] = [
  ['clicks', 'Clicks'],
  ['double_clicks', 'Double clicks'],
  ['inputs', 'Inputs'],
  ['keystrokes', 'Keystrokes'],
  ['scrolls', 'Scrolls'],
  ['touches', 'Touches'],
  ['page_loads', 'Page loads'],
  ['navigations', 'Page changes'],
  ['in_app_navigations', 'In-app navigations'],
  ['errors', 'Errors'],
];

export function CountsCard({counts}: {counts: ActionCounts}) {
  return (
    <Card title="Actions" data-testid="counts-card">
      <dl className="grid grid-cols-2 gap-x-4 gap-y-3 sm:grid-cols-3">
        {countLabels.map(([key, label]) => (
          <div key={key}>
            <dt className="text-xs text-slate-500">{label}</dt>
            <dd
              className={`text-lg font-semibold tabular-nums ${key === 'errors' && counts.errors > 0 ? 'text-rose-600' : 'text-slate-900'}`}
              data-testid={`count-${key}`}
            >
              {counts[key].toLocaleString()}
            </dd>
          </div>
        ))}
      </dl>
    </Card>
  );
}

export function ActivityCard({metrics}: {metrics: NonNullable<Analysis['metrics']>}) {
  const total = Math.max(metrics.active_ms + metrics.idle_ms, 1);
  const activePercent = Math.round((metrics.active_ms / total) * 100);
  return (
    <Card title="Activity" data-testid="activity-card">
      <div className="flex items-baseline justify-between gap-2">
        <span className="text-lg font-semibold text-slate-900 tabular-nums" data-testid="active-time">
          {formatDuration(metrics.active_ms)} <span className="text-sm font-normal text-slate-500">active</span>
        </span>
        <span className="text-sm text-slate-500 tabular-nums" data-testid="idle-time">
          {formatDuration(metrics.idle_ms)} idle
        </span>
      </div>
      <div
        className="mt-2 flex h-2 overflow-hidden rounded-full bg-slate-200"
        role="img"
        aria-label={`${activePercent}% of the session active`}
      >
        <div className="bg-emerald-500" style={{width: `${activePercent}%`}} />
      </div>
      <p className="mt-2 text-xs text-slate-500">
        {activePercent}% of {formatDuration(metrics.duration_ms)} with input, scrolling or mouse movement.
      </p>
      {metrics.scroll_depth.length > 0 && (
        <div className="mt-4">
          <h3 className="text-xs font-medium tracking-wide text-slate-500 uppercase">Scroll depth</h3>
          <ul className="mt-2 space-y-1.5">
            {metrics.scroll_depth.map((page, i) => (
              <li key={i} className="flex items-center gap-2 text-sm">
                <span className="min-w-0 flex-1 truncate text-slate-700" title={page.url}>
                  {shortUrl(page.url)}
                </span>
                <span className="shrink-0 text-slate-500 tabular-nums">
                  {page.depth == null ? `${page.max_bottom_px}px` : `${Math.round(page.depth * 100)}%`}
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </Card>
  );
}

export function FunnelCard({funnel, onJump}: {funnel: NonNullable<Analysis['funnel']>; onJump: (ms: number) => void}) {
  const reached = funnel.steps.filter((s) => s.reached).length;
  return (
    <Card
      title="Funnel"
      data-testid="funnel-card"
      actions={
        funnel.steps.length > 0 &&
        (funnel.completed ? (
          <Badge tone="green">Completed</Badge>
        ) : (
          <Badge tone="amber">Dropped off at {funnel.drop_off_step}</Badge>
        ))
      }
    >
      {funnel.steps.length > 0 ? (
        <>
          <p className="mb-3 text-sm text-slate-600">
            {reached} of {plural(funnel.steps.length, 'step')} reached
          </p>
          <ol className="space-y-2">
            {funnel.steps.map((step, i) => (
              <li key={i} className="flex items-center gap-2 text-sm">
                <span
                  className={`flex size-6 shrink-0 items-center justify-center rounded-full text-xs font-semibold ${
                    step.reached ? 'bg-emerald-100 text-emerald-700' : 'bg-slate-100 text-slate-400'
                  }`}
                >
                  {step.reached ? <CheckIcon /> : i + 1}
                </span>
                <span className={`min-w-0 flex-1 truncate ${step.reached ? 'text-slate-800' : 'text-slate-400'}`}>
                  {step.name} <span className="font-mono text-xs text-slate-400">{step.url_pattern}</span>
                </span>
                {step.reached && step.time_ms != null && <JumpButton timeMs={step.time_ms} onJump={onJump} />}
              </li>
            ))}
          </ol>
        </>
      ) : (
        <p className="mb-3 text-sm text-slate-500">
          No funnel steps configured — add them in the project settings. Pages visited:
        </p>
      )}
      {funnel.steps.length === 0 && (
        <ol className="space-y-1.5">
          {funnel.visits.map((visit, i) => (
            <li key={i} className="flex items-center gap-2 text-sm">
              <span className="w-5 shrink-0 text-right text-xs text-slate-400">{i + 1}</span>
              <span className="min-w-0 flex-1 truncate text-slate-700" title={visit.url}>
                {shortUrl(visit.url)}
              </span>
              <span className="shrink-0 text-xs text-slate-500">{formatDuration(visit.duration_ms)}</span>
              <JumpButton timeMs={visit.start_ms} onJump={onJump} />
            </li>
          ))}
        </ol>
      )}
    </Card>
  );
}

export function HeatmapCard({sessionId, analysis}: {sessionId: string; analysis: Analysis}) {
  const [imageFailed, setImageFailed] = useState(false);
  const pages = analysis.heatmap?.pages ?? [];
  return (
    <Card title="Click heatmap" data-testid="heatmap-card">
      {analysis.has_heatmap_image && !imageFailed ? (
        <img
          src={mediaUrl.heatmap(sessionId)}
          alt="Where the visitor clicked, over the first page"
          onError={() => setImageFailed(true)}
          className="w-full rounded-lg ring-1 ring-slate-200"
        />
      ) : (
        <p className="text-sm text-slate-500">
          {pages.some((p) => p.points.length)
            ? 'The overlay image appears once the video is rendered.'
            : 'No clicks recorded.'}
        </p>
      )}
      {pages.length > 0 && (
        <ul className="mt-3 space-y-1.5">
          {pages.map((page, i) => (
            <li key={i} className="flex items-center gap-2 text-sm">
              <span className="min-w-0 flex-1 truncate text-slate-700" title={page.url}>
                {shortUrl(page.url)}
              </span>
              <span className="shrink-0 text-slate-500 tabular-nums">{plural(page.points.length, 'click')}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
