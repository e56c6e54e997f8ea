#include <doctest/doctest.h>

#include <fstream>

#include "incuera/options.h"
#include "support/test_env.h"

namespace incuera {
namespace {

std::vector<FlagSpec> ServerFlags() {
  std::vector<FlagSpec> flags = BackendFlags();
  flags.insert(flags.end(), {{"--port", "PORT"}, {"--no-worker", "", false}});
  return flags;
}

// Loads Options from `args` with an empty env file, so only the flags count
// (besides the test's own environment, which sets none of these).
Result<Options> Load(const std::vector<std::string>& args, const test::TempDir& dir) {
  std::vector<std::string> with_env = args;
  with_env.insert(with_env.end(), {"--env-file", dir.File("none.env")});
  INCUERA_ASSIGN_OR_RETURN(CommandLine line, ParseCommandLine(ServerFlags(), with_env));
  Options options;
  INCUERA_RETURN_IF_ERROR(LoadOptions(options, line));
  return options;
}

TEST_CASE("flags set their variables in both spellings, and the last one wins") {
  test::TempDir dir;
  Result<Options> o =
      Load({"--port", "9001", "--database-url=postgresql://h/db", "--queue-url", "redis://h:6379",
            "--storage-url", "file:///srv/objects", "--port=9002"},
           dir);
  REQUIRE(o.ok());
  CHECK(o->server.port == 9002);
  CHECK(o->database_url == "postgresql://h/db");
  CHECK(o->queue_url == "redis://h:6379");
  CHECK(o->storage_url == "file:///srv/objects");
}

TEST_CASE("a flag's value is checked as its variable's is: --port abc is refused like PORT=abc") {
  test::TempDir dir;
  Result<Options> o = Load({"--port", "abc"}, dir);
  REQUIRE_FALSE(o.ok());
  CHECK(o.status().code() == StatusCode::kInvalidArgument);
  CHECK(o.status().message() == "invalid --port 'abc' (PORT: not an integer)");
  CHECK(Load({"--port", "70000"}, dir).status().message().find("out of range") !=
        std::string::npos);
}

TEST_CASE("unknown flags, missing values and values given to a switch are refused") {
  auto error = [](const std::vector<std::string>& args) {
    return ParseCommandLine(ServerFlags(), args).status().message();
  };
  CHECK(error({"--prot", "80"}) == "unknown flag '--prot'");
  CHECK(error({"serve"}) == "unknown flag 'serve'");
  CHECK(error({"--port"}) == "--port needs a value");
  CHECK(error({"--port="}) == "--port needs a value");
  CHECK(error({"--no-worker=yes"}) == "--no-worker takes no value");
}

TEST_CASE("with keep_others a command and its own flags are kept in order around global flags") {
  Result<CommandLine> line = ParseCommandLine(
      BackendFlags(), {"users", "create", "--database-url", "sqlite://x.db", "--email", "a@b"},
      /*keep_others=*/true);
  REQUIRE(line.ok());
  CHECK(line->rest == std::vector<std::string>{"users", "create", "--email", "a@b"});
  CHECK(line->Value("--database-url") == "sqlite://x.db");
  CHECK(line->Value("--env-file", ".env") == ".env");
  CHECK_FALSE(line->Has("--queue-url"));
}

TEST_CASE("flags win over the env file, which is read from --env-file") {
  test::TempDir dir;
  {
    std::ofstream env(dir.File("app.env"));
    env << "PORT=7000\nSTORAGE_URL=file:///from/env\n";
  }
  Result<CommandLine> line =
      ParseCommandLine(ServerFlags(), {"--env-file", dir.File("app.env"), "--port", "7001"});
  REQUIRE(line.ok());
  Options options;
  REQUIRE(LoadOptions(options, *line).ok());
  CHECK(options.server.port == 7001);
  CHECK(options.storage_url == "file:///from/env");
}

}  // namespace
}  // namespace incuera
