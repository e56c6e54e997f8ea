// The admin HTTP API end to end (ARCHITECTURE §6, issue 5): a real
// HttpServer on 127.0.0.1 over an Engine on SQLite and on the real
// PostgreSQL, with two owners, so every route is checked for what it returns
// and for what it must refuse.
#include <doctest/doctest.h>
#include <httplib.h>

#include <algorithm>
#include <boost/json.hpp>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "engine/store_access.h"
#include "incuera/admin.h"
#include "incuera/auth.h"
#include "incuera/engine.h"
#include "incuera/http.h"
#include "incuera/lifecycle.h"
#include "incuera/object_store.h"
#include "incuera/queue.h"
#include "incuera/store.h"
#include "incuera/worker.h"
#include "support/test_env.h"

namespace incuera {
namespace {

namespace json = boost::json;

constexpr char kPassword[] = "correct horse battery";
constexpr TimeMs kT0 = 1'700'000'000'000;

json::value Parse(const httplib::Result& res) {
  REQUIRE(res);
  boost::system::error_code ec;
  json::value v = json::parse(res->body, ec);
  REQUIRE_MESSAGE(!ec, res->body);
  return v;
}

// One Engine + HttpServer with two owners (ana, bob), each with a project.
class Harness {
 public:
  Harness(const std::string& url, const test::TempDir& dir) {
    Options options;
    options.database_url = url;
    options.storage_url = "file://" + dir.path() + "/objects";
    options.secret_key = "admin-api-test-secret-key-0123456789abcdef";
    options.server.port = 0;
    options.server.in_process_worker = false;
    auto engine = Engine::Open(options);
    REQUIRE_MESSAGE(engine.ok(), engine.status().ToString());
    engine_ = std::move(*engine);
    ana = AddUser("ana@example.com");
    bob = AddUser("bob@example.com");
    ana_project = AddProject(ana, "shop");
    bob_project = AddProject(bob, "blog");
    server_ = std::make_unique<http::HttpServer>(*engine_);
    REQUIRE(server_->Bind().ok());
    thread_ = std::thread([this] { (void)server_->Run(); });
    ana_token = Login("ana@example.com");
    bob_token = Login("bob@example.com");
  }
  ~Harness() {
    server_->Stop();
    thread_.join();
  }

  Engine& engine() { return *engine_; }
  std::string origin() const { return "http://127.0.0.1:" + std::to_string(server_->port()); }

  User AddUser(const std::string& email) {
    User u;
    u.email = email;
    // A cheap hash keeps the many logins fast; verification reads the
    // iteration count from the hash itself.
    Auth cheap(engine_->options().secret_key, internal::StoreOf(*engine_),
               {.pbkdf2_iterations = 1'000});
    auto hash = cheap.HashPassword(kPassword);
    REQUIRE(hash.ok());
    u.password_hash = *hash;
    auto created = internal::StoreOf(*engine_).users().Create(u);
    REQUIRE(created.ok());
    return *created;
  }

  Project AddProject(const User& owner, const std::string& slug) {
    Project p;
    p.owner_id = owner.id;
    p.name = slug;
    p.slug = slug;
    auto created = internal::StoreOf(*engine_).projects().Create(p);
    REQUIRE(created.ok());
    return *created;
  }

  std::string AddKey(const Project& p, KeyScope scope) {
    auto key = engine_->auth().CreateApiKey(p.id, "test", scope);
    REQUIRE(key.ok());
    return key->secret;
  }

  // A session of `p` with one stored batch of `events`, ended `status`.
  Session AddSession(const Project& p, const std::string& client_session_id, SessionStatus status,
                     const std::string& user = "", const std::string& url = "https://x.test/",
                     std::int64_t duration_ms = 60'000, std::int64_t errors = 0,
                     const std::string& events = "") {
    SessionStart start;
    start.project_id = p.id;
    start.client_session_id = client_session_id;
    start.user_id = user;
    start.url = url;
    start.started_at = kT0;
    auto s = internal::StoreOf(*engine_).sessions().Upsert(start);
    REQUIRE(s.ok());
    EventChunk chunk;
    chunk.session_id = s->id;
    chunk.seq = 0;
    chunk.codec = "none";
    chunk.payload = events.empty() ? R"([{"type":4,"timestamp":1700000000000,"data":{}}])" : events;
    chunk.raw_bytes = static_cast<std::int64_t>(chunk.payload.size());
    chunk.event_count = 1;
    chunk.first_ts = chunk.last_ts = kT0;
    BatchStats stats;
    stats.event_count = 1;
    stats.raw_bytes = chunk.raw_bytes;
    stats.first_ts = kT0;
    stats.last_ts = kT0 + duration_ms;
    stats.error_count = errors;
    REQUIRE(internal::StoreOf(*engine_).events().Append(chunk, stats).ok());
    if (status != SessionStatus::kRecording) {
      REQUIRE(internal::StoreOf(*engine_)
                  .sessions()
                  .MarkEnded(s->id, kT0 + duration_ms, "beacon")
                  .ok());
      REQUIRE(internal::StoreOf(*engine_)
                  .sessions()
                  .Transition(s->id, SessionStatus::kRecording, status)
                  .ok());
    }
    auto stored = internal::StoreOf(*engine_).sessions().Get(s->id);
    REQUIRE(stored.ok());
    return *stored;
  }

  // Stores a fake rendering (video of `video_size` bytes, thumbnail, two
  // keyframes) for the session.
  std::string AddRendering(const Session& s, int video_size = 1000) {
    std::string video;
    for (int i = 0; i < video_size; ++i) video += static_cast<char>('a' + i % 26);
    const std::string prefix = "sessions/" + s.id + "/";
    ObjectStore& o = engine_->objects();
    REQUIRE(o.Put(prefix + "video.mp4", video, "video/mp4").ok());
    REQUIRE(o.Put(prefix + "thumbnail.jpg", "\xff\xd8jpeg", "image/jpeg").ok());
    REQUIRE(o.Put(prefix + "keyframe-0.jpg", "\xff\xd8k0", "image/jpeg").ok());
    REQUIRE(o.Put(prefix + "keyframe-1.jpg", "\xff\xd8k1", "image/jpeg").ok());
    REQUIRE(o.Put(prefix + "render.json",
                  R"({"width":1280,"time_map":[[0,0],[4000,4000],[5000,9000],[12000,16000]]})",
                  "application/json")
                .ok());
    REQUIRE(o.Put(prefix + "keyframes.json",
                  R"([{"index":0,"session_time_ms":1200,"video_time_ms":1200,"reason":"click"},)"
                  R"({"index":1,"session_time_ms":9000,"video_time_ms":5000,"reason":"error"}])",
                  "application/json")
                .ok());
    REQUIRE(internal::StoreOf(*engine_)
                .sessions()
                .SetVideo(s.id, prefix + "video.mp4", prefix + "thumbnail.jpg",
                          prefix + "keyframes.json", 12'000, video_size)
                .ok());
    return video;
  }

  httplib::Client Client() {
    httplib::Client c("127.0.0.1", server_->port());
    c.set_read_timeout(std::chrono::seconds(30));
    return c;
  }

  std::string Login(const std::string& email) {
    auto res = Client().Post("/api/auth/login",
                             R"({"email":")" + email + R"(","password":")" + kPassword + R"("})",
                             "application/json");
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 200, res->body);
    return std::string(Parse(res).at("token").as_string());
  }

  // A request with `Authorization: Bearer <credential>` (none when empty).
  httplib::Result Call(const std::string& method, const std::string& path,
                       const std::string& credential, const std::string& body = "",
                       httplib::Headers headers = {}) {
    if (!credential.empty()) headers.emplace("Authorization", "Bearer " + credential);
    httplib::Client c = Client();
    if (method == "GET") return c.Get(path, headers);
    if (method == "POST") return c.Post(path, headers, body, "application/json");
    if (method == "PATCH") return c.Patch(path, headers, body, "application/json");
    if (method == "DELETE") return c.Delete(path, headers);
    FAIL("unknown method " << method);
    return c.Get(path);
  }

  User ana, bob;
  Project ana_project, bob_project;
  std::string ana_token, bob_token;

 private:
  std::unique_ptr<Engine> engine_;
  std::unique_ptr<http::HttpServer> server_;
  std::thread thread_;
};

void ForEachBackend(const std::function<void(Harness&)>& body) {
  test::TempDir dir;
  for (const std::string& url : test::StoreUrls(dir)) {
    CAPTURE(url);
    test::TempDir objects;
    Harness h(url, objects);
    body(h);
  }
}

// Checks the status and the JSON error shape.
void CheckError(const httplib::Result& res, int status, const std::string& code) {
  REQUIRE(res);
  INFO(res->body);
  CHECK(res->status == status);
  CHECK(res->get_header_value("Content-Type").find("application/json") != std::string::npos);
  json::value v = Parse(res);
  CHECK(v.at("error").at("code").as_string() == code);
  CHECK(!v.at("error").at("message").as_string().empty());
}

struct Route {
  std::string method, path;
};

// A body every POST route accepts as well formed, so that what is checked is
// who may reach it.
std::string AnyValidBody(const Route& r) {
  if (r.path.ends_with("/notes")) return R"({"at_ms":1,"text":"x"})";
  if (r.path.ends_with("/saved-filters")) return R"({"name":"x","filters":{}})";
  return R"({"name":"x","scope":"read"})";
}

constexpr char kSomeId[] = "00000000-0000-4000-8000-000000000001";

// Every admin route, with the ids of `s` (a session of ana's project),
// `key_id` (one of its keys), a note and a saved filter filled in.
std::vector<Route> AdminRoutes(const Session& s, const std::string& key_id,
                               const std::string& note_id = kSomeId,
                               const std::string& filter_id = kSomeId) {
  const std::string p = "/api/projects/shop";
  const std::string sp = "/api/sessions/" + s.id;
  return {{"GET", "/api/me"},
          {"GET", "/api/projects"},
          {"POST", "/api/projects"},
          {"GET", p},
          {"PATCH", p},
          {"DELETE", p},
          {"GET", p + "/api-keys"},
          {"POST", p + "/api-keys"},
          {"DELETE", p + "/api-keys/" + key_id},
          {"DELETE", p + "/visitors?user=visitor-1"},
          {"GET", p + "/quota"},
          {"GET", p + "/usage"},
          {"GET", "/api/sessions?project=shop"},
          {"GET", sp},
          {"DELETE", sp},
          {"GET", sp + "/events"},
          {"GET", sp + "/events/pages"},
          {"GET", sp + "/events/pages/0"},
          {"GET", sp + "/events?from=0&count=1"},
          {"GET", sp + "/video"},
          {"GET", sp + "/thumbnail"},
          {"GET", sp + "/keyframes"},
          {"GET", sp + "/keyframes/0"},
          {"GET", sp + "/heatmap"},
          {"GET", sp + "/analysis"},
          {"POST", sp + "/render"},
          {"POST", sp + "/analyze"},
          {"GET", sp + "/notes"},
          {"POST", sp + "/notes"},
          {"DELETE", sp + "/notes/" + note_id},
          {"GET", p + "/saved-filters"},
          {"POST", p + "/saved-filters"},
          {"DELETE", p + "/saved-filters/" + filter_id}};
}

TEST_CASE("Every admin route answers 401 without credentials and with a bad token") {
  ForEachBackend([](Harness& h) {
    Session s = h.AddSession(h.ana_project, "c1", SessionStatus::kReady);
    auto key = h.engine().auth().CreateApiKey(h.ana_project.id, "k", KeyScope::kIngest);
    REQUIRE(key.ok());
    for (const Route& r : AdminRoutes(s, key->key.id)) {
      CAPTURE(r.method + " " + r.path);
      CheckError(h.Call(r.method, r.path, "", "{}"), 401, "unauthenticated");
      CheckError(h.Call(r.method, r.path, "not-a-token", "{}"), 401, "unauthenticated");
      CheckError(h.Call(r.method, r.path, "inc_not-a-key", "{}"), 401, "unauthenticated");
    }
    // Nothing was changed by any of those requests.
    CHECK(internal::StoreOf(h.engine()).sessions().Get(s.id).ok());
    CHECK(internal::StoreOf(h.engine()).projects().Get(h.ana_project.id).ok());
  });
}

TEST_CASE("Login gives a bearer token and an HttpOnly SameSite=Strict cookie; logout revokes it") {
  ForEachBackend([](Harness& h) {
    auto res = h.Client().Post("/api/auth/login",
                               R"({"email":"ANA@example.com ","password":"correct horse battery"})",
                               "application/json");
    REQUIRE(res);
    REQUIRE(res->status == 200);
    std::string cookie = res->get_header_value("Set-Cookie");
    CHECK(cookie.find("incuera_session=") == 0);
    CHECK(cookie.find("HttpOnly") != std::string::npos);
    CHECK(cookie.find("SameSite=Strict") != std::string::npos);
    CHECK(cookie.find("Path=/") != std::string::npos);
    json::value login = Parse(res);
    std::string token(login.at("token").as_string());
    CHECK(cookie.find(token) != std::string::npos);
    CHECK(login.at("user").at("email").as_string() == "ana@example.com");
    CHECK(login.at("user").as_object().if_contains("password_hash") == nullptr);

    json::value me = Parse(h.Call("GET", "/api/me", token));
    CHECK(me.at("user").at("id").as_string() == h.ana.id);
    // The cookie works as well as the header.
    auto by_cookie = h.Client().Get("/api/me", {{"Cookie", "a=b; incuera_session=" + token}});
    REQUIRE(by_cookie);
    CHECK(by_cookie->status == 200);

    auto out = h.Call("POST", "/api/auth/logout", token);
    REQUIRE(out);
    CHECK(out->status == 200);
    CHECK(out->get_header_value("Set-Cookie").find("Max-Age=0") != std::string::npos);
    CheckError(h.Call("GET", "/api/me", token), 401, "unauthenticated");

    // Logging out again with the dead token (or with nothing) still clears
    // the cookie, so a browser is never stuck with it.
    for (const std::string& credential : {token, std::string()}) {
      auto again = h.Call("POST", "/api/auth/logout", credential);
      REQUIRE(again);
      CHECK(again->status == 200);
      CHECK(again->get_header_value("Set-Cookie").find("Max-Age=0") != std::string::npos);
    }
  });
}

TEST_CASE("Unknown email and wrong password get the same answer, and bad login bodies a 400") {
  ForEachBackend([](Harness& h) {
    auto wrong = h.Client().Post(
        "/api/auth/login", R"({"email":"ana@example.com","password":"nope"})", "application/json");
    auto unknown = h.Client().Post(
        "/api/auth/login", R"({"email":"who@example.com","password":"nope"})", "application/json");
    CheckError(wrong, 401, "unauthenticated");
    CheckError(unknown, 401, "unauthenticated");
    CHECK(wrong->body == unknown->body);
    CheckError(h.Client().Post("/api/auth/login", "{not json", "application/json"), 400,
               "invalid_argument");
    CheckError(
        h.Client().Post("/api/auth/login", R"({"email":"ana@example.com"})", "application/json"),
        400, "invalid_argument");
    CheckError(
        h.Client().Post("/api/auth/login", R"({"email":1,"password":2})", "application/json"), 400,
        "invalid_argument");
    // PostgreSQL would cut the email at the NUL and find ana, while the
    // per-account limit counted "ana@example.com\0<anything>" apart.
    CheckError(h.Client().Post("/api/auth/login",
                               R"({"email":"ana@example.com\u0000x","password":")" +
                                   std::string(kPassword) + R"("})",
                               "application/json"),
               400, "invalid_argument");
  });
}

TEST_CASE("Login is rate limited per account, and the right password is refused while blocked") {
  test::TempDir dir;
  Harness h("sqlite://" + dir.File("db.sqlite"), dir);
  const std::string bad = R"({"email":"ana@example.com","password":"guess"})";
  for (int i = 0; i < AdminOptions{}.max_failures_per_account; ++i) {
    CheckError(h.Client().Post("/api/auth/login", bad, "application/json"), 401, "unauthenticated");
  }
  auto blocked = h.Client().Post(
      "/api/auth/login", R"({"email":"ana@example.com","password":"correct horse battery"})",
      "application/json");
  CheckError(blocked, 429, "resource_exhausted");
  CHECK(std::stoi(blocked->get_header_value("Retry-After")) > 0);
  // Another account from the same IP is not blocked by ana's failures.
  CHECK(h.Login("bob@example.com").size() > 20);
}

TEST_CASE("Login is rate limited per IP across accounts") {
  test::TempDir dir;
  Harness h("sqlite://" + dir.File("db.sqlite"), dir);
  for (int i = 0; i < AdminOptions{}.max_failures_per_ip; ++i) {
    std::string body =
        R"({"email":"user)" + std::to_string(i) + R"(@example.com","password":"guess"})";
    CheckError(h.Client().Post("/api/auth/login", body, "application/json"), 401,
               "unauthenticated");
  }
  auto blocked = h.Client().Post(
      "/api/auth/login", R"({"email":"bob@example.com","password":"correct horse battery"})",
      "application/json");
  CheckError(blocked, 429, "resource_exhausted");
  CHECK(!blocked->get_header_value("Retry-After").empty());
}

// Issue 16 item 3: a password change through the API signs out every other
// login of the user; the caller gets a new token and cookie.
TEST_CASE("A password change refuses the user's old tokens and keeps the caller signed in") {
  ForEachBackend([](Harness& h) {
    const std::string other_tab = h.Login("ana@example.com");
    const std::string body = R"({"current_password":")" + std::string(kPassword) +
                             R"(","new_password":"a new long pass"})";
    auto changed = h.Call("POST", "/api/auth/password", h.ana_token, body);
    REQUIRE(changed);
    REQUIRE_MESSAGE(changed->status == 200, changed->body);
    const std::string fresh(Parse(changed).at("token").as_string());
    CHECK(changed->get_header_value("Set-Cookie").find("incuera_session=" + fresh) == 0);
    CheckError(h.Call("GET", "/api/projects", h.ana_token), 401, "unauthenticated");
    CheckError(h.Call("GET", "/api/projects", other_tab), 401, "unauthenticated");
    CHECK(h.Call("GET", "/api/projects", fresh)->status == 200);
    CHECK(h.Call("GET", "/api/projects", h.bob_token)->status == 200);  // others keep theirs
    CheckError(h.Client().Post(
                   "/api/auth/login",
                   R"({"email":"ana@example.com","password":")" + std::string(kPassword) + R"("})",
                   "application/json"),
               401, "unauthenticated");
    auto login = h.Client().Post("/api/auth/login",
                                 R"({"email":"ana@example.com","password":"a new long pass"})",
                                 "application/json");
    REQUIRE(login);
    CHECK(login->status == 200);
    // Bad bodies, a short new password, a read key: refused, nothing changed.
    CheckError(h.Call("POST", "/api/auth/password", fresh, R"({"new_password":"x"})"), 400,
               "invalid_argument");
    CheckError(h.Call("POST", "/api/auth/password", fresh,
                      R"({"current_password":"a new long pass","new_password":"short"})"),
               400, "invalid_argument");
    // The old password is now the wrong one.
    CheckError(h.Call("POST", "/api/auth/password", fresh, body), 403, "permission_denied");
    const std::string read_key = h.AddKey(h.ana_project, KeyScope::kRead);
    CheckError(h.Call("POST", "/api/auth/password", read_key, body), 403, "permission_denied");
    CheckError(h.Call("POST", "/api/auth/password", "", body), 401, "unauthenticated");
    // A cookie request from another site is refused before anything is checked.
    CheckError(h.Call("POST", "/api/auth/password", "", body,
                      {{"Cookie", "incuera_session=" + fresh}, {"Origin", "https://evil.example"}}),
               403, "permission_denied");
    CHECK(h.Call("GET", "/api/projects", fresh)->status == 200);
  });
}

TEST_CASE("Wrong current passwords are 403 and count against the login limit") {
  test::TempDir dir;
  Harness h("sqlite://" + dir.File("db.sqlite"), dir);
  const std::string wrong = R"({"current_password":"guess","new_password":"whatever it is"})";
  for (int i = 0; i < AdminOptions{}.max_failures_per_account; ++i) {
    CheckError(h.Call("POST", "/api/auth/password", h.ana_token, wrong), 403, "permission_denied");
  }
  // Blocked now, the right current password too, and so is signing in.
  auto blocked = h.Call("POST", "/api/auth/password", h.ana_token,
                        R"({"current_password":")" + std::string(kPassword) +
                            R"(","new_password":"whatever it is"})");
  CheckError(blocked, 429, "resource_exhausted");
  CHECK(std::stoi(blocked->get_header_value("Retry-After")) > 0);
  CheckError(h.Client().Post(
                 "/api/auth/login",
                 R"({"email":"ana@example.com","password":")" + std::string(kPassword) + R"("})",
                 "application/json"),
             429, "resource_exhausted");
  // The password is unchanged and the token still valid.
  CHECK(h.Call("GET", "/api/projects", h.ana_token)->status == 200);
}

TEST_CASE("Expired and revoked login tokens are refused") {
  ForEachBackend([](Harness& h) {
    std::string token = "expired-token-for-the-test-0123456789";
    AuthToken row;
    row.token_hash = h.engine().auth().HashSecret(token);
    row.user_id = h.ana.id;
    row.created_at = NowMs() - 10'000;
    row.expires_at = NowMs() - 1'000;
    REQUIRE(internal::StoreOf(h.engine()).auth_tokens().Create(row).ok());
    CheckError(h.Call("GET", "/api/projects", token), 401, "unauthenticated");

    REQUIRE(h.engine().auth().RevokeSessionToken(h.ana_token).ok());
    CheckError(h.Call("GET", "/api/projects", h.ana_token), 401, "unauthenticated");
  });
}

TEST_CASE("Projects: create, read, rename by slug, settings, delete; the id survives a rename") {
  ForEachBackend([](Harness& h) {
    const std::string& t = h.ana_token;
    auto created = h.Call("POST", "/api/projects", t,
                          R"({"name":"My Café Shop","domains":["Shop.Example", "*.shop.example"],
                              "settings":{"min_duration_ms":5000,"funnel_steps":[
                              {"name":"Cart","url_pattern":"/cart"}]}})");
    REQUIRE(created);
    REQUIRE_MESSAGE(created->status == 201, created->body);
    json::value p = Parse(created);
    std::string id(p.at("id").as_string());
    CHECK(p.at("slug").as_string() == "my-caf-shop");
    CHECK(p.at("domains").as_array().at(0).as_string() == "shop.example");
    CHECK(p.at("settings").at("min_duration_ms").as_int64() == 5000);
    CHECK(p.at("settings").at("retention_days").as_int64() == 30);
    CHECK(p.at("settings").at("funnel_steps").as_array().size() == 1);

    CheckError(h.Call("POST", "/api/projects", t, R"({"name":"x","slug":"shop"})"), 409,
               "already_exists");
    // Bob may use the same slug: slugs are unique per owner.
    auto bobs = h.Call("POST", "/api/projects", h.bob_token, R"({"name":"x","slug":"shop"})");
    REQUIRE(bobs);
    CHECK(bobs->status == 201);

    auto renamed = h.Call("PATCH", "/api/projects/my-caf-shop", t,
                          R"({"name":"Cafe","slug":"cafe","settings":{"sample_rate":0.5}})");
    REQUIRE(renamed);
    REQUIRE_MESSAGE(renamed->status == 200, renamed->body);
    json::value r = Parse(renamed);
    CHECK(r.at("slug").as_string() == "cafe");
    CHECK(r.at("settings").at("sample_rate").as_double() == 0.5);
    // Settings not named in the patch are kept.
    CHECK(r.at("settings").at("min_duration_ms").as_int64() == 5000);
    CheckError(h.Call("GET", "/api/projects/my-caf-shop", t), 404, "not_found");
    CHECK(Parse(h.Call("GET", "/api/projects/" + id, t)).at("slug").as_string() == "cafe");
    CHECK(Parse(h.Call("GET", "/api/projects/cafe", t)).at("id").as_string() == id);

    json::value list = Parse(h.Call("GET", "/api/projects", t));
    CHECK(list.at("projects").as_array().size() == 2);  // shop, cafe

    auto deleted = h.Call("DELETE", "/api/projects/cafe", t);
    REQUIRE(deleted);
    CHECK(deleted->status == 204);
    CheckError(h.Call("GET", "/api/projects/" + id, t), 404, "not_found");
  });
}

TEST_CASE("Projects carry their session count; another owner's sessions are not counted") {
  ForEachBackend([](Harness& h) {
    Project docs = h.AddProject(h.ana, "docs");
    h.AddProject(h.ana, "empty");
    // Sessions arrive through the ingest API, as the SDK sends them.
    auto ingest = [&](const Project& p, std::vector<std::string> client_ids) {
      const std::string key = h.AddKey(p, KeyScope::kIngest);
      for (const std::string& id : client_ids) {
        auto res = h.Client().Post("/api/sessions/start", {{"X-API-Key", key}},
                                   R"({"sessionId":")" + id + R"("})", "application/json");
        REQUIRE(res);
        REQUIRE_MESSAGE(res->status == 200, res->body);
      }
    };
    // "a-1" twice: a second page of one visit is still one session.
    ingest(h.ana_project, {"a-1", "a-2", "a-3", "a-1"});
    ingest(docs, {"d-1"});
    ingest(h.bob_project, {"b-1", "b-2"});
    // Every status counts, as the sessions list shows them all.
    h.AddSession(h.ana_project, "a-failed", SessionStatus::kFailed);

    auto counts = [&](const std::string& credential) {
      std::map<std::string, std::int64_t> out;
      json::value list = Parse(h.Call("GET", "/api/projects", credential));
      for (const auto& p : list.at("projects").as_array()) {
        out[std::string(p.at("slug").as_string())] = p.at("session_count").as_int64();
      }
      return out;
    };
    using Counts = std::map<std::string, std::int64_t>;
    CHECK(counts(h.ana_token) == Counts{{"docs", 1}, {"empty", 0}, {"shop", 4}});
    CHECK(counts(h.bob_token) == Counts{{"blog", 2}});
    CHECK(Parse(h.Call("GET", "/api/projects/shop", h.ana_token)).at("session_count") == 4);
    CHECK(Parse(h.Call("GET", "/api/projects/" + docs.id, h.ana_token)).at("session_count") == 1);

    // A read key sees its own project's count, in the list, by ref and in /api/me.
    const std::string read = h.AddKey(docs, KeyScope::kRead);
    CHECK(counts(read) == Counts{{"docs", 1}});
    CHECK(Parse(h.Call("GET", "/api/projects/docs", read)).at("session_count") == 1);
    CHECK(Parse(h.Call("GET", "/api/me", read)).at("project").at("session_count") == 1);

    // Writes answer the project with its count too.
    json::value renamed =
        Parse(h.Call("PATCH", "/api/projects/shop", h.ana_token, R"({"name":"Shop 2"})"));
    CHECK(renamed.at("session_count") == 4);
    auto created = h.Call("POST", "/api/projects", h.ana_token, R"({"name":"New"})");
    REQUIRE(created);
    CHECK(created->status == 201);
    CHECK(Parse(created).at("session_count") == 0);
  });
}

TEST_CASE("Project bodies that are not what the API expects answer 400 and change nothing") {
  ForEachBackend([](Harness& h) {
    const std::string& t = h.ana_token;
    const char* bad[] = {"", "[]", "{not json", R"({"name":""})", R"({"nam":"typo"})",
                         R"({"name":5})", R"({"name":"a","slug":"Bad Slug"})",
                         R"({"name":"a","domains":"x.test"})",
                         R"({"name":"a","domains":["has space.test"]})",
                         R"({"name":"a","settings":{"sample_rate":2}})",
                         R"({"name":"a","settings":{"min_duration_ms":-1}})",
                         R"({"name":"a","settings":{"retention_days":"30"}})",
                         R"({"name":"a","settings":{"funnel_steps":[{"name":"x"}]}})",
                         R"({"name":"a","settings":{"colour":"red"}})",
                         // 2^32 + 1 days must not wrap around to 1 day.
                         R"({"name":"a","settings":{"retention_days":4294967297}})",
                         // PostgreSQL cuts text at a NUL and refuses one in jsonb.
                         R"({"name":"a\u0000b"})", R"({"name":"a","domains":["x.test\u0000"]})",
                         R"({"name":"a","settings":{"funnel_steps":[{"name":"x\u0000",)"
                         R"("url_pattern":"/x"}]}})",
                         R"({"name":"a","settings":{"funnel_steps":[{"name":"x",)"
                         R"("url_pattern":"/x\n/y"}]}})"};
    for (const char* body : bad) {
      CAPTURE(body);
      CheckError(h.Call("POST", "/api/projects", t, body), 400, "invalid_argument");
      CheckError(h.Call("PATCH", "/api/projects/shop", t, body[0] ? body : "{"), 400,
                 "invalid_argument");
    }
    json::value list = Parse(h.Call("GET", "/api/projects", t));
    REQUIRE(list.at("projects").as_array().size() == 1);
    CHECK(list.at("projects").at(0).at("name").as_string() == "shop");
  });
}

TEST_CASE("Another owner's project, keys and sessions answer 404, never their data") {
  ForEachBackend([](Harness& h) {
    Session s = h.AddSession(h.ana_project, "ana-1", SessionStatus::kReady);
    h.AddRendering(s);
    auto key = h.engine().auth().CreateApiKey(h.ana_project.id, "k", KeyScope::kIngest);
    REQUIRE(key.ok());
    for (Route r : AdminRoutes(s, key->key.id)) {
      if (r.path == "/api/me" || r.path == "/api/projects") {
        continue;
      }
      // Bob asks for ana's project by slug (his own "shop" does not exist)
      // and by id.
      for (const std::string& ref : {std::string("shop"), h.ana_project.id}) {
        std::string path = r.path;
        if (auto at = path.find("/projects/shop"); at != std::string::npos) {
          path.replace(at + 10, 4, ref);
        }
        if (auto at = path.find("project=shop"); at != std::string::npos) {
          path.replace(at + 8, 4, ref);
        }
        CAPTURE(r.method + " " + path);
        CheckError(h.Call(r.method, path, h.bob_token, AnyValidBody(r)), 404, "not_found");
      }
    }
    // Bob revoking ana's key through his own project: still 404.
    CheckError(h.Call("DELETE", "/api/projects/blog/api-keys/" + key->key.id, h.bob_token), 404,
               "not_found");
    // Everything of ana's is intact.
    CHECK(internal::StoreOf(h.engine()).sessions().Get(s.id).ok());
    CHECK(!internal::StoreOf(h.engine()).api_keys().Get(key->key.id)->revoked_at);
    CHECK(h.engine().objects().Exists("sessions/" + s.id + "/video.mp4").value());
    json::value bobs = Parse(h.Call("GET", "/api/projects", h.bob_token));
    REQUIRE(bobs.at("projects").as_array().size() == 1);
    CHECK(bobs.at("projects").at(0).at("slug").as_string() == "blog");
  });
}

// Issue 16 item 2: bob's "mirror" project has ana's project id as its slug.
// Neither bob nor a read key of the mirror may reach anything of ana's
// through it, on any route that takes a project or a session.
TEST_CASE("A project whose slug is another owner's project id reaches nothing of theirs") {
  ForEachBackend([](Harness& h) {
    Session s = h.AddSession(h.ana_project, "ana-1", SessionStatus::kReady);
    h.AddRendering(s);
    auto key = h.engine().auth().CreateApiKey(h.ana_project.id, "k", KeyScope::kIngest);
    REQUIRE(key.ok());
    // Made in the store: the API refuses such a slug (checked below), but a
    // database may hold one from before that rule.
    Project mirror = h.AddProject(h.bob, h.ana_project.id);
    const std::string mirror_read = h.AddKey(mirror, KeyScope::kRead);
    std::vector<Route> routes = AdminRoutes(s, key->key.id);
    // Deletes go last, so that on a server that lets them through the other
    // routes are still tried against a full project.
    std::stable_partition(routes.begin(), routes.end(),
                          [](const Route& r) { return r.method != "DELETE"; });
    for (Route r : routes) {
      if (r.path == "/api/me" || r.path == "/api/projects") continue;
      std::string path = r.path;
      if (auto at = path.find("/projects/shop"); at != std::string::npos) {
        path.replace(at + 10, 4, h.ana_project.id);
      }
      if (auto at = path.find("project=shop"); at != std::string::npos) {
        path.replace(at + 8, 4, h.ana_project.id);
      }
      CAPTURE(r.method + " " + path);
      CheckError(h.Call(r.method, path, h.bob_token, AnyValidBody(r)), 404, "not_found");
      // A read key writes nothing and sees no keys: those routes refuse it
      // (403) before any lookup; every other answer is 404.
      auto as_key = h.Call(r.method, path, mirror_read, AnyValidBody(r));
      REQUIRE(as_key);
      if (as_key->status == 403) {
        CheckError(as_key, 403, "permission_denied");
      } else {
        CheckError(as_key, 404, "not_found");
      }
    }
    CHECK(internal::StoreOf(h.engine()).sessions().Get(s.id).ok());
    CHECK(internal::StoreOf(h.engine()).projects().Get(h.ana_project.id).ok());
    CHECK(!internal::StoreOf(h.engine()).api_keys().Get(key->key.id)->revoked_at);
    CHECK(h.engine().objects().Exists("sessions/" + s.id + "/video.mp4").value());
    // Ana still reaches her project by id and by slug.
    CHECK(Parse(h.Call("GET", "/api/projects/" + h.ana_project.id, h.ana_token))
              .at("slug")
              .as_string() == "shop");
    CHECK(h.Call("GET", "/api/sessions/" + s.id + "/events", h.ana_token)->status == 200);
    // Bob's mirror is reachable by its own id.
    CHECK(h.Call("GET", "/api/projects/" + mirror.id, h.bob_token)->status == 200);
  });
}

TEST_CASE("Erasing a visitor removes exactly their sessions with their files; others are kept") {
  ForEachBackend([](Harness& h) {
    Session a = h.AddSession(h.ana_project, "a", SessionStatus::kReady, "visitor-7");
    Session b = h.AddSession(h.ana_project, "b", SessionStatus::kReady, "visitor-77");
    Session c = h.AddSession(h.ana_project, "c", SessionStatus::kRecording, "visitor-7");
    Session bobs = h.AddSession(h.bob_project, "d", SessionStatus::kReady, "visitor-7");
    h.AddRendering(a);
    // Another owner, a read key and an empty visitor change nothing.
    CheckError(h.Call("DELETE", "/api/projects/shop/visitors?user=visitor-7", h.bob_token), 404,
               "not_found");
    CheckError(h.Call("DELETE", "/api/projects/shop/visitors?user=visitor-7",
                      h.AddKey(h.ana_project, KeyScope::kRead)),
               403, "permission_denied");
    CheckError(h.Call("DELETE", "/api/projects/shop/visitors?user=%20", h.ana_token), 400,
               "invalid_argument");
    CHECK(internal::StoreOf(h.engine()).sessions().Get(a.id).ok());

    auto res = h.Call("DELETE", "/api/projects/shop/visitors?user=visitor-7", h.ana_token);
    REQUIRE(res);
    REQUIRE_MESSAGE(res->status == 200, res->body);
    CHECK(Parse(res).at("sessions_removed").as_int64() == 2);
    for (const Session& gone : {a, c}) {
      CHECK(internal::StoreOf(h.engine()).sessions().Get(gone.id).status().code() ==
            StatusCode::kNotFound);
    }
    CHECK_FALSE(h.engine().objects().Exists("sessions/" + a.id + "/video.mp4").value());
    CHECK(internal::StoreOf(h.engine()).sessions().Get(b.id).ok());
    CHECK(internal::StoreOf(h.engine()).sessions().Get(bobs.id).ok());
  });
}

TEST_CASE("A slug shaped like a project id is refused on create and rename, and changes nothing") {
  ForEachBackend([](Harness& h) {
    const std::string uuid = NewUuid();
    CheckError(h.Call("POST", "/api/projects", h.bob_token,
                      R"({"name":"mirror","slug":")" + h.ana_project.id + R"("})"),
               400, "invalid_argument");
    CheckError(h.Call("POST", "/api/projects", h.bob_token, R"({"name":")" + uuid + R"("})"), 400,
               "invalid_argument");
    CheckError(h.Call("PATCH", "/api/projects/blog", h.bob_token, R"({"slug":")" + uuid + R"("})"),
               400, "invalid_argument");
    auto projects = internal::StoreOf(h.engine()).projects().List(h.bob.id);
    REQUIRE(projects.ok());
    REQUIRE(projects->size() == 1);
    CHECK(projects->front().slug == "blog");
  });
}

TEST_CASE("API keys: the secret is shown once, lists show the prefix, revoked keys stop working") {
  ForEachBackend([](Harness& h) {
    const std::string& t = h.ana_token;
    auto created =
        h.Call("POST", "/api/projects/shop/api-keys", t, R"({"name":"site","scope":"ingest"})");
    REQUIRE(created);
    REQUIRE_MESSAGE(created->status == 201, created->body);
    json::value k = Parse(created);
    std::string secret(k.at("secret").as_string());
    std::string id(k.at("api_key").at("id").as_string());
    CHECK(secret.rfind("inc_", 0) == 0);
    CHECK(secret.rfind(std::string(k.at("api_key").at("prefix").as_string()), 0) == 0);
    CHECK(k.at("api_key").at("scope").as_string() == "ingest");

    auto listed = h.Call("GET", "/api/projects/shop/api-keys", t);
    REQUIRE(listed);
    CHECK(listed->body.find(secret) == std::string::npos);
    CHECK(listed->body.find("hash") == std::string::npos);
    json::value list = Parse(listed);
    REQUIRE(list.at("api_keys").as_array().size() == 1);
    CHECK(list.at("api_keys").at(0).at("last_used_at").is_null());

    auto ingest = h.Client().Post("/api/sessions/start", {{"X-API-Key", secret}},
                                  R"({"sessionId":"k-1"})", "application/json");
    REQUIRE(ingest);
    CHECK(ingest->status == 200);
    json::value used = Parse(h.Call("GET", "/api/projects/shop/api-keys", t));
    CHECK(used.at("api_keys").at(0).at("last_used_at").is_int64());

    CheckError(h.Call("POST", "/api/projects/shop/api-keys", t, R"({"name":"x","scope":"admin"})"),
               400, "invalid_argument");
    CheckError(h.Call("POST", "/api/projects/shop/api-keys", t, R"({"name":"","scope":"read"})"),
               400, "invalid_argument");
    CheckError(h.Call("POST", "/api/projects/shop/api-keys", t, R"({"name":"x\u0000y"})"), 400,
               "invalid_argument");

    auto revoked = h.Call("DELETE", "/api/projects/shop/api-keys/" + id, t);
    REQUIRE(revoked);
    CHECK(revoked->status == 204);
    CHECK(Parse(h.Call("GET", "/api/projects/shop/api-keys", t))
              .at("api_keys")
              .at(0)
              .at("revoked_at")
              .is_int64());
    auto refused = h.Client().Post("/api/sessions/start", {{"X-API-Key", secret}},
                                   R"({"sessionId":"k-2"})", "application/json");
    CheckError(refused, 401, "unauthenticated");
  });
}

TEST_CASE(
    "A read key reads its own project's sessions, writes nothing; an ingest key reads nothing") {
  ForEachBackend([](Harness& h) {
    Session mine = h.AddSession(h.ana_project, "mine", SessionStatus::kReady);
    Session theirs = h.AddSession(h.bob_project, "theirs", SessionStatus::kReady);
    std::string read = h.AddKey(h.ana_project, KeyScope::kRead);
    std::string ingest = h.AddKey(h.ana_project, KeyScope::kIngest);

    json::value list = Parse(h.Call("GET", "/api/sessions", read));
    REQUIRE(list.at("sessions").as_array().size() == 1);
    CHECK(list.at("sessions").at(0).at("id").as_string() == mine.id);
    CHECK(Parse(h.Call("GET", "/api/me", read)).at("project").at("slug").as_string() == "shop");
    auto events = h.Call("GET", "/api/sessions/" + mine.id + "/events", read);
    REQUIRE(events);
    CHECK(events->status == 200);
    CheckError(h.Call("GET", "/api/sessions/" + theirs.id, read), 404, "not_found");
    CheckError(h.Call("GET", "/api/sessions?project=blog", read), 404, "not_found");

    CheckError(h.Call("DELETE", "/api/sessions/" + mine.id, read), 403, "permission_denied");
    CheckError(h.Call("POST", "/api/sessions/" + mine.id + "/render", read), 403,
               "permission_denied");
    CheckError(h.Call("POST", "/api/projects", read, R"({"name":"x"})"), 403, "permission_denied");
    CheckError(h.Call("PATCH", "/api/projects/shop", read, R"({"name":"x"})"), 403,
               "permission_denied");
    CheckError(h.Call("GET", "/api/projects/shop/api-keys", read), 403, "permission_denied");
    CHECK(internal::StoreOf(h.engine()).sessions().Get(mine.id).ok());

    CheckError(h.Call("GET", "/api/sessions", ingest), 403, "permission_denied");
    CheckError(h.Call("GET", "/api/sessions/" + mine.id + "/events", ingest), 403,
               "permission_denied");

    REQUIRE(h.engine()
                .auth()
                .RevokeApiKey(internal::StoreOf(h.engine())
                                  .api_keys()
                                  .GetByHash(h.engine().auth().HashSecret(read))
                                  ->id)
                .ok());
    CheckError(h.Call("GET", "/api/sessions", read), 401, "unauthenticated");
  });
}

TEST_CASE("Cookie-authenticated writes need the server's own Origin; bearer writes do not") {
  ForEachBackend([&](Harness& h) {
    httplib::Headers cookie{{"Cookie", "incuera_session=" + h.ana_token}};
    auto with = [&](httplib::Headers extra) {
      httplib::Headers all = cookie;
      all.insert(extra.begin(), extra.end());
      return all;
    };
    CheckError(h.Call("POST", "/api/projects", "", R"({"name":"csrf1"})", cookie), 403,
               "permission_denied");
    CheckError(h.Call("POST", "/api/projects", "", R"({"name":"csrf2"})",
                      with({{"Origin", "https://evil.example"}})),
               403, "permission_denied");
    CheckError(
        h.Call("DELETE", "/api/projects/shop", "", "", with({{"Origin", "https://evil.example"}})),
        403, "permission_denied");
    CHECK(internal::StoreOf(h.engine()).projects().Get(h.ana_project.id).ok());

    auto same = h.Call("POST", "/api/projects", "", R"({"name":"ok-cookie"})",
                       with({{"Origin", h.origin()}}));
    REQUIRE(same);
    CHECK(same->status == 201);
    // Reads by cookie need no Origin.
    auto read = h.Call("GET", "/api/projects", "", "", cookie);
    REQUIRE(read);
    CHECK(read->status == 200);
    auto bearer = h.Call("POST", "/api/projects", h.ana_token, R"({"name":"ok-bearer"})");
    REQUIRE(bearer);
    CHECK(bearer->status == 201);
  });
}

TEST_CASE("The sessions list filters by status, user, URL, duration, errors and dates, in pages") {
  ForEachBackend([](Harness& h) {
    Project& p = h.ana_project;
    h.AddSession(p, "a", SessionStatus::kReady, "alice", "https://x.test/cart", 120'000, 2);
    h.AddSession(p, "b", SessionStatus::kFailed, "bob@corp.test", "https://x.test/", 10'000);
    h.AddSession(p, "c", SessionStatus::kRecording, "", "https://x.test/blog", 45'000);
    for (int i = 0; i < 7; ++i) {
      h.AddSession(p, "bulk-" + std::to_string(i), SessionStatus::kReady, "", "https://x.test/",
                   5'000);
    }
    h.AddSession(h.bob_project, "other", SessionStatus::kReady);
    auto ids = [&](const std::string& query) {
      json::value v = Parse(h.Call("GET", "/api/sessions?project=shop" + query, h.ana_token));
      std::set<std::string> out;
      for (const auto& s : v.at("sessions").as_array()) {
        out.insert(std::string(s.at("client_id").as_string()));
      }
      return out;
    };
    CHECK(ids("").size() == 10);
    CHECK(ids("&status=failed") == std::set<std::string>{"b"});
    CHECK(ids("&user=corp") == std::set<std::string>{"b"});
    CHECK(ids("&url=cart") == std::set<std::string>{"a"});
    // A session still recording has no duration yet.
    CHECK(ids("&min_duration=30") == std::set<std::string>{"a"});
    CHECK(ids("&has_errors=true") == std::set<std::string>{"a"});
    CHECK(ids("&has_errors=false").size() == 9);
    CHECK(ids("&from=" + std::to_string(kT0 + 1)).empty());
    CHECK(ids("&to=" + std::to_string(kT0 + 1)).size() == 10);

    std::set<std::string> seen;
    std::string cursor;
    int pages = 0;
    do {
      std::string q = "/api/sessions?project=" + p.id + "&limit=3";
      if (!cursor.empty()) q += "&cursor=" + httplib::detail::encode_query_param(cursor);
      json::value v = Parse(h.Call("GET", q, h.ana_token));
      for (const auto& s : v.at("sessions").as_array()) {
        CHECK(seen.insert(std::string(s.at("id").as_string())).second);
      }
      cursor = v.at("next_cursor").is_null() ? "" : std::string(v.at("next_cursor").as_string());
      ++pages;
    } while (!cursor.empty() && pages < 10);
    CHECK(seen.size() == 10);
    CHECK(pages == 4);

    for (const char* q : {"&status=sleeping", "&min_duration=-1", "&min_duration=abc",
                          "&has_errors=maybe", "&limit=0", "&from=yesterday"}) {
      CAPTURE(q);
      CheckError(h.Call("GET", std::string("/api/sessions?project=shop") + q, h.ana_token), 400,
                 "invalid_argument");
    }
    CheckError(h.Call("GET", "/api/sessions", h.ana_token), 400, "invalid_argument");
  });
}

TEST_CASE("Session detail, events byte-identical, keyframes, and the video served in byte ranges") {
  ForEachBackend([](Harness& h) {
    const std::string events =
        R"([{"type":4,"timestamp":1700000000000,"data":{"href":"https://x.test/"}},)"
        R"({"type":3,  "timestamp":1700000000500,"data":{"source":2,"type":2,"id":7,"x":1,"y":2}}])";
    Session s = h.AddSession(h.ana_project, "detail", SessionStatus::kReady, "u1",
                             "https://x.test/", 60'000, 0, events);
    const std::string sp = "/api/sessions/" + s.id;
    json::value before = Parse(h.Call("GET", sp, h.ana_token));
    CHECK(before.at("video").is_null());
    CHECK(before.at("analysis_status").as_string() == "none");
    CheckError(h.Call("GET", sp + "/video", h.ana_token), 404, "not_found");
    json::value no_video = Parse(h.Call("GET", sp + "/keyframes", h.ana_token));
    CHECK(no_video.at("keyframes").as_array().empty());
    CHECK(no_video.at("time_map").as_array().empty());

    std::string video = h.AddRendering(s);
    json::value detail = Parse(h.Call("GET", sp, h.ana_token));
    CHECK(detail.at("status").as_string() == "ready");
    CHECK(detail.at("user_id").as_string() == "u1");
    CHECK(detail.at("video").at("duration_ms").as_int64() == 12'000);
    CHECK(detail.at("has_thumbnail").as_bool());

    auto ev = h.Call("GET", sp + "/events", h.ana_token);
    REQUIRE(ev);
    CHECK(ev->status == 200);
    CHECK(ev->body == events);

    auto whole = h.Call("GET", sp + "/video", h.ana_token);
    REQUIRE(whole);
    CHECK(whole->status == 200);
    CHECK(whole->body == video);
    CHECK(whole->get_header_value("Content-Type") == "video/mp4");
    CHECK(whole->get_header_value("Accept-Ranges") == "bytes");
    auto part = h.Call("GET", sp + "/video", h.ana_token, "", {{"Range", "bytes=100-199"}});
    REQUIRE(part);
    CHECK(part->status == 206);
    CHECK(part->get_header_value("Content-Range") == "bytes 100-199/1000");
    CHECK(part->body == video.substr(100, 100));
    auto tail = h.Call("GET", sp + "/video", h.ana_token, "", {{"Range", "bytes=990-"}});
    REQUIRE(tail);
    CHECK(tail->status == 206);
    CHECK(tail->body == video.substr(990));
    auto past = h.Call("GET", sp + "/video", h.ana_token, "", {{"Range", "bytes=5000-6000"}});
    REQUIRE(past);
    CHECK(past->status == 416);
    CHECK(past->get_header_value("Content-Range") == "bytes */1000");

    auto thumb = h.Call("GET", sp + "/thumbnail", h.ana_token);
    REQUIRE(thumb);
    CHECK(thumb->get_header_value("Content-Type") == "image/jpeg");
    CHECK(thumb->body == "\xff\xd8jpeg");
    json::value kf = Parse(h.Call("GET", sp + "/keyframes", h.ana_token));
    REQUIRE(kf.at("keyframes").as_array().size() == 2);
    CHECK(kf.at("keyframes").at(1).at("session_time_ms").as_int64() == 9000);
    CHECK(kf.at("keyframes").at(1).at("reason").as_string() == "error");
    REQUIRE(kf.at("time_map").as_array().size() == 4);
    CHECK(kf.at("time_map").at(2) == json::array{5000, 9000});
    CHECK(h.Call("GET", sp + "/keyframes/1", h.ana_token)->body == "\xff\xd8k1");
    CheckError(h.Call("GET", sp + "/keyframes/7", h.ana_token), 404, "not_found");
    CheckError(h.Call("GET", sp + "/heatmap", h.ana_token), 404, "not_found");
    CheckError(h.Call("GET", "/api/sessions/00000000-0000-4000-8000-000000000000", h.ana_token),
               404, "not_found");
  });
}

TEST_CASE("The analysis of the test recording comes back in its documented shape") {
  ForEachBackend([](Harness& h) {
    std::string events = test::ReadFile(test::DataPath("recording/shop.json"));
    Session s = h.AddSession(h.ana_project, "rec", SessionStatus::kReady, "", "https://x.test/",
                             31'891, 1, events);
    const std::string path = "/api/sessions/" + s.id + "/analysis";
    json::value none = Parse(h.Call("GET", path, h.ana_token));
    CHECK(none.at("status").as_string() == "none");
    CHECK(none.at("counts").is_null());

    REQUIRE(AnalyzeStoredSession(h.engine(), s.id).ok());
    auto res = h.Call("GET", path, h.ana_token);
    REQUIRE(res);
    CHECK(res->status == 200);
    json::value a = Parse(res);
    json::value expected = json::parse(test::ReadFile(test::DataPath("recording/expected.json")));
    CHECK(a.at("status").as_string() == "completed");
    CHECK(a.at("counts").at("clicks").as_int64() == expected.at("clicks").as_int64());
    CHECK(a.at("counts").at("errors").as_int64() == expected.at("console_errors").as_int64());
    CHECK(a.at("errors").as_array().size() == 1);
    CHECK(a.at("metrics").at("duration_ms").as_int64() == expected.at("duration_ms").as_int64());
    CHECK(a.at("metrics").at("timeline").as_string().size() > 100);
    CHECK(a.at("funnel").at("visits").as_array().size() == 1);
    CHECK(a.at("heatmap").at("pages").as_array().size() == 1);
    CHECK(a.at("summary").at("status").as_string() == "disabled");
    // GET has no side effects: asking again changes nothing.
    CHECK(h.Call("GET", path, h.ana_token)->body == res->body);
    json::value detail = Parse(h.Call("GET", "/api/sessions/" + s.id, h.ana_token));
    CHECK(detail.at("analysis_status").as_string() == "completed");
  });
}

TEST_CASE("Re-render and re-analyze queue one job each; delete removes rows and objects") {
  ForEachBackend([](Harness& h) {
    Session recording = h.AddSession(h.ana_project, "rec", SessionStatus::kRecording);
    Session done = h.AddSession(h.ana_project, "done", SessionStatus::kReady);
    h.AddRendering(done);
    CheckError(h.Call("POST", "/api/sessions/" + recording.id + "/render", h.ana_token), 409,
               "failed_precondition");
    for (int i = 0; i < 2; ++i) {  // the second asks again while one is queued
      auto r = h.Call("POST", "/api/sessions/" + done.id + "/render", h.ana_token);
      REQUIRE(r);
      CHECK(r->status == 202);
    }
    auto a = h.Call("POST", "/api/sessions/" + done.id + "/analyze", h.ana_token);
    REQUIRE(a);
    CHECK(a->status == 202);
    auto depth = h.engine().queue().Stats();
    REQUIRE(depth.ok());
    CHECK(depth->queued == 2);  // one render, one analyze

    auto del = h.Call("DELETE", "/api/sessions/" + done.id, h.ana_token);
    REQUIRE(del);
    CHECK(del->status == 204);
    CHECK(internal::StoreOf(h.engine()).sessions().Get(done.id).status().code() ==
          StatusCode::kNotFound);
    CHECK(!h.engine().objects().Exists("sessions/" + done.id + "/video.mp4").value());
    CHECK(!h.engine().objects().Exists("sessions/" + done.id + "/keyframes.json").value());
    CheckError(h.Call("GET", "/api/sessions/" + done.id + "/events", h.ana_token), 404,
               "not_found");
    CHECK(internal::StoreOf(h.engine()).sessions().Get(recording.id).ok());
  });
}

TEST_CASE(
    "Storage usage: per session in its JSON, per project summed, files recorded by the jobs") {
  ForEachBackend([](Harness& h) {
    Session a = h.AddSession(h.ana_project, "a", SessionStatus::kReady);
    Session b = h.AddSession(h.ana_project, "b", SessionStatus::kCompleted);
    h.AddRendering(a, 5000);
    // The render job records what the session's files take once they are written.
    REQUIRE(RecordObjectBytes(h.engine(), a.id).ok());
    auto objects = h.engine().objects().List("sessions/" + a.id + "/", "", 1000);
    REQUIRE(objects.ok());
    std::int64_t files = 0;
    for (const ObjectEntry& o : objects->objects) files += o.size;
    CHECK(files > 5000);

    json::value one = Parse(h.Call("GET", "/api/sessions/" + a.id, h.ana_token));
    const auto& storage = one.at("storage").as_object();
    std::int64_t events_a = storage.at("event_bytes").as_int64();
    CHECK(events_a > 0);  // the compressed chunk
    CHECK(storage.at("object_bytes").as_int64() == files);
    CHECK(storage.at("total_bytes").as_int64() == events_a + files);

    json::value usage = Parse(h.Call("GET", "/api/projects/shop/usage", h.ana_token));
    std::int64_t events_b = internal::StoreOf(h.engine()).sessions().Get(b.id)->event_bytes;
    CHECK(usage.at("sessions").as_int64() == 2);
    CHECK(usage.at("event_bytes").as_int64() == events_a + events_b);
    CHECK(usage.at("raw_event_bytes").as_int64() == a.byte_count + b.byte_count);
    CHECK(usage.at("object_bytes").as_int64() == files);
    CHECK(usage.at("total_bytes").as_int64() == events_a + events_b + files);

    // Another owner's project is not found, and its usage is not read.
    CheckError(h.Call("GET", "/api/projects/" + h.ana_project.id + "/usage", h.bob_token), 404,
               "not_found");
  });
}

TEST_CASE("Deleting a project deletes its sessions' objects too") {
  ForEachBackend([](Harness& h) {
    Session s = h.AddSession(h.ana_project, "x", SessionStatus::kReady);
    h.AddRendering(s);
    auto del = h.Call("DELETE", "/api/projects/shop", h.ana_token);
    REQUIRE(del);
    CHECK(del->status == 204);
    CHECK(!h.engine().objects().Exists("sessions/" + s.id + "/video.mp4").value());
    CHECK(internal::StoreOf(h.engine()).sessions().Get(s.id).status().code() ==
          StatusCode::kNotFound);
  });
}

TEST_CASE("The dashboard is served at / and at its client routes; unknown API paths are JSON 404") {
  test::TempDir dir;
  Harness h("sqlite://" + dir.File("db.sqlite"), dir);
  for (const char* path : {"/", "/projects/shop/sessions", "/login"}) {
    CAPTURE(path);
    auto res = h.Client().Get(path);
    REQUIRE(res);
    CHECK(res->status == 200);
    CHECK(res->get_header_value("Content-Type").find("text/html") == 0);
    CHECK(res->body.find("/assets/index.js") != std::string::npos);
    CHECK(res->get_header_value("X-Frame-Options") == "DENY");
  }
  auto js = h.Client().Get("/assets/index.js");
  REQUIRE(js);
  CHECK(js->status == 200);
  CHECK(js->body.size() > 10'000);
  auto again =
      h.Client().Get("/assets/index.js", {{"If-None-Match", js->get_header_value("ETag")}});
  REQUIRE(again);
  CHECK(again->status == 304);
  CheckError(h.Client().Get("/api/nothing-here"), 404, "not_found");
  CheckError(h.Client().Get("/assets/missing.js"), 404, "not_found");
}

TEST_CASE("openapi.json describes every admin and ingest route, and /docs renders it") {
  test::TempDir dir;
  Harness h("sqlite://" + dir.File("db.sqlite"), dir);
  json::value spec = Parse(h.Client().Get("/openapi.json"));
  CHECK(spec.at("openapi").as_string().starts_with("3."));
  const auto& paths = spec.at("paths").as_object();
  Session s;
  s.id = "{id}";
  std::set<std::string> documented;
  for (const auto& p : paths) {
    for (const auto& op : p.value().as_object()) {
      std::string method(op.key());
      for (auto& c : method) c = static_cast<char>(std::toupper(c));
      documented.insert(method + " " + std::string(p.key()));
      CHECK_MESSAGE(op.value().as_object().contains("responses"), p.key());
    }
  }
  std::vector<Route> routes = AdminRoutes(s, "{key_id}", "{note_id}", "{filter_id}");
  for (Route& r : routes) {
    if (auto at = r.path.find("/projects/shop"); at != std::string::npos) {
      r.path.replace(at + 10, 4, "{project}");
    }
    if (auto q = r.path.find('?'); q != std::string::npos) r.path.resize(q);
  }
  for (const char* extra :
       {"POST /api/auth/login", "POST /api/auth/password", "POST /api/sessions/start",
        "POST /api/ingest", "POST /api/sessions/end", "POST /api/sessions/heartbeat", "GET /health",
        "GET /ready", "GET /metrics"}) {
    std::string e = extra;
    routes.push_back({e.substr(0, e.find(' ')), e.substr(e.find(' ') + 1)});
  }
  for (const Route& r : routes) {
    std::string path = r.path;
    for (const char* numbered : {"/keyframes/", "/events/pages/"}) {
      if (auto at = path.find(std::string(numbered) + "0"); at != std::string::npos) {
        path.replace(at + std::string(numbered).size(), 1, "{n}");
      }
    }
    CHECK_MESSAGE(documented.count(r.method + " " + path) == 1, (r.method + " " + path));
  }
  auto docs = h.Client().Get("/docs");
  REQUIRE(docs);
  CHECK(docs->status == 200);
  CHECK(docs->body.find("/openapi.json") != std::string::npos);
}

TEST_CASE("Notes: owners add, list and delete them; read keys only read; bad bodies are 400") {
  ForEachBackend([](Harness& h) {
    Session s = h.AddSession(h.ana_project, "noted", SessionStatus::kReady);
    Session other = h.AddSession(h.ana_project, "other", SessionStatus::kReady);
    const std::string notes = "/api/sessions/" + s.id + "/notes";
    std::string read = h.AddKey(h.ana_project, KeyScope::kRead);

    auto created =
        h.Call("POST", notes, h.ana_token, R"({"at_ms":83000,"text":"  Pay does nothing "})");
    REQUIRE(created);
    REQUIRE_MESSAGE(created->status == 201, created->body);
    json::value note = Parse(created);
    CHECK(note.at("session_id").as_string() == s.id);
    CHECK(note.at("at_ms").as_int64() == 83000);
    CHECK(note.at("text").as_string() == "Pay does nothing");
    CHECK(note.at("author").at("id").as_string() == h.ana.id);
    CHECK(note.at("author").at("email").as_string() == "ana@example.com");
    CHECK(note.at("created_at").as_int64() > 0);
    const std::string note_id(note.at("id").as_string());
    // 2000 characters of two bytes each are within the cap.
    std::string long_text;
    for (int i = 0; i < 2000; ++i) long_text += "\xc3\xa9";
    auto early =
        h.Call("POST", notes, h.ana_token, R"({"at_ms":1000,"text":")" + long_text + R"("})");
    REQUIRE(early);
    CHECK(early->status == 201);

    for (const std::string& who : {h.ana_token, read}) {
      json::value listed = Parse(h.Call("GET", notes, who));
      const auto& items = listed.at("notes").as_array();
      REQUIRE(items.size() == 2);
      CHECK(items[0].at("at_ms").as_int64() == 1000);
      CHECK(items[1].at("id").as_string() == note_id);
    }
    CHECK(Parse(h.Call("GET", "/api/sessions/" + other.id + "/notes", h.ana_token))
              .at("notes")
              .as_array()
              .empty());

    // Bad bodies: 400 naming the field, nothing stored.
    const std::vector<std::pair<std::string, std::string>> bad = {
        {R"({"at_ms":-1,"text":"x"})", "at_ms"},
        {R"({"at_ms":"1","text":"x"})", "at_ms"},
        {R"({"at_ms":1.5,"text":"x"})", "at_ms"},
        {R"({"text":"x"})", "at_ms"},
        {R"({"at_ms":1})", "text"},
        {R"({"at_ms":1,"text":"   "})", "text"},
        {R"({"at_ms":1,"text":7})", "text"},
        {R"({"at_ms":1,"text":"a\u0000b"})", "text"},
        {R"({"at_ms":1,"text":")" + long_text + R"(x"})", "text"},
        {R"({"at_ms":1,"text":"x","color":"red"})", "color"},
        {R"([1])", "object"},
        {"not json", "JSON"}};
    for (const auto& [body, field] : bad) {
      CAPTURE(body.substr(0, 60));
      auto res = h.Call("POST", notes, h.ana_token, body);
      CheckError(res, 400, "invalid_argument");
      CHECK(Parse(res).at("error").at("message").as_string().find(field) != std::string::npos);
    }
    CHECK(internal::StoreOf(h.engine()).notes().ListBySession(s.id)->size() == 2);

    // A read key reads but writes nothing; another owner reaches nothing.
    CheckError(h.Call("POST", notes, read, R"({"at_ms":1,"text":"x"})"), 403, "permission_denied");
    CheckError(h.Call("DELETE", notes + "/" + note_id, read), 403, "permission_denied");
    CheckError(h.Call("GET", notes, h.bob_token), 404, "not_found");
    CheckError(h.Call("POST", notes, h.bob_token, R"({"at_ms":1,"text":"x"})"), 404, "not_found");
    CheckError(h.Call("DELETE", notes + "/" + note_id, h.bob_token), 404, "not_found");
    // A note is deleted only through its own session.
    CheckError(h.Call("DELETE", "/api/sessions/" + other.id + "/notes/" + note_id, h.ana_token),
               404, "not_found");
    CheckError(h.Call("DELETE", notes + "/not-a-note", h.ana_token), 404, "not_found");
    CHECK(internal::StoreOf(h.engine()).notes().ListBySession(s.id)->size() == 2);

    auto deleted = h.Call("DELETE", notes + "/" + note_id, h.ana_token);
    REQUIRE(deleted);
    CHECK(deleted->status == 204);
    CheckError(h.Call("DELETE", notes + "/" + note_id, h.ana_token), 404, "not_found");

    // The session's notes go with it.
    auto removed = h.Call("DELETE", "/api/sessions/" + s.id, h.ana_token);
    REQUIRE(removed);
    CHECK(removed->status == 204);
    CHECK(internal::StoreOf(h.engine()).notes().ListBySession(s.id)->empty());
  });
}

TEST_CASE("Saved filters: created, listed and deleted per project; unknown keys are 400") {
  ForEachBackend([](Harness& h) {
    const std::string path = "/api/projects/shop/saved-filters";
    std::string read = h.AddKey(h.ana_project, KeyScope::kRead);
    auto created = h.Call("POST", path, h.ana_token,
                          R"({"name":"Broken checkouts","filters":{"visited_url":"/checkout",)"
                          R"("failed_request":"true","status":"ready"}})");
    REQUIRE(created);
    REQUIRE_MESSAGE(created->status == 201, created->body);
    json::value filter = Parse(created);
    CHECK(filter.at("name").as_string() == "Broken checkouts");
    CHECK(filter.at("filters").at("visited_url").as_string() == "/checkout");
    CHECK(filter.at("filters").at("failed_request").as_string() == "true");
    CHECK(filter.at("created_at").as_int64() > 0);
    const std::string id(filter.at("id").as_string());

    CheckError(h.Call("POST", path, h.ana_token, R"({"name":"Broken checkouts","filters":{}})"),
               409, "already_exists");
    const std::vector<std::pair<std::string, std::string>> bad = {
        {R"({"name":"x","filters":{"colour":"red"}})", "colour"},
        {R"({"name":"x","filters":{"project":"shop"}})", "project"},
        {R"({"name":"x","filters":{"failed_request":"maybe"}})", "failed_request"},
        {R"({"name":"x","filters":{"min_duration":"-3"}})", "min_duration"},
        {R"({"name":"x","filters":{"status":"sleeping"}})", "status"},
        {R"({"name":"x","filters":{"rage_click":true}})", "filters"},
        {R"({"name":"x","filters":[]})", "filters"},
        {R"({"name":"","filters":{}})", "name"},
        {R"({"filters":{}})", "name"},
        {R"({"name":"x","filters":{},"shared":true})", "shared"}};
    for (const auto& [body, field] : bad) {
      CAPTURE(body);
      auto res = h.Call("POST", path, h.ana_token, body);
      CheckError(res, 400, "invalid_argument");
      CHECK(Parse(res).at("error").at("message").as_string().find(field) != std::string::npos);
    }

    for (const std::string& who : {h.ana_token, read}) {
      json::value listed = Parse(h.Call("GET", path, who));
      REQUIRE(listed.at("saved_filters").as_array().size() == 1);
      CHECK(listed.at("saved_filters").at(0).at("id").as_string() == id);
    }
    CheckError(h.Call("POST", path, read, R"({"name":"y","filters":{}})"), 403,
               "permission_denied");
    CheckError(h.Call("DELETE", path + "/" + id, read), 403, "permission_denied");
    CheckError(h.Call("GET", path, h.bob_token), 404, "not_found");
    CheckError(h.Call("DELETE", path + "/" + id, h.bob_token), 404, "not_found");
    CheckError(h.Call("DELETE", "/api/projects/blog/saved-filters/" + id, h.bob_token), 404,
               "not_found");
    CHECK(Parse(h.Call("GET", "/api/projects/blog/saved-filters", h.bob_token))
              .at("saved_filters")
              .as_array()
              .empty());

    auto deleted = h.Call("DELETE", path + "/" + id, h.ana_token);
    REQUIRE(deleted);
    CHECK(deleted->status == 204);
    CheckError(h.Call("DELETE", path + "/" + id, h.ana_token), 404, "not_found");
    CHECK(Parse(h.Call("GET", path, h.ana_token)).at("saved_filters").as_array().empty());
  });
}

TEST_CASE(
    "Event pages: listed as event ranges with their times, served by range, together the whole "
    "array") {
  ForEachBackend([](Harness& h) {
    Session s = h.AddSession(h.ana_project, "long", SessionStatus::kRecording);
    const std::string filler(400'000, 'y');
    for (int i = 1; i <= 5; ++i) {
      EventChunk chunk;
      chunk.session_id = s.id;
      chunk.seq = i;
      chunk.codec = "none";
      TimeMs t = kT0 + i * 1000;
      chunk.payload = R"([{"type":3,"timestamp":)" + std::to_string(t) + R"(,"data":{"t":")" +
                      filler + R"("}}])";
      chunk.raw_bytes = static_cast<std::int64_t>(chunk.payload.size());
      chunk.event_count = 1;
      chunk.first_ts = chunk.last_ts = t;
      REQUIRE(internal::StoreOf(h.engine()).events().Append(chunk, BatchStats{}).ok());
    }
    const std::string base = "/api/sessions/" + s.id + "/events";
    std::string read = h.AddKey(h.ana_project, KeyScope::kRead);
    json::value listed = Parse(h.Call("GET", base + "/pages", read));
    const auto& pages = listed.at("pages").as_array();
    // The first batch (one Meta event) alone in the 256 KiB first page; then
    // two batches of 400 KB per page.
    REQUIRE(pages.size() == 4);
    CHECK(listed.at("total_events").as_int64() == 6);
    CHECK(pages[0].at("index").as_int64() == 0);
    CHECK(pages[0].at("first_event").as_int64() == 0);
    CHECK(pages[0].at("first_timestamp").as_int64() == kT0);
    CHECK(pages[0].at("last_timestamp").as_int64() == kT0);
    CHECK(pages[0].at("events").as_int64() == 1);
    CHECK(pages[1].at("first_event").as_int64() == 1);
    CHECK(pages[1].at("last_timestamp").as_int64() == kT0 + 2000);
    CHECK(pages[3].at("first_event").as_int64() == 5);
    CHECK(pages[3].at("first_timestamp").as_int64() == kT0 + 5000);
    CHECK(pages[3].at("bytes").as_int64() > 400'000);

    auto whole = h.Call("GET", base, h.ana_token);
    REQUIRE(whole);
    json::array all;
    for (std::size_t i = 0; i < pages.size(); ++i) {
      auto page = h.Call("GET",
                         base + "?from=" + std::to_string(pages[i].at("first_event").as_int64()) +
                             "&count=" + std::to_string(pages[i].at("events").as_int64()),
                         read);
      REQUIRE(page);
      REQUIRE(page->status == 200);
      json::value events = Parse(page);
      CHECK(static_cast<std::int64_t>(events.as_array().size()) ==
            pages[i].at("events").as_int64());
      // The same page by its number, without the index.
      auto numbered = h.Call("GET", base + "/pages/" + std::to_string(i), read);
      REQUIRE(numbered);
      CHECK(numbered->status == 200);
      CHECK(Parse(numbered) == events);
      for (auto& e : events.as_array()) all.push_back(e);
    }
    CheckError(h.Call("GET", base + "/pages/4", h.ana_token), 404, "not_found");
    CheckError(h.Call("GET", base + "/pages/0", h.bob_token), 404, "not_found");
    CHECK(all == Parse(whole).as_array());

    for (const char* bad : {"?from=abc", "?from=-1", "?from=", "?count=1.5", "?count=-1"}) {
      CAPTURE(bad);
      CheckError(h.Call("GET", base + bad, h.ana_token), 400, "invalid_argument");
    }
    // A range across pages, and one past the last event.
    json::value across = Parse(h.Call("GET", base + "?from=2&count=2", h.ana_token));
    CHECK(across.as_array() == json::array{all[2], all[3]});
    CHECK(Parse(h.Call("GET", base + "?from=6", h.ana_token)).as_array().empty());
    CheckError(h.Call("GET", base + "/pages", h.bob_token), 404, "not_found");
    CheckError(h.Call("GET", base + "?from=0&count=1", h.bob_token), 404, "not_found");
    CheckError(h.Call("GET", "/api/sessions/" + NewUuid() + "/events/pages", h.ana_token), 404,
               "not_found");
  });
}

TEST_CASE("The sessions list finds sessions by what happened once they are analysed") {
  ForEachBackend([](Harness& h) {
    const std::string events =
        R"([{"type":4,"timestamp":1700000000000,"data":{"href":"https://x.test/","width":800,)"
        R"("height":600}},{"type":6,"timestamp":1700000001000,"data":{"plugin":"rrweb/console@1",)"
        R"("payload":{"level":"info","trace":[],"payload":["\"Coupon APPLIED\""]}}},)"
        R"({"type":6,"timestamp":1700000002000,"data":{"plugin":"rrweb/network@1","payload":)"
        R"({"requests":[{"url":"https://x.test/api/pay","method":"POST","initiatorType":"fetch",)"
        R"("status":502,"startTime":1700000001500,"endTime":1700000002000}]}}},)"
        R"({"type":5,"timestamp":1700000003000,"data":{"tag":"navigation","payload":)"
        R"({"href":"https://x.test/checkout/pay"}}}])";
    Session hit = h.AddSession(h.ana_project, "hit", SessionStatus::kReady, "", "https://x.test/",
                               60'000, 0, events);
    Session miss = h.AddSession(h.ana_project, "miss", SessionStatus::kReady);
    REQUIRE(AnalyzeStoredSession(h.engine(), hit.id).ok());
    REQUIRE(AnalyzeStoredSession(h.engine(), miss.id).ok());
    auto ids = [&](const std::string& query) {
      json::value v = Parse(h.Call("GET", "/api/sessions?project=shop" + query, h.ana_token));
      std::set<std::string> out;
      for (const auto& s : v.at("sessions").as_array()) {
        out.insert(std::string(s.at("client_id").as_string()));
      }
      return out;
    };
    using Ids = std::set<std::string>;
    CHECK(ids("") == Ids{"hit", "miss"});
    CHECK(ids("&visited_url=CHECKOUT%2Fpay") == Ids{"hit"});
    CHECK(ids("&console=coupon%20applied") == Ids{"hit"});
    CHECK(ids("&failed_request=true") == Ids{"hit"});
    CHECK(ids("&failed_request=false") == Ids{"hit", "miss"});
    CHECK(ids("&rage_click=true").empty());
    CHECK(ids("&console=coupon&visited_url=nowhere").empty());
    CHECK(ids("&clicked_text=") == Ids{"hit", "miss"});
    for (const char* bad : {"&failed_request=maybe", "&rage_click=2"}) {
      CAPTURE(bad);
      CheckError(h.Call("GET", std::string("/api/sessions?project=shop") + bad, h.ana_token), 400,
                 "invalid_argument");
    }
    // The facts go with the session.
    REQUIRE(h.Call("DELETE", "/api/sessions/" + hit.id, h.ana_token)->status == 204);
    CHECK(internal::StoreOf(h.engine()).session_facts().Get(hit.id)->urls.empty());
  });
}

}  // namespace
}  // namespace incuera
