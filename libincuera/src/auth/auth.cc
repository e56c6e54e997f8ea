// API keys and dashboard session tokens.
#include "incuera/auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <mutex>
#include <unordered_map>
#include <utility>

#include "core/text.h"
#include "incuera/store.h"

namespace incuera {
namespace {

constexpr std::string_view kKeyPrefix = "inc_";
constexpr std::size_t kKeyDisplayChars = 12;
constexpr std::size_t kRandomBytes = 32;
// Longest credential worth hashing; anything longer is not one of ours.
constexpr std::size_t kMaxSecretChars = 256;

// Constant-time equality of two hex hashes.
bool SameHash(const std::string& a, const std::string& b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

// Whether a stored key may be used now for `required`.
Status UsableFor(const ApiKey& key, const std::string& hash, KeyScope required, TimeMs now) {
  if (!SameHash(hash, key.hash)) return Unauthenticated("invalid API key");
  if (key.revoked_at) return Unauthenticated("API key revoked");
  if (key.expires_at && *key.expires_at <= now) return Unauthenticated("API key expired");
  if (key.scope != required) {
    return PermissionDenied("API key has scope " + std::string(KeyScopeName(key.scope)) +
                            ", this needs " + std::string(KeyScopeName(required)));
  }
  return OkStatus();
}

}  // namespace

// Verified keys by hash, and when each key's last_used_at was last written.
struct Auth::Cache {
  struct Entry {
    ApiKey key;
    TimeMs fetched_at = 0;
  };
  std::mutex mu;
  std::unordered_map<std::string, Entry> keys;      // by hash
  std::unordered_map<std::string, TimeMs> touched;  // by key id
};

Auth::Auth(std::string secret_key, Store& store, AuthOptions options, Env& env)
    : secret_key_(std::move(secret_key)),
      store_(store),
      options_(options),
      env_(env),
      cache_(std::make_unique<Cache>()) {}

Auth::~Auth() = default;

std::string Auth::GenerateApiKey() {
  return std::string(kKeyPrefix) + internal::Base64UrlEncode(internal::RandomBytes(kRandomBytes));
}

std::string Auth::HashSecret(std::string_view secret) const {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret_key_.data(), static_cast<int>(secret_key_.size()),
       reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), mac, &size);
  return internal::HexEncode(std::string_view(reinterpret_cast<const char*>(mac), size));
}

Result<NewApiKey> Auth::CreateApiKey(const std::string& project_id, const std::string& name,
                                     KeyScope scope, std::optional<TimeMs> expires_at) {
  NewApiKey created;
  created.secret = GenerateApiKey();
  ApiKey row;
  row.project_id = project_id;
  row.name = name;
  row.prefix = created.secret.substr(0, kKeyDisplayChars);
  row.hash = HashSecret(created.secret);
  row.scope = scope;
  row.expires_at = expires_at;
  INCUERA_ASSIGN_OR_RETURN(created.key, store_.api_keys().Create(row));
  return created;
}

std::optional<ApiKey> Auth::CachedKey(const std::string& hash, TimeMs now) const {
  std::lock_guard lock(cache_->mu);
  auto it = cache_->keys.find(hash);
  if (it == cache_->keys.end() || now - it->second.fetched_at >= options_.key_cache_ttl.count()) {
    return std::nullopt;
  }
  return it->second.key;
}

Result<ApiKey> Auth::VerifyApiKey(std::string_view secret, KeyScope required) {
  if (!internal::StartsWith(secret, kKeyPrefix) || secret.size() > kMaxSecretChars) {
    return Unauthenticated("invalid API key");
  }
  std::string hash = HashSecret(secret);
  TimeMs now = env_.NowMs();
  const TimeMs ttl = options_.key_cache_ttl.count();

  std::optional<ApiKey> found = CachedKey(hash, now);
  if (!found) {
    auto fetched = store_.api_keys().GetByHash(hash);
    if (!fetched.ok()) {
      if (fetched.status().code() == StatusCode::kNotFound) {
        return Unauthenticated("invalid API key");
      }
      return fetched.status();
    }
    found = std::move(*fetched);
    if (ttl > 0) {
      std::lock_guard lock(cache_->mu);
      if (cache_->keys.size() >= options_.key_cache_size) {
        std::erase_if(cache_->keys,
                      [&](const auto& e) { return now - e.second.fetched_at >= ttl; });
        if (cache_->keys.size() >= options_.key_cache_size) cache_->keys.clear();
      }
      cache_->keys[hash] = {*found, now};
    }
  }

  const ApiKey& key = *found;
  INCUERA_RETURN_IF_ERROR(UsableFor(key, hash, required, now));

  bool touch = false;
  {
    std::lock_guard lock(cache_->mu);
    auto it = cache_->touched.find(key.id);
    if (it == cache_->touched.end() || now - it->second >= options_.touch_interval.count()) {
      if (cache_->touched.size() >= options_.key_cache_size) cache_->touched.clear();
      cache_->touched[key.id] = now;
      touch = true;
    }
  }
  // Usage tracking is best effort: a failed write must not fail the request.
  if (touch) (void)store_.api_keys().TouchLastUsed(key.id, now);
  return key;
}

std::optional<Result<ApiKey>> Auth::VerifyCachedApiKey(std::string_view secret,
                                                       KeyScope required) const {
  if (!internal::StartsWith(secret, kKeyPrefix) || secret.size() > kMaxSecretChars) {
    return Unauthenticated("invalid API key");
  }
  std::string hash = HashSecret(secret);
  TimeMs now = env_.NowMs();
  std::optional<ApiKey> key = CachedKey(hash, now);
  if (!key) return std::nullopt;
  if (Status usable = UsableFor(*key, hash, required, now); !usable.ok()) return usable;
  return *key;
}

Status Auth::RevokeApiKey(const std::string& id) {
  INCUERA_RETURN_IF_ERROR(store_.api_keys().Revoke(id, env_.NowMs()));
  std::lock_guard lock(cache_->mu);
  std::erase_if(cache_->keys, [&](const auto& e) { return e.second.key.id == id; });
  return OkStatus();
}

Result<std::string> Auth::CreateSessionToken(const std::string& user_id, std::chrono::seconds ttl) {
  if (ttl.count() <= 0) return InvalidArgument("token lifetime must be positive");
  std::string token = internal::Base64UrlEncode(internal::RandomBytes(kRandomBytes));
  AuthToken row;
  row.token_hash = HashSecret(token);
  row.user_id = user_id;
  row.created_at = env_.NowMs();
  row.expires_at = row.created_at + std::chrono::milliseconds(ttl).count();
  INCUERA_RETURN_IF_ERROR(store_.auth_tokens().Create(row));
  return token;
}

Result<User> Auth::VerifySessionToken(std::string_view token) {
  if (token.empty() || token.size() > kMaxSecretChars) return Unauthenticated("invalid token");
  std::string hash = HashSecret(token);
  auto row = store_.auth_tokens().Get(hash);
  if (!row.ok()) {
    if (row.status().code() == StatusCode::kNotFound) return Unauthenticated("invalid token");
    return row.status();
  }
  if (!SameHash(hash, row->token_hash)) return Unauthenticated("invalid token");
  if (row->revoked_at) return Unauthenticated("token revoked");
  if (row->expires_at <= env_.NowMs()) return Unauthenticated("token expired");
  auto user = store_.users().Get(row->user_id);
  if (!user.ok() && user.status().code() == StatusCode::kNotFound) {
    return Unauthenticated("token user no longer exists");
  }
  return user;
}

Status Auth::ChangePassword(const std::string& user_id, std::string_view password) {
  INCUERA_ASSIGN_OR_RETURN(std::string hash, HashPassword(password));
  INCUERA_RETURN_IF_ERROR(store_.users().UpdatePassword(user_id, hash));
  return store_.auth_tokens().RevokeForUser(user_id, env_.NowMs());
}

Status Auth::RevokeSessionToken(std::string_view token) {
  if (token.empty() || token.size() > kMaxSecretChars) return OkStatus();
  Status status = store_.auth_tokens().Revoke(HashSecret(token), env_.NowMs());
  if (status.code() == StatusCode::kNotFound) return OkStatus();
  return status;
}

}  // namespace incuera
