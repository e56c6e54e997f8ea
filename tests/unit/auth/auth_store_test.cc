// The API key and token flows against the real stores (SQLite, and
// PostgreSQL when the test server is available).
#include <doctest/doctest.h>

#include "incuera/auth.h"
#include "incuera/store.h"
#include "support/test_env.h"

namespace incuera {
namespace {

TEST_CASE("keys and tokens round-trip through every store backend") {
  test::TempDir dir;
  for (const std::string& url : test::StoreUrls(dir)) {
    CAPTURE(url);
    auto opened = OpenStore(url, 2);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    Store& store = **opened;
    REQUIRE(store.Migrate().ok());
    AuthOptions options;
    options.pbkdf2_iterations = 1'000;
    options.key_cache_ttl = std::chrono::milliseconds(0);
    options.touch_interval = std::chrono::milliseconds(0);
    Auth auth("secret", store, options);

    User user;
    user.email = "owner@example.com";
    auto hash = auth.HashPassword("pw-123456");
    REQUIRE(hash.ok());
    user.password_hash = *hash;
    auto owner = store.users().Create(user);
    REQUIRE_MESSAGE(owner.ok(), owner.status().ToString());
    Project project;
    project.owner_id = owner->id;
    project.name = "Shop";
    project.slug = "shop";
    auto created_project = store.projects().Create(project);
    REQUIRE_MESSAGE(created_project.ok(), created_project.status().ToString());

    auto key = auth.CreateApiKey(created_project->id, "web", KeyScope::kIngest);
    REQUIRE_MESSAGE(key.ok(), key.status().ToString());
    auto verified = auth.VerifyApiKey(key->secret, KeyScope::kIngest);
    REQUIRE_MESSAGE(verified.ok(), verified.status().ToString());
    CHECK(verified->project_id == created_project->id);
    auto touched = store.api_keys().Get(key->key.id);
    REQUIRE(touched.ok());
    CHECK(touched->last_used_at.has_value());
    CHECK(auth.VerifyApiKey(key->secret, KeyScope::kRead).status().code() ==
          StatusCode::kPermissionDenied);
    REQUIRE(auth.RevokeApiKey(key->key.id).ok());
    CHECK(auth.VerifyApiKey(key->secret, KeyScope::kIngest).status().code() ==
          StatusCode::kUnauthenticated);

    auto token = auth.CreateSessionToken(owner->id, std::chrono::hours(1));
    REQUIRE_MESSAGE(token.ok(), token.status().ToString());
    auto me = auth.VerifySessionToken(*token);
    REQUIRE_MESSAGE(me.ok(), me.status().ToString());
    CHECK(me->email == "owner@example.com");
    CHECK(auth.VerifyPassword("pw-123456", me->password_hash).ok);
    REQUIRE(auth.RevokeSessionToken(*token).ok());
    CHECK(auth.VerifySessionToken(*token).status().code() == StatusCode::kUnauthenticated);
  }
}

}  // namespace
}  // namespace incuera
