#include "incuera/cli_commands.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <sstream>

#include "engine/store_access.h"
#include "incuera/object_store.h"
#include "incuera/store.h"
#include "support/test_env.h"

namespace incuera {
namespace {

namespace json = boost::json;

// An CliCommands over an Engine on a fresh SQLite database and a file object
// store, capturing what it prints.
class Cli {
 public:
  Cli() {
    Options options;
    options.database_url = "sqlite://" + dir_.File("t.db");
    options.storage_url = "file://" + dir_.File("objects");
    options.secret_key = "admin-tool-test-secret-key-0123456789abcdef";
    auto engine = Engine::Open(options);
    REQUIRE_MESSAGE(engine.ok(), engine.status().ToString());
    engine_ = std::move(*engine);
  }

  // Runs one command; out() and err() hold what it printed.
  int Run(const std::vector<std::string>& args) {
    out_.str("");
    err_.str("");
    CliCommands tool(*engine_, out_, err_);
    return tool.Run(args);
  }
  std::string out() const { return out_.str(); }
  std::string err() const { return err_.str(); }
  json::value Json() const { return json::parse(out_.str()); }
  Engine& engine() { return *engine_; }
  Store& store() { return internal::StoreOf(*engine_); }
  Auth& auth() { return engine_->auth(); }

 private:
  test::TempDir dir_;
  std::unique_ptr<Engine> engine_;
  std::ostringstream out_, err_;
};

// Creates alice (admin) and a project "Web Shop" with domain shop.example.
void Seed(Cli& cli) {
  REQUIRE(cli.Run({"user", "add", "--email", "Alice@Example.com", "--password", "s3cret-pw",
                   "--admin"}) == 0);
  REQUIRE(cli.Run({"project", "add", "--name", "Web Shop!", "--owner", "alice@example.com",
                   "--domain", "shop.example", "--domain=https://www.shop.example"}) == 0);
}

TEST_CASE("help and usage errors need no database") {
  std::ostringstream out, err;
  CHECK(CliCommands::RunWithoutStore({"--help"}, out, err) == CliCommands::kOk);
  CHECK(out.str().find("key create") != std::string::npos);
  CHECK(CliCommands::RunWithoutStore({}, out, err) == CliCommands::kUsageError);
  CHECK(CliCommands::RunWithoutStore({"frobnicate"}, out, err) == CliCommands::kUsageError);
  CHECK(err.str().find("unknown command 'frobnicate'") != std::string::npos);
  CHECK(CliCommands::RunWithoutStore({"user"}, out, err) == CliCommands::kUsageError);
  CHECK(CliCommands::RunWithoutStore({"user", "--help"}, out, err) == CliCommands::kOk);
  CHECK(CliCommands::RunWithoutStore({"user", "add", "--help"}, out, err) == CliCommands::kOk);
  CHECK(out.str().find("--password PASSWORD") != std::string::npos);
  CHECK(CliCommands::RunWithoutStore({"user", "add", "--email", "a@b.c"}, out, err) ==
        CliCommands::kUsageError);
  CHECK(err.str().find("missing --password") != std::string::npos);
  CHECK_FALSE(CliCommands::RunWithoutStore({"user", "list"}, out, err).has_value());
}

TEST_CASE("migrate reports an up-to-date schema") {
  Cli cli;
  CHECK(cli.Run({"migrate"}) == 0);
  CHECK(cli.out().find("applied 0 migration(s)") != std::string::npos);
}

TEST_CASE("user add, list and passwd work end to end") {
  Cli cli;
  Seed(cli);
  CHECK(cli.Run({"user", "add", "--email", "bob@example.com", "--password", "bobs-password"}) == 0);
  CHECK(cli.out().find("created user bob@example.com") != std::string::npos);

  REQUIRE(cli.Run({"user", "list", "--json"}) == 0);
  json::array users = cli.Json().as_array();
  REQUIRE(users.size() == 2);
  CHECK(users[0].at("email") == "alice@example.com");
  CHECK(users[0].at("is_admin") == true);
  CHECK(users[1].at("is_admin") == false);
  REQUIRE(cli.Run({"user", "list"}) == 0);
  CHECK(cli.out().find("bob@example.com") != std::string::npos);

  auto before = cli.store().users().GetByEmail("bob@example.com");
  REQUIRE(before.ok());
  CHECK(cli.auth().VerifyPassword("bobs-password", before->password_hash).ok);
  CHECK(cli.Run({"user", "passwd", "--email", "BOB@example.com", "--password", "new-password"}) ==
        0);
  auto after = cli.store().users().GetByEmail("bob@example.com");
  REQUIRE(after.ok());
  CHECK(cli.auth().VerifyPassword("new-password", after->password_hash).ok);
  CHECK_FALSE(cli.auth().VerifyPassword("bobs-password", after->password_hash).ok);
}

TEST_CASE("user commands reject bad input with the right exit codes") {
  Cli cli;
  Seed(cli);
  CHECK(cli.Run({"user", "add", "--email", "alice@example.com", "--password", "another-pw"}) ==
        CliCommands::kFailed);
  CHECK(cli.err().find("already exists") != std::string::npos);
  CHECK(cli.Run({"user", "add", "--password", "long-enough"}) == CliCommands::kUsageError);
  CHECK(cli.err().find("missing --email") != std::string::npos);
  CHECK(cli.Run({"user", "add", "--email", "not-an-email", "--password", "long-enough"}) ==
        CliCommands::kUsageError);
  CHECK(cli.Run({"user", "add", "--email", "c@example.com", "--password", "short"}) ==
        CliCommands::kUsageError);
  CHECK(cli.Run({"user", "add", "--email", "c@example.com", "--password", "long-enough",
                 "--bogus"}) == CliCommands::kUsageError);
  CHECK(cli.err().find("unknown flag --bogus") != std::string::npos);
  CHECK(cli.Run({"user", "add", "--email"}) == CliCommands::kUsageError);
  CHECK(cli.Run({"user", "passwd", "--email", "nobody@example.com", "--password", "long-enough"}) ==
        CliCommands::kFailed);
  CHECK(cli.Run({"user", "list", "extra"}) == CliCommands::kUsageError);
}

TEST_CASE("project add, list and rm work end to end") {
  Cli cli;
  Seed(cli);
  REQUIRE(cli.Run({"user", "add", "--email", "bob@example.com", "--password", "bobs-password"}) ==
          0);
  CHECK(cli.Run({"project", "add", "--name", "Blog", "--owner", "bob@example.com", "--slug",
                 "my-blog"}) == 0);
  CHECK(cli.Run({"project", "add", "--name", "Web Shop", "--owner", "alice@example.com"}) ==
        CliCommands::kFailed);
  CHECK(cli.Run({"project", "add", "--name", "X", "--owner", "alice@example.com", "--slug",
                 "Bad Slug"}) == CliCommands::kUsageError);
  CHECK(cli.Run({"project", "add", "--name", "X", "--owner", "nobody@example.com"}) ==
        CliCommands::kFailed);

  REQUIRE(cli.Run({"project", "list", "--json"}) == 0);
  json::array all = cli.Json().as_array();
  CHECK(all.size() == 2);
  REQUIRE(cli.Run({"project", "list", "--owner", "alice@example.com", "--json"}) == 0);
  json::array mine = cli.Json().as_array();
  REQUIRE(mine.size() == 1);
  CHECK(mine[0].at("slug") == "web-shop");
  CHECK(mine[0].at("name") == "Web Shop!");
  CHECK(mine[0].at("owner_email") == "alice@example.com");
  CHECK(mine[0].at("domains").as_array().size() == 2);
  REQUIRE(cli.Run({"project", "list"}) == 0);
  CHECK(cli.out().find("my-blog") != std::string::npos);

  CHECK(cli.Run({"project", "rm", "--slug", "my-blog", "--owner", "alice@example.com"}) ==
        CliCommands::kFailed);
  CHECK(cli.Run({"project", "rm", "--slug", "my-blog", "--owner", "bob@example.com"}) == 0);
  REQUIRE(cli.Run({"project", "list", "--json"}) == 0);
  CHECK(cli.Json().as_array().size() == 1);
}

TEST_CASE("project rm deletes the project's sessions with their stored files, as the API does") {
  Cli cli;
  Seed(cli);
  auto project = cli.store().projects().List("");
  REQUIRE(project.ok());
  SessionStart start;
  start.project_id = project->front().id;
  start.client_session_id = "visit";
  auto session = cli.store().sessions().Upsert(start);
  REQUIRE(session.ok());
  const std::string video = "sessions/" + session->id + "/video.mp4";
  REQUIRE(cli.engine().objects().Put(video, "mp4", "video/mp4").ok());

  REQUIRE(cli.Run({"project", "rm", "--slug", "web-shop", "--owner", "alice@example.com"}) == 0);
  CHECK(cli.store().sessions().Get(session->id).status().code() == StatusCode::kNotFound);
  CHECK_FALSE(cli.engine().objects().Exists(video).value());
}

TEST_CASE("retention apply removes sessions past the project's retention_days, files too") {
  Cli cli;
  Seed(cli);
  auto project = cli.store().projects().List("");
  REQUIRE(project.ok());
  std::vector<std::string> ids;
  for (int days : {31, 29}) {  // retention_days defaults to 30
    SessionStart start;
    start.project_id = project->front().id;
    start.client_session_id = "visit-" + std::to_string(days);
    start.started_at = NowMs() - days * 24LL * 3600 * 1000;
    start.received_at = start.started_at;
    auto session = cli.store().sessions().Upsert(start);
    REQUIRE(session.ok());
    REQUIRE(cli.engine()
                .objects()
                .Put("sessions/" + session->id + "/video.mp4", "mp4", "video/mp4")
                .ok());
    ids.push_back(session->id);
  }
  REQUIRE(cli.Run({"retention", "apply", "--json"}) == 0);
  CHECK(cli.Json().at("sessions_removed") == 1);
  CHECK(cli.store().sessions().Get(ids[0]).status().code() == StatusCode::kNotFound);
  CHECK_FALSE(cli.engine().objects().Exists("sessions/" + ids[0] + "/video.mp4").value());
  CHECK(cli.store().sessions().Get(ids[1]).ok());
  REQUIRE(cli.Run({"retention", "apply"}) == 0);
  CHECK(cli.out().find("removed 0 session(s)") != std::string::npos);
}

TEST_CASE("visitor erase removes the sessions of one end user by id or email") {
  Cli cli;
  Seed(cli);
  auto project = cli.store().projects().List("");
  REQUIRE(project.ok());
  std::vector<std::string> ids;
  for (const char* email : {"Shopper@Example.com", "shopper@example.com.evil", ""}) {
    SessionStart start;
    start.project_id = project->front().id;
    start.client_session_id = NewUuid();
    start.user_email = email;
    auto session = cli.store().sessions().Upsert(start);
    REQUIRE(session.ok());
    ids.push_back(session->id);
  }
  REQUIRE(cli.Run({"visitor", "erase", "--project", "web-shop", "--user", "shopper@example.com"}) ==
          0);
  CHECK(cli.out().find("removed 1 session(s)") != std::string::npos);
  CHECK(cli.store().sessions().Get(ids[0]).status().code() == StatusCode::kNotFound);
  CHECK(cli.store().sessions().Get(ids[1]).ok());
  CHECK(cli.store().sessions().Get(ids[2]).ok());
  CHECK(cli.Run({"visitor", "erase", "--project", "web-shop", "--user", " "}) ==
        CliCommands::kUsageError);
}

TEST_CASE("the CLI refuses what the API refuses: id-shaped slugs, bad emails") {
  Cli cli;
  Seed(cli);
  CHECK(cli.Run({"project", "add", "--name", "X", "--owner", "alice@example.com", "--slug",
                 NewUuid()}) == CliCommands::kUsageError);
  CHECK(cli.err().find("shaped like an id") != std::string::npos);
  CHECK(cli.Run({"user", "add", "--email", " a b@example.com", "--password", "long-enough"}) ==
        CliCommands::kUsageError);
  CHECK(cli.Run({"user", "add", "--email", "  Carol@Example.COM ", "--password", "long-enough"}) ==
        0);
  CHECK(cli.out().find("created user carol@example.com") != std::string::npos);
}

TEST_CASE("key create prints a working secret once; list shows prefixes; revoke refuses it") {
  Cli cli;
  Seed(cli);
  REQUIRE(cli.Run({"key", "create", "--project", "web-shop", "--scope", "ingest", "--json"}) == 0);
  json::object created = cli.Json().as_object();
  std::string secret(created.at("secret").as_string());
  std::string id(created.at("id").as_string());
  CHECK(cli.auth().VerifyApiKey(secret, KeyScope::kIngest).ok());

  REQUIRE(cli.Run({"key", "create", "--project", "web-shop", "--owner", "alice@example.com",
                   "--scope", "read", "--name", "reporting"}) == 0);
  CHECK(cli.out().find("inc_") != std::string::npos);
  CHECK(cli.out().find("shown only once") != std::string::npos);

  REQUIRE(cli.Run({"key", "list", "--project", "web-shop", "--json"}) == 0);
  json::array keys = cli.Json().as_array();
  REQUIRE(keys.size() == 2);
  CHECK(cli.out().find(secret) == std::string::npos);
  for (const auto& k : keys) CHECK(k.at("state") == "active");
  REQUIRE(cli.Run({"key", "list", "--project", "web-shop"}) == 0);
  CHECK(cli.out().find("reporting") != std::string::npos);

  REQUIRE(cli.Run({"key", "revoke", "--id", id}) == 0);
  CHECK(cli.auth().VerifyApiKey(secret, KeyScope::kIngest).status().code() ==
        StatusCode::kUnauthenticated);
  REQUIRE(cli.Run({"key", "list", "--project", "web-shop", "--json"}) == 0);
  int revoked = 0;
  json::array after = cli.Json().as_array();
  for (const auto& k : after) revoked += k.at("state") == "revoked";
  CHECK(revoked == 1);

  CHECK(cli.Run({"key", "create", "--project", "web-shop", "--scope", "admin"}) ==
        CliCommands::kUsageError);
  CHECK(cli.Run({"key", "create", "--project", "nope", "--scope", "read"}) == CliCommands::kFailed);
  CHECK(cli.Run({"key", "create", "--project", "web-shop"}) == CliCommands::kUsageError);
  CHECK(cli.Run({"key", "revoke", "--id", "no-such-key"}) == CliCommands::kFailed);
}

TEST_CASE("sessions list filters by status and limit") {
  Cli cli;
  Seed(cli);
  auto project = cli.store().projects().List("");
  REQUIRE(project.ok());
  REQUIRE(project->size() == 1);
  for (int i = 0; i < 3; ++i) {
    SessionStart start;
    start.project_id = project->front().id;
    start.client_session_id = "visit-" + std::to_string(i);
    start.url = "https://shop.example/p/" + std::to_string(i);
    start.user_email = "shopper@example.com";
    start.started_at = NowMs() - 1000 * i;
    auto session = cli.store().sessions().Upsert(start);
    REQUIRE_MESSAGE(session.ok(), session.status().ToString());
  }
  REQUIRE(cli.Run({"sessions", "list", "--project", "web-shop", "--json"}) == 0);
  json::array sessions = cli.Json().as_array();
  REQUIRE(sessions.size() == 3);
  CHECK(sessions[0].at("client_id") == "visit-0");
  CHECK(sessions[0].at("status") == "recording");
  REQUIRE(cli.Run({"sessions", "list", "--project", "web-shop", "--limit", "2", "--json"}) == 0);
  CHECK(cli.Json().as_array().size() == 2);
  REQUIRE(cli.Run({"sessions", "list", "--project", "web-shop", "--status", "ready", "--json"}) ==
          0);
  CHECK(cli.Json().as_array().empty());
  REQUIRE(cli.Run({"sessions", "list", "--project", "web-shop"}) == 0);
  CHECK(cli.out().find("shop.example/p/1") != std::string::npos);

  CHECK(cli.Run({"sessions", "list", "--project", "web-shop", "--status", "bogus"}) ==
        CliCommands::kUsageError);
  CHECK(cli.Run({"sessions", "list", "--project", "web-shop", "--limit", "0"}) ==
        CliCommands::kUsageError);
  CHECK(cli.Run({"sessions", "list", "--project", "web-shop", "--limit", "x"}) ==
        CliCommands::kUsageError);
}

TEST_CASE("sessions compact merges the chunks of ended sessions and leaves recording ones") {
  Cli cli;
  Seed(cli);
  auto project = cli.store().projects().List("");
  REQUIRE(project.ok());
  std::vector<std::string> ids;
  for (int i = 0; i < 2; ++i) {
    SessionStart start;
    start.project_id = project->front().id;
    start.client_session_id = "visit-" + std::to_string(i);
    auto session = cli.store().sessions().Upsert(start);
    REQUIRE(session.ok());
    ids.push_back(session->id);
    for (int b = 0; b < 5; ++b) {
      EventChunk chunk;
      chunk.session_id = session->id;
      chunk.seq = b;
      chunk.codec = "none";
      chunk.payload = R"([{"type":3,"timestamp":)" + std::to_string(1000 + b) + "}]";
      chunk.raw_bytes = static_cast<std::int64_t>(chunk.payload.size());
      REQUIRE(cli.store().events().Append(chunk, BatchStats{}).ok());
    }
  }
  REQUIRE(cli.store().sessions().MarkEnded(ids[0], 2000, "end").ok());
  REQUIRE(cli.store()
              .sessions()
              .Transition(ids[0], SessionStatus::kRecording, SessionStatus::kCompleted)
              .ok());
  auto events = ReadSessionEventsJson(cli.store(), ids[0]);
  REQUIRE(events.ok());

  REQUIRE(cli.Run({"sessions", "compact", "--project", "web-shop", "--json"}) == 0);
  json::value result = cli.Json();
  CHECK(result.at("sessions") == 1);
  CHECK(result.at("chunks_before") == 5);
  CHECK(result.at("chunks_after") == 1);
  CHECK(*ReadSessionEventsJson(cli.store(), ids[0]) == *events);
  int recording_chunks = 0;
  REQUIRE(cli.store()
              .events()
              .ForEach(ids[1],
                       [&](const EventChunk&) {
                         ++recording_chunks;
                         return OkStatus();
                       })
              .ok());
  CHECK(recording_chunks == 5);

  REQUIRE(cli.Run({"sessions", "compact", "--project", "web-shop"}) == 0);
  CHECK(cli.out().find("1 chunks -> 1") != std::string::npos);
  CHECK(cli.Run({"sessions", "compact", "--project", "nope"}) == CliCommands::kFailed);
}

TEST_CASE("analyze prints the analytics of an events file, as text or JSON") {
  Cli cli;
  const std::string events = test::DataPath("recording/shop.json");
  REQUIRE(cli.Run({"analyze", "--events", events}) == 0);
  CHECK(cli.out().find("click button#add-mug") != std::string::npos);
  REQUIRE(cli.Run({"analyze", "--events", events, "--json"}) == 0);
  json::value analytics = cli.Json();
  CHECK(analytics.at("counts").at("clicks").as_int64() == 8);
  CHECK(analytics.at("counts").at("errors").as_int64() == 1);
}

TEST_CASE("render and analyze need events, and say which when given none") {
  Cli cli;
  CHECK(cli.Run({"analyze"}) == CliCommands::kUsageError);
  CHECK(cli.err().find("--events FILE or --session ID") != std::string::npos);
  CHECK(cli.Run({"analyze", "--events", "/nonexistent.json"}) == CliCommands::kFailed);
  CHECK(cli.Run({"render", "--session", NewUuid()}) == CliCommands::kFailed);
  CHECK(cli.err().find("not found") != std::string::npos);
}

}  // namespace
}  // namespace incuera
