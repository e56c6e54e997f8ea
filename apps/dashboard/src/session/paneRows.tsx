// Shared pieces of the panes beside the player: the scrolling box, the time
// stamp that seeks, and a cap on how many rows are drawn at once.
import type {ReactNode, Ref} from 'react';
import {focusRing} from '../components/ui';
import {formatClock} from '../lib/format';

// Rows drawn at most; a filter narrows what is beyond.
export const maxRows = 1000;

export function PaneScroll({
  children,
  boxRef,
  label,
}: {
  children: ReactNode;
  boxRef?: Ref<HTMLDivElement>;
  label: string;
}) {
  return (
    <div ref={boxRef} className="relative h-[28rem] overflow-y-auto" aria-label={label} role="list">
      {children}
    </div>
  );
}

export function TimeButton({ms, onSeek}: {ms: number; onSeek: (ms: number) => void}) {
  return (
    <button
      type="button"
      onClick={() => onSeek(ms)}
      className={`shrink-0 rounded font-mono text-xs text-slate-500 tabular-nums hover:text-indigo-600 ${focusRing}`}
      aria-label={`Go to ${formatClock(ms)}`}
    >
      {formatClock(ms)}
    </button>
  );
}

export function Capped({shown, total}: {shown: number; total: number}) {
  if (shown >= total) return null;
  return (
    <p className="px-2 py-2 text-xs text-slate-500">
      {shown.toLocaleString()} of {total.toLocaleString()} shown; narrow them with the filter.
    </p>
  );
}

export function Empty({children}: {children: ReactNode}) {
  return <p className="px-2 py-6 text-center text-sm text-slate-500">{children}</p>;
}
