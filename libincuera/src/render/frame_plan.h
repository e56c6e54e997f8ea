// Which session moment each video frame shows, and which frames need the
// browser to paint.
#pragma once

#include <chrono>
#include <cstdint>
#include <utility>
#include <vector>

#include "incuera/options.h"
#include "render/recording.h"

namespace incuera::internal {

// Breakpoints (video_ms, session_ms) of a piecewise-linear, increasing map.
using TimeMap = std::vector<std::pair<int64_t, int64_t>>;

struct FramePlan {
  TimeMap time_map;
  std::vector<int64_t> session_ms;  // per video frame
  std::vector<bool> capture;        // per video frame: an event changed the page
  int64_t video_duration_ms = 0;    // frames / fps
};

// Plans the video from the first full snapshot to just after the last event.
// With `options.skip_idle`, every gap without any activity longer than
// `idle_threshold` plays in kCompressedGapMs of video. Frame i is
// captured when it is the first frame or when a page-changing event falls in
// (session_ms[i-1], session_ms[i]].
FramePlan PlanFrames(const Recording& recording, const RenderOptions& options,
                     std::chrono::milliseconds idle_threshold);

// The session time shown at `video_ms`, and the inverse (first video time that
// shows `session_ms`), by linear interpolation of `map`.
int64_t SessionTimeAt(const TimeMap& map, int64_t video_ms);
int64_t VideoTimeAt(const TimeMap& map, int64_t session_ms);

// How long a compressed idle gap lasts in the video.
inline constexpr int64_t kCompressedGapMs = 1'000;
// Video kept after the last event, so its effect is visible.
inline constexpr int64_t kTailMs = 1'000;

}  // namespace incuera::internal
