// What a page's long tasks spent their time on, from a Chromium trace
// (categories `traceCategories`) taken while the page ran: for each long task
// reported by PerformanceObserver('longtask'), the chain of its largest
// trace events (a script evaluated, a function called with its file and
// line, a timer, a GC, a layout), each with its own duration.
// The page's clock and the trace's are tied by one performance.mark named
// `anchorMark`, which lands in the trace (blink.user_timing) on the tab's
// main thread.

export const traceCategories = ['devtools.timeline', 'blink.user_timing', 'v8.execute'];
export const anchorMark = 'long-tasks-anchor';

function label(event) {
  const data = event.args?.data ?? {};
  const where = (url, line) => (url ? ` ${url.split('/').pop()}${line != null ? `:${line}` : ''}` : '');
  switch (event.name) {
    case 'FunctionCall':
      return `FunctionCall ${data.functionName || '(anonymous)'}${where(data.url, data.lineNumber)}`;
    case 'EvaluateScript':
    case 'v8.compile':
    case 'v8.compileModule':
    case 'v8.evaluateModule':
      return `${event.name}${where(data.url ?? event.args?.fileName)}`;
    case 'EventDispatch':
      return `EventDispatch ${data.type ?? ''}`.trim();
    default:
      return event.name;
  }
}

// The events (already one thread's, sorted) that start inside [start, end) µs.
function within(events, start, end) {
  return events.filter((e) => e.ts >= start && e.ts < end);
}

// Descends into the largest nested event, `depth` levels deep.
function chain(events, start, end, depth) {
  const out = [];
  let scope = within(events, start, end);
  for (let level = 0; level < depth && scope.length; level++) {
    // The outermost events of the scope: those no other event of it contains.
    const top = [];
    let reach = -Infinity;
    for (const e of scope) {
      if (e.ts >= reach) {
        top.push(e);
        reach = e.ts + e.dur;
      }
    }
    const biggest = top.reduce((a, b) => (b.dur > a.dur ? b : a));
    out.push(`${label(biggest)} ${(biggest.dur / 1000).toFixed(0)} ms`);
    scope = scope.filter((e) => e !== biggest && e.ts >= biggest.ts && e.ts + e.dur <= biggest.ts + biggest.dur);
  }
  return out;
}

/**
 * @param trace the trace JSON (Browser.stopTracing's buffer, parsed)
 * @param anchor the anchor mark's startTime in the page (ms)
 * @param tasks the long tasks: {startTime, duration} in the page's clock (ms)
 * @returns one line per long task, longest first
 */
export function explainLongTasks(trace, anchor, tasks, limit = 8) {
  const events = trace.traceEvents ?? trace;
  const mark = events.find((e) => e.name === anchorMark && e.cat?.includes('blink.user_timing'));
  if (!mark) return ['(the trace holds no anchor mark: long tasks not explained)'];
  const onThread = events
    .filter((e) => e.ph === 'X' && e.pid === mark.pid && e.tid === mark.tid && e.dur > 0)
    .sort((a, b) => a.ts - b.ts || b.dur - a.dur);
  const toTrace = (ms) => mark.ts + (ms - anchor) * 1000;
  return [...tasks]
    .sort((a, b) => b.duration - a.duration)
    .slice(0, limit)
    .map((task) => {
      const start = toTrace(task.startTime);
      const parts = chain(onThread, start - 2000, start + task.duration * 1000 + 2000, 5);
      return `${task.duration.toFixed(0)} ms at ${task.startTime.toFixed(0)} ms: ${parts.join(' > ') || '(nothing traced)'}`;
    });
}
