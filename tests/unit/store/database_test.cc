// The Database under the store: prepared statements kept per connection and
// the SQLite writer turn, against every backend.
#include "store/database.h"

#include <doctest/doctest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "incuera/env.h"
#include "support/test_env.h"

namespace incuera::internal {
namespace {

constexpr const char* kCount = "SELECT COUNT(*) FROM notes";
constexpr const char* kFirst = "SELECT body FROM notes ORDER BY id";
constexpr const char* kInsert = "INSERT INTO notes (id, body) VALUES (:id, :body)";

// Opens `url` with `pool_size` connections and a fresh notes table.
std::unique_ptr<Database> OpenWithNotes(const std::string& url, int pool_size) {
  auto db = Database::Open(url, pool_size, Env::Default());
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  REQUIRE((*db)
              ->With([](Connection& c) {
                c.ExecScript("CREATE TABLE notes (id integer PRIMARY KEY, body text NOT NULL)");
                return OkStatus();
              })
              .ok());
  return std::move(*db);
}

long long Count(Database& db) {
  long long n = -1;
  REQUIRE(db.With([&](Connection& c) {
              c.Run(kCount, soci::into(n));
              return OkStatus();
            }).ok());
  return n;
}

TEST_CASE("a kept statement runs again with new values and sees every later write") {
  test::TempDir dir;
  for (const std::string& url : test::StoreUrls(dir)) {
    CAPTURE(url);
    // One connection, so every call below reuses the same prepared statements.
    std::unique_ptr<Database> db = OpenWithNotes(url, 1);
    for (int i = 0; i < 20; ++i) {
      std::string body = std::string("note ").append(std::to_string(i));
      Status inserted = db->Write([&](Connection& c) {
        return c.Run(kInsert, soci::use(i), soci::use(body)).affected_rows == 1
                   ? OkStatus()
                   : Internal("not inserted");
      });
      REQUIRE_MESSAGE(inserted.ok(), inserted.ToString());
      CHECK(Count(*db) == i + 1);
    }
    // A query that matched several rows but was read for one leaves nothing
    // open: a write made through another connection is seen right after.
    std::string first;
    REQUIRE(db->With([&](Connection& c) {
                CHECK(c.Run(kFirst, soci::into(first)).got_data);
                return OkStatus();
              }).ok());
    CHECK(first == "note 0");
    auto other = Database::Open(url, 1, Env::Default());
    REQUIRE(other.ok());
    REQUIRE((*other)
                ->Write([](Connection& c) {
                  c.Run("INSERT INTO notes (id, body) VALUES (100, 'from elsewhere')");
                  return OkStatus();
                })
                .ok());
    CHECK(Count(*db) == 21);
    // A failing run (duplicate key) leaves its statement usable.
    Status duplicate = db->Write([&](Connection& c) {
      int id = 3;
      std::string body = "again";
      c.Run(kInsert, soci::use(id), soci::use(body));
      return OkStatus();
    });
    CHECK(duplicate.code() == StatusCode::kAlreadyExists);
    Status next = db->Write([&](Connection& c) {
      int id = 21;
      std::string body = "after the failure";
      c.Run(kInsert, soci::use(id), soci::use(body));
      return OkStatus();
    });
    CHECK_MESSAGE(next.ok(), next.ToString());
    CHECK(Count(*db) == 22);
  }
}

TEST_CASE("ForEachRow reads every row in order, may run other statements, and stops at an error") {
  test::TempDir dir;
  for (const std::string& url : test::StoreUrls(dir)) {
    CAPTURE(url);
    std::unique_ptr<Database> db = OpenWithNotes(url, 1);
    for (int i = 0; i < 5; ++i) {
      std::string body = std::string("note ").append(std::to_string(i));
      REQUIRE(db->Write([&](Connection& c) {
                  c.Run(kInsert, soci::use(i), soci::use(body));
                  return OkStatus();
                }).ok());
    }
    std::vector<std::string> bodies;
    std::vector<long long> counts;
    Status read = db->With([&](Connection& c) {
      std::string body;
      return c.ForEachRow(
          kFirst,
          [&] {
            bodies.push_back(body);
            long long n = 0;
            c.Run(kCount, soci::into(n));  // another statement in the middle of the rows
            counts.push_back(n);
          },
          soci::into(body));
    });
    REQUIRE_MESSAGE(read.ok(), read.ToString());
    CHECK(bodies == std::vector<std::string>{"note 0", "note 1", "note 2", "note 3", "note 4"});
    CHECK(counts == std::vector<long long>(5, 5));
    // An error from on_row stops the rows and comes back as it is; the
    // statement runs again afterwards.
    int seen = 0;
    Status stopped = db->With([&](Connection& c) {
      std::string body;
      return c.ForEachRow(
          kFirst,
          [&]() -> Status { return ++seen == 2 ? FailedPrecondition("enough") : OkStatus(); },
          soci::into(body));
    });
    CHECK(stopped.code() == StatusCode::kFailedPrecondition);
    CHECK(seen == 2);
    seen = 0;
    REQUIRE(db->With([&](Connection& c) {
                std::string body;
                return c.ForEachRow(
                    kFirst, [&] { ++seen; }, soci::into(body));
              }).ok());
    CHECK(seen == 5);
  }
}

TEST_CASE("a connection keeps at most kMaxPrepared statements and still runs the dropped ones") {
  test::TempDir dir;
  for (const std::string& url : test::StoreUrls(dir)) {
    CAPTURE(url);
    std::unique_ptr<Database> db = OpenWithNotes(url, 1);
    // More distinct texts than the cache holds: the oldest are dropped and
    // prepared again when they come back.
    const int texts = static_cast<int>(Connection::kMaxPrepared) + 20;
    for (int round = 0; round < 2; ++round) {
      for (int i = 0; i < texts; ++i) {
        long long value = -1;
        Status ran = db->With([&](Connection& c) {
          c.Run("SELECT " + std::to_string(i) + " + COUNT(*) FROM notes", soci::into(value));
          return OkStatus();
        });
        REQUIRE_MESSAGE(ran.ok(), ran.ToString());
        CHECK(value == i);
      }
    }
  }
}

TEST_CASE("writers from many threads on a pool all commit, none is refused as busy") {
  test::TempDir dir;
  for (const std::string& url : test::StoreUrls(dir)) {
    CAPTURE(url);
    std::unique_ptr<Database> db = OpenWithNotes(url, 4);
    constexpr int kThreads = 8, kPerThread = 40;
    std::atomic<int> failures{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < kThreads; ++t) {
      threads.emplace_back([&, t] {
        for (int i = 0; i < kPerThread; ++i) {
          int id = t * kPerThread + i;
          std::string body = std::string("t").append(std::to_string(t));
          Status s = i % 2 == 0 ? db->InTransaction([&](Connection& c) {
            c.Run(kInsert, soci::use(id), soci::use(body));
            return OkStatus();
          })
                                : db->Write([&](Connection& c) {
                                    c.Run(kInsert, soci::use(id), soci::use(body));
                                    return OkStatus();
                                  });
          if (!s.ok()) ++failures;
        }
      });
    }
    for (std::thread& t : threads) t.join();
    CHECK(failures == 0);
    CHECK(Count(*db) == kThreads * kPerThread);
  }
}

}  // namespace
}  // namespace incuera::internal
