// Incuera's replayer page: the renderer adds the recording in chunks, starts
// the rrweb Replayer, and moves it to each captured frame's time. Each
// function returns a value so that Runtime.evaluate reports completion.
//
// Two ways to reach a time:
// - play forward (the default): every event is applied once, in order, as the
//   frames advance, so a frame costs what its own events cost whatever the
//   size of the page;
// - seek: replayer.pause(t), rrweb's public API. Each call runs rrweb's player
//   state machine over all events, copies the whole replayed document into
//   its virtual DOM (rrdom) when a mutation falls in the window, diffs it back
//   and toggles a class on the replayed <html> (restyling every element), so a
//   frame costs in proportion to the page. Kept as the reference the play
//   forward frames are compared against, and as the fallback when rrweb's
//   internals below are not there.
window.incuera = {
  events: [],
  replayer: null,
  forward: null,  // the play-forward cursor, or null when seeking
  add(chunk) {
    for (const e of chunk) this.events.push(e);
    return this.events.length;
  },
  // `seek`: use replayer.pause(t) for every frame. Returns whether frames
  // play forward.
  start(seek) {
    this.replayer = new rrweb.Replayer(this.events, {
      root: document.getElementById('root'),
      speed: 1,
      skipInactive: false,
      showWarning: false,
      showDebug: false,
      mouseTail: false,
      triggerFocus: true,
      UNSAFE_replayCanvas: false,
      // Playing forward applies mutations straight to the replayed document:
      // rrdom only pays off when many events are applied between two looks.
      useVirtualDom: !!seek,
      insertStyleRules: ['*,*::before,*::after{transition:none!important;animation:none!important;caret-color:transparent!important}'],
    });
    this.forward = seek ? null : playForward(this.replayer);
    return this.forward !== null;
  },
  // Shows the page as it was at `t` ms after the first event (every event
  // before it applied). Playing forward, `t` never goes back (the renderer
  // only moves ahead); an earlier `t` leaves the page as it is. Returns the
  // replayed document's scroll offset, which places page coordinates (the
  // analytics' heatmap) on the captured frame.
  seek(t) {
    if (this.forward) {
      this.forward(t);
    } else {
      this.replayer.pause(t);
    }
    const w = this.replayer.iframe.contentWindow;
    return [w.scrollX, w.scrollY];
  },
};

// Plays `replayer` forward through rrweb's own event application, or returns
// null when this rrweb lacks the internals it uses. Checked against rrweb
// 2.2.2 (packages/rrweb/src/replay/index.ts and machine.ts):
// - replayer.service.state.context.events: the events sorted by timestamp,
//   as the player state machine replays them;
// - replayer.getCastFn(event, isSync)(): applies one event the way pause(t)
//   applies the events before t (isSync = true: scrolls jump, the mouse
//   position is kept for the flush), records it as the last played event and
//   rebuilds the page on a later full snapshot (a new page load);
// - replayer.emitter.emit('flush'): what pause(t) emits after applying them
//   (hover from the latest mouse position, pending mousedown, selection).
// The Replayer must be made with useVirtualDom: false, so that getCastFn
// writes to the replayed document itself (when these internals are missing,
// pause(t) still works on such a Replayer: rrweb 1.x replayed that way).
//
// Frames equal the seek's (tests/unit/render/render_test.cc), except where
// the seek itself is off: its virtual DOM diff sets every attribute of every
// element again (rrdom diffProps), which restarts the load of an image whose
// URL fails, so the seek shows it still loading where a browser shows the
// broken image; and after a diff it may restore an older document scroll.
function playForward(replayer) {
  const context = replayer.service?.state?.context;
  if (typeof replayer.getCastFn !== 'function' || typeof replayer.emitter?.emit !== 'function' ||
      !Array.isArray(context?.events) || context.events.length === 0) {
    return null;
  }
  const events = context.events;
  const first = events[0].timestamp;
  let next = 0;
  return (t) => {
    const before = first + t;
    if (next < events.length && events[next].timestamp < before) {
      for (; next < events.length && events[next].timestamp < before; ++next) {
        replayer.getCastFn(events[next], true)();
      }
      replayer.emitter.emit('flush');
    }
    // As pause(t) leaves it: the page's own animations stay paused. Set only
    // when missing (a new page), as a class change on <html> restyles it all.
    const html = replayer.iframe.contentDocument?.documentElement;
    if (html && !html.classList.contains('rrweb-paused')) html.classList.add('rrweb-paused');
  };
}
