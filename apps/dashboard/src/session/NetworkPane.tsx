// The recorded fetch/XHR requests: method, URL, status, duration and sizes,
// failed ones flagged; a row opens its headers and bodies (only where the
// site recorded them) and seeks the replay to the request.
import {useMemo, useState} from 'react';
import {focusRing} from '../components/ui';
import {formatBytes, shortUrl} from '../lib/format';
import {Capped, Empty, PaneScroll, TimeButton, maxRows} from './paneRows';
import type {NetworkEntry, NetworkRequest} from './timeline';

const size = (bytes: number | undefined) => (bytes === undefined ? '–' : formatBytes(bytes));

function statusText(r: NetworkRequest): string {
  if (r.status > 0) return String(r.status);
  return r.error ?? 'failed';
}

export function NetworkPane({entries, onSeek}: {entries: NetworkEntry[]; onSeek: (ms: number) => void}) {
  const [failedOnly, setFailedOnly] = useState(false);
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<number | null>(null);
  const matching = useMemo(() => {
    const q = query.trim().toLowerCase();
    return entries.filter((e) => (!failedOnly || e.failed) && (!q || e.request.url.toLowerCase().includes(q)));
  }, [entries, failedOnly, query]);
  const failures = useMemo(() => entries.filter((e) => e.failed).length, [entries]);

  return (
    <div className="space-y-2">
      <div className="flex items-center gap-3">
        <input
          type="search"
          aria-label="Filter requests by URL"
          placeholder="Filter by URL"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          className={`min-w-0 flex-1 rounded-lg border-0 py-1 text-sm ring-1 ring-slate-300 ${focusRing}`}
        />
        <label className="flex items-center gap-1.5 text-sm whitespace-nowrap text-slate-600">
          <input
            type="checkbox"
            checked={failedOnly}
            onChange={(e) => setFailedOnly(e.target.checked)}
            className="size-4 rounded border-slate-300 accent-rose-600"
          />
          Failed only ({failures})
        </label>
      </div>
      {entries.length === 0 ? (
        <Empty>No requests were recorded.</Empty>
      ) : matching.length === 0 ? (
        <Empty>No request matches.</Empty>
      ) : (
        <PaneScroll label="Network requests">
          {matching.slice(0, maxRows).map((entry) => {
            const r = entry.request;
            const isOpen = open === entry.id;
            return (
              <div
                key={entry.id}
                role="listitem"
                data-testid="network-row"
                data-failed={entry.failed || undefined}
                className={`border-b border-slate-100 px-2 py-1.5 text-sm ${entry.failed ? 'bg-rose-50/60' : ''}`}
              >
                <div className="flex items-center gap-2">
                  <TimeButton ms={entry.timeMs} onSeek={onSeek} />
                  <button
                    type="button"
                    aria-expanded={isOpen}
                    onClick={() => {
                      setOpen(isOpen ? null : entry.id);
                      onSeek(entry.timeMs);
                    }}
                    className={`flex min-w-0 flex-1 items-center gap-2 text-left ${focusRing}`}
                  >
                    <span className="w-12 shrink-0 font-mono text-xs font-semibold text-slate-600">{r.method}</span>
                    <span className="min-w-0 flex-1 truncate font-mono text-xs text-slate-800" title={r.url}>
                      {shortUrl(r.url)}
                    </span>
                    <span
                      data-testid="network-status"
                      className={`shrink-0 font-mono text-xs ${entry.failed ? 'font-semibold text-rose-700' : 'text-emerald-700'}`}
                    >
                      {statusText(r)}
                    </span>
                    <span className="w-14 shrink-0 text-right font-mono text-xs text-slate-500 tabular-nums">
                      {Math.max(0, r.endTime - r.startTime)} ms
                    </span>
                    <span className="hidden w-28 shrink-0 text-right text-xs text-slate-500 sm:inline">
                      {size(r.requestBytes)} / {size(r.responseBytes)}
                    </span>
                  </button>
                </div>
                {isOpen && <RequestDetails request={r} />}
              </div>
            );
          })}
          <Capped shown={Math.min(matching.length, maxRows)} total={matching.length} />
        </PaneScroll>
      )}
    </div>
  );
}

function Headers({title, headers}: {title: string; headers: Record<string, string> | undefined}) {
  if (!headers) return null;
  return (
    <div>
      <h4 className="font-semibold text-slate-700">{title}</h4>
      <dl className="grid grid-cols-[auto_1fr] gap-x-3 font-mono">
        {Object.entries(headers).map(([name, value]) => (
          <div key={name} className="contents">
            <dt className="text-slate-500">{name}</dt>
            <dd className="break-all">{value}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

function Body({title, body}: {title: string; body: string | undefined}) {
  if (body === undefined) return null;
  return (
    <div>
      <h4 className="font-semibold text-slate-700">{title}</h4>
      <pre className="max-h-48 overflow-auto rounded bg-slate-50 p-2 break-all whitespace-pre-wrap">{body}</pre>
    </div>
  );
}

function RequestDetails({request: r}: {request: NetworkRequest}) {
  const recorded = r.requestHeaders || r.responseHeaders || r.requestBody !== undefined || r.responseBody !== undefined;
  return (
    <div data-testid="network-details" className="mt-2 ml-14 space-y-2 text-xs text-slate-700">
      <p className="break-all">
        <span className="font-mono">{r.url}</span>
        <span className="ml-2 text-slate-500">
          {r.initiatorType} · sent {size(r.requestBytes)} · received {size(r.responseBytes)}
          {r.failed && ` · ${r.error ?? 'failed'}`}
        </span>
      </p>
      {recorded ? (
        <>
          <Headers title="Request headers" headers={r.requestHeaders} />
          <Body title="Request body" body={r.requestBody} />
          <Headers title="Response headers" headers={r.responseHeaders} />
          <Body title="Response body" body={r.responseBody} />
        </>
      ) : (
        <p className="text-slate-500">Headers and bodies were not recorded for this URL.</p>
      )}
    </div>
  );
}
