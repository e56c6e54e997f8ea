// The JobQueue contract, run against every implementation: the db queue on
// SQLite and PostgreSQL, and Redis when INCUERA_TEST_REDIS_URL is set. Each
// test case gets fresh state (a new database, a new Redis key prefix).
#include <doctest/doctest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <memory>
#include <set>
#include <thread>

#include "core/text.h"
#include "incuera/queue.h"
#include "incuera/store.h"
#include "support/test_env.h"

namespace incuera {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kLease{30000};

// Opens the store at `url` with its schema applied, on `env`'s clock.
std::unique_ptr<Store> MustOpenStore(const std::string& url, Env& env = Env::Default()) {
  Result<std::unique_ptr<Store>> store = OpenStore(url, 4, env);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  Result<int> migrated = (*store)->Migrate();
  REQUIRE_MESSAGE(migrated.ok(), migrated.status().ToString());
  return std::move(*store);
}

// Opens the queue at `url` over `store`, on `env`'s clock.
std::unique_ptr<JobQueue> MustOpenQueue(const std::string& url, Store& store,
                                        Env& env = Env::Default()) {
  Result<std::unique_ptr<JobQueue>> queue = OpenJobQueue(url, store, env);
  REQUIRE_MESSAGE(queue.ok(), queue.status().ToString());
  return std::move(*queue);
}

// Calls `body` once per available backend with a queue that holds no jobs
// and takes its times from `env`'s clock.
void ForEachQueue(Env& env, const std::function<void(JobQueue&)>& body) {
  test::TempDir dir;
  for (const std::string& url : test::StoreUrls(dir)) {
    std::unique_ptr<Store> store = MustOpenStore(url, env);
    std::unique_ptr<JobQueue> queue = MustOpenQueue("db", *store, env);
    INFO("backend: db on " << store->backend());
    CHECK(queue->backend() == "db");
    body(*queue);
  }
  std::string redis = test::RedisUrl();
  if (redis.empty()) {
    MESSAGE("INCUERA_TEST_REDIS_URL not set: Redis cases skipped");
    return;
  }
  std::unique_ptr<Store> store = MustOpenStore("sqlite://" + dir.File("unused.db"));
  std::string url = redis + "?prefix=t" + internal::HexEncode(internal::RandomBytes(6));
  std::unique_ptr<JobQueue> queue = MustOpenQueue(url, *store, env);
  INFO("backend: redis");
  CHECK(queue->backend() == "redis");
  body(*queue);
}

// The same on the real clock.
void ForEachQueue(const std::function<void(JobQueue&)>& body) {
  ForEachQueue(Env::Default(), body);
}

// A render (or `kind`) job for `session_id` with a small payload.
Job NewJob(const std::string& session_id, const std::string& kind = "render") {
  Job job;
  job.kind = kind;
  job.session_id = session_id;
  job.payload = R"({"fps":10})";
  return job;
}

// Leases one job that must be there.
Job MustLease(JobQueue& queue, milliseconds lease = kLease,
              const std::vector<std::string>& kinds = {}) {
  Result<std::optional<Job>> leased = queue.Lease(kinds, lease);
  REQUIRE_MESSAGE(leased.ok(), leased.status().ToString());
  REQUIRE(leased->has_value());
  return **leased;
}

// Checks that no job is due.
void ExpectNothingDue(JobQueue& queue) {
  Result<std::optional<Job>> leased = queue.Lease({}, kLease);
  REQUIRE_MESSAGE(leased.ok(), leased.status().ToString());
  CHECK_FALSE(leased->has_value());
}

// The queue's stats, which must be readable.
QueueStats MustStats(JobQueue& queue) {
  Result<QueueStats> stats = queue.Stats();
  REQUIRE_MESSAGE(stats.ok(), stats.status().ToString());
  return *stats;
}

TEST_CASE("An enqueued job is leased with its fields and is gone after ack") {
  ForEachQueue([](JobQueue& queue) {
    TimeMs before = NowMs();
    Result<Job> enqueued = queue.Enqueue(NewJob("s1"));
    REQUIRE_MESSAGE(enqueued.ok(), enqueued.status().ToString());
    CHECK_FALSE(enqueued->id.empty());
    CHECK(enqueued->dedup_key == "render:s1");
    CHECK(enqueued->state == JobState::kQueued);
    CHECK(enqueued->attempts == 0);
    CHECK(enqueued->run_at >= before);

    Job job = MustLease(queue);
    CHECK(job.id == enqueued->id);
    CHECK(job.kind == "render");
    CHECK(job.session_id == "s1");
    CHECK(job.payload == R"({"fps":10})");
    CHECK(job.state == JobState::kLeased);
    CHECK(job.attempts == 1);
    CHECK_FALSE(job.lease_token.empty());
    CHECK(job.lease_until >= before + kLease.count());
    ExpectNothingDue(queue);

    CHECK(queue.Ack(job).ok());
    ExpectNothingDue(queue);
    QueueStats stats = MustStats(queue);
    CHECK(stats.queued == 0);
    CHECK(stats.leased == 0);
    CHECK(stats.dead == 0);
  });
}

TEST_CASE("Enqueue rejects a job without kind or session") {
  ForEachQueue([](JobQueue& queue) {
    CHECK(queue.Enqueue(NewJob("")).status().code() == StatusCode::kInvalidArgument);
    CHECK(queue.Enqueue(NewJob("s1", "")).status().code() == StatusCode::kInvalidArgument);
  });
}

TEST_CASE("A live dedup key returns the same job; after ack a new job is created") {
  ForEachQueue([](JobQueue& queue) {
    Result<Job> first = queue.Enqueue(NewJob("s1"));
    REQUIRE(first.ok());
    Result<Job> again = queue.Enqueue(NewJob("s1"));
    REQUIRE(again.ok());
    CHECK(again->id == first->id);
    Result<Job> other_kind = queue.Enqueue(NewJob("s1", "analyze"));
    REQUIRE(other_kind.ok());
    CHECK(other_kind->id != first->id);

    Job leased = MustLease(queue, kLease, {"render"});
    Result<Job> while_leased = queue.Enqueue(NewJob("s1"));
    REQUIRE(while_leased.ok());
    CHECK(while_leased->id == first->id);

    REQUIRE(queue.Ack(leased).ok());
    Result<Job> after_ack = queue.Enqueue(NewJob("s1"));
    REQUIRE(after_ack.ok());
    CHECK(after_ack->id != first->id);
    CHECK(MustStats(queue).queued == 2);
  });
}

TEST_CASE("Lease honours run_at and the requested kinds") {
  ForEachQueue([](JobQueue& queue) {
    Job later = NewJob("s-later");
    later.run_at = NowMs() + 60000;
    REQUIRE(queue.Enqueue(later).ok());
    ExpectNothingDue(queue);

    REQUIRE(queue.Enqueue(NewJob("s-now", "analyze")).ok());
    Result<std::optional<Job>> none = queue.Lease({"render"}, kLease);
    REQUIRE(none.ok());
    CHECK_FALSE(none->has_value());
    Job job = MustLease(queue, kLease, {"render", "analyze"});
    CHECK(job.session_id == "s-now");
    ExpectNothingDue(queue);
  });
}

TEST_CASE("A failed job is retried after exponential backoff, then dead-lettered") {
  test::ManualClock clock;
  ForEachQueue(clock, [&](JobQueue& queue) {
    Job job = NewJob("s1");
    job.max_attempts = 3;
    REQUIRE(queue.Enqueue(job).ok());
    const milliseconds base{40};

    for (int attempt = 1; attempt <= 2; ++attempt) {
      Job leased = MustLease(queue);
      CHECK(leased.attempts == attempt);
      TimeMs failed_at = clock.NowMs();
      REQUIRE(queue.Fail(leased, "boom " + std::to_string(attempt), true, base).ok());
      const milliseconds delay = base * (1 << (attempt - 1));
      clock.Advance(delay - milliseconds(1));
      ExpectNothingDue(queue);  // due only when the whole delay has passed
      clock.Advance(milliseconds(1));
      Job retried = MustLease(queue);
      CHECK(retried.run_at == failed_at + delay.count());
      CHECK(retried.last_error == "boom " + std::to_string(attempt));
      REQUIRE(queue.Release(retried).ok());
    }

    Job last = MustLease(queue);
    CHECK(last.attempts == 3);
    REQUIRE(queue.Fail(last, "final error", true, base).ok());
    clock.Advance(base * 8);
    ExpectNothingDue(queue);

    QueueStats stats = MustStats(queue);
    CHECK(stats.queued == 0);
    CHECK(stats.dead == 1);
    Result<std::vector<Job>> dead = queue.ListDead(10);
    REQUIRE(dead.ok());
    REQUIRE(dead->size() == 1);
    CHECK((*dead)[0].id == last.id);
    CHECK((*dead)[0].state == JobState::kDead);
    CHECK((*dead)[0].last_error == "final error");

    Result<Job> fresh = queue.Enqueue(NewJob("s1"));
    REQUIRE(fresh.ok());
    CHECK(fresh->id != last.id);
  });
}

TEST_CASE("A non-retryable failure dead-letters the job at once") {
  ForEachQueue([](JobQueue& queue) {
    REQUIRE(queue.Enqueue(NewJob("s1")).ok());
    Job leased = MustLease(queue);
    REQUIRE(queue.Fail(leased, "bad session", false, milliseconds(1)).ok());
    ExpectNothingDue(queue);
    Result<std::vector<Job>> dead = queue.ListDead(10);
    REQUIRE(dead.ok());
    REQUIRE(dead->size() == 1);
    CHECK((*dead)[0].last_error == "bad session");
    CHECK((*dead)[0].attempts == 1);
  });
}

TEST_CASE("A worker killed mid-job: its job is redone, done exactly once") {
  test::ManualClock clock;
  ForEachQueue(clock, [&](JobQueue& queue) {
    REQUIRE(queue.Enqueue(NewJob("s1")).ok());
    Job crashed = MustLease(queue, milliseconds(50));
    Result<int> nothing = queue.SweepExpired();
    REQUIRE(nothing.ok());
    CHECK(*nothing == 0);
    clock.Advance(milliseconds(100));

    Result<int> swept = queue.SweepExpired();
    REQUIRE_MESSAGE(swept.ok(), swept.status().ToString());
    CHECK(*swept == 1);
    Job redo = MustLease(queue);
    CHECK(redo.id == crashed.id);
    CHECK(redo.attempts == 2);
    CHECK(redo.lease_token != crashed.lease_token);

    CHECK(queue.Ack(crashed).code() == StatusCode::kFailedPrecondition);
    CHECK(queue.Extend(crashed, kLease).code() == StatusCode::kFailedPrecondition);
    CHECK(queue.Fail(crashed, "late", true, milliseconds(1)).code() ==
          StatusCode::kFailedPrecondition);
    CHECK(queue.Ack(redo).ok());
    CHECK(queue.Ack(redo).code() == StatusCode::kFailedPrecondition);
    ExpectNothingDue(queue);
    QueueStats stats = MustStats(queue);
    CHECK(stats.queued + stats.leased + stats.dead == 0);
  });
}

TEST_CASE("Extend keeps a lease past its first deadline") {
  test::ManualClock clock;
  ForEachQueue(clock, [&](JobQueue& queue) {
    REQUIRE(queue.Enqueue(NewJob("s1")).ok());
    Job job = MustLease(queue, milliseconds(50));
    REQUIRE(queue.Extend(job, kLease).ok());
    clock.Advance(milliseconds(100));
    Result<int> swept = queue.SweepExpired();
    REQUIRE(swept.ok());
    CHECK(*swept == 0);
    CHECK(queue.Ack(job).ok());
  });
}

TEST_CASE("A released job is leased again without counting an attempt") {
  ForEachQueue([](JobQueue& queue) {
    REQUIRE(queue.Enqueue(NewJob("s1")).ok());
    Job first = MustLease(queue);
    REQUIRE(queue.Release(first).ok());
    CHECK(queue.Ack(first).code() == StatusCode::kFailedPrecondition);
    Job again = MustLease(queue);
    CHECK(again.id == first.id);
    CHECK(again.attempts == 1);
    CHECK(queue.Ack(again).ok());
  });
}

TEST_CASE("Stats count queued, leased and dead jobs") {
  ForEachQueue([](JobQueue& queue) {
    for (const char* s : {"a", "b", "c", "d"}) REQUIRE(queue.Enqueue(NewJob(s)).ok());
    Job dead = MustLease(queue);
    REQUIRE(queue.Fail(dead, "x", false, milliseconds(1)).ok());
    MustLease(queue);
    QueueStats stats = MustStats(queue);
    CHECK(stats.queued == 2);
    CHECK(stats.leased == 1);
    CHECK(stats.dead == 1);
  });
}

TEST_CASE("OpenJobQueue rejects unknown URLs and unreachable Redis servers") {
  test::TempDir dir;
  std::unique_ptr<Store> store = MustOpenStore("sqlite://" + dir.File("q.db"));
  CHECK(OpenJobQueue("kafka://x", *store).status().code() == StatusCode::kInvalidArgument);
  Result<std::unique_ptr<JobQueue>> down = OpenJobQueue("redis://127.0.0.1:1", *store);
  CHECK((down.status().code() == StatusCode::kUnavailable ||
         down.status().code() == StatusCode::kUnimplemented));
}

TEST_CASE("The Redis queue answers Unavailable on a dropped connection, then reconnects") {
  std::string redis = test::RedisUrl();
  if (redis.empty()) {
    MESSAGE("INCUERA_TEST_REDIS_URL not set: Redis case skipped");
    return;
  }
  test::TempDir dir;
  std::unique_ptr<Store> store = MustOpenStore("sqlite://" + dir.File("q.db"));
  std::unique_ptr<JobQueue> queue =
      MustOpenQueue(redis + "?prefix=t" + internal::HexEncode(internal::RandomBytes(6)), *store);
  REQUIRE(queue->Enqueue(NewJob("s1")).ok());
  REQUIRE(std::system(("redis-cli -u " + redis + " CLIENT KILL TYPE normal >/dev/null").c_str()) ==
          0);
  Result<QueueStats> first = queue->Stats();
  if (!first.ok()) {
    CHECK(first.status().code() == StatusCode::kUnavailable);
    CHECK(first.status().retryable());
  }
  Result<QueueStats> second = queue->Stats();
  REQUIRE_MESSAGE(second.ok(), second.status().ToString());
  CHECK(second->queued == 1);
}

TEST_CASE("Concurrent leasers never get the same job twice") {
  ForEachQueue([](JobQueue& queue) {
    constexpr int kJobs = 40;
    for (int i = 0; i < kJobs; ++i) {
      REQUIRE(queue.Enqueue(NewJob("s" + std::to_string(i))).ok());
    }
    std::mutex mu;
    std::multiset<std::string> seen;
    std::atomic<int> errors{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&] {
        for (;;) {
          Result<std::optional<Job>> leased = queue.Lease({}, kLease);
          if (!leased.ok()) {
            ++errors;
            return;
          }
          if (!leased->has_value()) return;
          if (!queue.Ack(**leased).ok()) ++errors;
          std::lock_guard lock(mu);
          seen.insert((*leased)->id);
        }
      });
    }
    for (std::thread& t : threads) t.join();
    CHECK(errors == 0);
    CHECK(seen.size() == kJobs);
    CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == kJobs);
  });
}

}  // namespace
}  // namespace incuera
