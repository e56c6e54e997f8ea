#include "render/cursor.h"

#include <algorithm>
#include <cmath>

extern "C" {
#include <libavutil/frame.h>
}

namespace incuera::internal {
namespace {

// 'o' outline (white), '#' fill (black), ' ' transparent; tip at (0, 0).
constexpr const char* kArrow[] = {
    "o",         "oo",        "o#o",        "o##o",        "o###o",       "o####o",   "o#####o",
    "o######o",  "o#######o", "o########o", "o#########o", "o######oooo", "o###o##o", "o##oo##o",
    "o#o  o##o", "oo   o##o", "o     o##o", "      o##o",  "       oo",
};

void SetLuma(AVFrame* f, int x, int y, uint8_t value) {
  if (x < 0 || y < 0 || x >= f->width || y >= f->height) return;
  f->data[0][y * f->linesize[0] + x] = value;
}

void SetChroma(AVFrame* f, int x, int y, uint8_t u, uint8_t v) {
  if (x < 0 || y < 0 || x >= f->width || y >= f->height) return;
  f->data[1][(y / 2) * f->linesize[1] + x / 2] = u;
  f->data[2][(y / 2) * f->linesize[2] + x / 2] = v;
}

// An orange ring of `radius` pixels and `thickness`, blended by `alpha`.
void DrawRing(AVFrame* f, int cx, int cy, double radius, double thickness, double alpha) {
  const int r = static_cast<int>(radius + thickness) + 1;
  for (int dy = -r; dy <= r; ++dy) {
    for (int dx = -r; dx <= r; ++dx) {
      const double d = std::hypot(dx, dy);
      if (std::abs(d - radius) > thickness / 2) continue;
      const int x = cx + dx, y = cy + dy;
      if (x < 0 || y < 0 || x >= f->width || y >= f->height) continue;
      uint8_t& luma = f->data[0][y * f->linesize[0] + x];
      luma = static_cast<uint8_t>(luma * (1 - alpha) + 170 * alpha);
      SetChroma(f, x, y, 44, 200);  // orange
    }
  }
}

}  // namespace

std::optional<MousePoint> MouseTrack::PositionAt(int64_t t_ms) const {
  auto after = std::upper_bound(points_.begin(), points_.end(), t_ms,
                                [](int64_t t, const MousePoint& p) { return t < p.t_ms; });
  if (after == points_.begin()) return std::nullopt;
  const MousePoint& a = *(after - 1);
  if (after == points_.end() || after->t_ms == a.t_ms) return a;
  MousePoint b = *after;
  // Samples arrive every ~50 ms while the mouse moves; across a longer gap it
  // rested, so it stays put and only glides during the gap's last moments.
  const int64_t glide_from = std::max(a.t_ms, b.t_ms - kMaxGlideMs);
  if (t_ms <= glide_from) return MousePoint{t_ms, a.x, a.y};
  const double k =
      static_cast<double>(t_ms - glide_from) / static_cast<double>(b.t_ms - glide_from);
  return MousePoint{t_ms, a.x + (b.x - a.x) * k, a.y + (b.y - a.y) * k};
}

std::optional<int64_t> MouseTrack::ClickAgeAt(int64_t t_ms) const {
  auto after = std::upper_bound(clicks_.begin(), clicks_.end(), t_ms);
  if (after == clicks_.begin()) return std::nullopt;
  const int64_t age = t_ms - *(after - 1);
  if (age >= kClickRingMs) return std::nullopt;
  return age;
}

void DrawCursor(AVFrame* frame, int x, int y, std::optional<int64_t> click_age_ms) {
  if (click_age_ms) {
    const double k = static_cast<double>(*click_age_ms) / kClickRingMs;
    DrawRing(frame, x, y, 8 + 16 * k, 4, 0.9 * (1 - k));
  }
  for (int row = 0; row < static_cast<int>(std::size(kArrow)); ++row) {
    for (int col = 0; kArrow[row][col] != '\0'; ++col) {
      const char c = kArrow[row][col];
      if (c == ' ') continue;
      SetLuma(frame, x + col, y + row, c == '#' ? 16 : 235);
      SetChroma(frame, x + col, y + row, 128, 128);
    }
  }
}

}  // namespace incuera::internal
