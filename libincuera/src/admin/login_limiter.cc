#include "admin/login_limiter.h"

#include <algorithm>

namespace incuera::internal {

int LoginLimiter::BlockedFor(const std::string& key, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mu_);
  auto it = windows_.find(key);
  if (it == windows_.end()) return 0;
  auto elapsed = now - it->second.start;
  if (elapsed >= window_) {
    windows_.erase(it);
    return 0;
  }
  if (it->second.failures < max_failures_) return 0;
  auto left = std::chrono::duration_cast<std::chrono::seconds>(window_ - elapsed).count();
  return static_cast<int>(std::max<long long>(1, left));
}

void LoginLimiter::Fail(const std::string& key, std::chrono::steady_clock::time_point now) {
  std::lock_guard lock(mu_);
  if (windows_.size() >= kMaxKeys) {
    std::erase_if(windows_, [&](const auto& e) { return now - e.second.start >= window_; });
  }
  Window& w = windows_[key];
  if (w.failures == 0 || now - w.start >= window_) w = Window{now, 0};
  ++w.failures;
}

void LoginLimiter::Clear(const std::string& key) {
  std::lock_guard lock(mu_);
  windows_.erase(key);
}

}  // namespace incuera::internal
