// Options.admin and Options.auth reach the logins and passwords of an Engine.
#include <doctest/doctest.h>

#include "engine/store_access.h"
#include "incuera/admin.h"
#include "incuera/store.h"
#include "support/test_env.h"

namespace incuera {
namespace {

struct Harness {
  explicit Harness(const std::function<void(Options&)>& configure) {
    Options options;
    options.database_url = "sqlite://" + dir.File("t.db");
    options.storage_url = "file://" + dir.File("objects");
    options.secret_key = "admin-options-test-secret-key-0123456789";
    options.auth.pbkdf2_iterations = 1'000;
    configure(options);
    auto opened = Engine::Open(options);
    REQUIRE_MESSAGE(opened.ok(), opened.status().ToString());
    engine = std::move(*opened);
    admin = std::make_unique<Admin>(*engine);
    REQUIRE(admin->CreateUser(Principal::System(), "ana@example.com", "correct horse", false).ok());
  }

  test::TempDir dir;
  std::unique_ptr<Engine> engine;
  std::unique_ptr<Admin> admin;
};

TEST_CASE("a login lasts options.admin.token_ttl") {
  Harness h([](Options& o) { o.admin.token_ttl = std::chrono::hours(2); });
  const TimeMs before = NowMs();
  auto login = h.admin->Login({"ana@example.com", "correct horse", "203.0.113.7"});
  REQUIRE(login.ok());
  CHECK(login->expires_at >= before + 2 * 3'600'000);
  CHECK(login->expires_at <= NowMs() + 2 * 3'600'000);
  CHECK(h.admin->Authenticate(login->token).ok());
}

TEST_CASE("an account is locked after options.admin.max_failures_per_account failures") {
  Harness h([](Options& o) { o.admin.max_failures_per_account = 2; });
  for (int i = 0; i < 2; ++i) {
    CHECK(h.admin->Login({"ana@example.com", "guess", ""}).status().code() ==
          StatusCode::kUnauthenticated);
  }
  int retry_after = 0;
  auto blocked = h.admin->Login({"ana@example.com", "correct horse", ""}, &retry_after);
  CHECK(blocked.status().code() == StatusCode::kResourceExhausted);
  CHECK(retry_after > 0);
}

TEST_CASE("new passwords are hashed with options.auth.pbkdf2_iterations") {
  Harness h([](Options& o) { o.auth.pbkdf2_iterations = 1'234; });
  auto user = internal::StoreOf(*h.engine).users().GetByEmail("ana@example.com");
  REQUIRE(user.ok());
  CHECK(user->password_hash.find("$i=1234$") != std::string::npos);
}

}  // namespace
}  // namespace incuera
