#include "admin/login_limiter.h"

#include <algorithm>

namespace incuera::internal {

int LoginLimiter::Reserve(const std::string& key, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = windows_.find(key);
  if (it != windows_.end() && now - it->second.start >= window_) {
    windows_.erase(it);
    it = windows_.end();
  }
  if (it != windows_.end() && it->second.failures >= max_failures_) {
    auto left =
        std::chrono::duration_cast<std::chrono::seconds>(window_ - (now - it->second.start));
    return static_cast<int>(std::max<long long>(1, left.count()));
  }
  if (it == windows_.end()) {
    if (windows_.size() >= kMaxKeys) {
      std::erase_if(windows_, [&](const auto& e) { return now - e.second.start >= window_; });
    }
    it = windows_.emplace(key, Window{now, 0}).first;
  }
  ++it->second.failures;
  return 0;
}

void LoginLimiter::Release(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = windows_.find(key);
  if (it != windows_.end() && it->second.failures > 0) --it->second.failures;
}

void LoginLimiter::Clear(const std::string& key) {
  std::lock_guard lock(mu_);
  windows_.erase(key);
}

}  // namespace incuera::internal
