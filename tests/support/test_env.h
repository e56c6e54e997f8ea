// What tests need from their surroundings: data files, temp dirs, and the
// real services `tests/run.sh` starts (PostgreSQL, Redis).
#pragma once

#include <atomic>
#include <chrono>
#include <string>
#include <vector>

#include "incuera/env.h"

namespace incuera::test {

// An Env whose clock stands still until the test moves it (Advance); the log
// and environment variables are the process's. Starts at the real time.
class ManualClock : public EnvWrapper {
 public:
  ManualClock() : EnvWrapper(Env::Default()), now_(Env::Default().NowMs()) {}
  TimeMs NowMs() override { return now_.load(); }
  void Advance(std::chrono::milliseconds by) { now_ += by.count(); }

 private:
  std::atomic<TimeMs> now_;
};

// Absolute path of a file under tests/data.
std::string DataPath(const std::string& name);

// Reads a whole file; fails the current test when it cannot.
std::string ReadFile(const std::string& path);

// A fresh directory under the system temp dir, removed when destroyed.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  std::string File(const std::string& name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

// URL of the throwaway PostgreSQL server (INCUERA_TEST_POSTGRES_URL), or ""
// when the tests run without one or libincuera is built without PostgreSQL
// (then PostgreSQL cases are skipped with a message; `make test` always
// provides it).
std::string PostgresUrl();

// A PostgreSQL URL for a brand-new, empty database on that server (created
// with a random name), or "" without a server.
std::string FreshPostgresDatabase();

// URL of the throwaway Redis server (INCUERA_TEST_REDIS_URL), or "" (as
// above, also in a build without Redis).
std::string RedisUrl();

// The database URLs a contract suite runs against: a fresh SQLite file in
// `dir` and, when available, a fresh PostgreSQL database.
std::vector<std::string> StoreUrls(const TempDir& dir);

}  // namespace incuera::test
