#include "incuera/render.h"

#include <doctest/doctest.h>
#include <signal.h>

#include <boost/json.hpp>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

#include "support/psnr.h"
#include "support/test_env.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace incuera {
namespace {

// What the test reads back from the MP4.
struct Video {
  std::string codec;
  int width = 0, height = 0, frames = 0;
  int64_t stream_frames = 0;  // as the MP4 index says
  double duration_s = 0;
  std::vector<std::vector<uint8_t>> luma;  // per decoded frame, width*height
  std::vector<int64_t> shown_ms;           // per decoded frame, its presentation time

  // The luma of the frame on screen at `video_ms` (variable frame rate: the
  // latest frame shown at or before it).
  const std::vector<uint8_t>& At(int64_t video_ms) const {
    auto after = std::upper_bound(shown_ms.begin(), shown_ms.end(), video_ms);
    REQUIRE(after != shown_ms.begin());
    return luma[after - shown_ms.begin() - 1];
  }
};

Video ReadVideo(const std::string& path) {
  Video v;
  AVFormatContext* format = nullptr;
  REQUIRE(avformat_open_input(&format, path.c_str(), nullptr, nullptr) == 0);
  REQUIRE(avformat_find_stream_info(format, nullptr) >= 0);
  AVStream* stream = format->streams[0];
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  v.codec = codec->name;
  v.width = stream->codecpar->width;
  v.height = stream->codecpar->height;
  v.stream_frames = stream->nb_frames;
  v.duration_s = stream->duration * av_q2d(stream->time_base);
  AVCodecContext* ctx = avcodec_alloc_context3(codec);
  avcodec_parameters_to_context(ctx, stream->codecpar);
  REQUIRE(avcodec_open2(ctx, codec, nullptr) == 0);
  AVPacket* packet = av_packet_alloc();
  AVFrame* frame = av_frame_alloc();
  auto drain = [&] {
    while (avcodec_receive_frame(ctx, frame) == 0) {
      std::vector<uint8_t> y(static_cast<size_t>(frame->width) * frame->height);
      for (int row = 0; row < frame->height; ++row) {
        std::copy_n(frame->data[0] + row * frame->linesize[0], frame->width,
                    y.begin() + row * frame->width);
      }
      v.luma.push_back(std::move(y));
      v.shown_ms.push_back(
          std::llround(frame->best_effort_timestamp * av_q2d(stream->time_base) * 1000));
    }
  };
  while (av_read_frame(format, packet) == 0) {
    avcodec_send_packet(ctx, packet);
    av_packet_unref(packet);
    drain();
  }
  avcodec_send_packet(ctx, nullptr);
  drain();
  v.frames = static_cast<int>(v.luma.size());
  av_frame_free(&frame);
  av_packet_free(&packet);
  avcodec_free_context(&ctx);
  avformat_close_input(&format);
  return v;
}

double MeanDifference(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += std::abs(a[i] - b[i]);
  return sum / a.size();
}

// Session time (ms since the first event) of the n-th click in the recording,
// with its position.
struct Click {
  int64_t t_ms;
  double x, y;
};
std::vector<Click> Clicks(const std::string& json) {
  boost::json::array events = boost::json::parse(json).as_array();
  const int64_t start = events[0].at("timestamp").to_number<int64_t>();
  std::vector<Click> clicks;
  for (const auto& e : events) {
    const auto& data = e.at("data");
    if (e.at("type") == 3 && data.as_object().if_contains("source") && data.at("source") == 2 &&
        data.at("type") == 2) {
      clicks.push_back({e.at("timestamp").to_number<int64_t>() - start,
                        data.at("x").to_number<double>(), data.at("y").to_number<double>()});
    }
  }
  return clicks;
}

int64_t VideoTime(const RenderResult& r, int64_t session_ms) {
  for (size_t i = 1; i < r.time_map.size(); ++i) {
    auto [v0, s0] = r.time_map[i - 1];
    auto [v1, s1] = r.time_map[i];
    if (session_ms <= s1) return v0 + (v1 - v0) * (session_ms - s0) / std::max<int64_t>(1, s1 - s0);
  }
  return r.time_map.back().first;
}

TEST_CASE("a real recording renders to a 1280x720 H.264 MP4 with thumbnail and keyframes") {
  test::TempDir dir;
  const std::string events = test::ReadFile(test::DataPath("recording/shop.json"));
  RenderRequest request{events, dir.path(), RenderOptions{}, nullptr};
  const auto wall = std::chrono::steady_clock::now();
  Result<RenderResult> r = RenderSession(request);
  const double wall_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - wall).count();
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  MESSAGE("rendered " << r->video_duration_ms / 1000.0 << " s of video in " << wall_s << " s ("
                      << r->video_duration_ms / 1000.0 / wall_s << "x real time); frames captured "
                      << r->frames_captured << " / encoded " << r->frames_encoded << " / shown "
                      << r->video_frames << "; capture " << r->capture_seconds << " s, encode "
                      << r->encode_seconds << " s");

  Video v = ReadVideo(r->video_path);
  const int fps = request.options.fps;
  CHECK(v.codec == "h264");
  CHECK(v.width == 1280);
  CHECK(v.height == 720);
  CHECK(v.stream_frames == r->frames_encoded);
  CHECK(v.frames == r->frames_encoded);
  CHECK(std::is_sorted(v.shown_ms.begin(), v.shown_ms.end()));
  CHECK(v.shown_ms.front() == 0);
  CHECK(std::abs(v.duration_s * 1000 - r->video_duration_ms) <= 1000.0 / fps);
  CHECK(r->video_frames == r->video_duration_ms * fps / 1000);
  // Only frames that changed are painted by the browser or encoded.
  CHECK(r->frames_captured < r->video_frames / 3);
  CHECK(r->frames_encoded < r->video_frames);
  CHECK(std::filesystem::file_size(r->thumbnail_path) > 10'000);
  CHECK_FALSE(r->keyframe_paths.empty());
  boost::json::array index = boost::json::parse(test::ReadFile(r->keyframes_index_path)).as_array();
  CHECK(index.size() == r->keyframe_paths.size());

  // Recording viewport 1024x640 letterboxed into 1280x720: scale 1.125, x offset 64.
  CHECK(r->viewport_width == 1024);
  CHECK(r->viewport_height == 640);
  CHECK(r->placement.x == 64);
  CHECK(r->placement.y == 0);
  CHECK(r->placement.width == 1152);
  CHECK(r->placement.height == 720);
  CHECK(r->placement.scale == doctest::Approx(1.125));
  boost::json::object info = boost::json::parse(test::ReadFile(r->info_path)).as_object();
  CHECK(info.at("width") == 1280);
  CHECK(info.at("placement").at("x") == 64);
  CHECK(info.at("placement").at("scale").to_number<double>() == doctest::Approx(1.125));
  CHECK(info.at("viewport").at("height") == 640);
  CHECK(info.at("thumbnail").at("session_time_ms") == r->thumbnail_session_ms);
  CHECK(info.at("thumbnail").at("scroll_y").to_number<double>() == r->thumbnail_scroll_y);
  CHECK(info.at("time_map").as_array().size() == r->time_map.size());
  CHECK(r->thumbnail_session_ms > 0);
  CHECK(r->thumbnail_scroll_y >= 0);
  const std::vector<Click> clicks = Clicks(events);
  REQUIRE(clicks.size() >= 3);
  SUBCASE("a click changes the page") {
    const Click& add_mug = clicks[0];  // the cart turns green
    const int64_t at = VideoTime(*r, add_mug.t_ms);
    REQUIRE(at + 400 < r->video_duration_ms);
    CHECK(MeanDifference(v.At(at - 200), v.At(at + 400)) > 0.5);
  }
  SUBCASE("the cursor is drawn where the events put it") {
    const Click& add_shirt = clicks[1];
    const int x = 64 + static_cast<int>(add_shirt.x * 1.125);
    const int y = 0 + static_cast<int>(add_shirt.y * 1.125);
    // Inside the arrow (black fill) just below-right of its tip, the outline beside it.
    const std::vector<uint8_t>& luma = v.At(VideoTime(*r, add_shirt.t_ms) + 500);
    CHECK(luma[(y + 6) * 1280 + x + 2] < 60);
    CHECK(luma[(y + 6) * 1280 + x + 2 + 20] > 100);
  }
}

RenderResult RenderTo(const std::string& events, const std::string& dir, bool seek) {
  std::filesystem::create_directories(dir);
  RenderRequest request{events, dir, RenderOptions{}, nullptr};
  request.seek_each_frame = seek;
  Result<RenderResult> r = RenderSession(request);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  return std::move(*r);
}

// Playing forward applies each event once where a seek re-applies the page
// from its full snapshot per frame; what the frames show must not change.
TEST_CASE("frames played forward equal the frames a seek shows, page loads and a big page too") {
  // shop-visit.json holds several page loads (full snapshots); big-page.json
  // (tests/data/render/make_big_page.py) 42 000 elements, scrolls and
  // mutations in view.
  for (const std::string name :
       {"recording/shop.json", "recording/shop-visit.json", "render/big-page.json"}) {
    CAPTURE(name);
    test::TempDir dir;
    const std::string events = test::ReadFile(
        name == "render/big-page.json" ? INCUERA_BIG_PAGE_JSON : test::DataPath(name));
    const RenderResult seek = RenderTo(events, dir.File("seek"), true);
    const RenderResult forward = RenderTo(events, dir.File("forward"), false);
    REQUIRE(seek.video_frames == forward.video_frames);
    CHECK(seek.frames_captured == forward.frames_captured);
    CHECK(seek.thumbnail_scroll_y == forward.thumbnail_scroll_y);
    const Video a = ReadVideo(seek.video_path);
    const Video b = ReadVideo(forward.video_path);
    const int fps = RenderOptions{}.fps;
    double worst = 100, sum = 0;
    for (int i = 0; i < forward.video_frames; ++i) {
      const double p = incuera::testing::Psnr(a.At(i * 1000 / fps), b.At(i * 1000 / fps));
      worst = std::min(worst, p);
      sum += p;
    }
    MESSAGE(name << ": PSNR play forward vs seek over " << forward.video_frames << " frames: min "
                 << worst << " dB, mean " << sum / forward.video_frames << " dB; replay "
                 << forward.replay_seconds << " s vs " << seek.replay_seconds << " s seeking, for "
                 << forward.frames_captured << " captures");
    CHECK(worst >= 45);
    CHECK(sum / forward.video_frames >= 60);
    // That these renders really play forward is player_page_test's check
    // (plays_forward() with the rrweb we ship); how much faster it is, a
    // wall-clock figure, is render_bench's (replay ms, seek vs play forward).
  }
}

TEST_CASE("a malformed recording is an InvalidArgument with the reason") {
  test::TempDir dir;
  Result<RenderResult> r = RenderSession({"[{\"type\":3}]", dir.path(), RenderOptions{}, nullptr});
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  CHECK(r.status().message().find("timestamp") != std::string::npos);
  r = RenderSession({"not json", dir.path(), RenderOptions{}, nullptr});
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a missing browser is Unavailable") {
  test::TempDir dir;
  const std::string events = test::ReadFile(test::DataPath("recording/shop.json"));
  RenderOptions options;
  options.chromium_path = "/nonexistent/chromium";
  Result<RenderResult> r = RenderSession({events, dir.path(), options, nullptr});
  CHECK(r.status().code() == StatusCode::kUnavailable);
  CHECK(r.status().retryable());
}

// The browser is our only child process while RenderSession runs.
pid_t ChildPid() {
  for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
    std::ifstream stat(entry.path() / "stat");
    std::string pid, comm, state;
    pid_t ppid = 0;
    if (stat >> pid >> comm >> state >> ppid && ppid == getpid()) return std::stoi(pid);
  }
  return 0;
}

TEST_CASE("a browser that dies mid-render is Unavailable, without hanging") {
  test::TempDir dir;
  const std::string events = test::ReadFile(test::DataPath("recording/shop.json"));
  bool killed = false;
  auto kill_browser = [&](double done) {
    if (done > 0.3 && !killed) {
      pid_t pid = ChildPid();
      REQUIRE(pid > 0);
      ::kill(pid, SIGKILL);
      killed = true;
    }
  };
  Result<RenderResult> r = RenderSession({events, dir.path(), RenderOptions{}, kill_browser});
  CHECK(killed);
  CHECK(r.status().code() == StatusCode::kUnavailable);
  CHECK(ChildPid() == 0);
}

// Whether `pid` is gone (or a zombie waiting for init).
bool Gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string id, comm, state;
  return !(stat >> id >> comm >> state) || state == "Z";
}

TEST_CASE("a render past its deadline fails retryably with the reason") {
  test::TempDir dir;
  const std::string events = test::ReadFile(test::DataPath("recording/shop.json"));
  RenderRequest request{events, dir.path(), RenderOptions{}, nullptr};
  request.deadline = std::chrono::milliseconds(300);
  Result<RenderResult> r = RenderSession(request);
  CHECK(r.status().code() == StatusCode::kUnavailable);
  CHECK(r.status().retryable());
  CHECK(r.status().message() ==
        "render did not finish within its deadline of 0.3 s; the browser was stopped");
  CHECK(ChildPid() == 0);
}

TEST_CASE("a browser that never answers is stopped at the deadline, its whole process group") {
  test::TempDir dir;
  // Stands in for Chromium: starts a child in its process group, then waits
  // forever without reading a CDP command.
  const std::string fake = dir.File("fake-chromium");
  std::ofstream(fake) << "#!/bin/sh\necho $$ > " << dir.File("pid") << "\nsleep 600 &\necho $! > "
                      << dir.File("child") << "\nwait\n";
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  RenderOptions options;
  options.chromium_path = fake;
  const std::string events = test::ReadFile(test::DataPath("recording/shop.json"));
  RenderRequest request{events, dir.path(), options, nullptr};
  request.deadline = std::chrono::seconds(2);
  const auto started = std::chrono::steady_clock::now();
  Result<RenderResult> r = RenderSession(request);
  const auto took = std::chrono::steady_clock::now() - started;
  CHECK(r.status().code() == StatusCode::kUnavailable);
  CHECK(r.status().message().find("deadline of 2.0 s") != std::string::npos);
  // The CDP calls alone would wait 30 s each.
  CHECK(took < std::chrono::seconds(10));
  const pid_t browser = std::stoi(test::ReadFile(dir.File("pid")));
  const pid_t child = std::stoi(test::ReadFile(dir.File("child")));
  CHECK(Gone(browser));  // reaped by the renderer
  // The child got SIGKILL with the group, but its exit is not waited for by
  // us (init reaps it), so give the kernel a moment to finish it.
  for (int i = 0; i < 100 && !Gone(child); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  CHECK(Gone(child));
}

}  // namespace
}  // namespace incuera
