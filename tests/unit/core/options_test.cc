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
  CHECK(o.server.allowed_origins == std::vector<std::string>{"https://a.example", "https://b.example"});
  CHECK_FALSE(o.render.skip_idle);
  CHECK(o.queue_url == "redis://127.0.0.1:6379");
  CHECK(o.worker.lease == std::chrono::seconds(20));
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

TEST_CASE("the shared backend flags set their URLs and other flags are left alone") {
  Options o;
  CHECK(ApplyBackendFlag(o, "--database-url", "postgresql://h/db"));
  CHECK(ApplyBackendFlag(o, "--queue-url", "redis://h:6379"));
  CHECK(ApplyBackendFlag(o, "--storage-url", "file:///srv/objects"));
  CHECK_FALSE(ApplyBackendFlag(o, "--port", "1"));
  CHECK(o.database_url == "postgresql://h/db");
  CHECK(o.queue_url == "redis://h:6379");
  CHECK(o.storage_url == "file:///srv/objects");
}

}  // namespace
}  // namespace incuera
