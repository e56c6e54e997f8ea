// ParseRedisUrl: what a REDIS_URL / QUEUE_URL may say, decoded as RFC 3986 says.
#include <doctest/doctest.h>

#include "queue/queue_internal.h"

namespace incuera::internal {
namespace {

TEST_CASE("a plain Redis URL takes the defaults") {
  Result<RedisTarget> t = ParseRedisUrl("redis://10.0.0.5");
  REQUIRE(t.ok());
  CHECK(t->host == "10.0.0.5");
  CHECK(t->port == 6379);
  CHECK(t->user.empty());
  CHECK(t->password.empty());
  CHECK(t->db == 0);
  CHECK(t->prefix == "incuera");
}

TEST_CASE("every part of a Redis URL is read and percent-decoded") {
  Result<RedisTarget> t = ParseRedisUrl("redis://:p%40ss%3Aw%2F@cache.internal:6380/3?prefix=shop");
  REQUIRE(t.ok());
  CHECK(t->host == "cache.internal");
  CHECK(t->port == 6380);
  CHECK(t->password == "p@ss:w/");
  CHECK(t->db == 3);
  CHECK(t->prefix == "shop");

  Result<RedisTarget> acl = ParseRedisUrl("redis://app:secret@[::1]:7000");
  REQUIRE(acl.ok());
  CHECK(acl->user == "app");
  CHECK(acl->password == "secret");
  CHECK(acl->host == "::1");
  CHECK(acl->port == 7000);
}

TEST_CASE("a bad Redis URL is refused with the reason and without its password") {
  for (const char* url : {"redis://:hunter2@h:abc", "redis://:hunter2@h:70000",
                          "redis://:hunter2@h:0", "redis://:hunter2@h/x", "redis://:hunter2@h/-1",
                          "redis://:hunter2@h?prefix=", "redis://:hunter2@h?prefx=a",
                          "http://:hunter2@h", "redis://:hunter2@h:6379 /0"}) {
    CAPTURE(std::string(url));
    Result<RedisTarget> t = ParseRedisUrl(url);
    REQUIRE_FALSE(t.ok());
    CHECK(t.status().code() == StatusCode::kInvalidArgument);
    CHECK(t.status().message().find("hunter2") == std::string::npos);
    CHECK(t.status().message().find("Redis URL") != std::string::npos);
  }
}

}  // namespace
}  // namespace incuera::internal
