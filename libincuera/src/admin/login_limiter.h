// Counts failed logins per key (an account or a client address) in a fixed
// window, so password guessing is slowed down without any shared state
// beyond this process. A login reserves its failure before the password hash
// runs, so concurrent attempts cannot all be evaluated before the first
// failure is counted. Thread-safe.
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

  // Atomically: when `key` has used up its failures in the current window,
  // returns the seconds until it may try again and counts nothing;
  // otherwise counts this attempt as a failure in advance and returns 0.
  // The caller then either keeps it (the password was wrong), Releases it
  // (the attempt was not evaluated) or Clears the key (a success).
  int Reserve(const std::string& key, std::chrono::steady_clock::time_point now);
  // Takes back one reserved failure of `key`.
  void Release(const std::string& key);
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
