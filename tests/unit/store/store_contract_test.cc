// One contract suite for Store, run against every backend in StoreUrls().
#include <doctest/doctest.h>

#include <algorithm>
#include <atomic>
#include <boost/json.hpp>
#include <set>
#include <thread>

#include "incuera/store.h"
#include "store/store_internal.h"
#include "support/test_env.h"

namespace incuera {
namespace {

// Opens and migrates a store for `url` on `env`'s clock, failing the test
// when it cannot.
std::unique_ptr<Store> OpenMigrated(const std::string& url, int pool_size = 4,
                                    Env& env = Env::Default()) {
  auto store = OpenStore(url, pool_size, env);
  REQUIRE_MESSAGE(store.ok(), store.status().ToString());
  auto applied = (*store)->Migrate();
  REQUIRE_MESSAGE(applied.ok(), applied.status().ToString());
  return std::move(*store);
}

// Runs `body` once per backend with a fresh, migrated store.
template <class F>
void ForEachStore(F body, int pool_size = 4) {
  test::TempDir dir;
  for (const std::string& url : test::StoreUrls(dir)) {
    CAPTURE(url);
    auto store = OpenMigrated(url, pool_size);
    body(*store);
  }
}

User MakeUser(Store& store, const std::string& email = "Owner@Example.com") {
  User u;
  u.email = email;
  u.password_hash = "hash";
  auto created = store.users().Create(u);
  REQUIRE_MESSAGE(created.ok(), created.status().ToString());
  return *created;
}

Project MakeProject(Store& store, const std::string& owner_id, const std::string& slug = "shop") {
  Project p;
  p.owner_id = owner_id;
  p.name = "Shop " + slug;
  p.slug = slug;
  auto created = store.projects().Create(p);
  REQUIRE_MESSAGE(created.ok(), created.status().ToString());
  return *created;
}

Session MakeSession(Store& store, const std::string& project_id,
                    const std::string& client_session_id, TimeMs started_at) {
  SessionStart start;
  start.project_id = project_id;
  start.client_session_id = client_session_id;
  start.started_at = started_at;
  auto s = store.sessions().Upsert(start);
  REQUIRE_MESSAGE(s.ok(), s.status().ToString());
  return *s;
}

// A realistic rrweb-like recording: a Meta and a FullSnapshot followed by
// thousands of incremental mutations, mouse moves, scrolls and inputs.
std::string RrwebRecording(int events) {
  std::string out = "[";
  TimeMs ts = 1'700'000'000'000;
  out +=
      "{\"type\":4,\"data\":{\"href\":\"https://shop.example/\",\"width\":1280,"
      "\"height\":720},\"timestamp\":" +
      std::to_string(ts) + "}";
  out +=
      ",{\"type\":2,\"data\":{\"node\":{\"type\":0,\"childNodes\":[{\"type\":2,\"tagName\":"
      "\"html\",\"attributes\":{\"lang\":\"en\"},\"childNodes\":[],\"id\":2}],\"id\":1},"
      "\"initialOffset\":{\"left\":0,\"top\":0}},\"timestamp\":" +
      std::to_string(ts) + "}";
  for (int i = 2; i < events; ++i) {
    ts += 16 + (i * 7919) % 120;
    out += ",";
    switch (i % 4) {
      case 0:
        out += "{\"type\":3,\"data\":{\"source\":1,\"positions\":[{\"x\":" +
               std::to_string((i * 31) % 1280) + ",\"y\":" + std::to_string((i * 17) % 720) +
               ",\"id\":" + std::to_string(i % 97) + ",\"timeOffset\":-12}]},";
        break;
      case 1:
        out += "{\"type\":3,\"data\":{\"source\":0,\"texts\":[],\"attributes\":[{\"id\":" +
               std::to_string(i % 211) + ",\"attributes\":{\"class\":\"btn btn-\\\"" +
               std::to_string(i) + "\\u00e9\"}}],\"removes\":[],\"adds\":[]},";
        break;
      case 2:
        out += "{\"type\":3,\"data\":{\"source\":3,\"id\":1,\"x\":0,\"y\":" +
               std::to_string(i % 4000) + "},";
        break;
      default:
        out += "{\"type\":3,\"data\":{\"source\":5,\"text\":\"caf\xc3\xa9 " + std::to_string(i) +
               "\",\"isChecked\":false,\"id\":42},";
        break;
    }
    out += "\"timestamp\":" + std::to_string(ts) + "}";
  }
  return out + "]";
}

TEST_CASE("users are created, found case-insensitively, listed and counted") {
  ForEachStore([](Store& store) {
    User u = MakeUser(store);
    CHECK(u.id.size() == 36);
    CHECK(u.email == "owner@example.com");
    CHECK(u.created_at > 0);
    auto by_email = store.users().GetByEmail("OWNER@example.COM");
    REQUIRE(by_email.ok());
    CHECK(by_email->id == u.id);
    CHECK(store.users().Get(u.id)->email == u.email);
    MakeUser(store, "admin@example.com");
    auto list = store.users().List();
    REQUIRE(list.ok());
    REQUIRE(list->size() == 2);
    CHECK((*list)[0].email == "admin@example.com");
    CHECK(*store.users().Count() == 2);
    CHECK(store.users().UpdatePassword(u.id, "new").ok());
    CHECK(store.users().Get(u.id)->password_hash == "new");
  });
}

TEST_CASE("a duplicate email is AlreadyExists and a missing user is NotFound") {
  ForEachStore([](Store& store) {
    MakeUser(store);
    User dup;
    dup.email = "owner@example.com";
    CHECK(store.users().Create(dup).status().code() == StatusCode::kAlreadyExists);
    CHECK(store.users().Get(NewUuid()).status().code() == StatusCode::kNotFound);
    CHECK(store.users().Get("not-a-uuid").status().code() == StatusCode::kNotFound);
    CHECK(store.users().GetByEmail("nobody@x").status().code() == StatusCode::kNotFound);
    CHECK(store.users().UpdatePassword(NewUuid(), "x").code() == StatusCode::kNotFound);
  });
}

TEST_CASE("projects keep settings, domains and funnel steps and enforce slug per owner") {
  ForEachStore([](Store& store) {
    User owner = MakeUser(store);
    Project p;
    p.owner_id = owner.id;
    p.name = "Shop";
    p.slug = "shop";
    p.domains = {"https://shop.example", "shop.example"};
    p.settings.min_duration_ms = 5000;
    p.settings.sample_rate = 0.25;
    p.settings.retention_days = 7;
    p.settings.funnel_steps = {{"Home", "/"}, {"Cart", "*/cart*"}};
    auto created = store.projects().Create(p);
    REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    auto got = store.projects().Get(created->id);
    REQUIRE(got.ok());
    CHECK(got->domains == p.domains);
    CHECK(got->settings.min_duration_ms == 5000);
    CHECK(got->settings.sample_rate == doctest::Approx(0.25));
    CHECK(got->settings.retention_days == 7);
    REQUIRE(got->settings.funnel_steps.size() == 2);
    CHECK(got->settings.funnel_steps[1].url_pattern == "*/cart*");
    CHECK(store.projects().GetBySlug(owner.id, "shop")->id == created->id);
    CHECK(store.projects().Create(p).status().code() == StatusCode::kAlreadyExists);

    User other = MakeUser(store, "other@example.com");
    p.owner_id = other.id;
    CHECK(store.projects().Create(p).ok());
    CHECK(store.projects().List(owner.id)->size() == 1);
    CHECK(store.projects().List("")->size() == 2);

    Project update = *got;
    update.name = "Renamed";
    update.domains = {};
    update.settings.sample_rate = 1.0;
    auto updated = store.projects().Update(update);
    REQUIRE(updated.ok());
    CHECK(updated->name == "Renamed");
    CHECK(updated->domains.empty());
    CHECK(updated->settings.sample_rate == doctest::Approx(1.0));

    Project orphan;
    orphan.owner_id = NewUuid();
    orphan.slug = "x";
    CHECK(store.projects().Create(orphan).status().code() == StatusCode::kNotFound);
    update.id = NewUuid();
    CHECK(store.projects().Update(update).status().code() == StatusCode::kNotFound);
    CHECK(store.projects().Delete(NewUuid()).code() == StatusCode::kNotFound);
    CHECK(store.projects().GetBySlug(owner.id, "nope").status().code() == StatusCode::kNotFound);
  });
}

TEST_CASE("api keys are found by hash, revoked once and touched") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    ApiKey k;
    k.project_id = p.id;
    k.name = "web";
    k.prefix = "inc_ab";
    k.hash = "h1";
    k.scope = KeyScope::kRead;
    k.expires_at = 5000;
    auto created = store.api_keys().Create(k);
    REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    auto got = store.api_keys().GetByHash("h1");
    REQUIRE(got.ok());
    CHECK(got->scope == KeyScope::kRead);
    CHECK(got->expires_at == 5000);
    CHECK(!got->revoked_at);
    CHECK(!got->last_used_at);
    CHECK(store.api_keys().Create(k).status().code() == StatusCode::kAlreadyExists);
    CHECK(store.api_keys().TouchLastUsed(created->id, 100).ok());
    CHECK(store.api_keys().Revoke(created->id, 200).ok());
    CHECK(store.api_keys().Revoke(created->id, 300).ok());
    got = store.api_keys().Get(created->id);
    CHECK(got->last_used_at == 100);
    CHECK(got->revoked_at == 200);
    CHECK(store.api_keys().ListByProject(p.id)->size() == 1);
    CHECK(store.api_keys().Revoke(NewUuid(), 1).code() == StatusCode::kNotFound);
    CHECK(store.api_keys().GetByHash("nope").status().code() == StatusCode::kNotFound);
  });
}

TEST_CASE("auth tokens are created, revoked and expired") {
  ForEachStore([](Store& store) {
    User u = MakeUser(store);
    AuthToken t{"th", u.id, 10, 1000, std::nullopt};
    CHECK(store.auth_tokens().Create(t).ok());
    CHECK(store.auth_tokens().Create(t).code() == StatusCode::kAlreadyExists);
    CHECK(store.auth_tokens().Get("th")->expires_at == 1000);
    CHECK(store.auth_tokens().Revoke("th", 50).ok());
    CHECK(store.auth_tokens().Get("th")->revoked_at == 50);
    CHECK(store.auth_tokens().Revoke("missing", 50).code() == StatusCode::kNotFound);
    CHECK(store.auth_tokens().DeleteExpired(1000).ok());
    CHECK(store.auth_tokens().Get("th").status().code() == StatusCode::kNotFound);
  });
}

TEST_CASE("revoking a user's tokens ends all of theirs, keeps old revocations and others' tokens") {
  ForEachStore([](Store& store) {
    User ana = MakeUser(store, "ana@example.com");
    User bob = MakeUser(store, "bob@example.com");
    CHECK(store.auth_tokens().Create({"a1", ana.id, 10, 1000, std::nullopt}).ok());
    CHECK(store.auth_tokens().Create({"a2", ana.id, 10, 1000, 20}).ok());
    CHECK(store.auth_tokens().Create({"b1", bob.id, 10, 1000, std::nullopt}).ok());
    CHECK(store.auth_tokens().RevokeForUser(ana.id, 70).ok());
    CHECK(store.auth_tokens().Get("a1")->revoked_at == 70);
    CHECK(store.auth_tokens().Get("a2")->revoked_at == 20);
    CHECK(!store.auth_tokens().Get("b1")->revoked_at);
    CHECK(store.auth_tokens().RevokeForUser(NewUuid(), 80).ok());
    CHECK(store.auth_tokens().RevokeForUser("not-a-uuid", 80).ok());
  });
}

TEST_CASE("analyses are inserted, replaced and read back") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    Session s = MakeSession(store, p.id, "c1", 1000);
    Analysis a;
    a.session_id = s.id;
    a.status = AnalysisStatus::kRunning;
    CHECK(store.analyses().Put(a).ok());
    CHECK(store.analyses().Get(s.id)->status == AnalysisStatus::kRunning);
    a.status = AnalysisStatus::kCompleted;
    a.summary_json = R"({"text": "ok"})";
    a.metrics_json = "[1, 2]";
    a.model = "m";
    CHECK(store.analyses().Put(a).ok());
    auto got = store.analyses().Get(s.id);
    REQUIRE(got.ok());
    CHECK(got->status == AnalysisStatus::kCompleted);
    CHECK(got->summary_json.find("\"ok\"") != std::string::npos);
    CHECK(got->metrics_json == "[1, 2]");
    CHECK(got->action_counts_json.empty());
    CHECK(got->model == "m");
    CHECK(store.analyses().Get(NewUuid()).status().code() == StatusCode::kNotFound);
    a.session_id = NewUuid();
    CHECK(store.analyses().Put(a).code() == StatusCode::kNotFound);
  });
}

TEST_CASE("session upsert fills empty metadata and moves started_at only backwards") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    SessionStart start;
    start.project_id = p.id;
    start.client_session_id = "client-1";
    start.started_at = 2000;
    start.url = "https://shop.example/";
    auto first = store.sessions().Upsert(start);
    REQUIRE_MESSAGE(first.ok(), first.status().ToString());
    CHECK(first->status == SessionStatus::kRecording);
    CHECK(first->started_at == 2000);

    start.url = "https://shop.example/other";
    start.user_email = "me@example.com";
    start.screen_width = 1920;
    start.started_at = 3000;
    auto second = store.sessions().Upsert(start);
    REQUIRE(second.ok());
    CHECK(second->id == first->id);
    CHECK(second->url == "https://shop.example/");
    CHECK(second->user_email == "me@example.com");
    CHECK(second->screen_width == 1920);
    CHECK(second->started_at == 2000);
    start.started_at = 1500;
    CHECK(store.sessions().Upsert(start)->started_at == 1500);
    CHECK(store.sessions().GetByClientSessionId(p.id, "client-1")->id == first->id);
    CHECK(store.sessions().GetByClientSessionId(p.id, "nope").status().code() ==
          StatusCode::kNotFound);
    start.project_id = NewUuid();
    CHECK(store.sessions().Upsert(start).status().code() == StatusCode::kNotFound);
  });
}

TEST_CASE("session lifecycle: end once, transition by compare-and-set, video, counts") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    Session s = MakeSession(store, p.id, "c1", 1000);
    EventChunk chunk;
    chunk.session_id = s.id;
    chunk.seq = 0;
    chunk.codec = "none";
    chunk.payload = "[]";
    chunk.created_at = 61500;  // received, in server time
    BatchStats stats;
    stats.first_ts = 1000;
    stats.last_ts = 61000;
    REQUIRE(store.events().Append(chunk, stats).ok());

    auto inactive = store.sessions().ListInactive(70000, 10);
    REQUIRE(inactive.ok());
    REQUIRE(inactive->size() == 1);
    CHECK(store.sessions().ListInactive(60000, 10)->empty());
    CHECK(store.sessions().ListInactive(61200, 10)->empty());  // received at 61500

    // A touch postpones inactivity and never moves back; the events decide
    // the duration.
    REQUIRE(store.sessions().Touch(s.id, 80000).ok());
    REQUIRE(store.sessions().Touch(s.id, 75000).ok());
    CHECK(store.sessions().ListInactive(80000, 10)->empty());
    CHECK(store.sessions().ListInactive(80001, 10)->size() == 1);
    CHECK(store.sessions().Touch(NewUuid(), 80000).code() == StatusCode::kNotFound);
    CHECK(store.sessions().Touch("not-a-uuid", 80000).code() == StatusCode::kNotFound);

    auto ended = store.sessions().MarkEnded(s.id, 62000, "beacon");
    REQUIRE(ended.ok());
    CHECK(ended->ended_at == 62000);
    CHECK(ended->duration_ms == 60000);
    CHECK(ended->end_reason == "beacon");
    ended = store.sessions().MarkEnded(s.id, 99000, "inactivity");
    CHECK(ended->ended_at == 62000);
    CHECK(ended->end_reason == "beacon");

    // A new page of the same visit reopens a session that is still recording.
    REQUIRE(store.sessions().Reopen(s.id).ok());
    CHECK_FALSE(store.sessions().Get(s.id)->ended_at.has_value());
    CHECK(store.sessions().Reopen(NewUuid()).code() == StatusCode::kNotFound);
    REQUIRE(store.sessions().MarkEnded(s.id, 62000, "beacon").ok());

    CHECK(store.sessions()
              .Transition(s.id, SessionStatus::kRecording, SessionStatus::kCompleted)
              .ok());
    CHECK(store.sessions()
              .Transition(s.id, SessionStatus::kRecording, SessionStatus::kCompleted)
              .code() == StatusCode::kFailedPrecondition);
    CHECK(store.sessions().Reopen(s.id).code() == StatusCode::kFailedPrecondition);
    CHECK(store.sessions()
              .Transition(NewUuid(), SessionStatus::kRecording, SessionStatus::kCompleted)
              .code() == StatusCode::kNotFound);
    CHECK(store.sessions().ListEndedBefore(SessionStatus::kCompleted, 63000, 10)->size() == 1);
    CHECK(store.sessions().ListEndedBefore(SessionStatus::kCompleted, 62000, 10)->empty());
    CHECK(store.sessions()
              .Transition(s.id, SessionStatus::kCompleted, SessionStatus::kFailed, "boom")
              .ok());
    CHECK(store.sessions().Get(s.id)->failure_reason == "boom");
    CHECK(store.sessions().SetVideo(s.id, "v.mp4", "t.jpg", "k.json", 59000, 1234).ok());
    auto got = store.sessions().Get(s.id);
    CHECK(got->video_key == "v.mp4");
    CHECK(got->video_size == 1234);
    CHECK(store.sessions().SetVideo(NewUuid(), "", "", "", 0, 0).code() == StatusCode::kNotFound);
    auto counts = store.sessions().CountByStatus();
    REQUIRE(counts.ok());
    CHECK((*counts)["failed"] == 1);
    CHECK(store.sessions().Delete(s.id).ok());
    CHECK(store.sessions().Delete(s.id).code() == StatusCode::kNotFound);
  });
}

TEST_CASE("sessions are counted per project of one owner") {
  ForEachStore([](Store& store) {
    User owner = MakeUser(store);
    Project shop = MakeProject(store, owner.id, "shop");
    Project blog = MakeProject(store, owner.id, "blog");
    MakeProject(store, owner.id, "empty");
    User other = MakeUser(store, "other@example.com");
    Project theirs = MakeProject(store, other.id, "shop");
    for (int i = 0; i < 3; ++i) MakeSession(store, shop.id, "s" + std::to_string(i), 1000);
    Session discarded = MakeSession(store, blog.id, "b", 1000);
    REQUIRE(store.sessions()
                .Transition(discarded.id, SessionStatus::kRecording, SessionStatus::kDiscarded)
                .ok());
    MakeSession(store, theirs.id, "t", 1000);

    auto counts = store.sessions().CountByProject(owner.id);
    REQUIRE_MESSAGE(counts.ok(), counts.status().ToString());
    CHECK(*counts == std::map<std::string, std::int64_t>{{shop.id, 3}, {blog.id, 1}});
    CHECK(store.sessions().CountByProject(NewUuid())->empty());
    CHECK(store.sessions().CountByProject("not-a-uuid")->empty());
  });
}

TEST_CASE("storage usage sums a project's sessions; discarding events zeroes theirs") {
  ForEachStore([](Store& store) {
    User owner = MakeUser(store);
    Project p = MakeProject(store, owner.id, "shop");
    Project other = MakeProject(store, owner.id, "blog");
    Session a = MakeSession(store, p.id, "a", 1000);
    Session b = MakeSession(store, p.id, "b", 1000);
    MakeSession(store, other.id, "o", 1000);
    for (const Session& s : {a, b}) {
      EventChunk chunk;
      chunk.session_id = s.id;
      chunk.codec = "none";
      chunk.payload = RrwebRecording(50);
      chunk.raw_bytes = static_cast<std::int64_t>(chunk.payload.size());
      BatchStats stats;
      stats.raw_bytes = chunk.raw_bytes;
      REQUIRE(store.events().Append(chunk, stats).ok());
    }
    REQUIRE(store.sessions().SetObjectBytes(a.id, 7000).ok());
    CHECK(store.sessions().SetObjectBytes(NewUuid(), 1).code() == StatusCode::kNotFound);
    Session stored_a = *store.sessions().Get(a.id);
    Session stored_b = *store.sessions().Get(b.id);
    CHECK(stored_a.event_bytes > 0);
    CHECK(stored_a.event_bytes < stored_a.byte_count);  // compressed
    CHECK(stored_a.object_bytes == 7000);

    auto usage = store.sessions().Usage(p.id);
    REQUIRE_MESSAGE(usage.ok(), usage.status().ToString());
    CHECK(usage->sessions == 2);
    CHECK(usage->event_bytes == stored_a.event_bytes + stored_b.event_bytes);
    CHECK(usage->raw_event_bytes == stored_a.byte_count + stored_b.byte_count);
    CHECK(usage->object_bytes == 7000);
    CHECK(store.sessions().Usage(NewUuid())->sessions == 0);

    REQUIRE(store.events().DeleteForSession(b.id).ok());
    CHECK(store.sessions().Get(b.id)->event_bytes == 0);
    CHECK(store.sessions().Usage(p.id)->event_bytes == stored_a.event_bytes);
  });
}

TEST_CASE("sampling markers are kept once per visit, aged out, and go with their project") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    SessionRepository& sessions = store.sessions();
    CHECK_FALSE(*sessions.IsUnsampled(p.id, "v1"));
    REQUIRE(sessions.MarkUnsampled(p.id, "v1", 1000).ok());
    REQUIRE(sessions.MarkUnsampled(p.id, "v1", 5000).ok());  // the first decision's time stays
    REQUIRE(sessions.MarkUnsampled(p.id, "v2", 3000).ok());
    CHECK(*sessions.IsUnsampled(p.id, "v1"));
    CHECK_FALSE(*sessions.IsUnsampled(p.id, "v3"));
    CHECK_FALSE(*sessions.IsUnsampled("not-a-uuid", "v1"));
    // No session row is made for a marker.
    CHECK(sessions.GetByClientSessionId(p.id, "v1").status().code() == StatusCode::kNotFound);

    CHECK(*sessions.DeleteUnsampledBefore(p.id, 2000) == 1);
    CHECK_FALSE(*sessions.IsUnsampled(p.id, "v1"));
    CHECK(*sessions.IsUnsampled(p.id, "v2"));
    REQUIRE(store.projects().Delete(p.id).ok());
    CHECK_FALSE(*sessions.IsUnsampled(p.id, "v2"));
  });
}

TEST_CASE("deleting a project cascades to keys, sessions, chunks and analyses") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    ApiKey k;
    k.project_id = p.id;
    k.hash = "h";
    REQUIRE(store.api_keys().Create(k).ok());
    Session s = MakeSession(store, p.id, "c1", 1000);
    EventChunk chunk;
    chunk.session_id = s.id;
    chunk.codec = "none";
    chunk.payload = "[]";
    REQUIRE(store.events().Append(chunk, BatchStats{}).ok());
    Analysis a;
    a.session_id = s.id;
    REQUIRE(store.analyses().Put(a).ok());

    CHECK(store.projects().Delete(p.id).ok());
    CHECK(store.projects().Get(p.id).status().code() == StatusCode::kNotFound);
    CHECK(store.api_keys().GetByHash("h").status().code() == StatusCode::kNotFound);
    CHECK(store.sessions().Get(s.id).status().code() == StatusCode::kNotFound);
    CHECK(store.analyses().Get(s.id).status().code() == StatusCode::kNotFound);
    int chunks = 0;
    CHECK(store.events()
              .ForEach(s.id,
                       [&](const EventChunk&) {
                         ++chunks;
                         return OkStatus();
                       })
              .ok());
    CHECK(chunks == 0);
  });
}

TEST_CASE("session list pages newest first and stays stable under inserts") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    std::vector<std::string> ids;
    for (int i = 0; i < 25; ++i) {
      // Pairs share started_at so the id tie-break is exercised.
      ids.push_back(
          MakeSession(store, p.id, std::string("c").append(std::to_string(i)), 1000 + (i / 2) * 10)
              .id);
    }
    SessionFilter filter;
    filter.project_id = p.id;
    PageRequest page;
    page.limit = 10;
    std::vector<std::string> seen;
    int pages = 0;
    while (true) {
      auto result = store.sessions().List(filter, page);
      REQUIRE_MESSAGE(result.ok(), result.status().ToString());
      for (const auto& s : result->items) seen.push_back(s.id);
      ++pages;
      // New sessions arriving between pages (newer and older than the
      // cursor) must not shift or repeat what follows.
      MakeSession(store, p.id, "new" + std::to_string(pages), 5000);
      if (result->next_cursor.empty()) break;
      page.cursor = result->next_cursor;
    }
    CHECK(pages == 3);
    REQUIRE(seen.size() == 25);
    CHECK(std::set<std::string>(seen.begin(), seen.end()).size() == 25);
    auto full = store.sessions().List(filter, PageRequest{"", 500});
    std::vector<std::string> expected;
    for (const auto& s : full->items) {
      if (s.client_session_id.rfind("new", 0) != 0) expected.push_back(s.id);
    }
    CHECK(seen == expected);
    page.cursor = "!!bad";
    CHECK(store.sessions().List(filter, page).status().code() == StatusCode::kInvalidArgument);
  });
}

TEST_CASE("session list applies every filter") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    SessionStart a;
    a.project_id = p.id;
    a.client_session_id = "a";
    a.user_email = "Alice@Example.com";
    a.url = "https://shop.example/cart_page";
    a.started_at = 1000;
    REQUIRE(store.sessions().Upsert(a).ok());
    SessionStart b = a;
    b.client_session_id = "b";
    b.user_email = "";
    b.user_id = "bob-42";
    b.url = "https://shop.example/home";
    b.started_at = 5000;
    auto sb = store.sessions().Upsert(b);
    REQUIRE(sb.ok());
    EventChunk chunk;
    chunk.session_id = sb->id;
    chunk.codec = "none";
    chunk.payload = "[]";
    BatchStats stats;
    stats.first_ts = 5000;
    stats.last_ts = 65000;
    stats.error_count = 2;
    REQUIRE(store.events().Append(chunk, stats).ok());
    REQUIRE(store.sessions().MarkEnded(sb->id, 70000, "stop").ok());
    REQUIRE(store.sessions()
                .Transition(sb->id, SessionStatus::kRecording, SessionStatus::kCompleted)
                .ok());

    auto count = [&](SessionFilter f) {
      f.project_id = p.id;
      auto r = store.sessions().List(f, PageRequest{});
      REQUIRE_MESSAGE(r.ok(), r.status().ToString());
      return r->items.size();
    };
    CHECK(count({}) == 2);
    SessionFilter f;
    f.status = SessionStatus::kCompleted;
    CHECK(count(f) == 1);
    f = {};
    f.user = "alice";
    CHECK(count(f) == 1);
    f.user = "BOB-4";
    CHECK(count(f) == 1);
    f = {};
    f.url = "cart_";
    CHECK(count(f) == 1);
    f.url = "%";
    CHECK(count(f) == 0);
    f = {};
    f.min_duration_ms = 30000;
    CHECK(count(f) == 1);
    f = {};
    f.has_errors = true;
    CHECK(count(f) == 1);
    f.has_errors = false;
    CHECK(count(f) == 1);
    f = {};
    f.started_after = 5000;
    CHECK(count(f) == 1);
    f = {};
    f.started_before = 5000;
    CHECK(count(f) == 1);
    f.project_id = NewUuid();
    CHECK(store.sessions().List(f, PageRequest{})->items.empty());
  });
}

TEST_CASE("appending a chunk updates the session counters in the same transaction") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    Session s = MakeSession(store, p.id, "c1", 5000);
    EventChunk chunk;
    chunk.session_id = s.id;
    chunk.seq = 0;
    chunk.codec = "none";
    chunk.payload = R"([{"type":4,"timestamp":4000}])";
    BatchStats stats{3, 30, 4000, 9000, 1, 1, "https://first.example/"};
    auto r = store.events().Append(chunk, stats);
    REQUIRE_MESSAGE(r.ok(), r.status().ToString());
    CHECK(r->stored);
    CHECK(r->seq == 0);
    auto got = store.sessions().Get(s.id);
    CHECK(got->event_count == 3);
    CHECK(got->byte_count == 30);
    CHECK(got->chunk_count == 1);
    CHECK(got->error_count == 1);
    CHECK(got->page_count == 1);
    CHECK(got->last_event_at == 9000);
    CHECK(got->started_at == 4000);
    CHECK(got->url == "https://first.example/");

    r = store.events().Append(chunk, stats);
    REQUIRE(r.ok());
    CHECK_FALSE(r->stored);
    CHECK(store.sessions().Get(s.id)->event_count == 3);

    chunk.seq = -1;
    stats.last_ts = 8000;
    stats.first_url = "https://second.example/";
    r = store.events().Append(chunk, stats);
    CHECK(r->seq == 1);
    got = store.sessions().Get(s.id);
    CHECK(got->chunk_count == 2);
    CHECK(got->last_event_at == 9000);
    CHECK(got->url == "https://first.example/");

    chunk.session_id = NewUuid();
    CHECK(store.events().Append(chunk, stats).status().code() == StatusCode::kNotFound);
    chunk.session_id = s.id;
    chunk.codec = "gzip";
    CHECK(store.events().Append(chunk, stats).status().code() == StatusCode::kInvalidArgument);
    chunk.codec = "zstd";  // claims to be compressed but is raw JSON
    CHECK(store.events().Append(chunk, stats).status().code() == StatusCode::kInvalidArgument);

    // Once the session is no longer recording nothing is added to it.
    REQUIRE(store.sessions().MarkEnded(s.id, 9500, "end").ok());
    REQUIRE(store.sessions()
                .Transition(s.id, SessionStatus::kRecording, SessionStatus::kCompleted)
                .ok());
    chunk.codec = "none";
    chunk.seq = 7;
    Status refused = store.events().Append(chunk, stats).status();
    CHECK(refused.code() == StatusCode::kFailedPrecondition);
    CHECK(refused.message().find("completed") != std::string::npos);
    CHECK(store.sessions().Get(s.id)->chunk_count == 2);
  });
}

TEST_CASE("a real rrweb recording round-trips byte-identically through compressed chunks") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    Session s = MakeSession(store, p.id, "c1", 1000);
    std::vector<std::string> batches;
    for (int i = 0; i < 5; ++i) batches.push_back(RrwebRecording(1000 + i * 250));
    batches.push_back(std::string("[\"\\u0000\",\"\x01\x02\xff\"]"));  // odd bytes survive
    for (const auto& batch : batches) {
      EventChunk chunk;
      chunk.session_id = s.id;
      chunk.seq = -1;
      chunk.codec = "none";
      chunk.payload = batch;
      chunk.raw_bytes = static_cast<std::int64_t>(batch.size());
      REQUIRE(store.events().Append(chunk, BatchStats{}).ok());
    }
    std::vector<std::string> back;
    Status st = store.events().ForEach(s.id, [&](const EventChunk& c) {
      CHECK(c.codec == "none");
      CHECK(c.seq == static_cast<std::int64_t>(back.size()));
      CHECK(c.raw_bytes == static_cast<std::int64_t>(c.payload.size()));
      back.push_back(c.payload);
      return OkStatus();
    });
    REQUIRE_MESSAGE(st.ok(), st.ToString());
    REQUIRE(back.size() == batches.size());
    for (size_t i = 0; i < batches.size(); ++i) CHECK(back[i] == batches[i]);

    int visited = 0;
    st = store.events().ForEach(s.id, [&](const EventChunk&) {
      ++visited;
      return Internal("stop");
    });
    CHECK(st.code() == StatusCode::kInternal);
    CHECK(visited == 1);
    CHECK(store.events().DeleteForSession(s.id).ok());
    visited = 0;
    CHECK(store.events()
              .ForEach(s.id,
                       [&](const EventChunk&) {
                         ++visited;
                         return OkStatus();
                       })
              .ok());
    CHECK(visited == 0);
  });
}

// Appends `events` (a JSON array) under the next seq, with its times.
void AppendBatch(Store& store, const std::string& session_id, const std::string& events,
                 TimeMs first_ts, TimeMs last_ts, std::int64_t event_count = 1) {
  EventChunk chunk;
  chunk.session_id = session_id;
  chunk.seq = -1;
  chunk.codec = "none";
  chunk.payload = events;
  chunk.first_ts = first_ts;
  chunk.last_ts = last_ts;
  chunk.event_count = event_count;
  chunk.raw_bytes = static_cast<std::int64_t>(events.size());
  chunk.created_at = first_ts;
  auto appended = store.events().Append(chunk, BatchStats{});
  REQUIRE_MESSAGE(appended.ok(), appended.status().ToString());
}

// The session's chunks as (seq, raw bytes), read back through ForEach.
std::vector<std::pair<std::int64_t, std::int64_t>> ChunkList(Store& store, const std::string& id) {
  std::vector<std::pair<std::int64_t, std::int64_t>> out;
  Status st = store.events().ForEach(id, [&](const EventChunk& c) {
    CHECK(c.raw_bytes == static_cast<std::int64_t>(c.payload.size()));
    out.emplace_back(c.seq, c.raw_bytes);
    return OkStatus();
  });
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  return out;
}

void Complete(Store& store, const std::string& id) {
  REQUIRE(store.sessions().MarkEnded(id, 1, "end").ok());
  REQUIRE(
      store.sessions().Transition(id, SessionStatus::kRecording, SessionStatus::kCompleted).ok());
}

TEST_CASE("compacting an ended session keeps its events and shrinks them") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    Session s = MakeSession(store, p.id, "c1", 1000);
    // 40 small batches of one recording (as an SDK sends them), an empty one
    // and one with odd bytes.
    std::string recording = RrwebRecording(2000);
    std::string_view inner(recording);
    inner = inner.substr(1, inner.size() - 2);
    std::vector<std::string> events;
    for (std::size_t at = 0; at < inner.size();) {
      std::size_t next = inner.find(",{\"type\"", at);
      if (next == std::string_view::npos) next = inner.size();
      events.emplace_back(inner.substr(at, next - at));
      at = next + 1;
    }
    REQUIRE(events.size() == 2000);
    for (int b = 0; b < 40; ++b) {
      std::string batch = "[";
      for (int i = 0; i < 50; ++i) batch += (i ? "," : "") + events[b * 50 + i];
      AppendBatch(store, s.id, batch + "]", 1000 + b * 10, 1009 + b * 10, 50);
    }
    AppendBatch(store, s.id, "[]", 0, 0, 0);
    AppendBatch(store, s.id, "[ \"\\u0000\",\"\x01\x02\xff\" ]", 2000, 2001, 2);
    auto before = ReadSessionEventsJson(store, s.id);
    REQUIRE(before.ok());

    CHECK(store.events().Compact(s.id).status().code() == StatusCode::kFailedPrecondition);
    CHECK(store.events().Compact(NewUuid()).status().code() == StatusCode::kNotFound);
    CHECK(store.events().Compact("nope").status().code() == StatusCode::kNotFound);
    const std::int64_t appended_bytes = store.sessions().Get(s.id)->event_bytes;
    Complete(store, s.id);
    auto compacted = store.events().Compact(s.id);
    REQUIRE_MESSAGE(compacted.ok(), compacted.status().ToString());
    CHECK(compacted->chunks_before == 42);
    CHECK(compacted->chunks_after == 1);
    CHECK(compacted->stored_bytes_after * 3 < compacted->stored_bytes_before * 2);
    // The session's storage follows its chunks as stored, batch by batch and
    // through compaction.
    CHECK(appended_bytes == compacted->stored_bytes_before);
    CHECK(store.sessions().Get(s.id)->event_bytes == compacted->stored_bytes_after);

    auto after = ReadSessionEventsJson(store, s.id);
    REQUIRE(after.ok());
    CHECK(*after == *before);
    std::vector<EventChunk> chunks;
    REQUIRE(store.events()
                .ForEach(s.id,
                         [&](const EventChunk& c) {
                           chunks.push_back(c);
                           return OkStatus();
                         })
                .ok());
    REQUIRE(chunks.size() == 1);
    CHECK(chunks[0].seq == 0);
    CHECK(chunks[0].event_count == 40 * 50 + 2);
    CHECK(chunks[0].first_ts == 1000);
    CHECK(chunks[0].last_ts == 2001);
    CHECK(chunks[0].created_at == 1000);
    CHECK(chunks[0].raw_bytes == static_cast<std::int64_t>(after->size()));

    auto again = store.events().Compact(s.id);
    REQUIRE(again.ok());
    CHECK(again->chunks_before == 1);
    CHECK(again->chunks_after == 1);
    CHECK(again->stored_bytes_after == compacted->stored_bytes_after);
    CHECK(*ReadSessionEventsJson(store, s.id) == *before);
  });
}

TEST_CASE("a finalized session continues in its next part, linked both ways, once") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    SessionStart first_start;
    first_start.project_id = p.id;
    first_start.client_session_id = "visit";
    first_start.user_id = "u1";
    first_start.started_at = 1000;
    Session first = *store.sessions().Upsert(first_start);
    CHECK(first.part == 1);
    CHECK(first.previous_id.empty());
    CHECK(first.next_id.empty());
    Complete(store, first.id);
    first = *store.sessions().Get(first.id);

    SessionStart back;
    back.url = "https://shop.example/again";
    back.started_at = 5000;
    Result<Session> second = store.sessions().Continue(first, back);
    REQUIRE_MESSAGE(second.ok(), second.status().ToString());
    CHECK(second->client_session_id == "visit#2");
    CHECK(second->project_id == p.id);
    CHECK(second->part == 2);
    CHECK(second->previous_id == first.id);
    CHECK(second->user_id == "u1");
    CHECK(second->url == "https://shop.example/again");
    CHECK(second->started_at == 5000);
    CHECK(second->status == SessionStatus::kRecording);
    CHECK(store.sessions().Get(first.id)->next_id == second->id);
    // Two servers opening the same part get the same row.
    Result<Session> again = store.sessions().Continue(first, back);
    REQUIRE(again.ok());
    CHECK(again->id == second->id);
    // Deleting a part leaves the other without a dangling link.
    REQUIRE(store.sessions().Delete(second->id).ok());
    CHECK(store.sessions().Get(first.id)->next_id.empty());
  });
}

TEST_CASE("whether a seq was stored is known before and after compaction") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    Session s = MakeSession(store, p.id, "seqs", 1000);
    for (int i = 0; i < 4; ++i)
      AppendBatch(store, s.id, "[{\"i\":" + std::to_string(i) + "}]", 1000 + i, 1000 + i);
    CHECK(*store.events().HasSeq(s.id, 3));
    CHECK_FALSE(*store.events().HasSeq(s.id, 4));
    Complete(store, s.id);
    REQUIRE(store.events().Compact(s.id).ok());
    REQUIRE(ChunkList(store, s.id).size() == 1);
    for (int seq = 0; seq < 4; ++seq) CHECK(*store.events().HasSeq(s.id, seq));
    CHECK_FALSE(*store.events().HasSeq(s.id, 4));
  });
}

TEST_CASE("chunks with a content hash are stored once per session and listed newest first") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    Session s = MakeSession(store, p.id, "hashes", 1000);
    auto append = [&](const std::string& hash, std::int64_t events) {
      EventChunk chunk;
      chunk.session_id = s.id;
      chunk.seq = -1;
      chunk.codec = "none";
      chunk.payload = "[{}]";
      chunk.event_count = events;
      chunk.content_hash = hash;
      return store.events().Append(chunk, BatchStats{events, 4, 1000, 1000, 0, 0, ""});
    };
    CHECK(append("aa", 1)->stored);
    CHECK(append("bb", 2)->stored);
    CHECK_FALSE(append("aa", 1)->stored);
    CHECK(append("", 1)->stored);  // without a hash: no content rule
    CHECK(store.sessions().Get(s.id)->event_count == 4);
    Result<std::vector<ChunkContent>> recent = store.events().RecentContent(s.id, 16);
    REQUIRE(recent.ok());
    REQUIRE(recent->size() == 2);
    CHECK((*recent)[0].content_hash == "bb");
    CHECK((*recent)[0].event_count == 2);
    CHECK((*recent)[1].content_hash == "aa");
  });
}

TEST_CASE("a compacted chunk keeps the identities of the newest batches without seq it merged") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    Session s = MakeSession(store, p.id, "kept", 1000);
    // 20 batches without seq (hashes as long as real ones), one with seq among them
    // (it has no content hash).
    auto hash = [](int i) {
      return std::string(62, 'a') + (i < 10 ? "0" : "") + std::to_string(i);
    };
    for (int i = 0; i < 20; ++i) {
      EventChunk chunk;
      chunk.session_id = s.id;
      chunk.seq = -1;
      chunk.codec = "none";
      chunk.payload = "[{},{}]";
      chunk.event_count = 2 + i;  // a count of its own per batch, to see it kept
      chunk.content_hash = hash(i);
      REQUIRE(store.events().Append(chunk, BatchStats{2, 7, 1000, 1000, 0, 0, ""})->stored);
      if (i == 10) AppendBatch(store, s.id, "[{}]", 1000, 1000);
    }
    Complete(store, s.id);
    REQUIRE(store.events().Compact(s.id).ok());
    REQUIRE(ChunkList(store, s.id).size() == 1);
    Result<std::vector<ChunkContent>> recent = store.events().RecentContent(s.id, 100);
    REQUIRE(recent.ok());
    REQUIRE(recent->size() == kChunkIdentitiesKept);  // the newest 16, newest first
    for (std::size_t k = 0; k < recent->size(); ++k) {
      CHECK((*recent)[k].content_hash == hash(19 - static_cast<int>(k)));
      CHECK((*recent)[k].event_count == 2 + 19 - static_cast<std::int64_t>(k));
    }
    Result<std::vector<ChunkContent>> two = store.events().RecentContent(s.id, 2);
    REQUIRE(two.ok());
    REQUIRE(two->size() == 2);
    CHECK((*two)[1].content_hash == hash(18));
    // Compacting again changes nothing.
    REQUIRE(store.events().Compact(s.id).ok());
    CHECK(store.events().RecentContent(s.id, 100)->size() == kChunkIdentitiesKept);
  });
}

TEST_CASE("compaction fills chunks up to 4 MiB of events and leaves larger ones alone") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    Session s = MakeSession(store, p.id, "c1", 1000);
    auto batch = [](char fill, std::size_t bytes) {
      return "[{\"type\":3,\"timestamp\":1,\"data\":\"" + std::string(bytes, fill) + "\"}]";
    };
    const std::size_t mib = std::size_t{1} << 20;
    for (char c : {'a', 'b', 'c'}) AppendBatch(store, s.id, batch(c, mib + mib / 2), 1, 1);
    AppendBatch(store, s.id, batch('d', 5 * mib), 1, 1);
    AppendBatch(store, s.id, batch('e', 10), 1, 1);
    auto before = ReadSessionEventsJson(store, s.id);
    REQUIRE(before.ok());
    Complete(store, s.id);
    auto compacted = store.events().Compact(s.id);
    REQUIRE_MESSAGE(compacted.ok(), compacted.status().ToString());
    CHECK(compacted->chunks_before == 5);
    CHECK(compacted->chunks_after == 4);  // a+b, c, d, e
    auto chunks = ChunkList(store, s.id);
    REQUIRE(chunks.size() == 4);
    CHECK(chunks[0].first == 0);
    CHECK(chunks[1].first == 2);
    CHECK(chunks[2].first == 3);
    CHECK(chunks[3].first == 4);
    CHECK(*ReadSessionEventsJson(store, s.id) == *before);
    CHECK(store.events().Compact(s.id)->chunks_after == 4);
  });
}

TEST_CASE("a reader that finds chunks compacted mid-way still gets every event once, in order") {
  // The dashboard streams a session's events while the worker compacts it
  // (right after the session ends): the stream must neither break nor repeat.
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    for (int compact_after : {1, 3, 5}) {
      CAPTURE(compact_after);
      Session s = MakeSession(store, p.id, "c" + std::to_string(compact_after), 1000);
      for (int i = 0; i < 6; ++i) {
        // Strings holding the characters a careless split would stop at.
        std::string n = std::to_string(i);
        AppendBatch(store, s.id,
                    R"([{"type":3,"timestamp":1,"data":{"text":"a,]}\"[{)" + n +
                        R"("}} , {"type":3,"timestamp":2,"data":[[")" + n + R"(,"],{}]}])",
                    1, 2, 2);
      }
      auto expected = ReadSessionEventsJson(store, s.id);
      REQUIRE(expected.ok());
      Complete(store, s.id);
      int visited = 0;
      std::string joined = "[";
      Status st = store.events().ForEach(s.id, [&](const EventChunk& chunk) {
        std::string_view inner(chunk.payload);
        inner = inner.substr(1, inner.size() - 2);
        if (!inner.empty()) joined += (joined.size() > 1 ? "," : "") + std::string(inner);
        if (++visited == compact_after) REQUIRE(store.events().Compact(s.id).ok());
        return OkStatus();
      });
      REQUIRE_MESSAGE(st.ok(), st.ToString());
      joined += "]";
      CHECK(ChunkList(store, s.id).size() == 1);
      // Same events in the same order; only the spaces between them may differ.
      auto parsed = [](const std::string& text) {
        return boost::json::serialize(boost::json::parse(text));
      };
      CHECK(parsed(joined) == parsed(*expected));
      CHECK(visited == compact_after + 1);  // the rest came in the merged chunk
    }
  });
}

TEST_CASE("concurrent appends from 8 threads lose nothing and auto-numbering has no duplicates") {
  ForEachStore(
      [](Store& store) {
        Project p = MakeProject(store, MakeUser(store).id);
        Session s = MakeSession(store, p.id, "c1", 1000);
        constexpr int kThreads = 8, kPerThread = 25;
        std::atomic<int> failures{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
          threads.emplace_back([&, t] {
            for (int i = 0; i < kPerThread; ++i) {
              EventChunk chunk;
              chunk.session_id = s.id;
              chunk.seq = -1;
              chunk.codec = "none";
              chunk.payload = std::string("[").append(std::to_string(t * 1000 + i)) + "]";
              BatchStats stats;
              stats.event_count = 1;
              stats.raw_bytes = 10;
              stats.last_ts = 1000 + t * 100 + i;
              auto r = store.events().Append(chunk, stats);
              if (!r.ok() || !r->stored) {
                MESSAGE(r.status().ToString());
                ++failures;
              }
            }
          });
        }
        for (auto& th : threads) th.join();
        CHECK(failures == 0);
        std::set<std::int64_t> seqs;
        std::set<std::string> payloads;
        CHECK(store.events()
                  .ForEach(s.id,
                           [&](const EventChunk& c) {
                             seqs.insert(c.seq);
                             payloads.insert(c.payload);
                             return OkStatus();
                           })
                  .ok());
        CHECK(seqs.size() == kThreads * kPerThread);
        CHECK(*seqs.rbegin() == kThreads * kPerThread - 1);
        CHECK(payloads.size() == kThreads * kPerThread);
        auto got = store.sessions().Get(s.id);
        CHECK(got->event_count == kThreads * kPerThread);
        CHECK(got->chunk_count == kThreads * kPerThread);
        CHECK(got->byte_count == kThreads * kPerThread * 10);
        CHECK(got->last_event_at == 1000 + 7 * 100 + kPerThread - 1);
      },
      8);
}

TEST_CASE("concurrent retries of numbered batches store each seq once and count it once") {
  ForEachStore(
      [](Store& store) {
        Project p = MakeProject(store, MakeUser(store).id);
        Session s = MakeSession(store, p.id, "c1", 1000);
        // Every thread sends the same 40 batches (an SDK retrying on 8 tabs'
        // worth of connections), in a different order each.
        constexpr int kThreads = 8, kBatches = 40;
        std::atomic<int> stored{0}, failures{0};
        std::vector<std::thread> threads;
        for (int t = 0; t < kThreads; ++t) {
          threads.emplace_back([&, t] {
            for (int i = 0; i < kBatches; ++i) {
              int seq = (i * 7 + t * 13) % kBatches;
              EventChunk chunk;
              chunk.session_id = s.id;
              chunk.seq = seq;
              chunk.codec = "none";
              chunk.payload = "[" + std::to_string(seq) + "]";
              chunk.raw_bytes = static_cast<std::int64_t>(chunk.payload.size());
              BatchStats stats;
              stats.event_count = 2;
              stats.raw_bytes = 10;
              stats.last_ts = 1000 + seq;
              auto r = store.events().Append(chunk, stats);
              if (!r.ok() || r->seq != seq) ++failures;
              if (r.ok() && r->stored) ++stored;
            }
          });
        }
        for (auto& th : threads) th.join();
        CHECK(failures == 0);
        CHECK(stored == kBatches);
        auto got = store.sessions().Get(s.id);
        CHECK(got->event_count == 2 * kBatches);
        CHECK(got->chunk_count == kBatches);
        CHECK(got->byte_count == 10 * kBatches);
        CHECK(got->last_event_at == 1000 + kBatches - 1);
        CHECK(ChunkList(store, s.id).size() == kBatches);

        EventChunk late;
        late.session_id = NewUuid();
        late.seq = 3;
        late.codec = "none";
        late.payload = "[]";
        CHECK(store.events().Append(late, BatchStats{}).status().code() == StatusCode::kNotFound);
      },
      8);
}

TEST_CASE("the store answers ping, names its backend and opens its job queue") {
  ForEachStore([](Store& store) {
    CHECK(store.Ping().ok());
    CHECK((store.backend() == "sqlite" || store.backend() == "postgresql"));
    Result<std::unique_ptr<JobQueue>> queue = store.OpenQueue();
    REQUIRE_MESSAGE(queue.ok(), queue.status().ToString());
    CHECK((*queue)->backend() == "db");
  });
}

TEST_CASE("the times the store fills in come from the Env's clock") {
  test::TempDir dir;
  for (const std::string& url : test::StoreUrls(dir)) {
    CAPTURE(url);
    test::ManualClock clock;
    clock.Advance(std::chrono::hours(24 * 365));  // a year ahead of the real time
    auto store = OpenMigrated(url, 2, clock);
    User user = MakeUser(*store);
    CHECK(user.created_at == clock.NowMs());
    Project project = MakeProject(*store, user.id);
    CHECK(project.created_at == clock.NowMs());
    clock.Advance(std::chrono::minutes(5));
    Session session = MakeSession(*store, project.id, "visit", 1000);
    CHECK(session.created_at == clock.NowMs());
    clock.Advance(std::chrono::minutes(5));
    auto ended = store->sessions().MarkEnded(session.id, 2000, "beacon");
    REQUIRE(ended.ok());
    CHECK(ended->updated_at == clock.NowMs());
    Result<std::unique_ptr<JobQueue>> queue = store->OpenQueue();
    REQUIRE(queue.ok());
    Result<Job> job = QueueSessionJob(**queue, JobKind::kRender, session.id, 3);
    REQUIRE(job.ok());
    CHECK(job->created_at == clock.NowMs());
    CHECK(job->run_at == clock.NowMs());
  }
}

TEST_CASE("notes are stored with their author, listed by time and deleted with their session") {
  ForEachStore([](Store& store) {
    User owner = MakeUser(store);
    Project p = MakeProject(store, owner.id);
    Session s = MakeSession(store, p.id, "c1", 1000);
    Session other = MakeSession(store, p.id, "c2", 2000);
    Note late;
    late.session_id = s.id;
    late.author_id = owner.id;
    late.at_ms = 5000;
    late.text = "checkout button does nothing\nsee 00:05";
    auto created = store.notes().Create(late);
    REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    CHECK(created->id.size() == 36);
    CHECK(created->created_at > 0);
    CHECK(created->author_email == "owner@example.com");
    CHECK(created->text == late.text);
    Note early = late;
    early.at_ms = 1000;
    early.text = "caf\xc3\xa9";
    REQUIRE(store.notes().Create(early).ok());
    Note elsewhere = late;
    elsewhere.session_id = other.id;
    REQUIRE(store.notes().Create(elsewhere).ok());

    auto listed = store.notes().ListBySession(s.id);
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 2);
    CHECK((*listed)[0].at_ms == 1000);
    CHECK((*listed)[0].text == "caf\xc3\xa9");
    CHECK((*listed)[1].id == created->id);
    CHECK(store.notes().Get(created->id)->session_id == s.id);
    CHECK(store.notes().ListBySession(NewUuid())->empty());
    CHECK(store.notes().ListBySession("not-an-id")->empty());

    Note orphan = late;
    orphan.session_id = NewUuid();
    CHECK(store.notes().Create(orphan).status().code() == StatusCode::kNotFound);
    orphan.session_id = s.id;
    orphan.author_id = NewUuid();
    CHECK(store.notes().Create(orphan).status().code() == StatusCode::kNotFound);
    Note negative = late;
    negative.at_ms = -1;
    CHECK(store.notes().Create(negative).status().code() == StatusCode::kInvalidArgument);

    CHECK(store.notes().Delete(created->id).ok());
    CHECK(store.notes().Delete(created->id).code() == StatusCode::kNotFound);
    CHECK(store.notes().Get(created->id).status().code() == StatusCode::kNotFound);
    REQUIRE(store.sessions().Delete(s.id).ok());
    CHECK(store.notes().ListBySession(s.id)->empty());
    CHECK(store.notes().ListBySession(other.id)->size() == 1);
  });
}

TEST_CASE("saved filters keep their parameters, are unique by name and go with their project") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    SavedFilter f;
    f.project_id = p.id;
    f.name = "Broken checkouts";
    f.filters = {{"visited_url", "/checkout"}, {"failed_request", "true"}};
    auto created = store.saved_filters().Create(f);
    REQUIRE_MESSAGE(created.ok(), created.status().ToString());
    CHECK(created->id.size() == 36);
    f.name = "Angry users";
    f.filters = {{"rage_click", "true"}};
    REQUIRE(store.saved_filters().Create(f).ok());
    f.name = "Broken checkouts";
    CHECK(store.saved_filters().Create(f).status().code() == StatusCode::kAlreadyExists);

    auto listed = store.saved_filters().ListByProject(p.id);
    REQUIRE(listed.ok());
    REQUIRE(listed->size() == 2);
    CHECK((*listed)[0].name == "Angry users");
    const SavedFilter& broken = (*listed)[1];
    CHECK(broken.id == created->id);
    CHECK(broken.filters == std::vector<std::pair<std::string, std::string>>{
                                {"failed_request", "true"}, {"visited_url", "/checkout"}});
    CHECK(store.saved_filters().Get(created->id)->name == "Broken checkouts");

    CHECK(store.saved_filters().Delete(created->id).ok());
    CHECK(store.saved_filters().Get(created->id).status().code() == StatusCode::kNotFound);
    CHECK(store.saved_filters().Delete(created->id).code() == StatusCode::kNotFound);
    REQUIRE(store.projects().Delete(p.id).ok());
    CHECK(store.saved_filters().ListByProject(p.id)->empty());
  });
}

TEST_CASE("session facts are normalized, replaced, filter the list and go with their session") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    Session checkout = MakeSession(store, p.id, "checkout", 1000);
    Session browse = MakeSession(store, p.id, "browse", 2000);
    MakeSession(store, p.id, "never-analysed", 3000);

    SessionFacts facts;
    facts.session_id = checkout.id;
    facts.urls = {"https://Shop.example/", "https://shop.example/Checkout?step=2",
                  "https://shop.example/"};
    facts.clicked_texts = {"  Add to Cart ", "Pay 100%"};
    facts.console_messages = {"TypeError: price is undefined", std::string(1000, 'x')};
    facts.failed_request = true;
    REQUIRE(store.session_facts().Put(facts).ok());
    SessionFacts rage;
    rage.session_id = browse.id;
    rage.urls = {"https://shop.example/home"};
    rage.rage_click = true;
    REQUIRE(store.session_facts().Put(rage).ok());

    auto stored = store.session_facts().Get(checkout.id);
    REQUIRE(stored.ok());
    CHECK(stored->project_id == p.id);
    CHECK(stored->urls == std::vector<std::string>{"https://shop.example/",
                                                   "https://shop.example/checkout?step=2"});
    CHECK(stored->clicked_texts == std::vector<std::string>{"add to cart", "pay 100%"});
    REQUIRE(stored->console_messages.size() == 2);
    CHECK(stored->console_messages[1].size() == SessionFactsRepository::kMaxFactChars);
    CHECK(stored->failed_request);
    CHECK_FALSE(stored->rage_click);

    auto found = [&](SessionFilter f) {
      f.project_id = p.id;
      auto r = store.sessions().List(f, PageRequest{});
      REQUIRE_MESSAGE(r.ok(), r.status().ToString());
      std::set<std::string> ids;
      for (const Session& s : r->items) ids.insert(s.client_session_id);
      return ids;
    };
    using Ids = std::set<std::string>;
    CHECK(found({}).size() == 3);
    SessionFilter f;
    f.visited_url = "SHOP.example";
    CHECK(found(f) == Ids{"checkout", "browse"});
    f.visited_url = "/checkout";
    CHECK(found(f) == Ids{"checkout"});
    f = {};
    f.clicked_text = "cart";
    CHECK(found(f) == Ids{"checkout"});
    f.clicked_text = "100%";
    CHECK(found(f) == Ids{"checkout"});
    f.clicked_text = "1_0";  // wildcards are literal
    CHECK(found(f).empty());
    f = {};
    f.console = "typeerror";
    CHECK(found(f) == Ids{"checkout"});
    f = {};
    f.failed_request = true;
    CHECK(found(f) == Ids{"checkout"});
    f = {};
    f.rage_click = true;
    CHECK(found(f) == Ids{"browse"});
    f.visited_url = "home";
    CHECK(found(f) == Ids{"browse"});
    f.failed_request = true;  // AND-ed
    CHECK(found(f).empty());

    // A new analysis replaces the facts.
    facts.failed_request = false;
    facts.clicked_texts = {};
    REQUIRE(store.session_facts().Put(facts).ok());
    f = {};
    f.failed_request = true;
    CHECK(found(f).empty());
    f = {};
    f.clicked_text = "cart";
    CHECK(found(f).empty());

    SessionFacts unknown;
    unknown.session_id = NewUuid();
    CHECK(store.session_facts().Put(unknown).code() == StatusCode::kNotFound);
    REQUIRE(store.sessions().Delete(browse.id).ok());
    auto gone = store.session_facts().Get(browse.id);
    REQUIRE(gone.ok());
    CHECK(gone->urls.empty());
    CHECK_FALSE(gone->rage_click);
  });
}

TEST_CASE("a text search pages through every match newest first, however many sessions match") {
  // Past internal::kFewTextMatches matches the list walks the sessions
  // instead of sorting the matches (PostgreSQL): both ways must give the
  // same pages.
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    const int sessions = internal::kFewTextMatches + 50;
    std::vector<std::pair<TimeMs, std::string>> all, console, clicked;  // (started_at, id)
    for (int i = 0; i < sessions; ++i) {
      // Two sessions per start time: the cursor's tie on the id is crossed.
      Session s = MakeSession(store, p.id, "visit-" + std::to_string(i), 1000 + i / 2);
      SessionFacts facts;
      facts.session_id = s.id;
      facts.urls = {"https://shop.example/p/" + std::to_string(i)};
      if (i % 3 == 0) facts.console_messages = {"Boom " + std::to_string(i)};
      if (i % 2 == 0) facts.clicked_texts = {"Buy"};
      REQUIRE(store.session_facts().Put(facts).ok());
      all.emplace_back(s.started_at, s.id);
      if (i % 3 == 0) console.emplace_back(s.started_at, s.id);
      if (i % 3 == 0 && i % 2 == 0) clicked.emplace_back(s.started_at, s.id);
    }
    auto newest_first = [](std::vector<std::pair<TimeMs, std::string>> rows) {
      std::sort(rows.rbegin(), rows.rend());
      std::vector<std::string> ids;
      for (auto& row : rows) ids.push_back(row.second);
      return ids;
    };
    auto pages = [&](SessionFilter f, int limit) {
      f.project_id = p.id;
      std::vector<std::string> ids;
      PageRequest page;
      page.limit = limit;
      for (;;) {
        auto result = store.sessions().List(f, page);
        REQUIRE_MESSAGE(result.ok(), result.status().ToString());
        for (const Session& s : result->items) ids.push_back(s.id);
        if (result->next_cursor.empty()) break;
        page.cursor = result->next_cursor;
      }
      return ids;
    };
    const std::vector<std::string> everyone = newest_first(all);
    SessionFilter f;
    f.visited_url = "shop.example/p/";  // every session: more than kFewTextMatches
    CHECK(pages(f, 500) == everyone);
    f = {};
    f.console = "boom";  // a third of them: fewer
    CHECK(pages(f, 97) == newest_first(console));
    f.visited_url = "shop.example";
    f.clicked_text = "buy";  // and a half of those
    CHECK(pages(f, 500) == newest_first(clicked));
    f = {};
    f.visited_url = "shop.example";
    f.started_before = 1000 + 10;  // the walk stops at the other conditions too
    CHECK(pages(f, 7) == std::vector<std::string>(everyone.end() - 20, everyone.end()));
  });
}

// The session's events [first_event, first_event + count), read through
// StreamSessionEventsRange and re-serialized (spacing between events may differ).
std::string EventRange(Store& store, const std::string& session_id, std::int64_t first_event,
                       std::int64_t count) {
  std::string out;
  Status st =
      StreamSessionEventsRange(store, session_id, first_event, count, [&](std::string_view piece) {
        out += piece;
        return OkStatus();
      });
  REQUIRE_MESSAGE(st.ok(), st.ToString());
  return boost::json::serialize(boost::json::parse(out));
}

TEST_CASE("event pages are event ranges of up to 1 MiB that together are the whole array") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    Session s = MakeSession(store, p.id, "long", 1'700'000'000'000);
    // Ten batches of ~300 KB, each a 300 KB event and a small one. The first
    // page (256 KiB) takes the first event; three batches fill each later page.
    const std::string filler(300'000, 'x');
    std::int64_t sent = 0;
    for (int i = 0; i < 10; ++i) {
      EventChunk chunk;
      chunk.session_id = s.id;
      chunk.seq = i;
      chunk.codec = "none";
      TimeMs t = 1'700'000'000'000 + i * 1000;
      chunk.payload = "[{\"type\":3,\"timestamp\":" + std::to_string(t) + ",\"data\":\"" + filler +
                      "\"},{\"type\":3,\"timestamp\":" + std::to_string(t + 500) + ",\"data\":{}}]";
      chunk.raw_bytes = static_cast<std::int64_t>(chunk.payload.size());
      sent += chunk.raw_bytes;
      chunk.event_count = 2;
      chunk.first_ts = t;
      chunk.last_ts = t + 500;
      REQUIRE(store.events().Append(chunk, BatchStats{}).ok());
    }
    auto whole_text = ReadSessionEventsJson(store, s.id);
    REQUIRE(whole_text.ok());
    const boost::json::array whole = boost::json::parse(*whole_text).as_array();
    REQUIRE(whole.size() == 20);

    // The pages cover every event once, in order, within their byte budgets.
    auto covers_all = [&](const std::vector<EventPage>& pages) {
      std::int64_t next = 0, bytes = 0;
      std::string joined;
      for (const EventPage& page : pages) {
        CAPTURE(page.index);
        CHECK(page.first_event == next);
        CHECK(page.event_count > 0);
        CHECK(page.raw_bytes <= (page.index == 0 ? kFirstEventPageBytes : kEventPageBytes));
        next += page.event_count;
        bytes += page.raw_bytes;
        std::string part = EventRange(store, s.id, page.first_event, page.event_count);
        CHECK(boost::json::parse(part).as_array().size() == std::size_t(page.event_count));
        joined += (joined.empty() ? "" : ",") + part.substr(1, part.size() - 2);
      }
      CHECK(next == 20);
      auto chunks = store.events().ListChunks(s.id);
      REQUIRE(chunks.ok());
      std::int64_t stored = 0;  // the chunks' event JSON, fewer brackets once merged
      for (const ChunkInfo& chunk : *chunks) stored += chunk.raw_bytes;
      CHECK(bytes == stored);
      CHECK(("[" + joined + "]" == boost::json::serialize(whole)));
    };

    auto pages = ListSessionEventPages(store, s.id);
    REQUIRE_MESSAGE(pages.ok(), pages.status().ToString());
    REQUIRE(pages->size() == 5);
    std::int64_t paged = 0;
    for (const EventPage& page : *pages) paged += page.raw_bytes;
    CHECK(paged == sent);
    CHECK((*pages)[0].event_count == 1);
    CHECK((*pages)[0].first_ts == 1'700'000'000'000);
    CHECK((*pages)[0].last_ts == 1'700'000'000'500);
    CHECK((*pages)[1].first_event == 1);
    CHECK((*pages)[1].event_count == 5);  // the rest of batch 0, batches 1 and 2
    CHECK((*pages)[1].last_ts == 1'700'000'002'500);
    CHECK((*pages)[4].first_event == 18);
    CHECK((*pages)[4].first_ts == 1'700'000'009'000);
    covers_all(*pages);

    // Any range: across batches, past the end, empty.
    CHECK(EventRange(store, s.id, 1, 2) ==
          boost::json::serialize(boost::json::array{whole[1], whole[2]}));
    CHECK(EventRange(store, s.id, 19, 100) ==
          boost::json::serialize(boost::json::array{whole[19]}));
    CHECK(EventRange(store, s.id, 20, 5) == "[]");
    CHECK(EventRange(store, s.id, 3, 0) == "[]");
    auto sink = [](std::string_view) { return OkStatus(); };
    CHECK(StreamSessionEventsRange(store, s.id, -1, 2, sink).code() ==
          StatusCode::kInvalidArgument);
    CHECK(StreamSessionEventsRange(store, s.id, 0, -2, sink).code() ==
          StatusCode::kInvalidArgument);
    CHECK(StreamSessionEventsRange(store, NewUuid(), 0, 2, sink).code() == StatusCode::kNotFound);

    // Compacted into one 3 MB chunk, the session is cut into pages by event
    // count, each within its budget.
    Complete(store, s.id);
    REQUIRE(store.events().Compact(s.id)->chunks_after == 1);
    auto compacted = ListSessionEventPages(store, s.id);
    REQUIRE(compacted.ok());
    CHECK(compacted->size() >= 4);
    covers_all(*compacted);

    CHECK(ListSessionEventPages(store, NewUuid()).status().code() == StatusCode::kNotFound);
    Session empty = MakeSession(store, p.id, "empty", 1000);
    CHECK(ListSessionEventPages(store, empty.id)->empty());
  });
}

TEST_CASE("an event page fetched after compaction holds exactly the events it held before") {
  // The dashboard lists a session's pages, then fetches them one by one; the
  // worker compacts the session as soon as it ends, possibly in between or
  // while a page is being read.
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    Session s = MakeSession(store, p.id, "paged", 1000);
    // 30 batches of ~100 KB, three events each, with strings holding the
    // characters a careless split stops at: four pages before compaction
    // (batches 0-1, 2-11, 12-21, 22-29), one 3 MB chunk after.
    for (int b = 0; b < 30; ++b) {
      std::string n = std::to_string(b);
      std::string filler(100'000, static_cast<char>('a' + b % 26));
      AppendBatch(store, s.id,
                  R"([{"type":3,"timestamp":)" + n + R"(,"data":{"text":"a,]}\"[{)" + n +
                      R"("}},{"type":3,"timestamp":)" + n + R"(,"data":")" + filler +
                      R"("} , {"type":3,"timestamp":)" + n + R"(,"data":[[")" + n + R"(,"],{}]}])",
                  b, b, 3);
    }
    auto pages = ListSessionEventPages(store, s.id);
    REQUIRE_MESSAGE(pages.ok(), pages.status().ToString());
    REQUIRE(pages->size() == 4);
    std::vector<std::string> before;
    for (const EventPage& page : *pages) {
      before.push_back(EventRange(store, s.id, page.first_event, page.event_count));
    }

    // Page 1 (ten batches) read while the worker compacts the session after
    // the reader took its first batch.
    Complete(store, s.id);
    const EventPage& spanning = (*pages)[1];
    boost::json::array during;
    int visits = 0;
    Status st = store.events().ForEachInRange(
        s.id, spanning.first_event, spanning.event_count, [&](const EventChunk& chunk) {
          boost::json::value events = boost::json::parse(chunk.payload);
          for (const auto& event : events.as_array()) during.push_back(event);
          if (++visits == 1) REQUIRE(store.events().Compact(s.id)->chunks_after == 1);
          return OkStatus();
        });
    REQUIRE_MESSAGE(st.ok(), st.ToString());
    CHECK(visits == 2);  // the rest came from the merged chunk
    CHECK((boost::json::serialize(during) == before[1]));

    // Every page of the index taken before compaction, fetched after it.
    REQUIRE(ChunkList(store, s.id).size() == 1);
    for (std::size_t i = 0; i < pages->size(); ++i) {
      CAPTURE(i);
      CHECK(
          (EventRange(store, s.id, (*pages)[i].first_event, (*pages)[i].event_count) == before[i]));
    }
  });
}

}  // namespace
}  // namespace incuera

namespace incuera {
namespace {

TEST_CASE("quota counters add up to the limit, refuse beyond it and keep windows apart") {
  ForEachStore([](Store& store) {
    std::string project = MakeProject(store, MakeUser(store).id).id;
    QuotaRepository& quotas = store.quotas();
    const TimeMs hour = 1'700'000'000'000 - 1'700'000'000'000 % 3'600'000;
    CHECK(*quotas.Used(project, "sessions", hour) == 0);
    for (int i = 1; i <= 3; ++i) {
      auto charge = quotas.Charge(project, "sessions", hour, 1, 3);
      REQUIRE_MESSAGE(charge.ok(), charge.status().ToString());
      CHECK(charge->charged);
      CHECK(charge->used == i);
    }
    auto refused = quotas.Charge(project, "sessions", hour, 1, 3);
    REQUIRE(refused.ok());
    CHECK_FALSE(refused->charged);
    CHECK(refused->used == 3);  // nothing added
    // The next hour starts from zero; a batch that crosses the limit is
    // taken whole, the next one is refused.
    auto next = quotas.Charge(project, "sessions", hour + 3'600'000, 1, 3);
    CHECK(next->charged);
    CHECK(next->used == 1);
    CHECK(quotas.Charge(project, "events", hour, 900, 1000)->charged);
    auto crossing = quotas.Charge(project, "events", hour, 500, 1000);
    CHECK(crossing->charged);
    CHECK(crossing->used == 1400);
    CHECK_FALSE(quotas.Charge(project, "events", hour, 1, 1000)->charged);
    // limit <= 0: no limit.
    CHECK(quotas.Charge(project, "render_ms", hour, 1'000'000'000'000, 0)->charged);
    CHECK(*quotas.Used(project, "render_ms", hour) == 1'000'000'000'000);
    // Old windows are swept; the current ones stay.
    CHECK(*quotas.DeleteBefore(hour + 1) == 3);
    CHECK(*quotas.Used(project, "sessions", hour) == 0);
    CHECK(*quotas.Used(project, "sessions", hour + 3'600'000) == 1);
    // An unknown project is NotFound, never a counter of nobody's.
    CHECK(quotas.Charge(NewUuid(), "sessions", hour, 1, 3).status().code() ==
          StatusCode::kNotFound);
  });
}

TEST_CASE("quota counters are shared by every server and never overshoot under concurrency") {
  test::TempDir dir;
  for (const std::string& url : test::StoreUrls(dir)) {
    CAPTURE(url);
    // Two stores on one database stand for two servers.
    auto a = OpenMigrated(url, 4);
    auto b = OpenMigrated(url, 4);
    std::string project = MakeProject(*a, MakeUser(*a).id).id;
    std::atomic<int> charged{0};
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t) {
      threads.emplace_back([&, t] {
        Store& store = t % 2 ? *a : *b;
        for (int i = 0; i < 25; ++i) {
          auto c = store.quotas().Charge(project, "sessions", 0, 1, 120);
          if (c.ok() && c->charged) ++charged;
        }
      });
    }
    for (auto& t : threads) t.join();
    CHECK(charged.load() == 120);
    CHECK(*b->quotas().Used(project, "sessions", 0) == 120);
  }
}

TEST_CASE("a project's own quotas are stored with its settings; unset ones stay unset") {
  ForEachStore([](Store& store) {
    Project p = MakeProject(store, MakeUser(store).id);
    CHECK_FALSE(p.settings.quotas.sessions_per_hour.has_value());
    p.settings.quotas.sessions_per_hour = 50;
    p.settings.quotas.render_minutes_per_day = 0;
    REQUIRE(store.projects().Update(p).ok());
    Project read = *store.projects().Get(p.id);
    CHECK(read.settings.quotas.sessions_per_hour == std::optional<std::int64_t>(50));
    CHECK_FALSE(read.settings.quotas.events_per_day.has_value());
    CHECK(read.settings.quotas.render_minutes_per_day == std::optional<std::int64_t>(0));
  });
}

}  // namespace
}  // namespace incuera
