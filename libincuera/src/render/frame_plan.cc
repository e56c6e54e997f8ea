#include "render/frame_plan.h"

#include <algorithm>

namespace incuera::internal {
namespace {

// Interpolates along `map` from the `from` coordinate to the other one.
int64_t Interpolate(const TimeMap& map, int64_t value, bool from_video) {
  auto key = [&](const std::pair<int64_t, int64_t>& p) { return from_video ? p.first : p.second; };
  auto other = [&](const std::pair<int64_t, int64_t>& p) {
    return from_video ? p.second : p.first;
  };
  if (value <= key(map.front())) return other(map.front()) - (key(map.front()) - value);
  for (size_t i = 1; i < map.size(); ++i) {
    if (value <= key(map[i])) {
      const int64_t span = key(map[i]) - key(map[i - 1]);
      if (span == 0) return other(map[i - 1]);
      return other(map[i - 1]) +
             (other(map[i]) - other(map[i - 1])) * (value - key(map[i - 1])) / span;
    }
  }
  return other(map.back()) + (value - key(map.back()));
}

}  // namespace

int64_t SessionTimeAt(const TimeMap& map, int64_t video_ms) {
  return Interpolate(map, video_ms, true);
}

int64_t VideoTimeAt(const TimeMap& map, int64_t session_ms) {
  return Interpolate(map, session_ms, false);
}

FramePlan PlanFrames(const Recording& recording, const RenderOptions& options,
                     std::chrono::milliseconds idle_threshold) {
  FramePlan plan;
  const int64_t start = recording.first_snapshot_ms;
  const int64_t end = recording.duration_ms + kTailMs;
  const int64_t threshold = idle_threshold.count();
  plan.time_map.push_back({0, start});
  int64_t video = 0, session = start;
  for (int64_t t : recording.activity_times) {
    if (t <= session) continue;
    if (options.skip_idle && t - session > threshold) {
      plan.time_map.push_back({video, session});
      video += kCompressedGapMs;
      plan.time_map.push_back({video, t});
    } else {
      video += t - session;
    }
    session = t;
  }
  video += end - session;
  plan.time_map.push_back({video, end});
  plan.time_map.erase(std::unique(plan.time_map.begin(), plan.time_map.end()), plan.time_map.end());

  const int64_t frames = std::max<int64_t>(1, video * options.fps / 1000);
  plan.video_duration_ms = frames * 1000 / options.fps;
  const std::vector<int64_t>& changes = recording.change_times;
  for (int64_t i = 0; i < frames; ++i) {
    const int64_t s = SessionTimeAt(plan.time_map, i * 1000 / options.fps);
    const int64_t previous = plan.session_ms.empty() ? s : plan.session_ms.back();
    auto first_after = std::upper_bound(changes.begin(), changes.end(), previous);
    plan.capture.push_back(i == 0 || (first_after != changes.end() && *first_after <= s));
    plan.session_ms.push_back(s);
  }
  return plan;
}

}  // namespace incuera::internal
