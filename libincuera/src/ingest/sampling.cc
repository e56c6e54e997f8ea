#include "ingest/sampling.h"

#include <openssl/evp.h>

#include <cstdint>

namespace incuera::internal {

double SamplePoint(std::string_view project_id, std::string_view client_session_id) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  EVP_DigestUpdate(ctx, project_id.data(), project_id.size());
  EVP_DigestUpdate(ctx, "/", 1);  // '/' is in neither id
  EVP_DigestUpdate(ctx, client_session_id.data(), client_session_id.size());
  EVP_DigestFinal_ex(ctx, digest, &length);
  EVP_MD_CTX_free(ctx);
  std::uint64_t bits = 0;
  for (int i = 0; i < 8; ++i) bits = (bits << 8) | digest[i];
  return static_cast<double>(bits >> 11) / static_cast<double>(std::uint64_t{1} << 53);
}

bool InSample(std::string_view project_id, std::string_view client_session_id, double rate) {
  if (rate >= 1.0) return true;
  if (!(rate > 0.0)) return false;
  return SamplePoint(project_id, client_session_id) < rate;
}

}  // namespace incuera::internal
