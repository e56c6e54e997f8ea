// The orphan sweep (lifecycle.h) on every database and object store backend:
// files of sessions whose row is gone are removed once they have settled,
// everything else is kept, and bounded runs cover the whole store.
#include <doctest/doctest.h>

#include <functional>
#include <string>
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

// An Engine per database (SQLite, PostgreSQL) and object store (file, S3).
// The S3 bucket is shared with earlier cases, whose files are orphans here
// (their rows are in other databases): counts are checked as at least what
// this case made, and each session's files one by one.
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
      options.secret_key = "orphans-test-secret-key-0123456789abcdef";
      auto engine = Engine::Open(options);
      REQUIRE_MESSAGE(engine.ok(), engine.status().ToString());
      body(**engine);
    }
  }
}

// A session of a fresh project with `files` files in the object store.
std::string AddSession(Engine& e, int files) {
  User owner;
  owner.email = "o-" + NewUuid().substr(0, 8) + "@example.com";
  owner.password_hash = "x";
  auto user = internal::StoreOf(e).users().Create(owner);
  REQUIRE(user.ok());
  Project p;
  p.owner_id = user->id;
  p.name = p.slug = "orphans";
  auto project = internal::StoreOf(e).projects().Create(p);
  REQUIRE(project.ok());
  SessionStart start;
  start.project_id = project->id;
  start.client_session_id = NewUuid();
  auto s = internal::StoreOf(e).sessions().Upsert(start);
  REQUIRE(s.ok());
  for (int i = 0; i < files; ++i) {
    std::string key = SessionObjectPrefix(s->id) + "keyframes/" + std::to_string(i) + ".jpg";
    REQUIRE(e.objects().Put(key, "jpg", "image/jpeg").ok());
  }
  return s->id;
}

int FilesOf(Engine& e, const std::string& id) {
  auto page = e.objects().List(SessionObjectPrefix(id), "", 1000);
  REQUIRE(page.ok());
  return static_cast<int>(page->objects.size());
}

std::int64_t OrphanCounter(Engine& e) {
  auto all = internal::StoreOf(e).counters().All();
  REQUIRE(all.ok());
  auto it = all->find(std::string(kOrphanObjectsCounter));
  return it == all->end() ? 0 : it->second;
}

TEST_CASE("The orphan sweep removes settled files of sessions that are gone, and nothing else") {
  ForEachBackend([](Engine& e) {
    std::string kept = AddSession(e, 2);
    std::string gone = AddSession(e, 3);
    std::string also_gone = AddSession(e, 1);
    // Rows removed without their files: a removal stopped half-way.
    REQUIRE(internal::StoreOf(e).sessions().Delete(gone).ok());
    REQUIRE(internal::StoreOf(e).sessions().Delete(also_gone).ok());
    // Not a session's file: left alone.
    REQUIRE(e.objects().Put("sessions/shared/readme.txt", "x", "").ok());
    std::int64_t counted = OrphanCounter(e);

    // Within the grace period (a render may still be writing): kept.
    auto early = SweepOrphanObjects(e, NowMs(), "");
    REQUIRE_MESSAGE(early.ok(), early.status().ToString());
    CHECK(early->objects_removed == 0);
    CHECK(FilesOf(e, gone) == 3);

    auto later = SweepOrphanObjects(e, NowMs() + 2 * 3600 * 1000, "");
    REQUIRE_MESSAGE(later.ok(), later.status().ToString());
    CHECK(later->objects_removed >= 4);
    CHECK(later->sessions_cleared >= 2);
    CHECK(later->cursor.empty());
    CHECK(FilesOf(e, gone) == 0);
    CHECK(FilesOf(e, also_gone) == 0);
    CHECK(FilesOf(e, kept) == 2);
    CHECK(*e.objects().Exists("sessions/shared/readme.txt"));
    CHECK(OrphanCounter(e) - counted == later->objects_removed);

    auto again = SweepOrphanObjects(e, NowMs() + 2 * 3600 * 1000, "");
    REQUIRE(again.ok());
    CHECK(again->objects_removed == 0);
    REQUIRE(e.objects().DeletePrefix("sessions/shared/").ok());
  });
}

TEST_CASE("Bounded orphan sweeps continue where the last stopped and cover every session") {
  ForEachBackend([](Engine& e) {
    std::vector<std::string> gone;
    for (int i = 0; i < 6; ++i) gone.push_back(AddSession(e, 2));
    std::string kept = AddSession(e, 2);
    for (const std::string& id : gone) REQUIRE(internal::StoreOf(e).sessions().Delete(id).ok());
    OrphanSweepOptions bounded;
    bounded.max_listed = 3;
    bounded.grace = std::chrono::milliseconds(0);
    std::int64_t removed = 0;
    int runs = 0;
    std::string cursor;
    do {
      auto run = SweepOrphanObjects(e, NowMs() + 1, cursor, bounded);
      REQUIRE_MESSAGE(run.ok(), run.status().ToString());
      removed += run->objects_removed;
      cursor = run->cursor;
      ++runs;
    } while (!cursor.empty() && runs < 100);
    CHECK(removed >= 12);
    CHECK(runs >= 4);  // 14 files, 3 listed per run
    for (const std::string& id : gone) CHECK(FilesOf(e, id) == 0);
    CHECK(FilesOf(e, kept) == 2);
  });
}

}  // namespace
}  // namespace incuera
