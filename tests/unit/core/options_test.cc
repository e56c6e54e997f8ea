#include "incuera/options.h"

#include <doctest/doctest.h>

#include <cstdlib>
#include <fstream>

#include "support/test_env.h"

namespace incuera {
namespace {

TEST_CASE("default Options use the embedded backends") {
  Options o;
  CHECK(o.database_url == "sqlite://var/incuera.db");
  CHECK(o.storage_url == "file://var/objects");
  CHECK(o.queue_url == "db");
  CHECK(o.llm.model == "allenai/molmo-2-8b:free");
}

TEST_CASE("environment variables fill the matching fields") {
  Options o;
  REQUIRE(ApplyEnvironment(o, {{"DATABASE_URL", "postgresql://u@h/db"},
                               {"PORT", "9000"},
                               {"ALLOWED_ORIGINS", "https://a.example, https://b.example"},
                               {"RENDER_SKIP_IDLE", "false"},
                               {"REDIS_URL", "redis://127.0.0.1:6379"},
                               {"JOB_LEASE_SECONDS", "20"}})
              .ok());
  CHECK(o.database_url == "postgresql://u@h/db");
  CHECK(o.server.port == 9000);
  CHECK(o.server.allowed_origins ==
        std::vector<std::string>{"https://a.example", "https://b.example"});
  CHECK_FALSE(o.render.skip_idle);
  CHECK(o.queue_url == "redis://127.0.0.1:6379");
  CHECK(o.worker.lease == std::chrono::seconds(20));
}

TEST_CASE("logins, password hashing and the key cache are set from the environment") {
  Options o;
  REQUIRE(ApplyEnvironment(o, {{"PASSWORD_HASH_ITERATIONS", "700000"},
                               {"API_KEY_CACHE_MS", "0"},
                               {"LOGIN_TOKEN_TTL_SECONDS", "3600"},
                               {"LOGIN_MAX_FAILURES_PER_ACCOUNT", "3"},
                               {"LOGIN_MAX_FAILURES_PER_IP", "50"},
                               {"LOGIN_WINDOW_SECONDS", "600"},
                               {"RENDER_ENABLED", "off"}})
              .ok());
  CHECK(o.auth.pbkdf2_iterations == 700'000);
  CHECK(o.auth.key_cache_ttl.count() == 0);
  CHECK(o.admin.token_ttl == std::chrono::hours(1));
  CHECK(o.admin.max_failures_per_account == 3);
  CHECK(o.admin.max_failures_per_ip == 50);
  CHECK(o.admin.login_window == std::chrono::minutes(10));
  CHECK_FALSE(o.render.enabled);
  // A cost too low to protect anything is refused, not applied.
  CHECK(ApplyEnvironment(o, {{"PASSWORD_HASH_ITERATIONS", "10"}}).code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("LLM_* names win over their MOLMO_* aliases, which still work alone") {
  Options a;
  REQUIRE(ApplyEnvironment(a, {{"MOLMO_API_KEY", "old"}, {"MOLMO_API_MODEL", "m1"}}).ok());
  CHECK(a.llm.api_key == "old");
  CHECK(a.llm.model == "m1");
  Options b;
  REQUIRE(ApplyEnvironment(b, {{"MOLMO_API_KEY", "old"}, {"LLM_API_KEY", "new"}}).ok());
  CHECK(b.llm.api_key == "new");
}

TEST_CASE("the QUOTA_* variables set the server's default quotas; 0 turns one off") {
  Options o;
  CHECK(o.quotas.sessions_per_hour == 5'000);
  REQUIRE(ApplyEnvironment(o, {{"QUOTA_SESSIONS_PER_HOUR", "40"},
                               {"QUOTA_EVENTS_PER_DAY", "0"},
                               {"QUOTA_RENDER_MINUTES_PER_DAY", "90"}})
              .ok());
  CHECK(o.quotas.sessions_per_hour == 40);
  CHECK(o.quotas.events_per_day == 0);
  CHECK(o.quotas.render_minutes_per_day == 90);
  Status negative = ApplyEnvironment(o, {{"QUOTA_SESSIONS_PER_HOUR", "-1"}});
  CHECK(negative.code() == StatusCode::kInvalidArgument);
  CHECK(negative.message().find("QUOTA_SESSIONS_PER_HOUR") != std::string::npos);
}

TEST_CASE("a value that does not parse names its variable") {
  Options o;
  Status s = ApplyEnvironment(o, {{"PORT", "eighty"}});
  CHECK(s.code() == StatusCode::kInvalidArgument);
  CHECK(s.message().find("PORT") != std::string::npos);
  CHECK(ApplyEnvironment(o, {{"PORT", "70000"}}).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a .env file is read, and the process environment wins over it") {
  test::TempDir dir;
  std::ofstream(dir.File(".env")) << "# comment\nSECRET_KEY=\"from-file\"\nexport RENDER_FPS=30\n"
                                     "INCUERA_TEST_ONLY_VAR=1\n";
  setenv("RENDER_FPS", "12", 1);
  Options o;
  REQUIRE(LoadOptionsFromEnvironment(o, dir.File(".env")).ok());
  unsetenv("RENDER_FPS");
  CHECK(o.secret_key == "from-file");
  CHECK(o.render.fps == 12);
}

TEST_CASE("RedactUrl hides passwords and secret parameters but keeps the rest") {
  CHECK(RedactUrl("postgresql://app:hunter2@db:5432/x") == "postgresql://app:***@db:5432/x");
  CHECK(RedactUrl("s3://b?endpoint=http://h&secret_key=abc&region=r") ==
        "s3://b?endpoint=http://h&secret_key=***&region=r");
  CHECK(RedactUrl("sqlite://var/incuera.db") == "sqlite://var/incuera.db");
}

TEST_CASE("RedactUrl hides a password holding an unescaped '@' or '/' whole") {
  CHECK(RedactUrl("postgresql://app:p@ss@db:5432/x") == "postgresql://app:***@db:5432/x");
  CHECK(RedactUrl("postgresql://app:a/b@c@db/x") == "postgresql://app:***@db/x");
  CHECK(RedactUrl("redis://:s3cr@t@cache:6379/0") == "redis://:***@cache:6379/0");
  CHECK(RedactUrl("s3://b?endpoint=http://u@h&secret_key=k") ==
        "s3://b?endpoint=http://u@h&secret_key=***");
}

}  // namespace
}  // namespace incuera
