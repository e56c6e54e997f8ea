import type {Analysis, LlmSummary, SummaryUnavailable} from '../api/types';
import {Badge, Card} from '../components/ui';
import {JumpButton} from './JumpButton';

function isUnavailable(summary: Analysis['summary']): summary is SummaryUnavailable {
  return summary != null && 'status' in summary && 'reason' in summary;
}

// The LLM's account of the session, or the reason there is none.
export function SummaryCard({analysis, onJump}: {analysis: Analysis; onJump: (ms: number) => void}) {
  const summary = analysis.summary;
  const title = (
    <span className="flex items-center gap-2">
      Summary {analysis.model && <span className="font-normal text-slate-400">· {analysis.model}</span>}
    </span>
  );
  if (summary == null || isUnavailable(summary)) {
    const disabled = summary?.status === 'disabled';
    return (
      <Card title={title} data-testid="summary-card">
        <p className="text-sm text-slate-600">
          {summary == null
            ? 'No summary for this session.'
            : disabled
              ? 'LLM summary disabled: '
              : 'LLM summary failed: '}
          {summary && <span className="text-slate-800">{summary.reason}</span>}
        </p>
        {disabled && (
          <p className="mt-2 text-xs text-slate-500">
            Set <code className="font-mono">LLM_API_KEY</code> on the worker to get summaries; every other card works
            without it.
          </p>
        )}
      </Card>
    );
  }
  const s = summary as LlmSummary;
  return (
    <Card title={title} data-testid="summary-card">
      <p className="text-sm leading-relaxed text-slate-800">{s.summary}</p>
      <dl className="mt-4 grid gap-3 text-sm sm:grid-cols-2">
        <div>
          <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">Intent</dt>
          <dd className="mt-0.5 text-slate-700">{s.user_intent || '–'}</dd>
        </div>
        <div>
          <dt className="text-xs font-medium tracking-wide text-slate-500 uppercase">Outcome</dt>
          <dd className="mt-0.5 text-slate-700">{s.outcome || '–'}</dd>
        </div>
      </dl>
      {s.frustration_signals.length > 0 && (
        <div className="mt-4 flex flex-wrap gap-1.5">
          {s.frustration_signals.map((signal, i) => (
            <Badge key={i} tone="amber">
              {signal}
            </Badge>
          ))}
        </div>
      )}
      {s.notable_moments.length > 0 && (
        <ul className="mt-4 space-y-2">
          {s.notable_moments.map((moment, i) => (
            <li key={i} className="flex items-start gap-2 text-sm text-slate-700">
              <JumpButton timeMs={moment.session_time_ms} onJump={onJump} />
              <span className="pt-0.5">{moment.description}</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
