// Incuera's replayer page: the renderer adds the recording in chunks, starts
// the rrweb Replayer, and seeks it once per captured frame. Each function
// returns a value so that Runtime.evaluate reports completion.
window.incuera = {
  events: [],
  replayer: null,
  add(chunk) {
    for (const e of chunk) this.events.push(e);
    return this.events.length;
  },
  start() {
    this.replayer = new rrweb.Replayer(this.events, {
      root: document.getElementById('root'),
      speed: 1,
      skipInactive: false,
      showWarning: false,
      showDebug: false,
      mouseTail: false,
      triggerFocus: true,
      UNSAFE_replayCanvas: false,
      insertStyleRules: ['*,*::before,*::after{transition:none!important;animation:none!important;caret-color:transparent!important}'],
    });
    return true;
  },
  // Returns the replayed document's scroll offset, which places page
  // coordinates (the analytics' heatmap) on the captured frame.
  seek(t) {
    this.replayer.pause(t);
    const w = this.replayer.iframe.contentWindow;
    return [w.scrollX, w.scrollY];
  },
};
