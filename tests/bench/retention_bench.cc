// Retention throughput for `make bench` (issue 17): stores SESSIONS expired
// sessions, each with one event chunk and three stored files (video,
// thumbnail, keyframe), then removes them with ApplyRetention in the
// worker's batches and prints one table row. Asserts nothing.
//
// Usage: retention_bench LABEL DATABASE_URL STORAGE_URL [SESSIONS]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "engine/store_access.h"
#include "incuera/engine.h"
#include "incuera/lifecycle.h"
#include "incuera/object_store.h"
#include "incuera/store.h"

namespace {

using Clock = std::chrono::steady_clock;
constexpr incuera::TimeMs kDayMs = 24LL * 3600 * 1000;

[[noreturn]] void Die(const std::string& what, const incuera::Status& s) {
  std::fprintf(stderr, "retention_bench: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(1);
}

template <typename T>
T Check(incuera::Result<T> r, const char* what) {
  if (!r.ok()) Die(what, r.status());
  return std::move(*r);
}

void Check(const incuera::Status& s, const char* what) {
  if (!s.ok()) Die(what, s);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: retention_bench LABEL DATABASE_URL STORAGE_URL [SESSIONS]\n");
    return 2;
  }
  const std::string label = argv[1];
  const int sessions = argc > 4 ? std::atoi(argv[4]) : 2000;
  incuera::Options options;
  options.database_url = argv[2];
  options.storage_url = argv[3];
  options.secret_key = "retention-bench-secret-key-0123456789abcdef";
  auto engine = Check(incuera::Engine::Open(options), "open");
  incuera::Store& store = incuera::internal::StoreOf(*engine);

  incuera::User owner;
  owner.email = "bench@example.com";
  owner.password_hash = "x";
  owner = Check(store.users().Create(owner), "user");
  incuera::Project project;
  project.owner_id = owner.id;
  project.name = project.slug = "bench";
  project.settings.retention_days = 1;
  project = Check(store.projects().Create(project), "project");

  const incuera::TimeMs now = incuera::NowMs();
  const std::string video(200 * 1024, 'v');
  for (int i = 0; i < sessions; ++i) {
    incuera::SessionStart start;
    start.project_id = project.id;
    start.client_session_id = "bench-" + std::to_string(i);
    start.started_at = now - 2 * kDayMs - i;
    start.received_at = start.started_at;
    incuera::Session s = Check(store.sessions().Upsert(start), "session");
    incuera::EventChunk chunk;
    chunk.session_id = s.id;
    chunk.codec = "none";
    chunk.payload = R"([{"type":4,"timestamp":1}])";
    chunk.raw_bytes = static_cast<std::int64_t>(chunk.payload.size());
    Check(store.events().Append(chunk, incuera::BatchStats{}), "events");
    const std::string prefix = incuera::SessionObjectPrefix(s.id);
    Check(engine->objects().Put(prefix + "video.mp4", video, "video/mp4"), "video");
    Check(engine->objects().Put(prefix + "thumbnail.jpg", "jpg", "image/jpeg"), "thumbnail");
    Check(engine->objects().Put(prefix + "keyframe-0.jpg", "jpg", "image/jpeg"), "keyframe");
  }

  auto t0 = Clock::now();
  std::int64_t removed = 0;
  for (bool more = true; more;) {
    incuera::RetentionResult r = Check(incuera::ApplyRetention(*engine, now), "retention");
    removed += r.sessions_removed;
    more = r.more;
  }
  double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  std::printf("| %-19s | %8d | %8lld | %10.1f | %9.3f |\n", label.c_str(), sessions,
              static_cast<long long>(removed), removed / seconds, seconds * 1000.0 / removed);
  return 0;
}
