// The rrweb replay of a session with its own controls: play/pause, speed,
// skip inactivity and a scrubber carrying markers for clicks, page changes,
// errors, rage and dead clicks and notes. It opens on the first page of
// events and takes the later ones as they arrive. Parents seek it through
// `ref` and follow it through `playhead`.
import 'rrweb/dist/style.css';
import {type Ref, useCallback, useEffect, useImperativeHandle, useLayoutEffect, useMemo, useRef, useState} from 'react';
import {Replayer} from 'rrweb';
import {PauseIcon, PlayIcon} from '../components/icons';
import {focusRing} from '../components/ui';
import {formatClock} from '../lib/format';
import {type Marker, type MarkerKind, markerStyles, thinMarkers} from './markers';
import type {Playhead} from './playhead';
import {kMeta, type RecordedEvent} from './timeline';
import type {EventFeed} from './usePagedEvents';

export interface ReplayHandle {
  // Moves the replay to `ms` of session time, keeping it playing if it was.
  seek: (ms: number) => void;
}

const speeds = [1, 2, 4, 8] as const;
// Keeps tall recordings (phones) from pushing the controls off screen.
const maxStageHeightVh = 70;
// Events handed to the replayer per task while later pages arrive, so adding
// a page never blocks the tab for long.
const eventsPerSlice = 1000;

function viewportOf(events: RecordedEvent[]): {width: number; height: number} {
  const meta = events.find((e) => e.type === kMeta) as {data?: {width?: number; height?: number}} | undefined;
  return {width: meta?.data?.width || 1280, height: meta?.data?.height || 720};
}

export function Replay({
  feed,
  totalMs,
  playhead,
  startMs = 0,
  markers,
  ref,
  autoPlay = false,
  onFinish,
  onShown,
}: {
  // The session's events; created on the first page, later pages are added as they arrive.
  feed: EventFeed;
  // The whole session's length, known before all pages are loaded.
  totalMs: number;
  // Where the replay is, for the panes beside it.
  playhead: Playhead;
  // Opens at this moment (a link with ?t=).
  startMs?: number;
  markers: Marker[];
  ref?: Ref<ReplayHandle>;
  // Starts playing at once (the previous part of the visit just finished).
  autoPlay?: boolean;
  // Called when playing reaches the end.
  onFinish?: () => void;
  // Called when the first frame has been drawn (again after `feed` changed).
  onShown?: () => void;
}) {
  const stageRef = useRef<HTMLDivElement>(null);
  const rootRef = useRef<HTMLDivElement>(null);
  const replayerRef = useRef<Replayer | null>(null);
  const [playing, setPlaying] = useState(false);
  const [current, setCurrent] = useState(0);
  // Session time up to which events have been handed to the replayer.
  const [loadedMs, setLoadedMs] = useState(0);
  // Waiting for later pages: where to go (a seek past what is loaded) or
  // that playing ran into the end of what is loaded.
  const pendingRef = useRef<{ms: number; play: boolean} | null>(null);
  const [speed, setSpeed] = useState<number>(1);
  const [skipInactive, setSkipInactive] = useState(true);
  const [skipping, setSkipping] = useState(false);
  const [size, setSize] = useState(() => viewportOf(feed.pages[0] ?? []));
  const [scale, setScale] = useState(0);
  const playingRef = useRef(false);
  playingRef.current = playing;
  const onFinishRef = useRef(onFinish);
  onFinishRef.current = onFinish;
  const onShownRef = useRef(onShown);
  onShownRef.current = onShown;
  const total = Math.max(totalMs, loadedMs);

  const show = useCallback(
    (ms: number) => {
      setCurrent(ms);
      playhead.set(ms);
    },
    [playhead],
  );

  // Puts the replayer at `ms`, or waits for the page holding it.
  const go = useCallback(
    (ms: number, play: boolean) => {
      const replayer = replayerRef.current;
      if (!replayer) return;
      const loaded = replayer.getMetaData().totalTime;
      pendingRef.current = null;
      if (ms > loaded && !feed.complete) {
        pendingRef.current = {ms, play};
        replayer.pause(loaded);
        setPlaying(false);
        show(ms);
      } else {
        const t = Math.max(0, Math.min(ms, loaded));
        if (play) replayer.play(t);
        else replayer.pause(t);
        setPlaying(play);
        show(t);
      }
    },
    [show, feed],
  );

  useEffect(() => {
    const root = rootRef.current!;
    const replayer = new Replayer([...feed.pages[0]] as never[], {
      root,
      speed: 1,
      skipInactive: true,
      showWarning: false,
      triggerFocus: false,
      mouseTail: {duration: 600, lineCap: 'round', lineWidth: 3, strokeStyle: 'rgba(79, 70, 229, 0.45)'},
    });
    replayerRef.current = replayer;
    setLoadedMs(replayer.getMetaData().totalTime);
    replayer.on('finish', () => {
      const end = replayer.getMetaData().totalTime;
      if (feed.complete) {
        setPlaying(false);
        show(end);
        onFinishRef.current?.();
      } else {
        // Played into the end of what has arrived: go on when the next page is in.
        pendingRef.current = {ms: end, play: true};
        setPlaying(false);
      }
    });
    replayer.on('resize', (dimension) => {
      const d = dimension as {width: number; height: number};
      if (d.width > 0 && d.height > 0) setSize({width: d.width, height: d.height});
    });
    replayer.on('skip-start', () => setSkipping(true));
    replayer.on('skip-end', () => setSkipping(false));
    // Draws the first frame (or the linked moment) instead of an empty stage.
    go(startMs, autoPlay);
    // The frame after next has painted it.
    let shownFrame = requestAnimationFrame(() => {
      shownFrame = requestAnimationFrame(() => onShownRef.current?.());
    });

    // Later pages, in slices between which the tab stays responsive.
    const queue: RecordedEvent[][] = feed.pages.slice(1);
    let offset = 0;
    let timer = 0;
    const drain = () => {
      timer = 0;
      let budget = eventsPerSlice;
      while (queue.length && budget > 0) {
        const page = queue[0];
        const end = Math.min(page.length, offset + budget);
        for (let i = offset; i < end; i++) replayer.addEvent(page[i] as never);
        budget -= end - offset;
        offset = end;
        if (offset === page.length) {
          queue.shift();
          offset = 0;
        }
      }
      // The replayer takes added events in a microtask; read its length after them.
      void Promise.resolve().then(() => {
        if (replayerRef.current !== replayer) return;
        const loaded = replayer.getMetaData().totalTime;
        setLoadedMs(loaded);
        const pending = pendingRef.current;
        if (pending && (pending.ms <= loaded || (feed.complete && !queue.length))) go(pending.ms, pending.play);
      });
      if (queue.length) timer = window.setTimeout(drain, 0);
    };
    const unsubscribe = feed.subscribe((page) => {
      queue.push(page);
      if (!timer) timer = window.setTimeout(drain, 0);
    });
    if (queue.length) timer = window.setTimeout(drain, 0);
    return () => {
      cancelAnimationFrame(shownFrame);
      unsubscribe();
      window.clearTimeout(timer);
      replayerRef.current = null;
      replayer.destroy();
    };
    // startMs and autoPlay apply when the replay opens, not on later changes.
  }, [feed, go, show]);

  // Fit the recorded viewport into the stage's width.
  useLayoutEffect(() => {
    const stage = stageRef.current!;
    const fit = () => {
      const maxHeight = (window.innerHeight * maxStageHeightVh) / 100;
      setScale(Math.min(stage.clientWidth / size.width, maxHeight / size.height));
    };
    fit();
    const observer = new ResizeObserver(fit);
    observer.observe(stage);
    return () => observer.disconnect();
  }, [size]);

  // Follow the replay clock while playing.
  useEffect(() => {
    if (!playing) return;
    let frame = 0;
    const tick = () => {
      const replayer = replayerRef.current;
      if (replayer) show(Math.min(replayer.getCurrentTime(), replayer.getMetaData().totalTime));
      frame = requestAnimationFrame(tick);
    };
    frame = requestAnimationFrame(tick);
    return () => cancelAnimationFrame(frame);
  }, [playing, show]);

  const seek = useCallback(
    (ms: number) => go(Math.max(0, Math.min(ms, total)), playingRef.current || pendingRef.current?.play === true),
    [go, total],
  );

  useImperativeHandle(ref, () => ({seek}), [seek]);

  const toggle = () => {
    const replayer = replayerRef.current;
    if (!replayer) return;
    if (playing || pendingRef.current?.play) {
      replayer.pause();
      if (pendingRef.current) pendingRef.current.play = false;
      else show(replayer.getCurrentTime());
      setPlaying(false);
    } else {
      // At the end, play starts over.
      go(current >= total ? 0 : current, true);
    }
  };

  const changeSpeed = (value: number) => {
    setSpeed(value);
    replayerRef.current?.setConfig({speed: value});
  };

  const changeSkip = (value: boolean) => {
    setSkipInactive(value);
    replayerRef.current?.setConfig({skipInactive: value});
  };

  const shown = useMemo(() => thinMarkers(markers, total), [markers, total]);
  const legend = useMemo(() => {
    const counts = new Map<MarkerKind, number>();
    markers.forEach((m) => counts.set(m.kind, (counts.get(m.kind) ?? 0) + 1));
    return [...counts.entries()];
  }, [markers]);

  return (
    <div className="min-w-0">
      <div
        ref={stageRef}
        className="relative w-full overflow-hidden rounded-lg bg-slate-100 ring-1 ring-slate-200"
        style={{
          height: scale ? size.height * scale : undefined,
          aspectRatio: scale ? undefined : `${size.width} / ${size.height}`,
        }}
        data-testid="replay-stage"
      >
        <div
          ref={rootRef}
          className="replay-root absolute top-0 left-1/2 origin-top"
          style={{width: size.width, height: size.height, transform: `translateX(-50%) scale(${scale || 0.0001})`}}
        />
        {pendingRef.current && (
          <span
            className="absolute top-2 left-2 rounded-md bg-slate-900/75 px-2 py-1 text-xs font-medium text-white"
            data-testid="replay-buffering"
          >
            Loading {formatClock(current)}…
          </span>
        )}
        {skipping && (
          <span className="absolute top-2 right-2 rounded-md bg-slate-900/75 px-2 py-1 text-xs font-medium text-white">
            Skipping inactivity…
          </span>
        )}
      </div>

      <div className="mt-3 space-y-2">
        <Timeline current={current} total={total} loaded={loadedMs} markers={shown} onSeek={seek} />
        <div className="flex flex-wrap items-center gap-x-4 gap-y-2">
          <button
            type="button"
            onClick={toggle}
            aria-label={playing ? 'Pause replay' : 'Play replay'}
            className={`flex size-9 items-center justify-center rounded-full bg-indigo-600 text-white shadow-sm hover:bg-indigo-500 ${focusRing}`}
          >
            {playing ? <PauseIcon /> : <PlayIcon className="translate-x-px" />}
          </button>
          <span
            className="font-mono text-sm text-slate-700 tabular-nums"
            data-testid="replay-clock"
            data-current-ms={Math.round(current)}
            data-state={playing ? 'playing' : 'paused'}
          >
            {formatClock(current)} / {formatClock(total)}
          </span>
          <div role="group" aria-label="Playback speed" className="flex rounded-lg bg-slate-100 p-0.5">
            {speeds.map((value) => (
              <button
                key={value}
                type="button"
                aria-pressed={speed === value}
                onClick={() => changeSpeed(value)}
                className={`rounded-md px-2 py-1 text-xs font-medium ${focusRing} ${
                  speed === value ? 'bg-white text-slate-900 shadow-sm' : 'text-slate-500 hover:text-slate-800'
                }`}
              >
                {value}×
              </button>
            ))}
          </div>
          <label className="flex cursor-pointer items-center gap-2 text-sm text-slate-600">
            <input
              type="checkbox"
              checked={skipInactive}
              onChange={(e) => changeSkip(e.target.checked)}
              className="size-4 rounded border-slate-300 accent-indigo-600"
            />
            Skip inactivity
          </label>
        </div>
        {legend.length > 0 && (
          <ul className="flex flex-wrap gap-x-3 gap-y-1 text-xs text-slate-500" aria-label="Marker legend">
            {legend.map(([kind, count]) => (
              <li key={kind} className="flex items-center gap-1.5">
                <span className={`size-2 rounded-full ${markerStyles[kind].color}`} />
                {markerStyles[kind].name} {count}
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

function Timeline({
  current,
  total,
  loaded,
  markers,
  onSeek,
}: {
  current: number;
  total: number;
  // Session time up to which the events have arrived.
  loaded: number;
  markers: Marker[];
  onSeek: (ms: number) => void;
}) {
  const percent = (ms: number) => (total > 0 ? (Math.min(ms, total) / total) * 100 : 0);
  return (
    <div className="relative pt-3">
      {/* Marker ticks above the track; each one seeks to its moment. */}
      <div className="absolute inset-x-0 top-0 h-3" data-testid="timeline-markers">
        {markers.map((marker, i) => (
          <button
            key={i}
            type="button"
            tabIndex={-1}
            title={`${formatClock(marker.timeMs)} ${marker.label}`}
            aria-label={`${marker.label} at ${formatClock(marker.timeMs)}`}
            onClick={() => onSeek(marker.timeMs)}
            data-kind={marker.kind}
            className={`absolute top-0 h-3 w-1.5 -translate-x-1/2 rounded-sm opacity-80 hover:opacity-100 ${markerStyles[marker.kind].color}`}
            style={{left: `${percent(marker.timeMs)}%`}}
          />
        ))}
      </div>
      <div className="relative h-4">
        <div className="absolute inset-x-0 top-1.5 h-1 rounded-full bg-slate-200" />
        <div
          className="absolute top-1.5 left-0 h-1 rounded-full bg-slate-300"
          style={{width: `${percent(loaded)}%`}}
          data-testid="replay-loaded"
        />
        <div
          className="absolute top-1.5 left-0 h-1 rounded-full bg-indigo-500"
          style={{width: `${percent(current)}%`}}
        />
        <input
          type="range"
          min={0}
          max={Math.max(total, 1)}
          step={50}
          value={Math.min(current, total)}
          onChange={(e) => onSeek(Number(e.target.value))}
          aria-label="Replay position"
          aria-valuetext={`${formatClock(current)} of ${formatClock(total)}`}
          className="scrubber absolute inset-0 w-full"
        />
      </div>
    </div>
  );
}
