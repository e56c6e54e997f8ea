// The "s3://bucket?…" storage URL (see object_store.h), read with Boost.URL.
#pragma once

#include <string>

#include "incuera/env.h"
#include "incuera/status.h"
#include "objects/sigv4.h"

namespace incuera::internal {

struct S3Config {
  std::string bucket;
  std::string scheme = "https";  // of the endpoint
  std::string host;              // "host[:port]" of the endpoint ("[v6]:port" for IPv6)
  std::string base_path;         // path of the endpoint without a trailing '/', usually empty
  bool path_style = false;
  SigV4Credentials credentials;
};

// Parses "s3://bucket?endpoint=…&region=…&path_style=1&access_key=…&secret_key=…"
// (query values percent-decoded). The region defaults to us-east-1, the
// endpoint to AWS in the region, the credentials to the AWS_ACCESS_KEY_ID /
// AWS_SECRET_ACCESS_KEY variables of `env`. InvalidArgument naming what is
// wrong, secrets redacted.
Result<S3Config> ParseS3Url(const std::string& url, Env& env = Env::Default());

}  // namespace incuera::internal
