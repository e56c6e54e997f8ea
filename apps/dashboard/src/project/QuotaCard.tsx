import {api} from '../api/endpoints';
import type {ProjectQuotas, QuotaUsage} from '../api/types';
import {Card, TextField} from '../components/ui';
import {formatDateTime} from '../lib/format';
import {useAsync} from '../lib/useAsync';

/** A quota as typed: '' follows the server's default. */
export type QuotaDraft = Record<keyof ProjectQuotas, string>;

export function quotaDraftOf(quotas: ProjectQuotas): QuotaDraft {
  const text = (v: number | null) => (v == null ? '' : String(v));
  return {
    sessions_per_hour: text(quotas.sessions_per_hour),
    events_per_day: text(quotas.events_per_day),
    render_minutes_per_day: text(quotas.render_minutes_per_day),
  };
}

export function quotasOf(draft: QuotaDraft): ProjectQuotas {
  const value = (v: string) => (v.trim() === '' ? null : Math.round(Number(v)));
  return {
    sessions_per_hour: value(draft.sessions_per_hour),
    events_per_day: value(draft.events_per_day),
    render_minutes_per_day: value(draft.render_minutes_per_day),
  };
}

const FIELDS: {key: keyof ProjectQuotas; label: string; window: string}[] = [
  {key: 'sessions_per_hour', label: 'New sessions per hour', window: 'this hour'},
  {key: 'events_per_day', label: 'Events per day', window: 'today'},
  {key: 'render_minutes_per_day', label: 'Render minutes per day', window: 'today'},
];

function usageLine(usage: QuotaUsage | undefined, window: string): string {
  if (!usage) return 'Empty: the server’s default. 0: no limit.';
  const limit =
    usage.limit == null
      ? 'no limit'
      : `${usage.limit.toLocaleString()} (${usage.source === 'project' ? 'this project' : 'server default'})`;
  return `${usage.used.toLocaleString()} used ${window} of ${limit}; resets ${formatDateTime(usage.resets_at)}. Empty: the server’s default, 0: no limit.`;
}

/**
 * What a public ingest key may cost: beyond a quota the SDK is told to wait
 * (429 with Retry-After) and renders end as failed. Shows the current usage.
 */
export function QuotaCard({
  projectId,
  draft,
  onChange,
}: {
  projectId: string;
  draft: QuotaDraft;
  onChange: (draft: QuotaDraft) => void;
}) {
  const usage = useAsync(() => api.quota(projectId), [projectId]);
  return (
    <Card title="Quotas">
      <div className="grid gap-4 sm:grid-cols-3">
        {FIELDS.map(({key, label, window}) => (
          <TextField
            key={key}
            label={label}
            type="number"
            min={0}
            step={1}
            value={draft[key]}
            placeholder={usage.data?.[key].source === 'server' ? String(usage.data[key].limit ?? 0) : ''}
            onChange={(e) => onChange({...draft, [key]: e.target.value})}
            hint={usageLine(usage.data?.[key], window)}
          />
        ))}
      </div>
    </Card>
  );
}
