// Rendering a recorded session to video.
//
// RenderSession replays an rrweb recording in a headless Chromium driven over
// the DevTools protocol, captures a frame only when the page changed, draws the
// mouse cursor itself, and encodes an H.264 MP4 plus a thumbnail and keyframe
// JPEGs. The MP4 has a variable frame rate: a frame equal to the one before is
// not stored, the previous one stays on screen. It is synchronous, blocks the
// calling thread for a fraction of the video's length (10-15x faster than
// real time on 2 cores), and owns one browser process and one encoding thread
// for the duration of the call. Calls on different threads are independent.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "incuera/model.h"
#include "incuera/options.h"
#include "incuera/status.h"

namespace incuera {

// What to render and where to put the files.
struct RenderRequest {
  // A JSON array of rrweb events (as recorded, in any order). Borrowed: it
  // must outlive the call.
  std::string_view events_json;
  // Existing directory that receives video.mp4, thumbnail.jpg,
  // keyframe-<n>.jpg and keyframes.json. Files of the same name are replaced.
  std::string out_dir;
  RenderOptions options;
  // Called on the rendering thread with the fraction done (0..1) after each
  // video frame. Optional.
  std::function<void(double)> progress;
  // The longest the whole render may take; zero means no limit beyond the
  // automatic one. The render always stops after max(kMinRenderDeadline,
  // kRenderDeadlineFactor x the video's length) too, whichever comes first.
  std::chrono::milliseconds deadline{0};
  // A reference render: the browser paints and the encoder encodes every
  // frame, changed or not. Several times slower; for measuring what the
  // change detection loses (make bench).
  bool capture_every_frame = false;
  // A reference render: the browser reaches each captured frame's moment
  // with rrweb's seek (Replayer.pause), which re-applies the page from its
  // latest full snapshot, instead of playing the recording forward (each
  // event applied once). The frames are the same; the seek costs in
  // proportion to the page's size. For tests and make bench.
  bool seek_each_frame = false;
  // What the replayed page may load over the network. Whatever is asked,
  // only images, stylesheets, fonts and media over http(s) from public
  // addresses are fetched (loopback too with options.allow_loopback), after
  // the renderer resolved the name itself, redirects included; documents
  // (iframes, <object>, <embed>, navigations), scripts and every other
  // request are refused. kDomains narrows it to `fetch_domains` (hosts or
  // origins, as Project::domains) and their subdomains.
  RenderFetch fetch = RenderFetch::kPublic;
  std::vector<std::string> fetch_domains{};
  // Gaps without user input longer than this are compressed when
  // options.skip_idle: the Engine's AnalysisOptions::idle_threshold, so the
  // video skips what the analysis counts as idle.
  std::chrono::milliseconds idle_threshold = AnalysisOptions{}.idle_threshold;
};

// Renders run 5-20x faster than real time, so four times the video's length
// is far beyond any healthy render and only stops a stuck or pathologically
// slow one; the minimum leaves room for the browser start and for loading a
// large first snapshot.
inline constexpr std::chrono::seconds kMinRenderDeadline{120};
inline constexpr int kRenderDeadlineFactor = 4;

// Where the recorded viewport sits in every video frame, the thumbnail and
// the keyframes: scaled to fit and centered (letterboxed, never stretched), so
// viewport pixel (px, py) lands on frame pixel (x + px*scale, y + py*scale).
struct ViewportPlacement {
  int x = 0, y = 0, width = 0, height = 0;  // the rectangle it fills
  double scale = 1;
};

// The files written and how the render went.
struct RenderResult {
  std::string video_path;            // out_dir/video.mp4
  std::string thumbnail_path;        // out_dir/thumbnail.jpg
  std::string keyframes_index_path;  // out_dir/keyframes.json
  // out_dir/render.json: {"width","height" (the frame), "viewport":{"width",
  // "height"} (the recording's), "placement":{"x","y","width","height",
  // "scale"}, "thumbnail":{"session_time_ms","scroll_x","scroll_y"},
  // "video_duration_ms", "time_map":[[video_ms, session_ms],...]} — what it
  // takes to place page coordinates (e.g. a click heatmap) on the images.
  std::string info_path;
  int viewport_width = 0, viewport_height = 0;  // the recording's first Meta event
  ViewportPlacement placement;
  // The session moment the thumbnail shows and the page's scroll offset in
  // it (page pixel (px, py) is viewport pixel (px - scroll_x, py - scroll_y)).
  int64_t thumbnail_session_ms = 0;
  double thumbnail_scroll_x = 0, thumbnail_scroll_y = 0;
  // JPEGs at the most eventful moments, in session order; keyframes.json lists
  // [{"index","session_time_ms","video_time_ms","reason"}] for each.
  std::vector<std::string> keyframe_paths;
  int64_t video_duration_ms = 0;
  int video_frames = 0;     // video_duration_ms * fps / 1000
  int frames_encoded = 0;   // frames that differ from the one before
  int frames_captured = 0;  // frames the browser took a picture of
  // Busy time of the capturing thread (browser start, page load, seeks and
  // paints) and of the encoding thread (JPEG decode, cursor, H.264, JPEG
  // files); the two run at the same time, so their sum exceeds the wall time.
  double capture_seconds = 0;
  double encode_seconds = 0;
  // The parts of capture_seconds spent bringing the page to each captured
  // frame's moment (applying events) and painting it (layout, raster, JPEG);
  // the rest is the browser start and the page load.
  double replay_seconds = 0;
  double paint_seconds = 0;
  // Breakpoints (video_ms, session_ms) of the piecewise-linear map from video
  // time to session time (ms since the first event); idle gaps show as
  // steeper segments.
  std::vector<std::pair<int64_t, int64_t>> time_map;
};

// Renders the recording. Errors: InvalidArgument (with the reason) for
// malformed JSON, a recording without a Meta or full-snapshot event, or bad
// options; Unavailable (retryable) when Chromium is missing, crashes, does
// not answer in time, or the render passes its deadline; Internal when FFmpeg
// fails or out_dir is not writable.
// The browser is always killed and its temporary profile removed before
// returning.
Result<RenderResult> RenderSession(const RenderRequest& request);

}  // namespace incuera
