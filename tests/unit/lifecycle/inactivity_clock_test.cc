// The end of a recording driven by the Engine's clock (Options::env): a
// session that goes quiet is ended after the inactivity timeout and
// finalized after the grace period, by the worker's sweep, with no sleeping.
// Also the worker's log lines through the Env.
#include <doctest/doctest.h>

#include <atomic>
#include <boost/json.hpp>
#include <mutex>
#include <vector>

#include "engine/store_access.h"
#include "incuera/engine.h"
#include "incuera/env.h"
#include "incuera/ingest.h"
#include "incuera/queue.h"
#include "incuera/store.h"
#include "incuera/worker.h"
#include "support/test_env.h"

namespace incuera {
namespace {

// A clock the test moves, and a log it reads.
class TestEnv : public EnvWrapper {
 public:
  TestEnv() : EnvWrapper(Env::Default()) {}
  TimeMs NowMs() override { return now.load(); }
  void Log(std::string_view line) override {
    std::lock_guard lock(mu);
    lines.emplace_back(line);
  }

  std::atomic<TimeMs> now{incuera::NowMs()};
  std::mutex mu;
  std::vector<std::string> lines;
};

struct Harness {
  Harness() {
    Options options;
    options.database_url = "sqlite://" + dir.File("t.db");
    options.storage_url = "file://" + dir.File("objects");
    options.secret_key = "inactivity-clock-test-secret-key-0123456789";
    options.env = &env;
    auto opened = Engine::Open(options);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    engine = std::move(*opened);
    User user;
    user.email = "ana@example.com";
    user.password_hash = "x";
    auto owner = internal::StoreOf(*engine).users().Create(user);
    REQUIRE(owner.ok());
    Project p;
    p.owner_id = owner->id;
    p.name = p.slug = "shop";
    auto created = internal::StoreOf(*engine).projects().Create(p);
    REQUIRE(created.ok());
    project = *created;
  }

  TestEnv env;
  test::TempDir dir;
  std::unique_ptr<Engine> engine;
  Project project;
};

TEST_CASE("a quiet session is ended and queued for render as the Engine's clock moves on") {
  Harness h;
  const TimeMs t0 = h.env.now;
  const std::string body = R"({"sessionId":"quiet","events":[{"type":4,"timestamp":)" +
                           std::to_string(t0) +
                           R"(,"data":{"href":"https://shop.example/"}},{"type":3,"timestamp":)" +
                           std::to_string(t0 + 45'000) + R"(,"data":{}}]})";
  Result<ParsedBatch> batch = ParseIngestBody(body);
  REQUIRE(batch.ok());
  REQUIRE(h.engine->ingest().Ingest(h.project, *batch).ok());
  Worker worker(*h.engine);
  auto session = [&] {
    Result<Session> s =
        internal::StoreOf(*h.engine).sessions().GetByClientSessionId(h.project.id, "quiet");
    REQUIRE(s.ok());
    return *s;
  };

  const IngestOptions& o = h.engine->options().ingest;
  h.env.now = t0 + 45'000 + std::chrono::milliseconds(o.inactivity_timeout).count() - 1'000;
  REQUIRE(worker.SweepOnce().ok());
  CHECK_FALSE(session().ended_at.has_value());  // not quiet long enough yet

  h.env.now += 2'000;
  REQUIRE(worker.SweepOnce().ok());
  CHECK(session().ended_at.has_value());
  CHECK(session().end_reason == "inactivity");

  h.env.now += std::chrono::milliseconds(o.end_grace_period).count() + 1'000;
  REQUIRE(worker.SweepOnce().ok());
  CHECK(session().status == SessionStatus::kCompleted);
  Result<QueueStats> stats = h.engine->queue().Stats();
  REQUIRE(stats.ok());
  CHECK(stats->queued == 1);
}

TEST_CASE("the worker's log lines go to the Engine's Env as escaped JSON") {
  Harness h;
  Job job;
  job.kind = std::string(JobKindName(JobKind::kAnalyze));
  job.session_id = "a\"b\n{c}";
  REQUIRE(h.engine->queue().Enqueue(job).ok());
  Worker worker(*h.engine);
  REQUIRE(worker.RunOnce().ok());
  std::lock_guard lock(h.env.mu);
  REQUIRE(h.env.lines.size() == 1);
  boost::json::value line = boost::json::parse(h.env.lines[0]);
  CHECK(line.at("worker") == "failed");
  CHECK(line.at("kind") == "analyze");
  CHECK(line.at("session") == "a\"b\n{c}");  // no such session: the job fails
  CHECK_FALSE(line.at("error").as_string().empty());
}

}  // namespace
}  // namespace incuera
