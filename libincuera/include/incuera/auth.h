// Auth: API keys for the SDK and read clients, password hashes for dashboard
// users, and opaque dashboard session tokens. One Auth belongs to an Engine
// (engine.auth()); it keeps only small in-memory caches and writes through
// the Store's repositories.
//
// Secrets (API keys, tokens) never touch the database in plain text: rows
// hold HMAC-SHA256(secret_key, secret) in hex, so a leaked database dump
// alone cannot be replayed, and rotating SECRET_KEY invalidates every key
// and token at once.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "incuera/env.h"
#include "incuera/model.h"
#include "incuera/options.h"
#include "incuera/status.h"

namespace incuera {

class Store;

// A freshly created API key: the stored row and the plaintext secret, which
// is shown to the user once and cannot be recovered later.
struct NewApiKey {
  ApiKey key;
  std::string secret;
};

// Outcome of checking a password against a stored hash.
struct PasswordCheck {
  bool ok = false;            // the password matches
  bool needs_rehash = false;  // matches, but was hashed with a weaker cost
};

// API keys, passwords and dashboard tokens over one Store. Thread-safe; the
// Store must outlive the Auth.
class Auth {
 public:
  // `secret_key` keys every stored hash (see the file comment); it must be
  // the same across restarts and processes sharing a database. Expiry,
  // revocation and cache times come from `env`'s clock (which must outlive
  // the Auth).
  Auth(std::string secret_key, Store& store, AuthOptions options = {}, Env& env = Env::Default());
  ~Auth();
  Auth(const Auth&) = delete;
  Auth& operator=(const Auth&) = delete;

  // Returns a new random API key secret: "inc_" + base64url of 32 random
  // bytes. Pure; nothing is stored.
  static std::string GenerateApiKey();

  // Returns the keyed hash (lower-case hex HMAC-SHA256) stored for an API
  // key secret or a session token.
  std::string HashSecret(std::string_view secret) const;

  // Creates a key for `project_id` and returns its row and plaintext secret.
  // The row keeps the hash and the first 12 characters of the secret as a
  // display prefix. Errors come from the store (NotFound for an unknown
  // project on databases that enforce it).
  Result<NewApiKey> CreateApiKey(const std::string& project_id, const std::string& name,
                                 KeyScope scope, std::optional<TimeMs> expires_at = std::nullopt);

  // Returns the key whose secret is `secret` when it may be used for
  // `required`. Unauthenticated for an unknown, malformed, revoked or expired
  // key; PermissionDenied when the key has another scope; Unavailable when
  // the database is down. Served from a short-lived cache (see AuthOptions),
  // and records last_used_at at most once per touch interval.
  Result<ApiKey> VerifyApiKey(std::string_view secret, KeyScope required);

  // The same answer as VerifyApiKey from memory alone, for callers that must
  // not block: std::nullopt when the key is not in the cache (ask
  // VerifyApiKey then). Records no use.
  std::optional<Result<ApiKey>> VerifyCachedApiKey(std::string_view secret,
                                                   KeyScope required) const;

  // Revokes the key with this id and forgets it in this Auth's cache at once
  // (other processes notice within key_cache_ttl). NotFound for an unknown id.
  Status RevokeApiKey(const std::string& id);

  // Returns a new salted hash of `password` in the self-describing format
  // "$pbkdf2-sha256$i=<iterations>$<salt>$<hash>" (base64url, 16-byte salt,
  // 32-byte hash). InvalidArgument for an empty password.
  Result<std::string> HashPassword(std::string_view password) const;

  // Checks `password` against a hash made by HashPassword, in constant time
  // with respect to the hash. A malformed hash never matches.
  PasswordCheck VerifyPassword(std::string_view password, std::string_view encoded) const;

  // Sets the password of `user_id` (hashed as HashPassword) and revokes
  // every login token the user holds, so a leaked or stolen session ends
  // with the password change, whichever front-end made it. InvalidArgument
  // for an empty password, NotFound for an unknown user.
  Status ChangePassword(const std::string& user_id, std::string_view password);

  // Creates a dashboard login token for `user_id`, valid for `ttl`, and
  // returns it (32 random bytes, base64url). Only its keyed hash is stored.
  Result<std::string> CreateSessionToken(const std::string& user_id, std::chrono::seconds ttl);

  // Returns the user a token belongs to. Unauthenticated when the token is
  // unknown, expired or revoked, or its user no longer exists.
  Result<User> VerifySessionToken(std::string_view token);

  // Revokes a token (logout). Unknown tokens are ignored, so logout is
  // idempotent.
  Status RevokeSessionToken(std::string_view token);

 private:
  struct Cache;
  // The key stored under `hash` while its cache entry is fresh.
  std::optional<ApiKey> CachedKey(const std::string& hash, TimeMs now) const;

  std::string secret_key_;
  Store& store_;
  AuthOptions options_;
  Env& env_;
  std::unique_ptr<Cache> cache_;
};

// Returns options.secret_key when set; otherwise the key kept in
// options.secret_key_file, creating that file (and its directory) with a new
// random key and mode 0600 when it does not exist. Internal when the file
// cannot be read or written.
Result<std::string> LoadOrCreateSecretKey(const Options& options);

}  // namespace incuera
