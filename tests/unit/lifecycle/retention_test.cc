// Retention (lifecycle.h) on every database and object store backend: what
// expired goes with its events and files, nothing else is touched, runs are
// bounded, idempotent and safe to overlap.
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "engine/store_access.h"
#include "incuera/engine.h"
#include "incuera/lifecycle.h"
#include "incuera/object_store.h"
#include "incuera/store.h"
#include "support/test_env.h"
#include "unit/objects/s3_server.h"

namespace incuera {
namespace {

constexpr TimeMs kNow = 1'800'000'000'000;
constexpr TimeMs kDay = 24LL * 3600 * 1000;

// An Engine per database (SQLite, PostgreSQL) and object store (file, S3).
void ForEachBackend(const std::function<void(Engine&)>& body) {
  test::TempDir dir;
  std::vector<std::string> storage = {"file://" + dir.path() + "/objects"};
  if (std::string s3 = test::S3Url(); !s3.empty()) storage.push_back(s3);
  for (const std::string& db : test::StoreUrls(dir)) {
    for (const std::string& objects : storage) {
      CAPTURE(db);
      CAPTURE(objects);
      Options options;
      options.database_url = db;
      options.storage_url = objects;
      options.secret_key = "retention-test-secret-key-0123456789abcdef";
      auto engine = Engine::Open(options);
      REQUIRE_MESSAGE(engine.ok(), engine.status().ToString());
      body(**engine);
      // Later engines share the S3 bucket and the PostgreSQL server; each
      // case's sessions have their own ids, so nothing carries over.
    }
  }
}

Project AddProject(Engine& e, const std::string& slug, int retention_days) {
  User owner;
  owner.email = slug + "-" + NewUuid().substr(0, 8) + "@example.com";
  owner.password_hash = "x";
  auto user = internal::StoreOf(e).users().Create(owner);
  REQUIRE(user.ok());
  Project p;
  p.owner_id = user->id;
  p.name = slug;
  p.slug = slug;
  p.settings.retention_days = retention_days;
  auto created = internal::StoreOf(e).projects().Create(p);
  REQUIRE_MESSAGE(created.ok(), created.status().ToString());
  return *created;
}

// A session started at `started_at` with one event chunk and, when
// `with_files`, a video and a keyframe in the object store.
std::string AddSession(Engine& e, const Project& p, TimeMs started_at, bool with_files = true) {
  SessionStart start;
  start.project_id = p.id;
  start.client_session_id = NewUuid();
  start.started_at = started_at;
  start.received_at = std::min(started_at, NowMs());  // stored as it was recorded
  auto s = internal::StoreOf(e).sessions().Upsert(start);
  REQUIRE(s.ok());
  EventChunk chunk;
  chunk.session_id = s->id;
  chunk.codec = "none";
  chunk.payload = R"([{"type":4,"timestamp":1}])";
  chunk.raw_bytes = static_cast<std::int64_t>(chunk.payload.size());
  REQUIRE(internal::StoreOf(e).events().Append(chunk, BatchStats{}).ok());
  if (with_files) {
    const std::string prefix = SessionObjectPrefix(s->id);
    REQUIRE(e.objects().Put(prefix + "video.mp4", "mp4", "video/mp4").ok());
    REQUIRE(e.objects().Put(prefix + "keyframe-0.jpg", "jpg", "image/jpeg").ok());
  }
  return s->id;
}

bool Gone(Engine& e, const std::string& id) {
  return internal::StoreOf(e).sessions().Get(id).status().code() == StatusCode::kNotFound &&
         ReadSessionEventsJson(internal::StoreOf(e), id).status().code() == StatusCode::kNotFound &&
         !e.objects().Exists(SessionObjectPrefix(id) + "video.mp4").value() &&
         !e.objects().Exists(SessionObjectPrefix(id) + "keyframe-0.jpg").value();
}

bool Kept(Engine& e, const std::string& id) {
  return internal::StoreOf(e).sessions().Get(id).ok() &&
         e.objects().Exists(SessionObjectPrefix(id) + "video.mp4").value();
}

// The store's counter `name` (0 before anything was counted).
std::int64_t Counter(Engine& e, std::string_view name) {
  auto all = internal::StoreOf(e).counters().All();
  REQUIRE_MESSAGE(all.ok(), all.status().ToString());
  auto it = all->find(std::string(name));
  return it == all->end() ? 0 : it->second;
}

TEST_CASE("Retention removes what is older than each project's days, with its events and files") {
  ForEachBackend([](Engine& e) {
    Project week = AddProject(e, "week", 7);
    Project year = AddProject(e, "year", 365);
    std::vector<std::string> expired = {AddSession(e, week, kNow - 8 * kDay),
                                        AddSession(e, week, kNow - 30 * kDay)};
    std::string recent = AddSession(e, week, kNow - 6 * kDay);
    std::string kept_longer = AddSession(e, year, kNow - 30 * kDay);

    std::int64_t sessions_before = Counter(e, kRetentionSessionsCounter);
    std::int64_t objects_before = Counter(e, kRetentionObjectsCounter);
    auto run = ApplyRetention(e, kNow);
    REQUIRE_MESSAGE(run.ok(), run.status().ToString());
    CHECK(run->sessions_removed == 2);
    CHECK(run->objects_removed == 4);
    CHECK_FALSE(run->more);
    // Counted in the database, for /metrics of whichever server reads it.
    CHECK(Counter(e, kRetentionSessionsCounter) - sessions_before == 2);
    CHECK(Counter(e, kRetentionObjectsCounter) - objects_before == 4);
    for (const std::string& id : expired) CHECK(Gone(e, id));
    CHECK(Kept(e, recent));
    CHECK(Kept(e, kept_longer));

    // A second run finds nothing.
    auto again = ApplyRetention(e, kNow);
    REQUIRE(again.ok());
    CHECK(again->sessions_removed == 0);
    CHECK(Kept(e, recent));
  });
}

TEST_CASE("A session recorded long ago but stored now is kept for its project's days") {
  ForEachBackend([](Engine& e) {
    Project week = AddProject(e, "week", 7);
    SessionStart start;  // an imported recording, or a visitor whose clock is a year behind
    start.project_id = week.id;
    start.client_session_id = NewUuid();
    start.started_at = NowMs() - 365 * kDay;
    auto imported = internal::StoreOf(e).sessions().Upsert(start);
    REQUIRE(imported.ok());
    auto run = ApplyRetention(e, NowMs() + kDay);
    REQUIRE(run.ok());
    CHECK(run->sessions_removed == 0);
    CHECK(internal::StoreOf(e).sessions().Get(imported->id).ok());
    // a week after it arrived, it goes
    auto later = ApplyRetention(e, NowMs() + 8 * kDay);
    REQUIRE(later.ok());
    CHECK(later->sessions_removed == 1);
  });
}

TEST_CASE("A retention run is bounded and says when more is left") {
  ForEachBackend([](Engine& e) {
    Project p = AddProject(e, "bounded", 1);
    std::vector<std::string> ids;
    for (int i = 0; i < 5; ++i) ids.push_back(AddSession(e, p, kNow - (2 + i) * kDay, false));
    auto first = ApplyRetention(e, kNow, 3);
    REQUIRE(first.ok());
    CHECK(first->sessions_removed == 3);
    CHECK(first->more);
    auto second = ApplyRetention(e, kNow, 3);
    REQUIRE(second.ok());
    CHECK(second->sessions_removed == 2);
    CHECK_FALSE(second->more);
    for (const std::string& id : ids) CHECK(Gone(e, id));
  });
}

TEST_CASE("Overlapping retention runs remove each expired session once, without errors") {
  test::TempDir dir;
  for (const std::string& db : test::StoreUrls(dir)) {
    CAPTURE(db);
    // Two Engines on one database and one object store: two workers.
    Options options;
    options.database_url = db;
    options.storage_url = "file://" + dir.path() + "/objects-" + NewUuid();
    options.secret_key = "retention-test-secret-key-0123456789abcdef";
    auto a = Engine::Open(options);
    auto b = Engine::Open(options);
    REQUIRE(a.ok());
    REQUIRE(b.ok());
    Project p = AddProject(**a, "overlap", 1);
    const int n = 300;
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) ids.push_back(AddSession(**a, p, kNow - 2 * kDay - i));
    std::atomic<std::int64_t> removed{0};
    std::vector<Status> errors(2);
    std::vector<std::thread> workers;
    Engine* engines[] = {a->get(), b->get()};
    for (int w = 0; w < 2; ++w) {
      workers.emplace_back([&, w] {
        auto r = ApplyRetention(*engines[w], kNow, 100'000);
        if (r.ok()) removed += r->sessions_removed;
        errors[w] = r.status();
      });
    }
    for (auto& t : workers) t.join();
    CHECK_MESSAGE(errors[0].ok(), errors[0].ToString());
    CHECK_MESSAGE(errors[1].ok(), errors[1].ToString());
    CHECK(removed == n);
    for (const std::string& id : ids) CHECK(Gone(**a, id));
  }
}

TEST_CASE("Retention drains a project with thousands of expired sessions") {
  test::TempDir dir;
  for (const std::string& db : test::StoreUrls(dir)) {
    CAPTURE(db);
    Options options;
    options.database_url = db;
    options.storage_url = "file://" + dir.path() + "/objects-" + NewUuid();
    options.secret_key = "retention-test-secret-key-0123456789abcdef";
    auto e = Engine::Open(options);
    REQUIRE(e.ok());
    Project p = AddProject(**e, "big", 30);
    const int n = 2000;
    for (int i = 0; i < n; ++i) AddSession(**e, p, kNow - 31 * kDay - i, i % 10 == 0);
    std::string fresh = AddSession(**e, p, kNow - kDay);
    std::int64_t removed = 0;
    int runs = 0;
    for (bool more = true; more; ++runs) {
      auto r = ApplyRetention(**e, kNow, 1000);
      REQUIRE_MESSAGE(r.ok(), r.status().ToString());
      removed += r->sessions_removed;
      more = r->more;
    }
    CHECK(removed == n);
    CHECK(runs == 2);
    auto counts = internal::StoreOf(**e).sessions().CountByProject(p.owner_id);
    REQUIRE(counts.ok());
    CHECK(counts->at(p.id) == 1);
    CHECK(Kept(**e, fresh));
  }
}

}  // namespace
}  // namespace incuera
