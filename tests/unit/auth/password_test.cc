#include <doctest/doctest.h>

#include "incuera/auth.h"
#include "unit/auth/fake_store.h"

namespace incuera {
namespace {

Auth MakeAuth(test::FakeStore& store, int iterations) {
  AuthOptions options;
  options.pbkdf2_iterations = iterations;
  return Auth("s", store, options);
}

TEST_CASE("the default password cost is 600000 PBKDF2 iterations") {
  CHECK(AuthOptions{}.pbkdf2_iterations == 600'000);
}

TEST_CASE("password hashes are salted, self-describing and verify") {
  test::FakeStore store;
  Auth auth = MakeAuth(store, 1'000);
  auto a = auth.HashPassword("correct horse");
  auto b = auth.HashPassword("correct horse");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(*a != *b);
  CHECK(a->rfind("$pbkdf2-sha256$i=1000$", 0) == 0);
  CHECK(a->find("correct") == std::string::npos);

  PasswordCheck good = auth.VerifyPassword("correct horse", *a);
  CHECK(good.ok);
  CHECK_FALSE(good.needs_rehash);
  CHECK(auth.VerifyPassword("correct horse", *b).ok);
  CHECK_FALSE(auth.VerifyPassword("correct horsE", *a).ok);
  CHECK_FALSE(auth.VerifyPassword("", *a).ok);
  CHECK(auth.HashPassword("").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("malformed stored hashes never match") {
  test::FakeStore store;
  Auth auth = MakeAuth(store, 1'000);
  auto good = auth.HashPassword("pw");
  REQUIRE(good.ok());
  std::string salt_and_hash = good->substr(good->find("$", 17));
  for (const std::string& bad :
       {std::string(), std::string("pw"), std::string("$pbkdf2-sha256$i=1000$$"),
        "$bcrypt$i=1000" + salt_and_hash, "$pbkdf2-sha256$i=0" + salt_and_hash,
        "$pbkdf2-sha256$i=abc" + salt_and_hash, "$pbkdf2-sha256$i=999999999" + salt_and_hash,
        "$pbkdf2-sha256$i=1000" + salt_and_hash + "$extra", *good + "*"}) {
    CHECK_FALSE(auth.VerifyPassword("pw", bad).ok);
  }
  CHECK(auth.VerifyPassword("pw", "$pbkdf2-sha256$i=1000" + salt_and_hash).ok);
}

TEST_CASE("a hash made with a lower cost verifies and asks for a rehash") {
  test::FakeStore store;
  Auth cheap = MakeAuth(store, 1'000);
  Auth stronger = MakeAuth(store, 2'000);
  auto old_hash = cheap.HashPassword("pw");
  REQUIRE(old_hash.ok());
  PasswordCheck check = stronger.VerifyPassword("pw", *old_hash);
  CHECK(check.ok);
  CHECK(check.needs_rehash);
  auto new_hash = stronger.HashPassword("pw");
  REQUIRE(new_hash.ok());
  CHECK(new_hash->rfind("$pbkdf2-sha256$i=2000$", 0) == 0);
  CHECK_FALSE(stronger.VerifyPassword("pw", *new_hash).needs_rehash);
  // A higher stored cost than configured is fine and verifies with its own.
  CHECK(cheap.VerifyPassword("pw", *new_hash).ok);
  CHECK_FALSE(cheap.VerifyPassword("pw", *new_hash).needs_rehash);
}

}  // namespace
}  // namespace incuera
