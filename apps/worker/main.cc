// incuera-worker: flags -> Options -> Engine -> Worker, until SIGINT/SIGTERM.
// Run as many as you like beside the servers (start them with --no-worker).
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "common/program.h"
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
  --env-file PATH        read this file instead of ./.env
  --help                 show this text
)";

int Fail(const std::string& message) {
  std::cerr << "incuera-worker: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  incuera::apps::ProgramStart start = incuera::apps::StartProgram(
      "incuera-worker", kUsage, {{"--concurrency", "WORKER_CONCURRENCY"}}, argc, argv);
  if (start.exit_code) return *start.exit_code;
  const incuera::Options& options = start.options;

  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);  // inherited by the job threads

  auto engine = incuera::Engine::Open(options);
  if (!engine.ok()) return Fail(engine.status().ToString());
  incuera::Worker worker(**engine);
  worker.Start();
  std::printf("incuera-worker: %d job(s) at a time on %s, queue %s\n", options.worker.concurrency,
              incuera::RedactUrl(options.database_url).c_str(),
              incuera::RedactUrl(options.queue_url).c_str());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  std::fprintf(stderr, "incuera-worker: signal %d, finishing running jobs\n", sig);
  worker.Stop();
  return 0;
}
