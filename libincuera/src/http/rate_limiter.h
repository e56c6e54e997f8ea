// Token buckets per key (API key id): `rate` tokens per second up to `burst`.
#pragma once

#include <chrono>
#include <mutex>
#include <string>
#include <unordered_map>

namespace incuera::http::internal {

class RateLimiter {
 public:
  RateLimiter(double rate, double burst) : rate_(rate), burst_(burst) {}

  // Takes one token for `key`. Returns 0 when allowed, else the whole seconds
  // to wait before a token is available (for Retry-After). Thread-safe.
  int Acquire(const std::string& key);

 private:
  struct Bucket {
    double tokens;
    std::chrono::steady_clock::time_point at;
  };
  const double rate_;
  const double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;
};

}  // namespace incuera::http::internal
