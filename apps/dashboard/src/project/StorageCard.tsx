import {errorMessage} from '../api/client';
import {api} from '../api/endpoints';
import type {Project} from '../api/types';
import {Card, InlineError} from '../components/ui';
import {Bytes} from '../components/Bytes';
import {plural} from '../lib/format';
import {useAsync} from '../lib/useAsync';

// What the project's sessions take in storage, read when the tab opens.
export function StorageCard({project}: {project: Project}) {
  const usage = useAsync(() => api.usage(project.id), [project.id]);
  const u = usage.data;
  return (
    <Card title="Storage">
      {usage.error != null && <InlineError>{errorMessage(usage.error)}</InlineError>}
      {u && (
        <dl className="grid gap-4 text-sm sm:grid-cols-3" aria-label="Storage used">
          <div>
            <dt className="text-slate-500">Total</dt>
            <dd className="text-lg font-semibold" data-testid="storage-total">
              <Bytes value={u.total_bytes} />
            </dd>
            <dd className="text-xs text-slate-500">
              <data value={u.sessions}>{plural(u.sessions, 'session')}</data>
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Events</dt>
            <dd className="text-lg font-semibold">
              <Bytes value={u.event_bytes} />
            </dd>
            <dd className="text-xs text-slate-500">
              <Bytes value={u.raw_event_bytes} /> as received
            </dd>
          </div>
          <div>
            <dt className="text-slate-500">Videos and images</dt>
            <dd className="text-lg font-semibold">
              <Bytes value={u.object_bytes} />
            </dd>
          </div>
        </dl>
      )}
      <p className="mt-3 text-xs text-slate-500">
        Sessions older than the retention period are deleted with their files; the sample rate limits how many are
        recorded.
      </p>
    </Card>
  );
}
