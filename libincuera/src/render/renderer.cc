// RenderSession: the render pipeline of ARCHITECTURE §7, end to end.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>

#include "core/session_files.h"
#include "incuera/render.h"
#include "render/cdp_pipe.h"
#include "render/chromium_process.h"
#include "render/cursor.h"
#include "render/encode_thread.h"
#include "render/encoder.h"
#include "render/frame_plan.h"
#include "render/player_page.h"
#include "render/recording.h"
#include "render/request_guard.h"

extern "C" {
#include <libavutil/frame.h>
}

namespace incuera {
namespace {

using internal::FramePlan;
using internal::Moment;
using Clock = std::chrono::steady_clock;

// A keyframe shows the page this long after its event, once the effect shows.
constexpr int64_t kKeyframeDelayMs = 200;
// Two keyframes are at least this far apart in the video.
constexpr int64_t kKeyframeSpacingMs = 1'000;

struct Keyframe {
  int frame;
  int64_t session_ms;
  std::string reason;
};

// Picks up to `max` moments, most important first (MomentKind's order),
// spaced apart; returns them in session order with the frame that shows each.
std::vector<Keyframe> ChooseKeyframes(std::vector<Moment> moments, const FramePlan& plan, int fps,
                                      int max) {
  std::stable_sort(moments.begin(), moments.end(),
                   [](const Moment& a, const Moment& b) { return a.kind < b.kind; });
  std::vector<Keyframe> chosen;
  for (const Moment& m : moments) {
    if (static_cast<int>(chosen.size()) >= max) break;
    auto shown =
        std::lower_bound(plan.session_ms.begin(), plan.session_ms.end(), m.t_ms + kKeyframeDelayMs);
    const int frame = static_cast<int>(
        std::min<ptrdiff_t>(shown - plan.session_ms.begin(), plan.session_ms.size() - 1));
    const bool crowded = std::any_of(chosen.begin(), chosen.end(), [&](const Keyframe& k) {
      return std::abs(k.frame - frame) * 1000 / fps < kKeyframeSpacingMs;
    });
    if (!crowded) chosen.push_back({frame, m.t_ms, std::string(internal::MomentKindName(m.kind))});
  }
  std::sort(chosen.begin(), chosen.end(),
            [](const Keyframe& a, const Keyframe& b) { return a.frame < b.frame; });
  return chosen;
}

// The cursor as drawn on one frame, in frame pixels. Two frames with equal
// states over the same page capture are identical.
struct CursorState {
  bool visible = false;
  int x = 0, y = 0;
  std::optional<int64_t> click_age_ms;
  bool operator==(const CursorState&) const = default;
};

CursorState CursorAt(const internal::MouseTrack& mouse, const internal::Letterbox& box,
                     int64_t session_ms) {
  CursorState state;
  if (auto at = mouse.PositionAt(session_ms)) {
    state.visible = true;
    state.x = box.x + static_cast<int>(at->x * box.scale);
    state.y = box.y + static_cast<int>(at->y * box.scale);
    state.click_age_ms = mouse.ClickAgeAt(session_ms);
  }
  return state;
}

Status CheckOptions(const RenderRequest& request) {
  const RenderOptions& o = request.options;
  if (o.width <= 0 || o.height <= 0 || o.width % 2 || o.height % 2) {
    return InvalidArgument("render width and height must be positive and even");
  }
  if (o.fps < 1 || o.fps > 60) return InvalidArgument("render fps must be within 1..60");
  if (o.crf < 0 || o.crf > 51) return InvalidArgument("render crf must be within 0..51");
  if (!std::filesystem::is_directory(request.out_dir)) {
    return InvalidArgument("render out_dir is not a directory: " + request.out_dir);
  }
  return OkStatus();
}

// The browser paints at the video's scale: its device scale factor is the
// letterbox's, so a capture is already the size it fills in the frame (a
// 1920x1080 viewport is captured as 1280x720 pixels, not painted at full size
// and scaled down here), and text is rasterised at its final size instead of
// resampled. A capture's cost grows with its pixels: every capture copies the
// picture through fresh memory in the browser (about 3 300 page faults at
// 1280x720), so it now follows the video's size, not the visitor's screen.
// The layout is the recording's: the page keeps the recorded viewport in CSS
// pixels and a devicePixelRatio of 1 (PlayerPage::Open).
std::string DeviceScaleFlag(double scale) {
  char digits[32];
  // Shortest round-trip digits: Chromium must get the exact ratio, or the
  // viewport it derives from the window is one CSS pixel off (1921x1081).
  const auto end = std::to_chars(digits, digits + sizeof digits, scale).ptr;
  return "--force-device-scale-factor=" + std::string(digits, end);
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// How long this render may take: the request's limit and the automatic one
// (see render.h), whichever is shorter.
std::chrono::milliseconds Deadline(const RenderRequest& request, int64_t video_ms) {
  std::chrono::milliseconds limit = std::max<std::chrono::milliseconds>(
      kMinRenderDeadline, std::chrono::milliseconds(kRenderDeadlineFactor * video_ms));
  if (request.deadline.count() > 0) limit = std::min(limit, request.deadline);
  return limit;
}

std::string DeadlineMessage(std::chrono::milliseconds limit) {
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.1f", limit.count() / 1000.0);
  return std::string("render did not finish within its deadline of ") + seconds +
         " s; the browser was stopped";
}

Status WriteText(const std::string& text, const std::string& path) {
  std::ofstream out(path, std::ios::trunc);
  out << text << '\n';
  if (!out) return Internal("cannot write " + path);
  return OkStatus();
}

Status WriteKeyframeIndex(const std::vector<Keyframe>& keyframes, int fps,
                          const std::string& path) {
  std::vector<internal::KeyframeEntry> index;
  for (size_t n = 0; n < keyframes.size(); ++n) {
    index.push_back({static_cast<int>(n), keyframes[n].session_ms,
                     static_cast<int64_t>(keyframes[n].frame) * 1000 / fps, keyframes[n].reason});
  }
  return WriteText(internal::KeyframesJson(index), path);
}

Status WriteRenderInfo(const RenderResult& r, const RenderOptions& o) {
  const ViewportPlacement& p = r.placement;
  return WriteText(internal::RenderInfoJson(
                       {o.width, o.height, r.viewport_width, r.viewport_height, p.x, p.y, p.width,
                        p.height, p.scale, r.thumbnail_session_ms, r.thumbnail_scroll_x,
                        r.thumbnail_scroll_y, r.video_duration_ms, r.time_map}),
                   r.info_path);
}

}  // namespace

Result<RenderResult> RenderSession(const RenderRequest& request) {
  INCUERA_RETURN_IF_ERROR(CheckOptions(request));
  const RenderOptions& options = request.options;
  INCUERA_ASSIGN_OR_RETURN(internal::Recording recording,
                           internal::ParseRecording(request.events_json));
  const FramePlan plan = internal::PlanFrames(recording, options, request.idle_threshold);
  const std::vector<Keyframe> keyframes =
      ChooseKeyframes(recording.moments, plan, options.fps, options.max_keyframes);
  const internal::MouseTrack mouse(recording.mouse, recording.clicks);
  const internal::Letterbox box = internal::FitInto(
      recording.viewport_width, recording.viewport_height, options.width, options.height);

  RenderResult result;
  const std::string dir = request.out_dir + "/";
  result.video_path = dir + internal::kVideoFile;
  result.thumbnail_path = dir + internal::kThumbnailFile;
  result.keyframes_index_path = dir + internal::kKeyframesFile;
  result.info_path = dir + internal::kRenderInfoFile;
  result.viewport_width = recording.viewport_width;
  result.viewport_height = recording.viewport_height;
  result.placement = {box.x, box.y, box.width, box.height, box.scale};
  result.time_map = plan.time_map;
  result.video_duration_ms = plan.video_duration_ms;

  const std::chrono::milliseconds limit = Deadline(request, plan.video_duration_ms);
  const Clock::time_point deadline = Clock::now() + limit;
  INCUERA_ASSIGN_OR_RETURN(auto browser, internal::ChromiumProcess::Start(
                                             options.chromium_path, {DeviceScaleFlag(box.scale)}));
  internal::CdpPipe cdp(browser->cdp_fd(), deadline, DeadlineMessage(limit));
  internal::NetworkPolicy policy(request.fetch, request.fetch_domains, options.allow_loopback);
  INCUERA_ASSIGN_OR_RETURN(auto guard, internal::RequestGuard::Start(cdp, policy));
  Clock::time_point started = Clock::now();
  INCUERA_ASSIGN_OR_RETURN(
      auto page, internal::PlayerPage::Open(cdp, recording,
                                            request.seek_each_frame
                                                ? internal::PlayerPage::Mode::kSeek
                                                : internal::PlayerPage::Mode::kPlayForward));
  result.capture_seconds += Seconds(Clock::now() - started);

  INCUERA_ASSIGN_OR_RETURN(auto decoder, internal::JpegDecoder::Open(box));
  INCUERA_ASSIGN_OR_RETURN(
      auto encoder, internal::Mp4Encoder::Open(result.video_path, options.width, options.height,
                                               options.fps, options.crf));
  INCUERA_ASSIGN_OR_RETURN(internal::FramePtr page_frame,
                           internal::NewFrame(options.width, options.height));
  INCUERA_ASSIGN_OR_RETURN(internal::FramePtr video_frame,
                           internal::NewFrame(options.width, options.height));
  INCUERA_ASSIGN_OR_RETURN(internal::FramePtr thumbnail,
                           internal::NewFrame(options.width, options.height));
  size_t thumbnail_jpeg_bytes = 0;
  auto next_keyframe = keyframes.begin();
  std::optional<CursorState> drawn;  // what video_frame shows now

  // Runs on the encode thread; only it touches the frames, the encoder and
  // the encode side of `result` until Finish().
  auto encode = [&](internal::ShownFrame& shown) -> Status {
    const Clock::time_point began = Clock::now();
    if (!shown.jpeg.empty()) {
      INCUERA_RETURN_IF_ERROR(decoder->DecodeInto(shown.jpeg, page_frame.get()));
    }
    const CursorState cursor = CursorAt(mouse, box, shown.session_ms);
    // A frame equal to the previous one is not encoded: the previous frame
    // stays on screen until the next timestamp.
    if (!shown.jpeg.empty() || drawn != cursor) {
      INCUERA_RETURN_IF_ERROR(internal::CopyFrame(page_frame.get(), video_frame.get()));
      if (cursor.visible) {
        internal::DrawCursor(video_frame.get(), cursor.x, cursor.y, cursor.click_age_ms);
      }
      drawn = cursor;
      INCUERA_RETURN_IF_ERROR(encoder->Add(video_frame.get(), shown.index));
      ++result.frames_encoded;
    }
    // The capture with the most detail (largest JPEG) stands for the session.
    if (shown.jpeg.size() > thumbnail_jpeg_bytes) {
      thumbnail_jpeg_bytes = shown.jpeg.size();
      result.thumbnail_session_ms = shown.session_ms;
      result.thumbnail_scroll_x = shown.scroll.x;
      result.thumbnail_scroll_y = shown.scroll.y;
      INCUERA_RETURN_IF_ERROR(internal::CopyFrame(video_frame.get(), thumbnail.get()));
    }
    for (; next_keyframe != keyframes.end() && next_keyframe->frame == shown.index;
         ++next_keyframe) {
      std::string path =
          dir + internal::KeyframeFile(static_cast<int>(result.keyframe_paths.size()));
      INCUERA_RETURN_IF_ERROR(internal::WriteJpeg(video_frame.get(), path));
      result.keyframe_paths.push_back(std::move(path));
    }
    result.encode_seconds += Seconds(Clock::now() - began);
    return OkStatus();
  };

  const int frames = static_cast<int>(plan.session_ms.size());
  result.video_frames = frames;
  {
    // A few frames in flight keep both the browser and the encoder busy.
    internal::EncodeThread encode_thread(encode, 4);
    internal::PlayerPage::Scroll scroll;  // of the latest capture
    for (int i = 0; i < frames; ++i) {
      // Returning kills the browser's process group (~ChromiumProcess).
      if (Clock::now() >= deadline) return Unavailable(DeadlineMessage(limit));
      internal::ShownFrame shown{i, plan.session_ms[i], {}, {}};
      if (plan.capture[i] || request.capture_every_frame) {
        started = Clock::now();
        INCUERA_ASSIGN_OR_RETURN(scroll, page->Seek(shown.session_ms + 1));
        const Clock::time_point replayed = Clock::now();
        result.replay_seconds += Seconds(replayed - started);
        INCUERA_ASSIGN_OR_RETURN(shown.jpeg, page->Capture());
        result.paint_seconds += Seconds(Clock::now() - replayed);
        result.capture_seconds += Seconds(Clock::now() - started);
        ++result.frames_captured;
      }
      shown.scroll = scroll;
      INCUERA_RETURN_IF_ERROR(encode_thread.Push(std::move(shown)));
      if (request.progress) request.progress(static_cast<double>(i + 1) / frames);
    }
    INCUERA_RETURN_IF_ERROR(encode_thread.Finish());
  }
  started = Clock::now();
  INCUERA_RETURN_IF_ERROR(encoder->Finish(frames));
  INCUERA_RETURN_IF_ERROR(internal::WriteJpeg(thumbnail.get(), result.thumbnail_path));
  INCUERA_RETURN_IF_ERROR(WriteKeyframeIndex(keyframes, options.fps, result.keyframes_index_path));
  INCUERA_RETURN_IF_ERROR(WriteRenderInfo(result, options));
  result.encode_seconds += Seconds(Clock::now() - started);
  return result;
}

}  // namespace incuera
