#include <doctest/doctest.h>
#include <sys/stat.h>

#include <fstream>

#include "incuera/auth.h"
#include "support/test_env.h"

namespace incuera {
namespace {

TEST_CASE("an explicit secret key wins over the key file") {
  Options options;
  options.secret_key = "from-env";
  options.secret_key_file = "/nonexistent/dir/key";
  auto key = LoadOrCreateSecretKey(options);
  REQUIRE(key.ok());
  CHECK(*key == "from-env");
}

TEST_CASE("a missing key file is created once with mode 0600 and then reused") {
  test::TempDir dir;
  Options options;
  options.secret_key_file = dir.File("var/secret_key");
  auto first = LoadOrCreateSecretKey(options);
  REQUIRE(first.ok());
  CHECK(first->size() == 43);
  struct stat st {};
  REQUIRE(::stat(options.secret_key_file.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto second = LoadOrCreateSecretKey(options);
  REQUIRE(second.ok());
  CHECK(*second == *first);
}

TEST_CASE("an existing key file is read trimmed, and an empty one is an error") {
  test::TempDir dir;
  Options options;
  options.secret_key_file = dir.File("key");
  std::ofstream(options.secret_key_file) << "  handmade-key\n";
  auto key = LoadOrCreateSecretKey(options);
  REQUIRE(key.ok());
  CHECK(*key == "handmade-key");
  std::ofstream(options.secret_key_file, std::ios::trunc) << "\n";
  CHECK(LoadOrCreateSecretKey(options).status().code() == StatusCode::kInternal);
}

}  // namespace
}  // namespace incuera
