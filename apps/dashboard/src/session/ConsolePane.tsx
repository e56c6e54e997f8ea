// The recorded console: every level, a level filter and a text search,
// stack traces folded open on demand; a line's time seeks the replay.
import {useMemo, useState} from 'react';
import {Badge, type Tone, focusRing} from '../components/ui';
import {Capped, Empty, PaneScroll, TimeButton, maxRows} from './paneRows';
import type {ConsoleEntry} from './timeline';

const levelTone: Record<string, Tone> = {error: 'red', assert: 'red', warn: 'amber', info: 'blue', debug: 'violet'};

export function ConsolePane({entries, onSeek}: {entries: ConsoleEntry[]; onSeek: (ms: number) => void}) {
  const [level, setLevel] = useState('');
  const [query, setQuery] = useState('');
  const [open, setOpen] = useState<Set<number>>(() => new Set());
  const levels = useMemo(() => [...new Set(entries.map((e) => e.level))].sort(), [entries]);
  const matching = useMemo(() => {
    const q = query.trim().toLowerCase();
    return entries.filter((e) => (!level || e.level === level) && (!q || e.text.toLowerCase().includes(q)));
  }, [entries, level, query]);

  const toggle = (id: number) =>
    setOpen((current) => {
      const next = new Set(current);
      if (!next.delete(id)) next.add(id);
      return next;
    });

  return (
    <div className="space-y-2">
      <div className="flex gap-2">
        <select
          aria-label="Console level"
          value={level}
          onChange={(e) => setLevel(e.target.value)}
          className={`rounded-lg border-0 py-1 text-sm ring-1 ring-slate-300 ${focusRing}`}
        >
          <option value="">All levels</option>
          {levels.map((l) => (
            <option key={l} value={l}>
              {l}
            </option>
          ))}
        </select>
        <input
          type="search"
          aria-label="Search the console"
          placeholder="Search messages"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
          className={`min-w-0 flex-1 rounded-lg border-0 py-1 text-sm ring-1 ring-slate-300 ${focusRing}`}
        />
      </div>
      {entries.length === 0 ? (
        <Empty>No console messages were recorded.</Empty>
      ) : matching.length === 0 ? (
        <Empty>No message matches.</Empty>
      ) : (
        <PaneScroll label="Console messages">
          {matching.slice(0, maxRows).map((entry) => (
            <div
              key={entry.id}
              role="listitem"
              data-testid="console-row"
              data-level={entry.level}
              className="border-b border-slate-100 px-2 py-1.5 text-sm"
            >
              <div className="flex items-start gap-2">
                <TimeButton ms={entry.timeMs} onSeek={onSeek} />
                <Badge tone={levelTone[entry.level] ?? 'gray'}>{entry.level}</Badge>
                <button
                  type="button"
                  onClick={() => onSeek(entry.timeMs)}
                  className={`min-w-0 flex-1 text-left font-mono text-xs break-words whitespace-pre-wrap text-slate-800 ${focusRing}`}
                >
                  {entry.text}
                </button>
                {entry.trace.length > 0 && (
                  <button
                    type="button"
                    aria-expanded={open.has(entry.id)}
                    onClick={() => toggle(entry.id)}
                    className={`shrink-0 rounded text-xs text-indigo-600 hover:text-indigo-500 ${focusRing}`}
                  >
                    {open.has(entry.id) ? 'Hide stack' : 'Stack'}
                  </button>
                )}
              </div>
              {open.has(entry.id) && (
                <pre
                  data-testid="console-trace"
                  className="mt-1 ml-14 overflow-x-auto rounded bg-slate-50 p-2 text-xs text-slate-600"
                >
                  {entry.trace.join('\n')}
                </pre>
              )}
            </div>
          ))}
          <Capped shown={Math.min(matching.length, maxRows)} total={matching.length} />
        </PaneScroll>
      )}
    </div>
  );
}
