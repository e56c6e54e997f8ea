// The render and analyze jobs end to end on SQLite with the real browser:
// the render compacts the session's chunks, the heatmap lands on the thumbnail where render.json
// says the page is, a render that passes its deadline is retried, not lost, a render that fails
// for good leaves one sentence and the session analysed, and a session nested as deep as ingest
// accepts goes through both.
#include "incuera/worker.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <functional>

#include "engine/store_access.h"
#include "incuera/analysis.h"
#include "incuera/ingest.h"
#include "incuera/lifecycle.h"
#include "incuera/object_store.h"
#include "incuera/queue.h"
#include "incuera/quota.h"
#include "incuera/store.h"
#include "support/deep_recording.h"
#include "support/png_pixels.h"
#include "support/test_env.h"

namespace incuera {
namespace {

namespace json = boost::json;
constexpr TimeMs kT0 = 1'700'000'000'000;

struct Harness {
  explicit Harness(const std::string& chromium_path = RenderOptions{}.chromium_path,
                   std::chrono::seconds job_timeout = WorkerOptions{}.job_timeout,
                   const std::function<void(Options&)>& configure = {}) {
    Options options;
    options.database_url = "sqlite://" + dir.File("incuera.db");
    options.storage_url = "file://" + dir.File("objects");
    options.secret_key = "worker-test-secret-key-0123456789abcdef";
    options.server.in_process_worker = false;
    options.render.chromium_path = chromium_path;
    options.worker.job_timeout = job_timeout;
    options.worker.retry_backoff = std::chrono::milliseconds(0);
    if (configure) configure(options);
    auto opened = Engine::Open(options);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    engine = std::move(*opened);
  }

  // A completed session holding the test recording (changed by `edit`), with
  // its render queued. In batches of 10 events, as an SDK sends them.
  Session AddRecording(const std::function<void(json::array&)>& edit = {}) {
    json::array events =
        json::parse(test::ReadFile(test::DataPath("recording/shop.json"))).as_array();
    if (edit) edit(events);
    std::vector<std::string> batches;
    for (std::size_t at = 0; at < events.size(); at += 10) {
      batches.push_back(json::serialize(
          json::array(events.begin() + at, events.begin() + std::min(at + 10, events.size()))));
    }
    return AddSession(batches, kT0 + 31'891);
  }

  // A completed session holding `batches` (JSON arrays of events, from kT0 to
  // last_ts), with its render queued.
  Session AddSession(const std::vector<std::string>& batches, TimeMs last_ts) {
    User user;
    user.email = "ana@example.com";
    user.password_hash = "unused";
    auto owner = internal::StoreOf(*engine).users().Create(user);
    REQUIRE(owner.ok());
    Project project;
    project.owner_id = owner->id;
    project.name = project.slug = "shop";
    auto p = internal::StoreOf(*engine).projects().Create(project);
    REQUIRE(p.ok());
    SessionStart start;
    start.project_id = p->id;
    start.client_session_id = "recording";
    start.started_at = kT0;
    auto s = internal::StoreOf(*engine).sessions().Upsert(start);
    REQUIRE(s.ok());
    BatchStats stats;
    stats.first_ts = kT0;
    stats.last_ts = last_ts;
    for (const std::string& batch : batches) {
      Result<ParsedBatch> parsed = ParseIngestBody(R"({"sessionId":"x","events":)" + batch + "}");
      REQUIRE_MESSAGE(parsed.ok(), parsed.status().ToString());
      EventChunk chunk;
      chunk.session_id = s->id;
      chunk.seq = -1;
      chunk.codec = "none";
      chunk.payload = batch;
      chunk.raw_bytes = static_cast<std::int64_t>(chunk.payload.size());
      stats.event_count = parsed->event_count;
      REQUIRE(internal::StoreOf(*engine).events().Append(chunk, stats).ok());
    }
    REQUIRE(internal::StoreOf(*engine).sessions().MarkEnded(s->id, stats.last_ts, "beacon").ok());
    REQUIRE(internal::StoreOf(*engine)
                .sessions()
                .Transition(s->id, SessionStatus::kRecording, SessionStatus::kCompleted)
                .ok());
    REQUIRE(QueueRender(*engine, s->id).ok());
    return *s;
  }

  std::string Object(const std::string& key) {
    auto bytes = ReadObject(engine->objects(), key);
    REQUIRE_MESSAGE(bytes.ok(), key << ": " << bytes.status().ToString());
    return *bytes;
  }

  test::TempDir dir;
  std::unique_ptr<Engine> engine;
};

using test::DecodePng;
using test::Rgba;

TEST_CASE(
    "render then analyze: the heatmap sits on the thumbnail where render.json puts the page") {
  Harness h;
  const Session s = h.AddRecording();
  Worker worker(*h.engine);
  auto ran = worker.RunOnce();  // render
  REQUIRE(ran.ok());
  REQUIRE(*ran);
  auto rendered = internal::StoreOf(*h.engine).sessions().Get(s.id);
  REQUIRE(rendered.ok());
  REQUIRE(rendered->status == SessionStatus::kReady);
  // The render compacted the 11 batches into one chunk of the same events.
  int chunks = 0;
  REQUIRE(internal::StoreOf(*h.engine)
              .events()
              .ForEach(s.id,
                       [&](const EventChunk& chunk) {
                         ++chunks;
                         CHECK(json::parse(chunk.payload) ==
                               json::parse(test::ReadFile(test::DataPath("recording/shop.json"))));
                         return OkStatus();
                       })
              .ok());
  CHECK(chunks == 1);
  ran = worker.RunOnce();  // analyze, queued by the render
  REQUIRE(ran.ok());
  REQUIRE(*ran);

  const std::string prefix = "sessions/" + s.id + "/";
  json::object info = json::parse(h.Object(prefix + "render.json")).as_object();
  const json::object& placement = info.at("placement").as_object();
  const json::object& thumbnail = info.at("thumbnail").as_object();
  CHECK(placement.at("x") == 64);  // 1024x640 in 1280x720
  const double scale = placement.at("scale").to_number<double>();
  const double scroll_x = thumbnail.at("scroll_x").to_number<double>();
  const double scroll_y = thumbnail.at("scroll_y").to_number<double>();

  auto analysis = internal::StoreOf(*h.engine).analyses().Get(s.id);
  REQUIRE(analysis.ok());
  REQUIRE(analysis->heatmap_key == prefix + "heatmap.png");
  const Rgba png = DecodePng(h.Object(analysis->heatmap_key));
  CHECK(png.width == 1280);
  CHECK(png.height == 720);
  // The same thumbnail without clicks, decoded the same way, to compare with.
  PageHeatmap no_clicks;
  no_clicks.width = 1024;
  no_clicks.height = 640;
  auto plain_png = RenderHeatmapPng(no_clicks, 1280, 720, h.Object(prefix + "thumbnail.jpg"),
                                    HeatmapPlacement{64, 0, 1152, 720, scale, scroll_x, scroll_y});
  REQUIRE(plain_png.ok());
  const Rgba plain = DecodePng(*plain_png);
  auto difference = [&](int x, int y) {
    int d = 0;
    for (int c = 0; c < 3; ++c) d += std::abs(png.At(x, y)[c] - plain.At(x, y)[c]);
    return d;
  };
  // Every click the thumbnail shows is under a blob.
  json::array pages = json::parse(analysis->heatmap_json).at("pages").as_array();
  REQUIRE_FALSE(pages.empty());
  int shown = 0;
  for (const json::value& point : pages[0].at("points").as_array()) {
    const int x = 64 + static_cast<int>((point.at(0).to_number<double>() - scroll_x) * scale);
    const int y = static_cast<int>((point.at(1).to_number<double>() - scroll_y) * scale);
    if (x < 64 || x >= 64 + 1152 || y < 0 || y >= 720) continue;
    ++shown;
    CAPTURE(x);
    CAPTURE(y);
    CHECK(difference(x, y) > 60);
  }
  CHECK(shown > 0);
  // The bars beside the letterboxed page are left as the thumbnail has them.
  for (int y = 0; y < 720; y += 8) {
    CHECK(difference(10, y) == 0);
    CHECK(difference(1270, y) == 0);
  }
}

TEST_CASE("a render stuck past the job timeout is failed retryably and goes back to completed") {
  test::TempDir bin;
  const std::string fake = bin.File("fake-chromium");
  std::ofstream(fake) << "#!/bin/sh\nsleep 600 &\nwait\n";
  std::filesystem::permissions(fake, std::filesystem::perms::owner_all);
  Harness h(fake, std::chrono::seconds(1));
  const Session s = h.AddRecording();
  Worker worker(*h.engine);
  const auto started = std::chrono::steady_clock::now();
  auto ran = worker.RunOnce();
  REQUIRE(ran.ok());
  CHECK(*ran);
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(10));
  auto session = internal::StoreOf(*h.engine).sessions().Get(s.id);
  REQUIRE(session.ok());
  CHECK(session->status == SessionStatus::kCompleted);
  // Queued again for the next attempt, with the reason kept.
  auto job = h.engine->queue().Lease({"render"}, std::chrono::seconds(30));
  REQUIRE(job.ok());
  REQUIRE(job->has_value());
  CHECK((*job)->attempts == 2);
  CHECK((*job)->last_error.find("deadline of 1.0 s") != std::string::npos);
}

// Runs due jobs until none is left; returns how many ran.
int RunAll(Worker& worker) {
  int ran = 0;
  for (;;) {
    auto once = worker.RunOnce();
    REQUIRE_MESSAGE(once.ok(), once.status().ToString());
    if (!*once) return ran;
    ++ran;
  }
}

// A failed session keeps one readable sentence and is analysed all the same:
// counts, errors and a heatmap drawn without the thumbnail it does not have.
void CheckFailedButAnalysed(Harness& h, const Session& s) {
  auto session = internal::StoreOf(*h.engine).sessions().Get(s.id);
  REQUIRE(session.ok());
  CHECK(session->status == SessionStatus::kFailed);
  const std::string& reason = session->failure_reason;
  CAPTURE(reason);
  CHECK_FALSE(reason.empty());
  CHECK(reason.size() <= 200);
  CHECK(reason.find('{') == std::string::npos);
  CHECK(reason.find('\n') == std::string::npos);
  CHECK(session->thumbnail_key.empty());

  auto analysis = internal::StoreOf(*h.engine).analyses().Get(s.id);
  REQUIRE(analysis.ok());
  CHECK(analysis->status == AnalysisStatus::kCompleted);
  const json::value counts = json::parse(analysis->action_counts_json);
  CHECK(counts.at("clicks") == 8);
  CHECK(json::parse(analysis->errors_json).as_array().size() == 1);
  REQUIRE(analysis->heatmap_key == "sessions/" + s.id + "/heatmap.png");
  // On a blank page the size of the recorded 1024x640 viewport.
  const Rgba png = DecodePng(h.Object(analysis->heatmap_key));
  CHECK(png.width == 1024);
  CHECK(png.height == 640);
  int white = 0;
  for (int y = 0; y < png.height; y += 16) {
    for (int x = 0; x < png.width; x += 16) {
      const std::uint8_t* p = png.At(x, y);
      white += p[0] == 255 && p[1] == 255 && p[2] == 255 && p[3] == 255;
    }
  }
  CHECK(white > 1000);
}

TEST_CASE("a render that cannot start the browser ends failed and the session is still analysed") {
  Harness h("/nonexistent/chromium-headless-shell");
  const Session s = h.AddRecording();
  Worker worker(*h.engine);
  // Every attempt fails retryably; the last one gives up and queues the
  // analysis, which runs once.
  CHECK(RunAll(worker) == WorkerOptions{}.max_attempts + 1);
  CheckFailedButAnalysed(h, s);
  auto session = internal::StoreOf(*h.engine).sessions().Get(s.id);
  REQUIRE(session.ok());
  CHECK(session->failure_reason ==
        "chromium not found or not executable at /nonexistent/chromium-headless-shell");
}

TEST_CASE("with rendering turned off a session is failed with that reason at once and analysed") {
  Harness h(RenderOptions{}.chromium_path, WorkerOptions{}.job_timeout,
            [](Options& options) { options.render.enabled = false; });
  const Session s = h.AddRecording();
  Worker worker(*h.engine);
  CHECK(RunAll(worker) == 2);  // the render, final at once; the analysis, once
  CheckFailedButAnalysed(h, s);
  auto session = internal::StoreOf(*h.engine).sessions().Get(s.id);
  REQUIRE(session.ok());
  CHECK(session->failure_reason == "video rendering is turned off on this server (RENDER_ENABLED)");
  CHECK_FALSE(h.engine->objects().Exists(SessionObjectPrefix(s.id) + "video.mp4").value());
}

TEST_CASE("a recording the player cannot replay fails for good, in one sentence, and is analysed") {
  Harness h;
  // Without its full snapshot there is no page to replay.
  const Session s = h.AddRecording([](json::array& events) {
    json::array kept;
    for (json::value& e : events) {
      if (e.at("type") != 2) kept.push_back(std::move(e));
    }
    events = std::move(kept);
  });
  Worker worker(*h.engine);
  CHECK(RunAll(worker) == 2);  // the render, final at once; the analysis, once
  CheckFailedButAnalysed(h, s);
  auto session = internal::StoreOf(*h.engine).sessions().Get(s.id);
  REQUIRE(session.ok());
  CHECK(session->failure_reason == "recording has no full snapshot (rrweb event type 2)");
}

TEST_CASE("a render over the project's daily quota fails for good and is still analysed") {
  Harness h;
  const Session s = h.AddRecording();
  auto project = internal::StoreOf(*h.engine).projects().Get(s.project_id);
  REQUIRE(project.ok());
  project->settings.quotas.render_minutes_per_day = 1;
  REQUIRE(internal::StoreOf(*h.engine).projects().Update(*project).ok());
  REQUIRE(h.engine->quotas().ChargeRender(*project, 60'000).ok());  // today's minute, used
  Worker worker(*h.engine);
  CHECK(RunAll(worker) == 2);  // the render, refused at once; the analysis, once
  CheckFailedButAnalysed(h, s);
  auto session = internal::StoreOf(*h.engine).sessions().Get(s.id);
  REQUIRE(session.ok());
  CHECK(session->failure_reason == "render quota exceeded");
}

TEST_CASE("a session nested as deep as ingest accepts is rendered and analysed") {
  Harness h;
  // A batch whose /api/ingest body nests exactly 1100 levels (the limit).
  const Session s = h.AddSession({test::DeepRecording(1100)}, kT0 + 5'000);
  Worker worker(*h.engine);
  CHECK(RunAll(worker) == 2);
  auto session = internal::StoreOf(*h.engine).sessions().Get(s.id);
  REQUIRE(session.ok());
  CHECK_MESSAGE(session->status == SessionStatus::kReady, session->failure_reason);
  auto analysis = internal::StoreOf(*h.engine).analyses().Get(s.id);
  REQUIRE(analysis.ok());
  CHECK_MESSAGE(analysis->status == AnalysisStatus::kCompleted, analysis->error);
  const json::value metrics = json::parse(analysis->metrics_json);
  CHECK(metrics.at("dead_clicks").at(0).at("target").at("id") == "deepest");
}

}  // namespace
}  // namespace incuera
