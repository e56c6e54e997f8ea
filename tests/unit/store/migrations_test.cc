// Migrations and OpenStore URL handling, against every backend.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>

#include "incuera/store.h"
#include "store/store_internal.h"
#include "support/test_env.h"

namespace incuera {
namespace {

// A store over a database the test can also reach directly.
struct OpenedStore {
  std::unique_ptr<internal::Database> db;
  std::unique_ptr<Store> store;
};

OpenedStore MustOpen(const std::string& url, int pool_size) {
  auto db = internal::Database::Open(url, pool_size, Env::Default());
  REQUIRE_MESSAGE(db.ok(), db.status().ToString());
  OpenedStore out{std::move(*db), nullptr};
  out.store = internal::NewSociStore(*out.db);
  return out;
}

TEST_CASE("migrations bring a fresh database to the latest version and a second run is a no-op") {
  test::TempDir dir;
  for (const std::string& url : test::StoreUrls(dir)) {
    CAPTURE(url);
    OpenedStore opened = MustOpen(url, 2);
    auto* store = &opened.store;
    CHECK(*(*store)->SchemaVersion() == 0);
    auto list = internal::EmbeddedMigrationList(opened.db->dialect());
    REQUIRE(!list.empty());
    CHECK(list.front().version == 1);
    auto applied = (*store)->Migrate();
    REQUIRE_MESSAGE(applied.ok(), applied.status().ToString());
    CHECK(*applied == static_cast<int>(list.size()));
    CHECK(*(*store)->SchemaVersion() == list.back().version);
    applied = (*store)->Migrate();
    REQUIRE(applied.ok());
    CHECK(*applied == 0);
    CHECK(*(*store)->SchemaVersion() == list.back().version);
  }
}

TEST_CASE("a failing migration is rolled back and leaves the previous version") {
  test::TempDir dir;
  for (const std::string& url : test::StoreUrls(dir)) {
    CAPTURE(url);
    OpenedStore opened = MustOpen(url, 1);
    auto* store = &opened.store;
    internal::Database& db = *opened.db;
    auto list = internal::EmbeddedMigrationList(db.dialect());
    REQUIRE((*store)->Migrate().ok());
    int latest = list.back().version;
    list.push_back({latest + 1, "9001_bad.sql",
                    "CREATE TABLE half_done (id integer); SELECT * FROM no_such_table;"});
    auto applied = internal::ApplyMigrations(db, list);
    CHECK_FALSE(applied.ok());
    CHECK(*(*store)->SchemaVersion() == latest);
    // The first statement of the bad script was rolled back with it.
    Status probe = db.With([](internal::Connection& c) {
      c.Run("SELECT COUNT(*) FROM half_done");
      return OkStatus();
    });
    CHECK_FALSE(probe.ok());
    list.back().sql = "CREATE TABLE half_done (id integer);";
    applied = internal::ApplyMigrations(db, list);
    REQUIRE_MESSAGE(applied.ok(), applied.status().ToString());
    CHECK(*applied == 1);
    CHECK(*(*store)->SchemaVersion() == latest + 1);
  }
}

TEST_CASE("a database set up by running the SQL file by hand counts as migrated") {
  test::TempDir dir;
  for (const std::string& url : test::StoreUrls(dir)) {
    CAPTURE(url);
    OpenedStore opened = MustOpen(url, 1);
    auto* store = &opened.store;
    internal::Database& db = *opened.db;
    auto list = internal::EmbeddedMigrationList(db.dialect());
    Status pasted = db.With([&](internal::Connection& c) {
      c.ExecScript(list.front().sql);
      return OkStatus();
    });
    REQUIRE_MESSAGE(pasted.ok(), pasted.ToString());
    CHECK(*(*store)->SchemaVersion() == 1);
    auto applied = (*store)->Migrate();
    REQUIRE_MESSAGE(applied.ok(), applied.status().ToString());
    CHECK(*applied == static_cast<int>(list.size()) - 1);
  }
}

TEST_CASE("migration 7 keeps the facts of sessions analysed before it searchable") {
  test::TempDir dir;
  for (const std::string& url : test::StoreUrls(dir)) {
    CAPTURE(url);
    OpenedStore opened = MustOpen(url, 1);
    auto* store = &opened.store;
    internal::Database& db = *opened.db;
    auto list = internal::EmbeddedMigrationList(db.dialect());
    auto before = list;
    before.erase(std::remove_if(before.begin(), before.end(),
                                [](const internal::Migration& m) { return m.version >= 7; }),
                 before.end());
    REQUIRE(internal::ApplyMigrations(db, before).ok());
    User owner;
    owner.email = "owner@example.com";
    owner.password_hash = "x";
    owner = *(*store)->users().Create(owner);
    Project project;
    project.owner_id = owner.id;
    project.name = project.slug = "shop";
    project = *(*store)->projects().Create(project);
    SessionStart start;
    start.project_id = project.id;
    start.client_session_id = "analysed-before";
    start.started_at = 1'700'000'000'000;
    Session session = *(*store)->sessions().Upsert(start);
    // The rows version 6's SessionFactsRepository::Put wrote.
    Status written = db.With([&](internal::Connection& c) {
      for (const auto& [kind, value] :
           {std::pair{"url", "https://shop.example/"}, std::pair{"url", "https://shop.example/pay"},
            std::pair{"click", "add to cart"}, std::pair{"console", "typeerror: x"},
            std::pair{"rage_click", ""}}) {
        std::string k = kind, v = value;
        c.Run(
            "INSERT INTO session_facts (session_id, project_id, kind, value) "
            "VALUES (:s, :p, :k, :v)",
            soci::use(session.id), soci::use(project.id), soci::use(k), soci::use(v));
      }
      return OkStatus();
    });
    REQUIRE_MESSAGE(written.ok(), written.ToString());
    auto applied = internal::ApplyMigrations(db, list);
    REQUIRE_MESSAGE(applied.ok(), applied.status().ToString());

    auto found = [&](SessionFilter f) {
      f.project_id = project.id;
      auto page = (*store)->sessions().List(f, {});
      REQUIRE(page.ok());
      return page->items.size();
    };
    SessionFilter f;
    f.visited_url = "/pay";
    CHECK(found(f) == 1);
    f.clicked_text = "to cart";
    f.console = "typeerror";
    f.rage_click = true;
    CHECK(found(f) == 1);
    f.console = "example";  // a URL, not a console line
    CHECK(found(f) == 0);
    f = {};
    f.visited_url = "example/\nhttps";  // no match spans two values
    CHECK(found(f) == 0);
  }
}

// The plan_cache_mode of the database's (only) connection.
std::string PlanCacheMode(internal::Database& db) {
  std::string mode;
  Status shown = db.With([&](internal::Connection& c) {
    c.Run("SHOW plan_cache_mode", soci::into(mode));
    return OkStatus();
  });
  REQUIRE_MESSAGE(shown.ok(), shown.ToString());
  return mode;
}

TEST_CASE(
    "a lost PostgreSQL connection is Unavailable and the next call reconnects with its settings") {
  std::string url = test::FreshPostgresDatabase();
  if (url.empty()) return;
  OpenedStore opened = MustOpen(url, 1);
  auto* store = &opened.store;
  REQUIRE((*store)->Migrate().ok());
  CHECK(PlanCacheMode(*opened.db) == "force_custom_plan");
  OpenedStore killer = MustOpen(url, 1);
  Status killed = killer.db->With([](internal::Connection& c) {
    c.Run(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
        "datname = current_database() AND pid <> pg_backend_pid()");
    return OkStatus();
  });
  REQUIRE_MESSAGE(killed.ok(), killed.ToString());
  Status lost = (*store)->Ping();
  CHECK(lost.code() == StatusCode::kUnavailable);
  CHECK(lost.retryable());
  CHECK((*store)->Ping().ok());
  CHECK((*store)->users().Count().ok());
  // The reconnected session has the settings of a new one (custom plans:
  // see ConfigurePostgres).
  CHECK(PlanCacheMode(*opened.db) == "force_custom_plan");
}

TEST_CASE("OpenStore accepts sqlite paths and rejects unknown schemes") {
  test::TempDir dir;
  auto memory = OpenStore("sqlite://:memory:", 8);
  REQUIRE_MESSAGE(memory.ok(), memory.status().ToString());
  REQUIRE((*memory)->Migrate().ok());
  User u;
  u.email = "a@b.c";
  CHECK((*memory)->users().Create(u).ok());
  CHECK(*(*memory)->users().Count() == 1);

  auto nested = OpenStore("sqlite://" + dir.File("a/b/c.db"), 2);
  REQUIRE_MESSAGE(nested.ok(), nested.status().ToString());
  CHECK((*nested)->Migrate().ok());
  CHECK(std::filesystem::exists(dir.File("a/b/c.db")));
  CHECK((*nested)->backend() == "sqlite");

  CHECK(OpenStore("mysql://x", 1).status().code() == StatusCode::kInvalidArgument);
  CHECK(OpenStore("var/incuera.db", 1).status().code() == StatusCode::kInvalidArgument);
#if !INCUERA_TEST_WITH_POSTGRES
  CHECK(OpenStore("postgresql://localhost/x", 1).status().code() == StatusCode::kUnimplemented);
#endif
}

TEST_CASE("PostgreSQL enables row level security on every table") {
  std::string url = test::FreshPostgresDatabase();
  if (url.empty()) return;
  OpenedStore opened = MustOpen(url, 1);
  REQUIRE(opened.store->Migrate().ok());
  int without_rls = -1, policies = 0, tables = 0;
  Status st = opened.db->With([&](internal::Connection& c) {
    c.Run(
        "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r' AND NOT c.relrowsecurity",
        soci::into(without_rls));
    c.Run(
        "SELECT COUNT(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = 'public' AND c.relkind = 'r'",
        soci::into(tables));
    c.Run(
        "SELECT COUNT(*) FROM pg_policies WHERE schemaname = 'public' AND "
        "policyname = 'service_role_all'",
        soci::into(policies));
    return OkStatus();
  });
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  CHECK(without_rls == 0);
  CHECK(tables >= 10);  // 0001's nine and 0005's quota_usage
  CHECK(policies == tables);
}

TEST_CASE("a role other than service_role reads no rows under row level security") {
  std::string url = test::FreshPostgresDatabase();
  if (url.empty()) return;
  OpenedStore opened = MustOpen(url, 1);
  REQUIRE(opened.store->Migrate().ok());
  User u;
  u.email = "secret@example.com";
  REQUIRE(opened.store->users().Create(u).ok());
  int as_anon = -1, as_service = -1;
  Status st = opened.db->With([&](internal::Connection& c) {
    c.ExecScript(
        "DO $$ BEGIN IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN "
        "CREATE ROLE anon NOLOGIN; END IF; END $$; "
        "GRANT SELECT ON users TO anon, service_role; SET ROLE anon");
    c.Run("SELECT COUNT(*) FROM users", soci::into(as_anon));
    c.ExecScript("RESET ROLE; SET ROLE service_role");
    c.Run("SELECT COUNT(*) FROM users", soci::into(as_service));
    c.ExecScript("RESET ROLE");
    return OkStatus();
  });
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  CHECK(as_anon == 0);
  CHECK(as_service == 1);
}

TEST_CASE("PostgreSQL URLs in both schemes and with options open the same database") {
  std::string url = test::FreshPostgresDatabase();
  if (url.empty()) return;
  std::string rest = url.substr(url.find("://"));
  for (const std::string& variant :
       {url, "postgres" + rest, url + "?application_name=incuera%20test&connect_timeout=5"}) {
    CAPTURE(variant);
    auto store = OpenStore(variant, 1);
    REQUIRE_MESSAGE(store.ok(), store.status().ToString());
    CHECK((*store)->Ping().ok());
    CHECK((*store)->backend() == "postgresql");
  }
  auto down = OpenStore("postgresql://nobody@127.0.0.1:1/x?connect_timeout=2", 1);
  CHECK(down.status().code() == StatusCode::kUnavailable);
  CHECK(down.status().message().find("nobody") == std::string::npos);
}

}  // namespace
}  // namespace incuera
