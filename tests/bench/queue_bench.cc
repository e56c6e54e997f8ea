// Job queue throughput for `make bench` (issue 3 "Figures"): enqueues JOBS
// render jobs from one thread, then drains them with WORKERS threads that
// lease and ack one job at a time, as incuera-worker does, and prints one
// table row. Asserts nothing.
//
// Usage: queue_bench LABEL STORE_URL QUEUE_URL [JOBS] [WORKERS]
//   e.g. queue_bench sqlite sqlite:///tmp/q.db db 2000 4
//        queue_bench redis sqlite:///tmp/q.db redis://127.0.0.1:6379 2000 4
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "incuera/queue.h"
#include "incuera/store.h"

namespace {

using Clock = std::chrono::steady_clock;

[[noreturn]] void Die(const std::string& what, const incuera::Status& s) {
  std::fprintf(stderr, "queue_bench: %s: %s\n", what.c_str(), s.ToString().c_str());
  std::exit(1);
}

double Since(Clock::time_point t) {
  return std::chrono::duration<double>(Clock::now() - t).count();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 4) {
    std::fprintf(stderr, "usage: queue_bench LABEL STORE_URL QUEUE_URL [JOBS] [WORKERS]\n");
    return 2;
  }
  const std::string label = argv[1], store_url = argv[2], queue_url = argv[3];
  const int jobs = argc > 4 ? std::atoi(argv[4]) : 2000;
  const int workers = argc > 5 ? std::atoi(argv[5]) : 4;

  auto store = incuera::OpenStore(store_url, workers + 1);
  if (!store.ok()) Die("open store", store.status());
  if (auto migrated = (*store)->Migrate(); !migrated.ok()) Die("migrate", migrated.status());
  auto queue = incuera::OpenJobQueue(queue_url, **store);
  if (!queue.ok()) Die("open queue", queue.status());
  incuera::JobQueue& q = **queue;

  const std::string run = std::to_string(getpid()) + "-";
  Clock::time_point started = Clock::now();
  for (int i = 0; i < jobs; ++i) {
    incuera::Job job;
    job.kind = "render";
    job.session_id = "bench-" + run + std::to_string(i);
    if (auto r = q.Enqueue(job); !r.ok()) Die("enqueue", r.status());
  }
  const double enqueue_s = Since(started);

  std::atomic<int> done{0}, lost{0};
  started = Clock::now();
  std::vector<std::thread> threads;
  for (int w = 0; w < workers; ++w) {
    threads.emplace_back([&] {
      while (true) {
        auto leased = q.Lease({"render"}, std::chrono::minutes(5));
        if (!leased.ok()) Die("lease", leased.status());
        if (!leased->has_value()) return;
        if (q.Ack(**leased).ok()) {
          ++done;
        } else {
          ++lost;
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  const double drain_s = Since(started);
  std::printf("| %-11s | %6d | %7d | %10.0f | %16.0f | %9.2f | %4d |\n", label.c_str(), jobs,
              workers, jobs / enqueue_s, done / drain_s, (enqueue_s + drain_s) * 1000 / jobs,
              lost.load());
  return done == jobs ? 0 : 1;
}
