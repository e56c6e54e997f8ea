#include "core/session_files.h"

#include <doctest/doctest.h>

namespace incuera::internal {
namespace {

TEST_CASE("every file of a session is under sessions/<id>/") {
  const SessionFiles files("abc");
  CHECK(files.prefix() == "sessions/abc/");
  CHECK(files.video() == "sessions/abc/video.mp4");
  CHECK(files.thumbnail() == "sessions/abc/thumbnail.jpg");
  CHECK(files.keyframes() == "sessions/abc/keyframes.json");
  CHECK(files.keyframe(3) == "sessions/abc/keyframe-3.jpg");
  CHECK(files.render_info() == "sessions/abc/render.json");
  CHECK(files.heatmap() == "sessions/abc/heatmap.png");
}

TEST_CASE("keyframes.json round-trips and skips entries of the wrong shape") {
  const std::vector<KeyframeEntry> written = {{0, 1500, 400, "click"}, {1, 9000, 2100, "error"}};
  std::vector<KeyframeEntry> read = ParseKeyframes(KeyframesJson(written));
  REQUIRE(read.size() == 2);
  CHECK(read[1].index == 1);
  CHECK(read[1].session_time_ms == 9000);
  CHECK(read[1].video_time_ms == 2100);
  CHECK(read[1].reason == "error");

  read = ParseKeyframes(R"([{"index":"0","session_time_ms":1},{"session_time_ms":2},7,
                            {"index":4,"session_time_ms":5}])");
  REQUIRE(read.size() == 1);
  CHECK(read[0].index == 4);
  CHECK(read[0].reason.empty());
  CHECK(ParseKeyframes("{}").empty());
  CHECK(ParseKeyframes("not json").empty());
}

TEST_CASE("render.json round-trips; a non-object is refused and bad time map points skipped") {
  RenderInfo info{1280, 720, 1440, 900, 64,    0,     1152,
                  720,  0.8, 4200, 0,   350.5, 60000, {{0, 0}, {1000, 5000}}};
  std::optional<RenderInfo> read = ParseRenderInfo(RenderInfoJson(info));
  REQUIRE(read);
  CHECK(read->width == 1280);
  CHECK(read->viewport_height == 900);
  CHECK(read->placement_x == 64);
  CHECK(read->placement_width == 1152);
  CHECK(read->placement_scale == doctest::Approx(0.8));
  CHECK(read->thumbnail_session_ms == 4200);
  CHECK(read->thumbnail_scroll_y == doctest::Approx(350.5));
  CHECK(read->video_duration_ms == 60000);
  CHECK(read->time_map == info.time_map);

  read = ParseRenderInfo(R"({"width":10,"time_map":[[1,2],[3],"x",[4,"5"],[6,7]]})");
  REQUIRE(read);
  CHECK(read->width == 10);
  CHECK(read->placement_scale == 0);
  CHECK(read->time_map == std::vector<std::pair<std::int64_t, std::int64_t>>{{1, 2}, {6, 7}});
  CHECK_FALSE(ParseRenderInfo("[]"));
  CHECK_FALSE(ParseRenderInfo("{"));
}

}  // namespace
}  // namespace incuera::internal
