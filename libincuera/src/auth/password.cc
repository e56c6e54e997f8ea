// Password hashing for dashboard users.
//
// PBKDF2-HMAC-SHA256 rather than scrypt: the server verifies logins on its
// request threads (8 by default), and scrypt at N=2^15, r=8 needs 32 MiB per
// verification, so a burst of logins would cost hundreds of MiB; PBKDF2 needs
// no memory, is in every OpenSSL (and FIPS) build, and at 600000 iterations
// matches current OWASP guidance. The iteration count is stored in each hash,
// so it can be raised later and old hashes upgraded on the next login.
#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <charconv>
#include <string>
#include <string_view>

#include "core/text.h"
#include "incuera/auth.h"

namespace incuera {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kHashBytes = 32;
// Upper bound on the cost read back from a stored hash, so a corrupted or
// planted row cannot pin a request thread for minutes.
constexpr int kMaxIterations = 50'000'000;

// Derives `size` bytes from the password; empty on an OpenSSL failure.
std::string Pbkdf2(std::string_view password, std::string_view salt, int iterations,
                   std::size_t size) {
  std::string out(size, '\0');
  int ok = PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                             reinterpret_cast<const unsigned char*>(salt.data()),
                             static_cast<int>(salt.size()), iterations, EVP_sha256(),
                             static_cast<int>(size), reinterpret_cast<unsigned char*>(out.data()));
  return ok == 1 ? out : std::string();
}

// The parts of an encoded hash.
struct ParsedHash {
  int iterations = 0;
  std::string salt;
  std::string hash;
};

// Parses "$pbkdf2-sha256$i=<n>$<salt>$<hash>"; false when malformed.
bool ParseHash(std::string_view encoded, ParsedHash& out) {
  std::vector<std::string> parts = internal::Split(encoded, '$', /*skip_empty=*/false);
  if (parts.size() != 5 || !parts[0].empty() || parts[1] != kScheme ||
      !internal::StartsWith(parts[2], "i=")) {
    return false;
  }
  std::string_view digits = std::string_view(parts[2]).substr(2);
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), out.iterations);
  if (ec != std::errc() || end != digits.data() + digits.size() || out.iterations < 1 ||
      out.iterations > kMaxIterations) {
    return false;
  }
  auto salt = internal::Base64UrlDecode(parts[3]);
  auto hash = internal::Base64UrlDecode(parts[4]);
  if (!salt.ok() || !hash.ok() || salt->empty() || hash->size() < 16) return false;
  out.salt = std::move(*salt);
  out.hash = std::move(*hash);
  return true;
}

}  // namespace

Result<std::string> Auth::HashPassword(std::string_view password) const {
  if (password.empty()) return InvalidArgument("password must not be empty");
  std::string salt = internal::RandomBytes(kSaltBytes);
  std::string hash = Pbkdf2(password, salt, options_.pbkdf2_iterations, kHashBytes);
  if (hash.empty()) return Internal("PBKDF2 failed");
  return "$" + std::string(kScheme) + "$i=" + std::to_string(options_.pbkdf2_iterations) + "$" +
         internal::Base64UrlEncode(salt) + "$" + internal::Base64UrlEncode(hash);
}

PasswordCheck Auth::VerifyPassword(std::string_view password, std::string_view encoded) const {
  ParsedHash parsed;
  if (!ParseHash(encoded, parsed)) return {};
  std::string hash = Pbkdf2(password, parsed.salt, parsed.iterations, parsed.hash.size());
  if (hash.size() != parsed.hash.size() ||
      CRYPTO_memcmp(hash.data(), parsed.hash.data(), hash.size()) != 0) {
    return {};
  }
  return {.ok = true, .needs_rehash = parsed.iterations < options_.pbkdf2_iterations};
}

}  // namespace incuera
