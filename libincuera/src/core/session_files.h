// The files of a rendered or analysed session: where they live in the
// object store ("sessions/<id>/…") and in a render's output directory, and
// the two manifests a render writes beside its images — keyframes.json (the
// keyframes) and render.json (frame size, placement of the page, thumbnail
// moment, time map). The render writes them with the *Json functions below;
// the worker and Admin read them with the Parse* functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace incuera::internal {

// File names, the same in a render's output directory and under a session's
// object prefix.
inline constexpr char kVideoFile[] = "video.mp4";
inline constexpr char kThumbnailFile[] = "thumbnail.jpg";
inline constexpr char kKeyframesFile[] = "keyframes.json";
inline constexpr char kRenderInfoFile[] = "render.json";
inline constexpr char kHeatmapFile[] = "heatmap.png";
// "keyframe-<index>.jpg".
std::string KeyframeFile(int index);

// The object keys of one session's files.
class SessionFiles {
 public:
  explicit SessionFiles(std::string_view session_id);

  // "sessions/<id>/": every file of the session is under it.
  const std::string& prefix() const { return prefix_; }
  std::string video() const { return prefix_ + kVideoFile; }
  std::string thumbnail() const { return prefix_ + kThumbnailFile; }
  std::string keyframes() const { return prefix_ + kKeyframesFile; }
  std::string keyframe(int index) const { return prefix_ + KeyframeFile(index); }
  std::string render_info() const { return prefix_ + kRenderInfoFile; }
  std::string heatmap() const { return prefix_ + kHeatmapFile; }

 private:
  std::string prefix_;
};

// One entry of keyframes.json: keyframe-<index>.jpg shows the session at
// session_time_ms, at video_time_ms in the video, chosen for `reason`
// ("click", "navigation", "error", "input", ...).
struct KeyframeEntry {
  int index = 0;
  std::int64_t session_time_ms = 0;
  std::int64_t video_time_ms = 0;
  std::string reason;
};

// keyframes.json: a JSON array of {"index","session_time_ms",
// "video_time_ms","reason"}.
std::string KeyframesJson(const std::vector<KeyframeEntry>& keyframes);
// Entries without an integer index or a numeric session time are skipped;
// empty for anything but a JSON array.
std::vector<KeyframeEntry> ParseKeyframes(std::string_view json);

// render.json: what it takes to place page coordinates (a click heatmap) on
// the render's images, and to map video time to session time.
struct RenderInfo {
  int width = 0, height = 0;                    // the video frame
  int viewport_width = 0, viewport_height = 0;  // the recording's viewport
  // Where the viewport sits in the frame: the rectangle it fills and its scale.
  int placement_x = 0, placement_y = 0, placement_width = 0, placement_height = 0;
  double placement_scale = 0;
  // The session moment the thumbnail shows and the page's scroll offset then.
  std::int64_t thumbnail_session_ms = 0;
  double thumbnail_scroll_x = 0, thumbnail_scroll_y = 0;
  std::int64_t video_duration_ms = 0;
  // Breakpoints (video_ms, session_ms) of the map from video to session time.
  std::vector<std::pair<std::int64_t, std::int64_t>> time_map;
};

std::string RenderInfoJson(const RenderInfo& info);
// nullopt unless `json` is an object; missing or non-numeric fields read as
// 0 and malformed time map entries are skipped (callers check what they use).
std::optional<RenderInfo> ParseRenderInfo(std::string_view json);

}  // namespace incuera::internal
