#include "admin/login_limiter.h"

#include <doctest/doctest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace incuera::internal {
namespace {

using Clock = std::chrono::steady_clock;
using std::chrono::minutes;
using std::chrono::seconds;

TEST_CASE("of 30 concurrent attempts only the limit is let through to the password check") {
  LoginLimiter limiter(5, minutes(15));
  const Clock::time_point now = Clock::now();
  std::atomic<int> evaluated = 0, refused = 0;
  std::vector<std::thread> threads;
  for (int i = 0; i < 30; ++i) {
    threads.emplace_back([&] { (limiter.Reserve("account:a", now) == 0 ? evaluated : refused)++; });
  }
  for (std::thread& t : threads) t.join();
  CHECK(evaluated == 5);
  CHECK(refused == 25);
}

TEST_CASE("a refused attempt is told how long the window still lasts") {
  LoginLimiter limiter(2, minutes(15));
  const Clock::time_point t0 = Clock::now();
  CHECK(limiter.Reserve("k", t0) == 0);
  CHECK(limiter.Reserve("k", t0) == 0);
  CHECK(limiter.Reserve("k", t0 + seconds(60)) == 14 * 60);
  CHECK(limiter.Reserve("k", t0 + minutes(15) - std::chrono::milliseconds(10)) == 1);
  // A new window after the old one ends.
  CHECK(limiter.Reserve("k", t0 + minutes(15)) == 0);
  CHECK(limiter.Reserve("other", t0) == 0);
}

TEST_CASE("a released reservation and a cleared key give the attempts back") {
  LoginLimiter limiter(2, minutes(15));
  const Clock::time_point t0 = Clock::now();
  CHECK(limiter.Reserve("k", t0) == 0);
  CHECK(limiter.Reserve("k", t0) == 0);
  limiter.Release("k");
  CHECK(limiter.Reserve("k", t0) == 0);
  CHECK(limiter.Reserve("k", t0) > 0);
  limiter.Clear("k");
  CHECK(limiter.Reserve("k", t0) == 0);
  limiter.Release("unknown");  // nothing to give back
}

}  // namespace
}  // namespace incuera::internal
