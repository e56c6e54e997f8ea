// AWS Signature Version 4 for S3-compatible requests: builds the canonical
// request, the string to sign and the Authorization header. Pure functions,
// no I/O; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace incuera::internal {

// Who signs, and for which scope.
struct SigV4Credentials {
  std::string access_key;
  std::string secret_key;
  std::string region;   // "us-east-1"
  std::string service;  // "s3"
};

// The parts of an HTTP request that are signed. `path` is the absolute path
// as sent on the wire (already URI-encoded); `query` holds raw (unencoded)
// name/value pairs in any order; `headers` must include "host" and
// "x-amz-date" (names in any case; values are trimmed when canonicalised).
struct SigV4Request {
  std::string method;
  std::string path;
  std::vector<std::pair<std::string, std::string>> query;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string payload_hash;  // hex SHA-256 of the body, or "UNSIGNED-PAYLOAD"
};

// Every intermediate value, so tests can compare them with published vectors.
struct SigV4Signature {
  std::string canonical_request;
  std::string string_to_sign;
  std::string signature;      // lower-case hex
  std::string authorization;  // the Authorization header value
};

// Signs `request` at `amz_date` ("20150830T123600Z").
SigV4Signature SignV4(const SigV4Request& request, const SigV4Credentials& credentials,
                      std::string_view amz_date);

// RFC 3986 percent-encoding as SigV4 wants it: unreserved characters
// (A-Z a-z 0-9 - . _ ~) are kept, '/' too when `keep_slash`, everything else
// becomes %XX with upper-case hex.
std::string UriEncode(std::string_view text, bool keep_slash);

// The canonical query string: pairs encoded, then sorted by name and value.
std::string CanonicalQuery(const std::vector<std::pair<std::string, std::string>>& query);

// Lower-case hex SHA-256 of `data`.
std::string Sha256Hex(std::string_view data);

}  // namespace incuera::internal
