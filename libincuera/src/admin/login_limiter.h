// Counts failed logins per key (an account or a client IP) in a fixed window,
// so password guessing is slowed down without any shared state beyond this
// process. Thread-safe.
#pragma once

#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace incuera::internal {

class LoginLimiter {
 public:
  LoginLimiter(int max_failures, std::chrono::seconds window)
      : max_failures_(max_failures), window_(window) {}

  // Seconds until `key` may try again, or 0 when it may try now.
  int BlockedFor(const std::string& key, std::chrono::steady_clock::time_point now);
  // Records a failed attempt of `key`.
  void Fail(const std::string& key, std::chrono::steady_clock::time_point now);
  // Forgets `key` (after a successful login).
  void Clear(const std::string& key);

 private:
  struct Window {
    std::chrono::steady_clock::time_point start;
    int failures = 0;
  };
  // Keys kept at most; beyond it expired windows are dropped, so a flood of
  // distinct keys cannot grow memory without bound.
  static constexpr std::size_t kMaxKeys = 100'000;

  const int max_failures_;
  const std::chrono::seconds window_;
  std::mutex mu_;
  std::unordered_map<std::string, Window> windows_;
};

}  // namespace incuera::internal
