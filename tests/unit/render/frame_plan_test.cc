#include "render/frame_plan.h"

#include <doctest/doctest.h>

#include "render/cursor.h"
#include "render/recording.h"

namespace incuera::internal {
namespace {

constexpr const char* kEvents = R"([
  {"type":4,"timestamp":1000,"data":{"href":"x","width":800,"height":600}},
  {"type":2,"timestamp":1010,"data":{}},
  {"type":3,"timestamp":1500,"data":{"source":1,"positions":[{"x":10,"y":20,"id":1,"timeOffset":-100}]}},
  {"type":3,"timestamp":2000,"data":{"source":2,"type":2,"id":5,"x":30,"y":40}},
  {"type":3,"timestamp":12000,"data":{"source":5,"text":"a","id":6}}
])";

TEST_CASE("a recording is read into viewport, changes, mouse samples and moments") {
  Result<Recording> r = ParseRecording(kEvents);
  REQUIRE(r.ok());
  CHECK(r->viewport_width == 800);
  CHECK(r->first_snapshot_ms == 10);
  CHECK(r->duration_ms == 11000);
  REQUIRE(r->mouse.size() == 2);
  CHECK(r->mouse[0].t_ms == 400);
  CHECK(r->clicks == std::vector<int64_t>{1000});
  REQUIRE(r->moments.size() == 2);
  CHECK(r->moments[1].kind == MomentKind::kInput);
}

TEST_CASE("malformed recordings are refused with a reason") {
  CHECK(ParseRecording("{").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseRecording("{}").status().message().find("array") != std::string::npos);
  Result<Recording> no_snapshot =
      ParseRecording(R"([{"type":4,"timestamp":1,"data":{"width":8,"height":6}}])");
  CHECK(no_snapshot.status().message().find("full snapshot") != std::string::npos);
}

TEST_CASE("a recording's claimed viewport is held to 4096 px a side, whatever its size") {
  for (const char* size : {"8000", "4294967396", "1e300"}) {
    CAPTURE(size);
    const std::string events = std::string(R"([{"type":4,"timestamp":1,"data":{"width":)") + size +
                               R"(,"height":)" + size + R"(}},{"type":2,"timestamp":2,"data":{}}])";
    Result<Recording> r = ParseRecording(events);
    if (!r.ok()) continue;  // a size that is no integer is no viewport
    CHECK(r->viewport_width == kMaxViewportSide);
    CHECK(r->viewport_height == kMaxViewportSide);
  }
}

TEST_CASE("idle gaps are compressed and frames are captured only after changes") {
  Result<Recording> r = ParseRecording(kEvents);
  REQUIRE(r.ok());
  RenderOptions options;
  options.fps = 10;
  FramePlan plan = PlanFrames(*r, options, std::chrono::seconds(5));
  // 10 ms .. 1000 ms real time, a 10 s gap shown in 1 s, then the 1 s tail.
  CHECK(plan.video_duration_ms == (990 + kCompressedGapMs + kTailMs) / 100 * 100);
  CHECK(SessionTimeAt(plan.time_map, 990 + kCompressedGapMs) == 11000);
  CHECK(VideoTimeAt(plan.time_map, 1000) == 990);
  CHECK(plan.capture[0]);
  CHECK_FALSE(plan.capture[5]);
  CHECK(plan.capture[10]);  // the click at 1000 ms
  options.skip_idle = false;
  CHECK(PlanFrames(*r, options, std::chrono::seconds(5)).video_duration_ms == 11990 / 100 * 100);
}

TEST_CASE("the mouse is interpolated between samples and a click shows briefly") {
  MouseTrack track({{0, 0, 0}, {100, 100, 50}, {1000, 200, 50}}, {100});
  CHECK_FALSE(track.PositionAt(-1));
  CHECK(track.PositionAt(50)->x == doctest::Approx(50));
  CHECK(track.PositionAt(500)->x == doctest::Approx(100));  // resting
  CHECK(track.PositionAt(1000 - kMaxGlideMs / 2)->x == doctest::Approx(150));
  CHECK(track.PositionAt(5000)->y == doctest::Approx(50));
  CHECK(track.ClickAgeAt(200) == 100);
  CHECK_FALSE(track.ClickAgeAt(100 + kClickRingMs));
}

}  // namespace
}  // namespace incuera::internal
