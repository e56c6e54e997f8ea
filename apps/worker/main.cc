// incuera-worker: flags -> Options -> Engine -> Worker, until SIGINT/SIGTERM.
// Run as many as you like beside the servers (start them with --no-worker).
#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "incuera/engine.h"
#include "incuera/options.h"
#include "incuera/worker.h"

namespace {

constexpr char kUsage[] = R"(Usage: incuera-worker [flags]

Runs render and analyze jobs from the queue and the periodic sweeps
(expired leases, inactive sessions). Configured like incuera-server by
environment variables and ./.env.

  --database-url URL     sqlite://path or postgresql://... (DATABASE_URL)
  --queue-url URL        db or redis://host:port (REDIS_URL / QUEUE_URL)
  --storage-url URL      file://dir or s3://bucket?... (STORAGE_URL)
  --concurrency N        jobs at a time (WORKER_CONCURRENCY, default 1)
  --help                 show this text
)";

int Fail(const std::string& message) {
  std::cerr << "incuera-worker: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  incuera::Options options;
  if (auto s = incuera::LoadOptionsFromEnvironment(options); !s.ok()) return Fail(s.message());
  for (int i = 1; i < argc; ++i) {
    std::string flag = argv[i];
    bool has_value = i + 1 < argc;
    if (flag == "--help" || flag == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (has_value && incuera::ApplyBackendFlag(options, flag, argv[i + 1])) {
      ++i;
    } else if (flag == "--concurrency" && has_value) {
      options.worker.concurrency = std::max(1, std::atoi(argv[++i]));
    } else {
      std::cerr << kUsage;
      return Fail("unknown or incomplete flag '" + flag + "'");
    }
  }

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by the job threads

  auto engine = incuera::Engine::Open(options);
  if (!engine.ok()) return Fail(engine.status().ToString());
  incuera::Worker worker(**engine);
  worker.Start();
  std::printf("incuera-worker: %d job(s) at a time on %s, queue %s\n",
              options.worker.concurrency, incuera::RedactUrl(options.database_url).c_str(),
              incuera::RedactUrl(options.queue_url).c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  std::fprintf(stderr, "incuera-worker: signal %d, finishing running jobs\n", sig);
  worker.Stop();
  return 0;
}
