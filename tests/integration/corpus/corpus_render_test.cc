// Every corpus recording renders with the real headless shell, to a video as long as the
// frame plan says.
#include <doctest/doctest.h>

#include <chrono>
#include <filesystem>

#include "corpus.h"
#include "incuera/render.h"
#include "render/frame_plan.h"
#include "render/recording.h"
#include "support/test_env.h"

extern "C" {
#include <libavformat/avformat.h>
}

namespace incuera {
namespace {

// The duration the MP4's video stream declares, in ms.
double VideoStreamMs(const std::string& path) {
  AVFormatContext* format = nullptr;
  REQUIRE(avformat_open_input(&format, path.c_str(), nullptr, nullptr) == 0);
  REQUIRE(avformat_find_stream_info(format, nullptr) >= 0);
  const AVStream* stream = format->streams[0];
  double ms = stream->duration * av_q2d(stream->time_base) * 1000;
  avformat_close_input(&format);
  return ms;
}

TEST_CASE("every corpus recording renders to a video as long as its frame plan") {
  if (!std::filesystem::exists(RenderOptions{}.chromium_path)) {
    MESSAGE("skipped: no " << RenderOptions{}.chromium_path);
    return;
  }
  for (const test::CorpusEntry& entry : test::Corpus()) {
    INFO("recording: ", entry.name);
    std::string events = test::ReadEvents(entry);
    RenderOptions options;
    // Few frames: what is checked is that every event replays and the video's length;
    // the frames themselves are the render tests' business. Keeps the suite near a minute.
    options.fps = 2;
    options.width = 640;
    options.height = 360;
    options.max_keyframes = 2;
    auto recording = internal::ParseRecording(events);
    REQUIRE_MESSAGE(recording.ok(), recording.status().ToString());
    internal::FramePlan plan =
        internal::PlanFrames(*recording, options, RenderRequest{}.idle_threshold);

    test::TempDir out;
    auto start = std::chrono::steady_clock::now();
    RenderRequest request;
    request.events_json = events;
    request.out_dir = out.path();
    request.options = options;
    auto result = RenderSession(request);
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    CHECK_MESSAGE(result.ok(), result.status().ToString());
    if (!result.ok()) continue;
    MESSAGE(entry.name << ": " << result->video_duration_ms / 1000.0 << " s of video ("
                       << (recording->duration_ms / 1000.0) << " s of session) in " << seconds
                       << " s, " << result->frames_captured << " frames captured");
    CHECK(result->video_duration_ms == plan.video_duration_ms);
    CHECK(std::abs(VideoStreamMs(result->video_path) - plan.video_duration_ms) <=
          1000.0 / options.fps);
    CHECK(std::filesystem::file_size(result->thumbnail_path) > 0);
  }
}

}  // namespace
}  // namespace incuera
