#include "incuera/auth.h"

#include <doctest/doctest.h>

#include <chrono>

#include "support/test_env.h"
#include "unit/auth/fake_store.h"

namespace incuera {
namespace {

using test::FakeStore;

AuthOptions FastOptions() {
  AuthOptions options;
  options.pbkdf2_iterations = 1'000;
  return options;
}

TEST_CASE("generated API keys have the inc_ prefix, 32 random bytes and differ") {
  std::string a = Auth::GenerateApiKey();
  std::string b = Auth::GenerateApiKey();
  CHECK(a.rfind("inc_", 0) == 0);
  CHECK(a.size() == 4 + 43);  // base64url of 32 bytes, no padding
  CHECK(a != b);
}

TEST_CASE("a created API key verifies, and only its hash and prefix are stored") {
  FakeStore store;
  Auth auth("server-secret", store, FastOptions());
  auto created = auth.CreateApiKey("project-1", "web", KeyScope::kIngest);
  REQUIRE(created.ok());
  CHECK(created->key.project_id == "project-1");
  CHECK(created->key.name == "web");
  CHECK(created->key.prefix == created->secret.substr(0, 12));
  CHECK(created->key.hash == auth.HashSecret(created->secret));
  CHECK(created->key.hash.size() == 64);
  CHECK(created->key.hash.find(created->secret) == std::string::npos);

  auto verified = auth.VerifyApiKey(created->secret, KeyScope::kIngest);
  REQUIRE(verified.ok());
  CHECK(verified->id == created->key.id);
}

TEST_CASE("the cached check answers only from memory, and the same as the full check") {
  FakeStore store;
  Auth auth("server-secret", store, FastOptions());
  auto created = auth.CreateApiKey("project-1", "web", KeyScope::kIngest);
  REQUIRE(created.ok());
  // Not verified yet: the cached check cannot tell and says so.
  CHECK_FALSE(auth.VerifyCachedApiKey(created->secret, KeyScope::kIngest).has_value());
  // Malformed secrets need no lookup to be refused.
  auto malformed = auth.VerifyCachedApiKey("not-a-key", KeyScope::kIngest);
  REQUIRE(malformed.has_value());
  CHECK(malformed->status().code() == StatusCode::kUnauthenticated);

  REQUIRE(auth.VerifyApiKey(created->secret, KeyScope::kIngest).ok());
  auto cached = auth.VerifyCachedApiKey(created->secret, KeyScope::kIngest);
  REQUIRE(cached.has_value());
  REQUIRE(cached->ok());
  CHECK((*cached)->id == created->key.id);
  auto wrong_scope = auth.VerifyCachedApiKey(created->secret, KeyScope::kRead);
  REQUIRE(wrong_scope.has_value());
  CHECK(wrong_scope->status().code() == StatusCode::kPermissionDenied);

  // A revoked key leaves the cache: the next decision goes to the store.
  REQUIRE(auth.RevokeApiKey(created->key.id).ok());
  CHECK_FALSE(auth.VerifyCachedApiKey(created->secret, KeyScope::kIngest).has_value());
  CHECK(auth.VerifyApiKey(created->secret, KeyScope::kIngest).status().code() ==
        StatusCode::kUnauthenticated);
}

TEST_CASE("a tampered, truncated or foreign API key is unauthenticated") {
  FakeStore store;
  Auth auth("server-secret", store, FastOptions());
  auto created = auth.CreateApiKey("p", "k", KeyScope::kIngest);
  REQUIRE(created.ok());
  std::string tampered = created->secret;
  tampered.back() = tampered.back() == 'A' ? 'B' : 'A';
  for (const std::string& bad :
       {tampered, created->secret.substr(0, 20), std::string("nope"), std::string(),
        created->secret.substr(4), std::string(5000, 'x')}) {
    CHECK(auth.VerifyApiKey(bad, KeyScope::kIngest).status().code() ==
          StatusCode::kUnauthenticated);
  }
}

TEST_CASE("a key is refused when the server runs with another SECRET_KEY") {
  FakeStore store;
  Auth auth("server-secret", store, FastOptions());
  auto created = auth.CreateApiKey("p", "k", KeyScope::kIngest);
  REQUIRE(created.ok());
  Auth other("another-secret", store, FastOptions());
  CHECK(other.HashSecret(created->secret) != auth.HashSecret(created->secret));
  CHECK(other.VerifyApiKey(created->secret, KeyScope::kIngest).status().code() ==
        StatusCode::kUnauthenticated);
}

TEST_CASE("revoked keys are refused at once through Auth and within the cache TTL otherwise") {
  FakeStore store;
  Auth auth("s", store, FastOptions());
  auto a = auth.CreateApiKey("p", "a", KeyScope::kIngest);
  REQUIRE(a.ok());
  REQUIRE(auth.VerifyApiKey(a->secret, KeyScope::kIngest).ok());
  REQUIRE(auth.RevokeApiKey(a->key.id).ok());
  CHECK(auth.VerifyApiKey(a->secret, KeyScope::kIngest).status().code() ==
        StatusCode::kUnauthenticated);
  CHECK(auth.RevokeApiKey("no-such-id").code() == StatusCode::kNotFound);

  // Revoked by another process (directly in the store): a cache-less Auth
  // sees it on the next request.
  AuthOptions no_cache = FastOptions();
  no_cache.key_cache_ttl = std::chrono::milliseconds(0);
  Auth uncached("s", store, no_cache);
  auto b = uncached.CreateApiKey("p", "b", KeyScope::kIngest);
  REQUIRE(b.ok());
  REQUIRE(uncached.VerifyApiKey(b->secret, KeyScope::kIngest).ok());
  REQUIRE(store.api_keys().Revoke(b->key.id, NowMs()).ok());
  CHECK(uncached.VerifyApiKey(b->secret, KeyScope::kIngest).status().code() ==
        StatusCode::kUnauthenticated);
}

TEST_CASE("expired keys are refused") {
  FakeStore store;
  Auth auth("s", store, FastOptions());
  auto expired = auth.CreateApiKey("p", "old", KeyScope::kIngest, NowMs() - 1);
  auto later = auth.CreateApiKey("p", "new", KeyScope::kIngest, NowMs() + 60'000);
  REQUIRE(expired.ok());
  REQUIRE(later.ok());
  auto refused = auth.VerifyApiKey(expired->secret, KeyScope::kIngest);
  CHECK(refused.status().code() == StatusCode::kUnauthenticated);
  CHECK(refused.status().message().find("expired") != std::string::npos);
  CHECK(auth.VerifyApiKey(later->secret, KeyScope::kIngest).ok());
}

TEST_CASE("a key of the wrong scope is permission denied") {
  FakeStore store;
  Auth auth("s", store, FastOptions());
  auto ingest = auth.CreateApiKey("p", "i", KeyScope::kIngest);
  auto read = auth.CreateApiKey("p", "r", KeyScope::kRead);
  REQUIRE(ingest.ok());
  REQUIRE(read.ok());
  CHECK(auth.VerifyApiKey(ingest->secret, KeyScope::kRead).status().code() ==
        StatusCode::kPermissionDenied);
  CHECK(auth.VerifyApiKey(read->secret, KeyScope::kIngest).status().code() ==
        StatusCode::kPermissionDenied);
  CHECK(auth.VerifyApiKey(read->secret, KeyScope::kRead).ok());
}

TEST_CASE("repeated verifications are served from the cache and touch last_used_at once") {
  FakeStore store;
  Auth auth("s", store, FastOptions());
  auto key = auth.CreateApiKey("p", "k", KeyScope::kIngest);
  REQUIRE(key.ok());
  for (int i = 0; i < 100; ++i) REQUIRE(auth.VerifyApiKey(key->secret, KeyScope::kIngest).ok());
  CHECK(store.fake_keys().lookups == 1);
  CHECK(store.fake_keys().touches == 1);
  auto row = store.api_keys().Get(key->key.id);
  REQUIRE(row.ok());
  CHECK(row->last_used_at.has_value());
}

TEST_CASE("the verification cache stays bounded") {
  FakeStore store;
  AuthOptions options = FastOptions();
  options.key_cache_size = 4;
  Auth auth("s", store, options);
  std::vector<std::string> secrets;
  for (int i = 0; i < 10; ++i) {
    auto key = auth.CreateApiKey("p", "k", KeyScope::kIngest);
    REQUIRE(key.ok());
    secrets.push_back(key->secret);
  }
  for (const auto& s : secrets) REQUIRE(auth.VerifyApiKey(s, KeyScope::kIngest).ok());
  for (const auto& s : secrets) REQUIRE(auth.VerifyApiKey(s, KeyScope::kIngest).ok());
  // With room for 4 of 10 keys most second-round checks go to the store.
  CHECK(store.fake_keys().lookups > 10);
}

TEST_CASE("token lifetimes, key expiry and the key cache run on the Env's clock") {
  test::ManualClock clock;
  FakeStore store;
  AuthOptions options = FastOptions();
  options.key_cache_ttl = std::chrono::seconds(5);
  Auth auth("s", store, options, clock);
  User alice;
  alice.email = "a@example.com";
  auto user = store.users().Create(alice);
  REQUIRE(user.ok());

  auto token = auth.CreateSessionToken(user->id, std::chrono::hours(1));
  REQUIRE(token.ok());
  CHECK(store.fake_tokens().rows()[auth.HashSecret(*token)].created_at == clock.NowMs());
  clock.Advance(std::chrono::hours(1) - std::chrono::milliseconds(1));
  CHECK(auth.VerifySessionToken(*token).ok());
  clock.Advance(std::chrono::milliseconds(1));
  CHECK(auth.VerifySessionToken(*token).status().message() == "token expired");

  auto key = auth.CreateApiKey("p", "k", KeyScope::kIngest, clock.NowMs() + 60'000);
  REQUIRE(key.ok());
  REQUIRE(auth.VerifyApiKey(key->secret, KeyScope::kIngest).ok());
  // Revoked behind the Auth's back: the cached key answers until the cache
  // entry is key_cache_ttl old by the Env's clock.
  REQUIRE(store.api_keys().Revoke(key->key.id, clock.NowMs()).ok());
  clock.Advance(std::chrono::seconds(5) - std::chrono::milliseconds(1));
  CHECK(auth.VerifyApiKey(key->secret, KeyScope::kIngest).ok());
  clock.Advance(std::chrono::milliseconds(1));
  CHECK(auth.VerifyApiKey(key->secret, KeyScope::kIngest).status().code() ==
        StatusCode::kUnauthenticated);
}

TEST_CASE("session tokens verify to their user until revoked or expired") {
  FakeStore store;
  Auth auth("s", store, FastOptions());
  User alice;
  alice.email = "a@example.com";
  auto user = store.users().Create(alice);
  REQUIRE(user.ok());

  auto token = auth.CreateSessionToken(user->id, std::chrono::hours(1));
  REQUIRE(token.ok());
  CHECK(token->size() == 43);
  CHECK(store.fake_tokens().rows().count(auth.HashSecret(*token)) == 1);
  auto verified = auth.VerifySessionToken(*token);
  REQUIRE(verified.ok());
  CHECK(verified->email == "a@example.com");

  CHECK(auth.VerifySessionToken("made-up").status().code() == StatusCode::kUnauthenticated);
  CHECK(auth.VerifySessionToken("").status().code() == StatusCode::kUnauthenticated);
  Auth other("other-secret", store, FastOptions());
  CHECK(other.VerifySessionToken(*token).status().code() == StatusCode::kUnauthenticated);

  REQUIRE(auth.RevokeSessionToken(*token).ok());
  CHECK(auth.VerifySessionToken(*token).status().code() == StatusCode::kUnauthenticated);
  CHECK(auth.RevokeSessionToken("unknown").ok());

  auto expiring = auth.CreateSessionToken(user->id, std::chrono::hours(1));
  REQUIRE(expiring.ok());
  store.fake_tokens().rows()[auth.HashSecret(*expiring)].expires_at = NowMs() - 1;
  CHECK(auth.VerifySessionToken(*expiring).status().code() == StatusCode::kUnauthenticated);

  auto orphan = auth.CreateSessionToken(user->id, std::chrono::hours(1));
  REQUIRE(orphan.ok());
  store.fake_users().Erase(user->id);
  CHECK(auth.VerifySessionToken(*orphan).status().code() == StatusCode::kUnauthenticated);
  CHECK(auth.CreateSessionToken(user->id, std::chrono::seconds(0)).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("a password change signs out every login of that user, and no one else's") {
  FakeStore store;
  Auth auth("s", store, FastOptions());
  User a, b;
  a.email = "ana@example.com";
  b.email = "bob@example.com";
  auto ana = store.users().Create(a);
  auto bob = store.users().Create(b);
  REQUIRE(ana.ok());
  REQUIRE(bob.ok());
  auto laptop = auth.CreateSessionToken(ana->id, std::chrono::hours(1));
  auto phone = auth.CreateSessionToken(ana->id, std::chrono::hours(1));
  auto bobs = auth.CreateSessionToken(bob->id, std::chrono::hours(1));
  REQUIRE((laptop.ok() && phone.ok() && bobs.ok()));

  REQUIRE(auth.ChangePassword(ana->id, "a new passphrase").ok());
  CHECK(auth.VerifySessionToken(*laptop).status().code() == StatusCode::kUnauthenticated);
  CHECK(auth.VerifySessionToken(*phone).status().code() == StatusCode::kUnauthenticated);
  CHECK(auth.VerifySessionToken(*bobs).ok());
  auto changed = store.users().Get(ana->id);
  REQUIRE(changed.ok());
  CHECK(auth.VerifyPassword("a new passphrase", changed->password_hash).ok);
  // A login after the change works.
  auto fresh = auth.CreateSessionToken(ana->id, std::chrono::hours(1));
  REQUIRE(fresh.ok());
  CHECK(auth.VerifySessionToken(*fresh).ok());

  CHECK(auth.ChangePassword(ana->id, "").code() == StatusCode::kInvalidArgument);
  CHECK(auth.ChangePassword(NewUuid(), "x").code() == StatusCode::kNotFound);
}

}  // namespace
}  // namespace incuera
