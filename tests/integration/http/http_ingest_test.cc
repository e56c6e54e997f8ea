// End-to-end ingest over HTTP (ARCHITECTURE §5-6, issue 8): a real
// HttpServer on 127.0.0.1 in front of an Engine on SQLite and on the real
// PostgreSQL, driven with httplib::Client the way the SDKs drive it.
#include <doctest/doctest.h>
#include <httplib.h>
#include <zlib.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "engine/store_access.h"
#include "incuera/auth.h"
#include "incuera/engine.h"
#include "incuera/http.h"
#include "incuera/ingest.h"
#include "incuera/lifecycle.h"
#include "incuera/object_store.h"
#include "incuera/queue.h"
#include "incuera/store.h"
#include "support/test_env.h"

namespace incuera {
namespace {

constexpr TimeMs kT0 = 1'700'000'000'000;

std::string Gzip(const std::string& data) {
  z_stream z{};
  deflateInit2(&z, Z_BEST_SPEED, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

// `n` incremental-snapshot events starting at `first_ts`, 100 ms apart.
std::string Events(int n, TimeMs first_ts) {
  std::string out = "[";
  for (int i = 0; i < n; ++i) {
    if (i) out += ",";
    out += R"({"type":3,"timestamp":)" + std::to_string(first_ts + 100 * i) +
           R"(,"data":{"source":1,"positions":[{"x":)" + std::to_string(i) + R"(,"y":2}]}})";
  }
  return out + "]";
}

std::string Batch(const std::string& sid, const std::string& events, int seq = -1) {
  std::string out = R"({"sessionId":")" + sid + R"(","events":)" + events;
  if (seq >= 0) out += R"(,"seq":)" + std::to_string(seq);
  return out + R"(,"timestamp":)" + std::to_string(kT0) + "}";
}

// One Engine + HttpServer on a fresh database, with a project and keys.
class Harness {
 public:
  Harness(const std::string& url, const test::TempDir& dir,
          const std::function<void(Options&)>& tweak = {}) {
    Options options;
    options.database_url = url;
    options.storage_url = "file://" + dir.path() + "/objects";
    options.secret_key = "http-ingest-test-secret-key-0123456789abcdef";
    options.server.port = 0;
    options.server.in_process_worker = false;
    options.server.rate_limit_rps = 1e6;
    options.server.rate_limit_burst = 1e6;
    if (tweak) tweak(options);
    auto engine = Engine::Open(options);
    REQUIRE_MESSAGE(engine.ok(), engine.status().ToString());
    engine_ = std::move(*engine);
    User owner;
    owner.email = "owner@example.com";
    auto user = internal::StoreOf(*engine_).users().Create(owner);
    REQUIRE(user.ok());
    owner_id_ = user->id;
    project = AddProject("shop");
    ingest_key = AddKey(project, KeyScope::kIngest);
    server_ = std::make_unique<http::HttpServer>(*engine_);
    REQUIRE(server_->Bind().ok());
    thread_ = std::thread([this] { (void)server_->Run(); });
  }
  ~Harness() {
    server_->Stop();
    thread_.join();
  }

  Engine& engine() { return *engine_; }

  Project AddProject(const std::string& slug) {
    Project p;
    p.owner_id = owner_id_;
    p.name = slug;
    p.slug = slug;
    p.settings.min_duration_ms = 1'000;
    auto created = internal::StoreOf(*engine_).projects().Create(p);
    REQUIRE(created.ok());
    return *created;
  }
  void Update(const Project& p) { REQUIRE(internal::StoreOf(*engine_).projects().Update(p).ok()); }

  std::string AddKey(const Project& p, KeyScope scope) {
    auto key = engine_->auth().CreateApiKey(p.id, "test", scope);
    REQUIRE(key.ok());
    return key->secret;
  }

  std::unique_ptr<httplib::Client> Client() {
    auto client = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
    client->set_keep_alive(true);
    client->set_read_timeout(std::chrono::seconds(30));
    return client;
  }

  httplib::Result Post(const std::string& path, const std::string& body,
                       const std::string& key = "", httplib::Headers headers = {},
                       const std::string& type = "application/json") {
    headers.emplace("X-API-Key", key.empty() ? ingest_key : key);
    return Client()->Post(path, headers, body, type);
  }

  Session SessionOf(const Project& p, const std::string& client_session_id) {
    auto s = internal::StoreOf(*engine_).sessions().GetByClientSessionId(p.id, client_session_id);
    REQUIRE_MESSAGE(s.ok(), s.status().ToString());
    return *s;
  }
  Session SessionOf(const std::string& client_session_id) { return SessionOf(project, client_session_id); }

  std::vector<EventChunk> Chunks(const std::string& session_id) {
    std::vector<EventChunk> chunks;
    REQUIRE(internal::StoreOf(*engine_)
                .events()
                .ForEach(session_id,
                         [&](const EventChunk& c) {
                           chunks.push_back(c);
                           return OkStatus();
                         })
                .ok());
    return chunks;
  }

  Project project;
  std::string ingest_key;

 private:
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<http::HttpServer> server_;
  std::thread thread_;
  std::string owner_id_;
};

// Runs `body` once per backend (SQLite, then PostgreSQL when available).
void ForEachBackend(const std::function<void(const std::string&, const test::TempDir&)>& body) {
  test::TempDir dir;
  for (const std::string& url : test::StoreUrls(dir)) {
    CAPTURE(url);
    test::TempDir objects;
    body(url, objects);
  }
}

void CheckError(const httplib::Result& res, int status) {
  REQUIRE(res);
  INFO(res->body);
  CHECK(res->status == status);
  CHECK(res->get_header_value("Content-Type").find("application/json") != std::string::npos);
  CHECK(res->body.find(R"({"error":{"code":)") == 0);
  CHECK(res->body.find(R"("message":)") != std::string::npos);
}

TEST_CASE("The three first-version SDK requests are accepted as such an SDK sends them") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir);
    auto start = h.Post("/api/sessions/start", R"({"sessionId":"session_1700000000000_abc123",
      "userId":"user_123","userEmail":"user@example.com","metadata":{"url":"https://example.com",
      "referrer":"https://google.com","userAgent":"Mozilla/5.0","screen":{"width":1920,
      "height":1080},"viewport":{"width":1920,"height":937},"timestamp":1700000000000}})");
    REQUIRE(start);
    CHECK(start->status == 200);
    CHECK(start->body.find(R"("success":true)") != std::string::npos);
    CHECK(start->body.find(R"("message":)") != std::string::npos);

    auto ingest = h.Post("/api/ingest", Batch("session_1700000000000_abc123", Events(20, kT0)));
    REQUIRE(ingest);
    CHECK(ingest->status == 200);
    CHECK(ingest->body.find(R"("success":true)") != std::string::npos);
    CHECK(ingest->body.find(R"("events_received":20)") != std::string::npos);

    auto end = h.Client()->Post("/api/sessions/end",
                                R"({"sessionId":"session_1700000000000_abc123","apiKey":")" +
                                    h.ingest_key +
                                    R"(","timestamp":1700000002000,"reason":"pagehide",)"
                                    R"("finalEventCount":20})",
                                "text/plain;charset=UTF-8");
    REQUIRE(end);
    CHECK(end->status == 200);
    CHECK(end->body.find(R"("success":true)") != std::string::npos);
    CHECK(end->body.find(R"("session_finalized":)") != std::string::npos);
    CHECK(end->body.find(R"("video_job_queued":true)") != std::string::npos);

    Session s = h.SessionOf("session_1700000000000_abc123");
    CHECK(s.user_id == "user_123");
    CHECK(s.user_email == "user@example.com");
    CHECK(s.url == "https://example.com");
    CHECK(s.screen_width == 1920);
    CHECK(s.viewport_height == 937);
    CHECK(s.event_count == 20);
    CHECK(s.ended_at.has_value());
  });
}

TEST_CASE("A visit left out by sampling is answered 200 at every request and costs no storage") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir);
    Project out = h.project;
    out.settings.sample_rate = 0;
    h.Update(out);
    auto start = h.Post("/api/sessions/start", R"({"sessionId":"session_1_out"})");
    REQUIRE(start);
    CHECK(start->status == 200);
    CHECK(start->body.find(R"("success":true)") != std::string::npos);
    CHECK(start->body.find(R"("sampled":false)") != std::string::npos);

    // Batches as old SDKs keep sending them: plain, numbered, gzip, and a
    // beacon with the key in the body. Each is a 200 (an SDK re-sends what
    // is not), none is stored.
    std::vector<httplib::Result> answers;
    answers.push_back(h.Post("/api/ingest", Batch("session_1_out", Events(20, kT0))));
    answers.push_back(h.Post("/api/ingest", Batch("session_1_out", Events(20, kT0), 2)));
    answers.push_back(h.Post("/api/ingest", Gzip(Batch("session_1_out", Events(20, kT0))), "",
                             {{"Content-Encoding", "gzip"}}));
    answers.push_back(h.Client()->Post("/api/ingest",
                                       R"({"sessionId":"session_1_out","events":)" +
                                           Events(3, kT0) + R"(,"apiKey":")" + h.ingest_key +
                                           R"("})",
                                       "text/plain;charset=UTF-8"));
    // Decided from the session id alone: the events are never parsed.
    answers.push_back(h.Post("/api/ingest", R"({"sessionId":"session_1_out","events":[{"type":)"));
    for (const auto& res : answers) {
      REQUIRE(res);
      INFO(res->body);
      CHECK(res->status == 200);
      CHECK(res->body.find(R"("stored":false)") != std::string::npos);
      CHECK(res->body.find(R"("sampled":false)") != std::string::npos);
    }
    auto beat = h.Post("/api/sessions/heartbeat", R"({"sessionId":"session_1_out"})");
    REQUIRE(beat);
    CHECK(beat->status == 200);
    CHECK(beat->body.find(R"("sampled":false)") != std::string::npos);
    auto end = h.Post("/api/sessions/end", R"({"sessionId":"session_1_out","reason":"pagehide"})");
    REQUIRE(end);
    CHECK(end->status == 200);
    CHECK(end->body.find(R"("video_job_queued":false)") != std::string::npos);

    CHECK(internal::StoreOf(h.engine()).sessions().CountByStatus()->empty());
    CHECK(*internal::StoreOf(h.engine()).sessions().IsUnsampled(h.project.id, "session_1_out"));
  });
}

TEST_CASE("/metrics reports refused batches and what a worker elsewhere removed") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Options options;
    Harness h(url, dir, [&](Options& o) {
      o.server.metrics_token = "metrics-token";
      options = o;
    });
    auto metric = [&](const std::string& name) -> std::int64_t {
      auto res = h.Client()->Get("/metrics", {{"Authorization", "Bearer metrics-token"}});
      REQUIRE(res);
      REQUIRE(res->status == 200);
      std::size_t at = res->body.find("\n" + name + " ");
      REQUIRE_MESSAGE(at != std::string::npos, name);
      return std::stoll(res->body.substr(at + name.size() + 2));
    };
    Project out = h.project;
    out.settings.sample_rate = 0;
    h.Update(out);
    for (int i = 0; i < 3; ++i) {
      REQUIRE(h.Post("/api/ingest", Batch("session_2_out", Events(2, kT0))));
    }
    CHECK(metric("incuera_unsampled_batches_total") == 3);

    // A worker in another process (here: another Engine on the same
    // database and object store) applies retention; this server reports it.
    std::int64_t sessions_before = metric("incuera_retention_sessions_removed_total");
    std::int64_t objects_before = metric("incuera_retention_objects_removed_total");
    auto worker = Engine::Open(options);
    REQUIRE_MESSAGE(worker.ok(), worker.status().ToString());
    SessionStart start;
    start.project_id = h.project.id;
    start.client_session_id = "long-ago";
    start.started_at = kT0;
    start.received_at = kT0;
    auto old = internal::StoreOf(**worker).sessions().Upsert(start);
    REQUIRE(old.ok());
    REQUIRE((*worker)->objects().Put(SessionObjectPrefix(old->id) + "video.mp4", "x", "").ok());
    auto removed = ApplyRetention(**worker, kT0 + 400LL * 24 * 3600 * 1000);
    REQUIRE_MESSAGE(removed.ok(), removed.status().ToString());
    CHECK(removed->sessions_removed == 1);
    CHECK(metric("incuera_retention_sessions_removed_total") - sessions_before == 1);
    CHECK(metric("incuera_retention_objects_removed_total") - objects_before == 1);
  });
}

TEST_CASE("A retried batch with the same seq is stored once") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir);
    std::string body = Batch("retry", Events(5, kT0), 0);
    for (int i = 0; i < 3; ++i) {
      auto res = h.Post("/api/ingest", body);
      REQUIRE(res);
      CHECK(res->status == 200);
    }
    Session s = h.SessionOf("retry");
    CHECK(s.event_count == 5);
    CHECK(s.chunk_count == 1);
    CHECK(h.Chunks(s.id).size() == 1);
  });
}

TEST_CASE("A batch re-sent without seq is stored once, also by several servers at once") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir);
    std::string first = Events(5, kT0);
    // Eight clients (as many connections, as several servers would see)
    // send the same batch at once: one copy is stored.
    std::vector<std::thread> senders;
    std::atomic<int> ok{0};
    for (int i = 0; i < 8; ++i) {
      senders.emplace_back([&] {
        auto res = h.Post("/api/ingest", Batch("noseq", first));
        if (res && res->status == 200) ++ok;
      });
    }
    for (std::thread& t : senders) t.join();
    CHECK(ok == 8);
    CHECK(h.SessionOf("noseq").event_count == 5);
    // The first version's retry: the same events put back in front of new ones.
    std::string grown = Events(8, kT0);
    auto res = h.Post("/api/ingest", Batch("noseq", grown));
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->body.find(R"("events_received":8)") != std::string::npos);
    Session s = h.SessionOf("noseq");
    CHECK(s.event_count == 8);
    auto stored = ReadSessionEventsJson(internal::StoreOf(h.engine()), s.id);
    REQUIRE(stored.ok());
    CHECK(*stored == grown);
  });
}

TEST_CASE("Out-of-order batches are returned in sequence order") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir);
    std::vector<std::string> sent = {Events(3, kT0), Events(4, kT0 + 1'000),
                                     Events(5, kT0 + 2'000)};
    for (int seq : {2, 0, 1}) REQUIRE(h.Post("/api/ingest", Batch("ooo", sent[seq], seq)));
    std::vector<EventChunk> chunks = h.Chunks(h.SessionOf("ooo").id);
    REQUIRE(chunks.size() == 3);
    for (int seq = 0; seq < 3; ++seq) {
      CHECK(chunks[seq].seq == seq);
      CHECK(chunks[seq].payload == sent[seq]);
    }
    // The session's events as one array (what GET /api/sessions/{id}/events
    // streams), in seq order, each event byte-identical.
    auto inner = [](const std::string& array) { return array.substr(1, array.size() - 2); };
    auto events = ReadSessionEventsJson(internal::StoreOf(h.engine()), h.SessionOf("ooo").id);
    REQUIRE(events.ok());
    CHECK(*events == "[" + inner(sent[0]) + "," + inner(sent[1]) + "," + inner(sent[2]) + "]");
  });
}

TEST_CASE("A gzip body is accepted") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir);
    std::string events = Events(50, kT0);
    auto res =
        h.Post("/api/ingest", Gzip(Batch("gz", events, 0)), "", {{"Content-Encoding", "gzip"}});
    REQUIRE(res);
    CHECK(res->status == 200);
    Session s = h.SessionOf("gz");
    CHECK(s.event_count == 50);
    CHECK(h.Chunks(s.id).at(0).payload == events);
  });
}

TEST_CASE("Two projects using the same client session id do not collide") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir);
    Project other = h.AddProject("blog");
    std::string other_key = h.AddKey(other, KeyScope::kIngest);
    REQUIRE(h.Post("/api/ingest", Batch("same", Events(3, kT0), 0))->status == 200);
    REQUIRE(h.Post("/api/ingest", Batch("same", Events(7, kT0), 0), other_key)->status == 200);
    Session a = h.SessionOf("same");
    Session b = h.SessionOf(other, "same");
    CHECK(a.id != b.id);
    CHECK(a.event_count == 3);
    CHECK(b.event_count == 7);
  });
}

TEST_CASE("An ingest key of project A cannot write into project B's session") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir);
    Project b = h.AddProject("blog");
    std::string b_key = h.AddKey(b, KeyScope::kIngest);
    REQUIRE(h.Post("/api/ingest", Batch("victim", Events(4, kT0), 0), b_key)->status == 200);
    Session before = h.SessionOf(b, "victim");
    auto res = h.Post("/api/ingest", Batch("victim", Events(9, kT0), 1));
    REQUIRE(res);
    CHECK(res->status == 200);
    Session after = h.SessionOf(b, "victim");
    CHECK(after.event_count == before.event_count);
    CHECK(after.chunk_count == before.chunk_count);
    Session own = h.SessionOf("victim");
    CHECK(own.id != before.id);
    CHECK(own.event_count == 9);
  });
}

TEST_CASE("A session under the minimum is discarded and one over it is completed with a render") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir);
    h.project.settings.min_duration_ms = 5'000;
    h.Update(h.project);
    REQUIRE(h.Post("/api/ingest", Batch("short", Events(10, kT0), 0))->status == 200);  // 0.9 s
    REQUIRE(h.Post("/api/ingest", Batch("long", Events(100, kT0), 0))->status == 200);  // 9.9 s
    for (const char* sid : {"short", "long"}) {
      auto end = h.Post("/api/sessions/end", std::string(R"({"sessionId":")") + sid + R"("})");
      REQUIRE(end);
      CHECK(end->status == 200);
    }
    TimeMs later = NowMs() + 2 * 30'000 + 1'000;
    auto finalized = h.engine().ingest().FinalizeEnded(later);
    REQUIRE(finalized.ok());
    CHECK(*finalized == 2);
    Session short_s = h.SessionOf("short");
    CHECK(short_s.status == SessionStatus::kDiscarded);
    CHECK(h.Chunks(short_s.id).empty());
    Session long_s = h.SessionOf("long");
    CHECK(long_s.status == SessionStatus::kCompleted);
    CHECK(h.Chunks(long_s.id).size() == 1);
    auto stats = h.engine().queue().Stats();
    REQUIRE(stats.ok());
    CHECK(stats->queued == 1);
  });
}

TEST_CASE("Inactivity ends a session") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir, [](Options& o) { o.ingest.inactivity_timeout = std::chrono::seconds(1); });
    REQUIRE(h.Post("/api/ingest", Batch("idle", Events(30, kT0), 0))->status == 200);
    auto swept = h.engine().ingest().SweepInactive(NowMs() + 10'000);
    REQUIRE(swept.ok());
    CHECK(*swept == 1);
    Session s = h.SessionOf("idle");
    CHECK(s.ended_at.has_value());
    CHECK(s.end_reason == "inactivity");
    CHECK(s.status == SessionStatus::kCompleted);
  });
}

TEST_CASE("Heartbeats keep an open session from being ended by inactivity") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir, [](Options& o) { o.ingest.inactivity_timeout = std::chrono::seconds(60); });
    // Created by the heartbeat itself, with a client timestamp far in the
    // past: only the heartbeat's arrival says the tab is open.
    auto beat = h.Post("/api/sessions/heartbeat",
                       R"({"sessionId":"open_tab","timestamp":)" + std::to_string(kT0) + "}");
    REQUIRE(beat);
    CHECK(beat->status == 200);
    auto kept = h.engine().ingest().SweepInactive(NowMs() + 30'000);
    REQUIRE(kept.ok());
    CHECK(*kept == 0);
    CHECK(h.SessionOf("open_tab").status == SessionStatus::kRecording);

    auto swept = h.engine().ingest().SweepInactive(NowMs() + 120'000);
    REQUIRE(swept.ok());
    CHECK(*swept == 1);
    CHECK(h.SessionOf("open_tab").end_reason == "inactivity");
  });
}

TEST_CASE("The end beacon sent before the last batch loses nothing") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir);
    REQUIRE(h.Post("/api/ingest", Batch("race", Events(50, kT0), 0))->status == 200);
    auto end = h.Client()->Post("/api/sessions/end",
                                R"({"sessionId":"race","apiKey":")" + h.ingest_key + R"("})",
                                "text/plain");
    REQUIRE(end);
    CHECK(end->status == 200);
    auto last = h.Post("/api/ingest", Batch("race", Events(50, kT0 + 5'000), 1));
    REQUIRE(last);
    CHECK(last->status == 200);
    REQUIRE(h.engine().ingest().FinalizeEnded(NowMs() + 61'000).ok());
    Session s = h.SessionOf("race");
    CHECK(s.event_count == 100);
    CHECK(s.status == SessionStatus::kCompleted);
    CHECK(h.Chunks(s.id).size() == 2);
  });
}

TEST_CASE("Every bad input answers its 4xx and leaves earlier data intact") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir, [](Options& o) {
      o.ingest.max_body_bytes = 64 << 10;
      o.ingest.max_wire_bytes = 64 << 10;
    });
    REQUIRE(h.Post("/api/ingest", Batch("kept", Events(10, kT0), 0))->status == 200);
    std::string read_key = h.AddKey(h.project, KeyScope::kRead);
    auto client = h.Client();
    std::string good = Batch("kept", Events(10, kT0), 1);

    CheckError(client->Post("/api/ingest", good, "application/json"), 401);
    CheckError(h.Post("/api/ingest", good, "inc_wrong_key"), 401);
    CheckError(h.Post("/api/ingest", good, read_key), 403);
    CheckError(h.Post("/api/ingest", R"({"sessionId":"kept","events":[)"), 400);
    CheckError(h.Post("/api/ingest", R"({"sessionId":"kept","events":{"a":1}})"), 400);
    CheckError(h.Post("/api/ingest", R"({"sessionId":"kept","events":[{"type":3}]})"), 400);
    CheckError(h.Post("/api/ingest", R"({"sessionId":"kept","events":[1,2]})"), 400);
    CheckError(
        h.Post("/api/ingest", R"({"sessionId":"kept","events":[{"type":"3","timestamp":1}]})"),
        400);
    CheckError(h.Post("/api/ingest", R"({"sessionId":"kept","events":[{"timestamp":1}]})"), 400);
    CheckError(h.Post("/api/ingest", "not json at all"), 400);
    CheckError(h.Post("/api/ingest", Batch("kept", Events(1, kT0)) + " trailing"), 400);
    CheckError(h.Post("/api/sessions/start", R"({"sessionId":42})"), 400);
    CheckError(h.Post("/api/sessions/end", R"({"sessionId":"kept","finalEventCount":"x"})"), 400);
    CheckError(h.Post("/api/ingest", Batch(std::string(129, 'a'), Events(1, kT0))), 400);
    CheckError(h.Post("/api/ingest", Batch("a/b", Events(1, kT0))), 400);
    CheckError(h.Post("/api/ingest", Batch("kept", Events(2'000, kT0), 2)), 413);
    std::string bomb = Gzip(Batch("kept", "[" + std::string(8 << 20, ' ') + "]", 3));
    CheckError(h.Post("/api/ingest", bomb, "", {{"Content-Encoding", "gzip"}}), 413);
    std::string gz = Gzip(good);
    CheckError(
        h.Post("/api/ingest", gz.substr(0, gz.size() / 2), "", {{"Content-Encoding", "gzip"}}),
        400);

    Session s = h.SessionOf("kept");
    CHECK(s.event_count == 10);
    CHECK(s.chunk_count == 1);
    CHECK(h.Chunks(s.id).size() == 1);
  });
}

TEST_CASE("A key over its rate limit gets 429 with Retry-After") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir, [](Options& o) {
      o.server.rate_limit_rps = 1;
      o.server.rate_limit_burst = 2;
    });
    auto client = h.Client();
    httplib::Headers headers = {{"X-API-Key", h.ingest_key}};
    int limited = 0;
    for (int seq = 0; seq < 5; ++seq) {
      auto res = client->Post("/api/ingest", headers, Batch("rl", Events(1, kT0), seq),
                              "application/json");
      REQUIRE(res);
      if (res->status != 429) continue;
      ++limited;
      CheckError(res, 429);
      CHECK_FALSE(res->get_header_value("Retry-After").empty());
    }
    CHECK(limited >= 2);
  });
}

// The CORS answer a credentialed request needs: the origin itself (never
// "*"), credentials allowed, and Vary: Origin.
void CheckCredentialedCors(const httplib::Result& res, const std::string& origin) {
  REQUIRE(res);
  CHECK(res->get_header_value("Access-Control-Allow-Origin") == origin);
  CHECK(res->get_header_value("Access-Control-Allow-Credentials") == "true");
  CHECK(res->get_header_value("Vary") == "Origin");
}

TEST_CASE("CORS preflight is answered and origins outside the project's domains are refused") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir);
    h.project.domains = {"https://shop.example"};
    h.Update(h.project);
    for (const char* route :
         {"/api/ingest", "/api/sessions/start", "/api/sessions/end", "/api/sessions/heartbeat"}) {
      CAPTURE(route);
      auto preflight = h.Client()->Options(
          route, {{"Origin", "https://shop.example"},
                  {"Access-Control-Request-Method", "POST"},
                  {"Access-Control-Request-Headers", "content-type,x-api-key"}});
      REQUIRE(preflight);
      CHECK(preflight->status == 204);
      CheckCredentialedCors(preflight, "https://shop.example");
    }

    auto allowed = h.Post("/api/ingest", Batch("cors", Events(1, kT0), 0), "",
                          {{"Origin", "https://shop.example"}});
    REQUIRE(allowed);
    CHECK(allowed->status == 200);
    CheckCredentialedCors(allowed, "https://shop.example");
    // The first version's end beacon: application/json, apiKey in the body.
    auto ended = h.Client()->Post(
        "/api/sessions/end", {{"Origin", "https://shop.example"}},
        R"({"sessionId":"cors","reason":"pagehide","apiKey":")" + h.ingest_key + R"("})",
        "application/json");
    REQUIRE(ended);
    CHECK(ended->status == 200);
    CheckCredentialedCors(ended, "https://shop.example");

    auto refused = h.Post("/api/ingest", Batch("cors", Events(1, kT0), 1), "",
                          {{"Origin", "https://evil.example"}});
    CheckError(refused, 403);
    CHECK(refused->get_header_value("Access-Control-Allow-Origin").empty());
    CHECK(refused->get_header_value("Vary") == "Origin");
    CHECK(h.SessionOf("cors").event_count == 1);
  });
}

TEST_CASE("Every origin is answered with credentials when the project lists no domains") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir);
    auto res = h.Post("/api/ingest", Batch("any", Events(1, kT0), 0), "",
                      {{"Origin", "https://anywhere.example"}});
    CHECK(res->status == 200);
    CheckCredentialedCors(res, "https://anywhere.example");
    // A request without Origin is not a browser's cross-origin one: no
    // wildcard is ever sent.
    auto direct = h.Post("/api/ingest", Batch("any", Events(1, kT0 + 1), 1));
    CHECK(direct->status == 200);
    CHECK(direct->get_header_value("Access-Control-Allow-Origin").empty());
    // The admin routes keep their same-origin rules.
    auto admin = h.Client()->Get("/api/sessions", {{"Origin", "https://anywhere.example"}});
    REQUIRE(admin);
    CHECK(admin->get_header_value("Access-Control-Allow-Origin").empty());
    CHECK(admin->get_header_value("Access-Control-Allow-Credentials").empty());
  });
}

TEST_CASE("200 concurrent keep-alive clients for 10 s lose no event and get no 5xx") {
  constexpr int kClients = 200;
  constexpr int kEventsPerBatch = 20;
  ForEachBackend([&](const std::string& url, const test::TempDir& dir) {
    // httplib holds one pool thread per open keep-alive connection, so 200
    // concurrent clients need at least 200 threads or they queue behind each
    // other until the keep-alive timeout.
    Harness h(url, dir, [](Options& o) { o.server.threads = 256; });
    std::atomic<int> failures{0};
    std::atomic<std::int64_t> requests{0};
    std::vector<std::int64_t> sent(kClients, 0);  // events answered 200, per client
    std::mutex mu;
    std::string first_failure;
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    std::vector<std::thread> clients;
    for (int c = 0; c < kClients; ++c) {
      clients.emplace_back([&, c] {
        auto client = h.Client();
        httplib::Headers headers = {{"X-API-Key", h.ingest_key}};
        for (int seq = 0; std::chrono::steady_clock::now() < deadline; ++seq) {
          auto res = client->Post(
              "/api/ingest", headers,
              Batch("c" + std::to_string(c), Events(kEventsPerBatch, kT0 + seq * 10'000), seq),
              "application/json");
          ++requests;
          if (res && res->status == 200) {
            sent[c] += kEventsPerBatch;
            continue;
          }
          ++failures;
          std::lock_guard lock(mu);
          if (first_failure.empty()) {
            first_failure = res ? std::to_string(res->status) + " " + res->body
                                : httplib::to_string(res.error());
          }
        }
      });
    }
    for (std::thread& t : clients) t.join();
    INFO(first_failure);
    MESSAGE(url << ": " << requests.load() << " requests from " << kClients << " clients in 10 s");
    CHECK(failures == 0);
    for (int c = 0; c < kClients; ++c) {
      CAPTURE(c);
      REQUIRE(sent[c] > 0);
      Session s = h.SessionOf("c" + std::to_string(c));
      std::int64_t in_chunks = 0;
      for (const EventChunk& chunk : h.Chunks(s.id)) in_chunks += chunk.event_count;
      CHECK(s.event_count == sent[c]);
      CHECK(in_chunks == sent[c]);
    }
  });
}

}  // namespace
}  // namespace incuera

namespace incuera {
namespace {

TEST_CASE("Quotas: a key over its project's hourly sessions gets 429 + Retry-After, others go on") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir, [](Options& o) {
      o.quotas.sessions_per_hour = 3;
      o.quotas.events_per_day = 100;
    });
    Project other = h.AddProject("blog");
    std::string other_key = h.AddKey(other, KeyScope::kIngest);
    auto start = [&](const std::string& sid, const std::string& key = "") {
      return h.Post("/api/sessions/start", R"({"sessionId":")" + sid + R"("})", key,
                    {{"Origin", "https://shop.example"}});
    };
    for (int i = 0; i < 3; ++i) {
      auto res = start("s" + std::to_string(i));
      REQUIRE(res);
      CHECK(res->status == 200);
    }
    auto refused = start("s3");
    CheckError(refused, 429);
    int wait = std::stoi(refused->get_header_value("Retry-After"));
    CHECK(wait >= 1);
    CHECK(wait <= 3600);
    CHECK(refused->body.find("new sessions per hour") != std::string::npos);
    // The page may read the header (CORS).
    CHECK(refused->get_header_value("Access-Control-Expose-Headers") == "Retry-After");
    // A batch opening a new session is refused the same way and stores nothing.
    CheckError(h.Post("/api/ingest", Batch("s4", Events(5, kT0))), 429);
    CHECK(internal::StoreOf(h.engine())
              .sessions()
              .GetByClientSessionId(h.project.id, "s4")
              .status()
              .code() == StatusCode::kNotFound);
    // Known sessions keep recording; the other project counts its own.
    auto known = h.Post("/api/ingest", Batch("s0", Events(60, kT0)));
    REQUIRE(known);
    CHECK(known->status == 200);
    for (int i = 0; i < 3; ++i) {
      auto res = start("b" + std::to_string(i), other_key);
      REQUIRE(res);
      CHECK(res->status == 200);
    }
    // Events per day: the batch that crosses 100 is taken, the next refused.
    CHECK(h.Post("/api/ingest", Batch("s1", Events(60, kT0)))->status == 200);
    auto over = h.Post("/api/ingest", Batch("s2", Events(1, kT0)));
    CheckError(over, 429);
    CHECK(std::stoi(over->get_header_value("Retry-After")) <= 86400);
    CHECK(h.SessionOf("s1").event_count == 60);
    CHECK(h.SessionOf("s2").event_count == 0);

    // The usage is visible to the project's read key.
    std::string read_key = h.AddKey(h.project, KeyScope::kRead);
    auto usage = h.Client()->Get("/api/projects/" + h.project.id + "/quota",
                                 {{"Authorization", "Bearer " + read_key}});
    REQUIRE(usage);
    INFO(usage->body);
    CHECK(usage->status == 200);
    CHECK(usage->body.find(R"("sessions_per_hour":{"limit":3,"used":3,"source":"server")") !=
          std::string::npos);
    CHECK(usage->body.find(R"("events_per_day":{"limit":100,"used":120,)") != std::string::npos);
    auto elsewhere = h.Client()->Get("/api/projects/" + other.id + "/quota",
                                     {{"Authorization", "Bearer " + read_key}});
    CheckError(elsewhere, 404);
  });
}

TEST_CASE("Quotas: a project's own limit, set through its settings, replaces the server's") {
  ForEachBackend([](const std::string& url, const test::TempDir& dir) {
    Harness h(url, dir, [](Options& o) { o.quotas.sessions_per_hour = 1; });
    Project p = h.project;
    p.settings.quotas.sessions_per_hour = 0;  // no limit for this one
    h.Update(p);
    for (int i = 0; i < 4; ++i) {
      auto res = h.Post("/api/sessions/start", R"({"sessionId":"u)" + std::to_string(i) + R"("})");
      REQUIRE(res);
      CHECK(res->status == 200);
    }
  });
}

}  // namespace
}  // namespace incuera
