import {mediaUrl} from '../api/endpoints';
import type {Keyframe} from '../api/types';
import {focusRing} from '../components/ui';
import {formatClock} from '../lib/format';

const reasonLabels: Record<string, string> = {
  click: 'Click',
  navigation: 'Page change',
  error: 'Error',
  input: 'Input',
  scroll: 'Scroll',
  start: 'Start',
  end: 'End',
};

// The most eventful moments as stills; choosing one seeks replay and video.
export function KeyframeStrip({
  sessionId,
  keyframes,
  onSelect,
}: {
  sessionId: string;
  keyframes: Keyframe[];
  onSelect: (keyframe: Keyframe) => void;
}) {
  return (
    <ol className="flex snap-x gap-3 overflow-x-auto pb-2" aria-label="Keyframes">
      {keyframes.map((keyframe) => (
        <li key={keyframe.index} className="w-40 shrink-0 snap-start">
          <button
            type="button"
            onClick={() => onSelect(keyframe)}
            data-testid="keyframe"
            aria-label={`Jump to ${reasonLabels[keyframe.reason] ?? keyframe.reason} at ${formatClock(keyframe.session_time_ms)}`}
            className={`group block w-full rounded-lg text-left ${focusRing}`}
          >
            <img
              src={mediaUrl.keyframe(sessionId, keyframe.index)}
              alt=""
              loading="lazy"
              className="aspect-video w-full rounded-lg bg-slate-100 object-cover object-top ring-1 ring-slate-200 transition group-hover:ring-2 group-hover:ring-indigo-400"
            />
            <span className="mt-1 flex justify-between text-xs text-slate-500">
              <span className="font-medium text-slate-700">{reasonLabels[keyframe.reason] ?? keyframe.reason}</span>
              <span className="font-mono">{formatClock(keyframe.session_time_ms)}</span>
            </span>
          </button>
        </li>
      ))}
    </ol>
  );
}
