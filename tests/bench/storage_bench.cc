// Storage figures for `make bench` (issue 8, "stored size"): stores each
// recording through the real store (SQLite) in the batches an SDK sends — a
// new batch at 100 events, after 10 s, and at every page load (the SDK
// flushes on pagehide) — then ends the session, compacts it as the render
// job does, and prints stored bytes per raw byte at ingest and after
// compaction, with the compaction's time. Asserts nothing.
//
// Usage: storage_bench RECORDING.json...
#include <unistd.h>

#include <boost/json.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "incuera/store.h"
#include "read_file.h"

namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;
constexpr std::size_t kBatchEvents = 100;
constexpr std::int64_t kBatchMs = 10'000;
constexpr std::int64_t kMetaType = 4;

using incuera::bench::ReadAll;

void Check(const incuera::Status& s, const char* what) {
  if (s.ok()) return;
  std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
  std::exit(1);
}

// The recording as the SDK would batch it.
std::vector<json::array> SdkBatches(const json::array& events) {
  std::vector<json::array> batches;
  std::int64_t batch_start = 0;
  for (const json::value& e : events) {
    const std::int64_t ts = e.at("timestamp").to_number<std::int64_t>();
    const bool new_page = e.at("type").to_number<std::int64_t>() == kMetaType;
    if (batches.empty() || batches.back().size() >= kBatchEvents || ts - batch_start >= kBatchMs ||
        (new_page && !batches.back().empty())) {
      batches.emplace_back();
      batch_start = ts;
    }
    batches.back().push_back(e);
  }
  return batches;
}

void Row(incuera::Store& store, const std::string& project_id, const std::string& path) {
  json::array events = json::parse(ReadAll(path)).as_array();
  incuera::SessionStart start;
  start.project_id = project_id;
  start.client_session_id = path;
  auto session = store.sessions().Upsert(start);
  Check(session.status(), "session");
  std::int64_t raw = 0;
  const std::vector<json::array> batches = SdkBatches(events);
  for (const json::array& batch : batches) {
    incuera::EventChunk chunk;
    chunk.session_id = session->id;
    chunk.seq = -1;
    chunk.codec = "none";
    chunk.payload = json::serialize(batch);
    chunk.raw_bytes = static_cast<std::int64_t>(chunk.payload.size());
    chunk.event_count = static_cast<std::int64_t>(batch.size());
    raw += chunk.raw_bytes;
    Check(store.events().Append(chunk, incuera::BatchStats{}).status(), "append");
  }
  Check(store.sessions().MarkEnded(session->id, 1, "end").status(), "end");
  Check(store.sessions().Transition(session->id, incuera::SessionStatus::kRecording,
                                    incuera::SessionStatus::kCompleted),
        "finalize");
  const auto t0 = Clock::now();
  auto compacted = store.events().Compact(session->id);
  const double ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  Check(compacted.status(), "compact");
  std::printf("| %-32s | %6zu | %8.1f | %6lld -> %-3lld | %10.3f | %16.3f | %9.1f |\n",
              std::filesystem::path(path).filename().c_str(), events.size(), raw / 1024.0,
              static_cast<long long>(compacted->chunks_before),
              static_cast<long long>(compacted->chunks_after),
              static_cast<double>(compacted->stored_bytes_before) / static_cast<double>(raw),
              static_cast<double>(compacted->stored_bytes_after) / static_cast<double>(raw), ms);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s RECORDING.json...\n", argv[0]);
    return 2;
  }
  const std::filesystem::path dir = std::filesystem::temp_directory_path() /
                                    ("incuera-storage-bench-" + std::to_string(getpid()));
  auto store = incuera::OpenStore("sqlite://" + (dir / "bench.db").string(), 1);
  Check(store.status(), "open");
  Check((*store)->Migrate().status(), "migrate");
  incuera::User user;
  user.email = "bench@example.com";
  auto owner = (*store)->users().Create(user);
  Check(owner.status(), "user");
  incuera::Project project;
  project.owner_id = owner->id;
  project.name = project.slug = "bench";
  auto created = (*store)->projects().Create(project);
  Check(created.status(), "project");

  std::printf(
      "| recording                        | events | raw KiB  | chunks     | at ingest  | after "
      "compaction | compact ms |\n");
  std::printf(
      "|----------------------------------|--------|----------|------------|------------|----------"
      "--------|------------|\n");
  for (int i = 1; i < argc; ++i) Row(**store, created->id, argv[i]);
  store->reset();
  std::filesystem::remove_all(dir);
  return 0;
}
