// A recording is written by whoever holds a project's public ingest key. Its
// page may point images, stylesheets, frames and plugins at the worker's own
// machine; a render must reach none of them, and still succeed.
#include <doctest/doctest.h>

#include <algorithm>
#include <string>

#include "incuera/render.h"
#include "support/canary_server.h"
#include "support/test_env.h"

namespace incuera {
namespace {

void ReplaceAll(std::string& text, std::string_view from, const std::string& to) {
  for (size_t at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size())) {
    text.replace(at, from.size(), to);
  }
}

// The hostile recording aimed at `canary` (see tests/data/security).
std::string HostileRecording(const test::CanaryServer& canary) {
  std::string events = test::ReadFile(test::DataPath("security/hostile-recording.json"));
  const std::string port = std::to_string(canary.port());
  ReplaceAll(events, "{{DENIED}}", "127.0.0.1:" + port);
  ReplaceAll(events, "{{ALLOWED}}", "allowed.localhost:" + port);
  ReplaceAll(events, "{{PORT}}", port);
  return events;
}

std::string Joined(const std::vector<std::string>& hits) {
  std::string out;
  for (const std::string& h : hits) out += (h.empty() ? "(connection only)" : h) + "\n";
  return out;
}

TEST_CASE("a hostile recording reaches nothing on the worker's machine, and still renders") {
  test::CanaryServer canary;
  test::TempDir dir;
  const std::string events = HostileRecording(canary);
  Result<RenderResult> r = RenderSession({events, dir.path(), RenderOptions{}, nullptr});
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  CHECK(r->video_frames > 0);
  const std::vector<std::string> hits = canary.Hits();
  CHECK_MESSAGE(hits.empty(), "the render reached the canary:\n" << Joined(hits));
}

TEST_CASE("with loopback allowed and the project's domains only, redirects and frames still stop") {
  test::CanaryServer canary;
  test::TempDir dir;
  const std::string events = HostileRecording(canary);
  RenderRequest request{events, dir.path(), RenderOptions{}, nullptr};
  request.options.allow_loopback = true;
  request.fetch = RenderFetch::kDomains;
  request.fetch_domains = {"allowed.localhost"};
  Result<RenderResult> r = RenderSession(request);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  const std::vector<std::string> hits = canary.Hits();
  // The positive control: the allowed image did load, so the canary would
  // have seen the rest.
  CHECK(std::count(hits.begin(), hits.end(), "/allowed.gif") == 1);
  for (const std::string& hit : hits) {
    CAPTURE(Joined(hits));
    CHECK(hit.rfind("/canary/", 0) != 0);
    CHECK(!hit.empty());
  }
}

TEST_CASE("render_fetch none loads nothing, not even from an allowed loopback") {
  test::CanaryServer canary;
  test::TempDir dir;
  const std::string events = HostileRecording(canary);
  RenderRequest request{events, dir.path(), RenderOptions{}, nullptr};
  request.options.allow_loopback = true;
  request.fetch = RenderFetch::kNone;
  Result<RenderResult> r = RenderSession(request);
  REQUIRE_MESSAGE(r.ok(), r.status().ToString());
  const std::vector<std::string> hits = canary.Hits();
  CHECK_MESSAGE(hits.empty(), "the render reached the canary:\n" << Joined(hits));
}

}  // namespace
}  // namespace incuera
