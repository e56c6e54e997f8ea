// The session's activity beside the player: clicks with what the element
// said, field edits (never their values), page loads, errors, rage and dead
// clicks. The row at the playhead is highlighted and kept in view; a row
// seeks the replay.
import {useEffect, useMemo, useRef} from 'react';
import {focusRing} from '../components/ui';
import {formatClock} from '../lib/format';
import {markerStyles} from './markers';
import {Empty, PaneScroll, maxRows} from './paneRows';
import {type Playhead, usePlayheadIndex} from './playhead';
import type {Activity, ActivityKind} from './timeline';

const kindColor: Record<ActivityKind, string> = {
  click: markerStyles.click.color,
  input: 'bg-slate-400',
  page: markerStyles.navigation.color,
  error: markerStyles.error.color,
  rage: markerStyles.rage.color,
  dead: markerStyles.dead.color,
};

export function EventList({
  items,
  playhead,
  onSeek,
}: {
  items: Activity[];
  playhead: Playhead;
  onSeek: (ms: number) => void;
}) {
  const active = usePlayheadIndex(playhead, items);
  // A long session draws the rows around the playhead.
  const from = Math.max(0, Math.min(active - maxRows / 4, items.length - maxRows));
  const shown = useMemo(() => items.slice(from, from + maxRows), [items, from]);
  const box = useRef<HTMLDivElement>(null);
  const activeRow = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    const row = activeRow.current;
    const container = box.current;
    if (!row || !container) return;
    const top = row.offsetTop;
    if (top < container.scrollTop || top + row.offsetHeight > container.scrollTop + container.clientHeight)
      container.scrollTop = top - container.clientHeight / 3;
  }, [active]);

  if (items.length === 0) return <Empty>No clicks, inputs, page loads or errors recorded yet.</Empty>;
  return (
    <PaneScroll boxRef={box} label="Session events">
      {shown.map((item, i) => {
        const isActive = from + i === active;
        return (
          <button
            key={from + i}
            ref={isActive ? activeRow : undefined}
            type="button"
            role="listitem"
            onClick={() => onSeek(item.timeMs)}
            data-testid="event-row"
            data-kind={item.kind}
            data-active={isActive || undefined}
            className={`flex w-full items-start gap-2 rounded px-2 py-1 text-left text-sm ${focusRing} ${
              isActive ? 'bg-indigo-50 text-indigo-900' : 'text-slate-700 hover:bg-slate-50'
            } ${from + i > active ? 'opacity-70' : ''}`}
          >
            <span className="w-12 shrink-0 font-mono text-xs text-slate-500 tabular-nums">
              {formatClock(item.timeMs)}
            </span>
            <span className={`mt-1.5 size-2 shrink-0 rounded-full ${kindColor[item.kind]}`} />
            <span className="min-w-0 break-words">{item.label}</span>
          </button>
        );
      })}
    </PaneScroll>
  );
}
