// Session analysis: deterministic analytics computed from
// the rrweb events alone, the heatmap PNG overlay, and the optional LLM
// summary client.
//
// Analytics are streamed: an Analyzer is fed the session's stored batches (one
// JSON array of rrweb events each, or any cut of that text) in recorded order
// and parses one event at a time, so a large session is never held as a whole
// document. Of the full
// snapshots it keeps only a node id -> {tag, id, classes, text} map.
//
// Rules worth knowing (all times are session times: ms since the first event):
//  - clicks: MouseInteraction type 2; double clicks type 4; touches type 7
//    (TouchStart). keystrokes: every Input event (source 5); inputs: the
//    number of distinct fields that received Input events; scrolls: every
//    Scroll event (source 3).
//  - page_loads: Meta events (type 4), one per document load. navigations:
//    every change of the current page URL, by a load or in-app.
//    in_app_navigations: Custom events tagged "navigation" (payload {href} or
//    {url}) that change the URL without a Meta event (SPA route changes).
//  - active time: the timeline is cut at every user input (mouse move,
//    interaction, scroll, input, touch move) and at the session's start and
//    end; a gap shorter than idle_threshold is active, a longer one idle.
//  - page coordinates: click x/y plus the current scroll offset of the top
//    document (Scroll events on the Document node of the latest full
//    snapshot). Clicks on nodes inside iframes (nodes below an iframe element
//    in the snapshot) are counted and described, but their coordinates are
//    relative to the frame, so they are left out of heatmaps and rage clicks.
//    Several tabs recorded into one session appear as page loads in event
//    order; each Meta + full snapshot starts a new page.
//  - scroll depth: the largest (scroll y + viewport height) seen on a page,
//    over the document height. rrweb does not record the document height, so
//    it is known only when the SDK sends a Custom event tagged
//    "document-size" with payload {height}; otherwise `depth` is null and only
//    the pixel values are reported.
//  - rage clicks: >= rage_click_count clicks on one page whose times are all
//    within rage_click_window (inclusive) of the last one and whose positions
//    are within rage_click_radius_px (inclusive, Euclidean, page coordinates)
//    of it. Further clicks continuing the burst extend the same cluster, which
//    is reported once.
//  - dead clicks: a click followed within dead_click_window (inclusive) by no
//    DOM mutation, scroll, input, page load or navigation. A click followed
//    by no event at all until the next page starts (a slow link) is not
//    dead. Clicks on form fields (input, textarea, select, option: focusing
//    them changes nothing) and clicks too close to the end of the recording
//    to tell are not reported.
//  - errors: console plugin records ("rrweb/console@1") at level error or
//    assert, and Custom events tagged exactly "error" or "unhandledrejection"
//    with payload {message, stack?, filename?, lineno?} (the same definition
//    ingest counts and the render keyframes; other tags, even ones containing
//    "error", are not errors). The console plugin logs uncaught exceptions
//    ("Uncaught …") and, in rrweb 2.x, unhandled rejections ("Uncaught (in
//    promise) …") too: those are of kind "error" / "unhandledrejection", and
//    one that the SDK also reported within 1 s (same message; a rejection's
//    without the browser's prefix) is one error.
//  - events may nest 1100 JSON levels deep, as ingest accepts.
//  - funnel: a step matches a page URL when its pattern, if it has no '*', is
//    a substring of the URL; with '*' (any run of characters) it must match
//    the whole URL or the whole path (+query). Steps are matched in order
//    against the page visits; completed when all were reached, else
//    drop_off_step names the first step not reached.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "incuera/model.h"
#include "incuera/options.h"
#include "incuera/status.h"

namespace incuera {

// What a clicked node looked like, resolved from the full snapshot and
// mutation adds. All fields are empty when the node is unknown.
struct TargetNode {
  std::int64_t node_id = 0;
  std::string tag;         // lower-case tag name, "" when unknown
  std::string element_id;  // the id attribute
  std::string classes;     // the class attribute, whitespace-normalized
  std::string text;        // first characters of the node's text
  bool in_iframe = false;  // the node belongs to a nested document

  // "button#buy.primary \"Add to cart\"", or "node 42" when unknown.
  std::string Describe() const;
};

// One click in page coordinates.
struct ClickPoint {
  std::int64_t time_ms = 0;
  double x = 0;
  double y = 0;
};

// Clicks on one page URL. `histogram` has kGrid x kGrid cells, row-major
// (row = y), covering [0, width) x [0, height) page pixels.
struct PageHeatmap {
  static constexpr int kGrid = 32;
  std::string url;
  int width = 0;   // max(viewport width, rightmost click + 1)
  int height = 0;  // max(document height, deepest viewport bottom, click + 1)
  std::vector<ClickPoint> points;
  std::vector<int> histogram;  // kGrid * kGrid counts
};

// A rage or dead click. `count` is the number of clicks in a rage cluster
// (1 for a dead click); `time_ms` is the first click of it.
struct ClickIssue {
  std::int64_t time_ms = 0;
  double x = 0;
  double y = 0;
  int count = 1;
  std::string url;
  TargetNode target;
};

// A JavaScript error seen in the session. kind: "console" (console.error or
// console.assert), "error" (uncaught) or "unhandledrejection", whichever
// recorded it (rules above).
struct SessionError {
  std::int64_t time_ms = 0;
  std::string kind;
  std::string message;
  std::string stack;   // truncated to AnalysisOptions::max_stack_chars
  std::string source;  // "filename:lineno" when known
  std::string url;     // page URL at the time
};

// One stay on a page URL; duration runs until the next URL or the end.
struct PageVisit {
  std::string url;
  std::int64_t start_ms = 0;
  std::int64_t duration_ms = 0;
};

// Scroll depth on one page URL (see the rule above).
struct ScrollDepth {
  std::string url;
  int max_scroll_y = 0;
  int viewport_height = 0;
  int max_bottom_px = 0;        // max(scroll y + viewport height)
  int document_height = 0;      // 0 when unknown
  std::optional<double> depth;  // max_bottom_px / document_height, <= 1
};

// Counters over the whole session (see the rules above).
struct ActionCounts {
  int clicks = 0;
  int double_clicks = 0;
  int inputs = 0;
  int keystrokes = 0;
  int scrolls = 0;
  int touches = 0;
  int page_loads = 0;
  int navigations = 0;
  int in_app_navigations = 0;
  int errors = 0;
};

// Result of Analyzer::Finish. The *Json() functions produce the stored
// Analysis columns; their shapes are stable:
//
// ActionCountsJson: {"clicks","double_clicks","inputs","keystrokes","scrolls",
//   "touches","page_loads","navigations","in_app_navigations","errors"} (ints)
// HeatmapJson: {"grid":32,"pages":[{"url","width","height",
//   "points":[[x,y,time_ms],...],"histogram":[[32 ints],... 32 rows]}]}
// FunnelJson: {"visits":[{"url","start_ms","duration_ms"}],
//   "steps":[{"name","url_pattern","reached":bool,"time_ms":int|null}],
//   "completed":bool,"drop_off_step":string|null}
// ErrorsJson: [{"time_ms","kind","message","stack","source","url"}]
// MetricsJson: {"duration_ms","active_ms","idle_ms",
//   "rage_clicks":[issue],"dead_clicks":[issue],
//   "scroll_depth":[{"url","max_scroll_y","viewport_height","max_bottom_px",
//     "document_height","depth":number|null}],
//   "timeline":string}
//   where issue = {"time_ms","x","y","count","url","target":{"node_id","tag",
//     "id","classes","text","in_iframe"},"description"}
struct SessionAnalytics {
  std::int64_t start_time = 0;  // epoch ms of the first event
  std::int64_t duration_ms = 0;
  std::int64_t active_ms = 0;
  std::int64_t idle_ms = 0;
  ActionCounts counts;
  std::vector<PageHeatmap> heatmaps;  // in order of first visit
  std::vector<ScrollDepth> scroll_depth;
  std::vector<ClickIssue> rage_clicks;
  std::vector<ClickIssue> dead_clicks;
  std::vector<SessionError> errors;
  std::vector<PageVisit> visits;
  std::vector<FunnelStep> funnel_steps;
  std::vector<std::int64_t> funnel_reached_ms;  // per reached step, in order
  bool funnel_completed = false;
  // For the session search (SessionFactsFrom): the text of clicked
  // elements and every console message (any level, arguments joined), in
  // order of first appearance, distinct, at most kMaxSearchTexts each; and
  // the fetch/XHR requests the network plugin recorded.
  std::vector<std::string> clicked_texts;
  std::vector<std::string> console_messages;
  int network_requests = 0;
  int failed_requests = 0;  // IsFailedRequest: no response, or status >= 400
  static constexpr std::size_t kMaxSearchTexts = 1'000;
  // Lines "mm:ss.d <what> <detail>" in time order, newline separated:
  // load <url>, navigate <path>, click/dblclick/input <target>, scroll to y=N
  // (one line per run of document scrolls), rage click xN <target>, dead
  // click <target>, error <message>. At most Analyzer::kMaxTimelineChars
  // characters; a last line "... N more events" tells what was cut.
  std::string timeline;

  std::string ActionCountsJson() const;
  std::string HeatmapJson() const;
  std::string FunnelJson() const;
  std::string ErrorsJson() const;
  std::string MetricsJson() const;
};

// What the session search keeps of an analysis (store.h
// SessionFactsRepository): the page URLs visited, clicked texts, console
// messages, and whether a request failed or a rage click happened.
// session_id and project_id are left for the caller.
SessionFacts SessionFactsFrom(const SessionAnalytics& analytics);

// Computes SessionAnalytics from a session's events. Feed the stored batches
// in recorded order, optionally CheckComplete, then call Finish once. Not thread-safe; one per
// session.
class Analyzer {
 public:
  static constexpr std::size_t kMaxTimelineChars = 8'000;

  Analyzer(const AnalysisOptions& options, std::vector<FunnelStep> funnel_steps);
  ~Analyzer();
  Analyzer(const Analyzer&) = delete;
  Analyzer& operator=(const Analyzer&) = delete;

  // Consumes the next piece of the session's events text: a sequence of JSON
  // arrays of rrweb event objects (typically one stored batch per call), which
  // may also be cut anywhere. Returns InvalidArgument at the first malformed
  // text, and again on every later call; events of unknown types are skipped.
  Status Feed(std::string_view text);

  // InvalidArgument when the text fed so far ends inside an array (a
  // truncated batch) or Feed failed; OK otherwise. Finish works either way,
  // over the events read.
  Status CheckComplete() const;

  // Returns the analytics of everything fed so far.
  SessionAnalytics Finish();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Yields the next piece of events text (a stored batch, or any cut of the
// arrays) into `batch`, or returns false when there are no more. An error
// stops the analysis.
using EventSource = std::function<Result<bool>(std::string& batch)>;

// Runs an Analyzer over every piece `source` yields. Errors: the source's,
// or InvalidArgument for malformed or truncated text.
Result<SessionAnalytics> AnalyzeSession(const AnalysisOptions& options,
                                        std::vector<FunnelStep> funnel_steps,
                                        const EventSource& source);

// Where the page's viewport appears in a heatmap background (a rendered
// thumbnail or keyframe, see RenderResult in render.h): the rectangle it fills
// in the image, its scale, and the page's scroll offset at that moment. Page
// point (px, py) lands on image pixel (x + (px - scroll_x) * scale,
// y + (py - scroll_y) * scale).
struct HeatmapPlacement {
  int x = 0, y = 0, width = 0, height = 0;
  double scale = 1;
  double scroll_x = 0, scroll_y = 0;
};

// Largest width or height of a heatmap PNG, in pixels.
inline constexpr int kMaxHeatmapSide = 8'192;

// Renders `heatmap` as a width x height PNG (RGBA): a semi-transparent
// blue-to-red density ramp. With `placement`, over `background_jpeg` (scaled
// to width x height) at the viewport's place in it; clicks outside the part of
// the page the background shows are left out. Without, the whole page
// (heatmap.width x heatmap.height) is fitted into the image, centered and not
// stretched, over the background or transparency. InvalidArgument for a bad
// size or an undecodable background; Internal when the encoder fails.
Result<std::string> RenderHeatmapPng(const PageHeatmap& heatmap, int width, int height,
                                     std::string_view background_jpeg = {},
                                     const std::optional<HeatmapPlacement>& placement = {});

// Renders `heatmap` as an opaque width x height PNG for a session without a
// render (no thumbnail to draw on): the whole page (heatmap.width x
// heatmap.height), fitted and centered as above, is a blank white page on a
// light grey margin, with the density ramp over it. Errors as above.
Result<std::string> RenderHeatmapPngOnBlankPage(const PageHeatmap& heatmap, int width, int height);

// One image sent to the LLM with the session time it shows.
struct LlmKeyframe {
  std::string jpeg;  // JPEG bytes
  std::int64_t session_time_ms = 0;
};

// What the LLM is told about a session.
struct LlmInput {
  std::string timeline;     // SessionAnalytics::timeline
  std::string counts_json;  // SessionAnalytics::ActionCountsJson()
  std::vector<LlmKeyframe> keyframes;
};

// A moment the model found worth pointing at.
struct NotableMoment {
  std::int64_t session_time_ms = 0;
  std::string description;
};

// The model's validated answer.
struct LlmSummary {
  std::string summary;
  std::string user_intent;
  std::string outcome;  // "success" | "abandoned" | "error"
  std::vector<std::string> frustration_signals;
  std::vector<NotableMoment> notable_moments;

  // {"summary","user_intent","outcome","frustration_signals":[...],
  //  "notable_moments":[{"session_time_ms","description"}]}
  std::string ToJson() const;
};

// Client of an OpenAI-compatible chat completions endpoint (libcurl). Safe to
// use from several threads at once (each call has its own connection).
class LlmClient {
 public:
  // `backoff_base` is the first retry delay (doubled per attempt, with
  // jitter); tests shorten it.
  explicit LlmClient(LlmOptions options,
                     std::chrono::milliseconds backoff_base = std::chrono::milliseconds(1'000));

  // Sends one request with the timeline, counts and keyframes and returns the
  // validated answer. Retries 429, 5xx and connection failures up to
  // max_retries times (honouring Retry-After), and once without
  // response_format when the server rejects it. Errors: FailedPrecondition
  // without an API key; Unavailable when the server stays unreachable, slow
  // or failing; Unauthenticated when it rejects the key; InvalidArgument when
  // the answer is not the expected JSON object. The key never appears in a
  // message. Built without libcurl: Unimplemented.
  Result<LlmSummary> Summarize(const LlmInput& input) const;

 private:
  LlmOptions options_;
  std::chrono::milliseconds backoff_base_;
};

}  // namespace incuera
