import {JumpIcon} from '../components/icons';
import {focusRing} from '../components/ui';
import {formatClock} from '../lib/format';

// "Jump to this moment": seeks the replay (and the video) to a session time.
export function JumpButton({timeMs, onJump}: {timeMs: number; onJump: (ms: number) => void}) {
  return (
    <button
      type="button"
      onClick={() => onJump(timeMs)}
      aria-label={`Jump to ${formatClock(timeMs)}`}
      title="Jump to this moment"
      className={`inline-flex shrink-0 items-center gap-1 rounded-md px-2 py-1 font-mono text-xs text-indigo-700 ring-1 ring-indigo-200 hover:bg-indigo-50 ${focusRing}`}
    >
      <JumpIcon />
      {formatClock(timeMs)}
    </button>
  );
}
