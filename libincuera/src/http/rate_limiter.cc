#include "http/rate_limiter.h"

#include <algorithm>
#include <cmath>

namespace incuera::http::internal {

int RateLimiter::Acquire(const std::string& key) {
  if (rate_ <= 0) return 0;  // limiting disabled
  auto now = std::chrono::steady_clock::now();
  std::lock_guard lock(mu_);
  // Idle keys are forgotten so the map stays bounded by the active keys.
  if (buckets_.size() > 100'000) buckets_.clear();
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  if (!inserted) {
    double elapsed = std::chrono::duration<double>(now - b.at).count();
    b.tokens = std::min(burst_, b.tokens + elapsed * rate_);
    b.at = now;
  }
  if (b.tokens >= 1) {
    b.tokens -= 1;
    return 0;
  }
  return std::max(1, static_cast<int>(std::ceil((1 - b.tokens) / rate_)));
}

}  // namespace incuera::http::internal
