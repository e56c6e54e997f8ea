// The mouse cursor, drawn by us onto each video frame, so that cursor motion
// costs no browser capture.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "render/recording.h"

struct AVFrame;

namespace incuera::internal {

// Where the recorded mouse was, and how recently it clicked.
class MouseTrack {
 public:
  MouseTrack(std::vector<MousePoint> points, std::vector<int64_t> clicks)
      : points_(std::move(points)), clicks_(std::move(clicks)) {}

  // The position at `t_ms`, linearly interpolated over at most the
  // kMaxGlideMs before the next sample (the mouse rests in longer gaps);
  // nullopt before the first sample.
  std::optional<MousePoint> PositionAt(int64_t t_ms) const;

  // Milliseconds since the latest click at or before `t_ms`, when that is
  // less than kClickRingMs.
  std::optional<int64_t> ClickAgeAt(int64_t t_ms) const;

 private:
  std::vector<MousePoint> points_;
  std::vector<int64_t> clicks_;
};

// The longest the cursor glides between two recorded positions.
inline constexpr int64_t kMaxGlideMs = 150;

// How long a click highlight ring stays visible.
inline constexpr int64_t kClickRingMs = 300;

// Draws an arrow cursor (black with a white outline) with its tip at (x, y)
// in pixels of `frame` (YUV420P), plus a ring that grows and fades while
// `click_age_ms` is set. Clips at the frame edges.
void DrawCursor(AVFrame* frame, int x, int y, std::optional<int64_t> click_age_ms);

}  // namespace incuera::internal
