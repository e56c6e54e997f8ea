// incuera-server: flags -> Options -> Engine -> HttpServer (+ in-process worker).
#include <signal.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "common/program.h"
#include "incuera/engine.h"
#include "incuera/http.h"
#include "incuera/options.h"
#include "incuera/worker.h"

namespace {

constexpr char kUsage[] = R"(Usage: incuera-server [flags]

Serves the Incuera HTTP API (ingest, admin, dashboard) with the embedded
defaults unless told otherwise. Every flag has an environment variable; a .env
file in the working directory is read too.

  --host HOST            listen address (HOST, default 127.0.0.1)
  --port PORT            listen port (PORT, default 8000; 0 = any free port)
  --database-url URL     sqlite://path or postgresql://... (DATABASE_URL)
  --queue-url URL        db or redis://host:port (REDIS_URL / QUEUE_URL)
  --storage-url URL      file://dir or s3://bucket?... (STORAGE_URL)
  --env-file PATH        read this file instead of ./.env
  --no-worker            do not run the job worker inside the server
  --help                 show this text
)";

int Fail(const std::string& message) {
  std::cerr << "incuera-server: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  incuera::apps::ProgramStart start = incuera::apps::StartProgram(
      "incuera-server", kUsage,
      {{"--host", "HOST"}, {"--port", "PORT"}, {"--no-worker", "", false}}, argc, argv);
  if (start.exit_code) return *start.exit_code;
  incuera::Options& options = start.options;
  if (start.line.Has("--no-worker")) options.server.in_process_worker = false;

  // SIGINT/SIGTERM are taken by a watcher thread, never by request threads.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto engine = incuera::Engine::Open(options);
  if (!engine.ok()) return Fail(engine.status().ToString());
  incuera::http::HttpServer server(**engine);
  if (auto s = server.Bind(); !s.ok()) return Fail(s.ToString());

  std::printf("incuera-server listening on http://%s:%d\n", options.server.host.c_str(),
              server.port());
  std::printf("  database: %s\n  queue:    %s\n  storage:  %s\n",
              incuera::RedactUrl(options.database_url).c_str(),
              incuera::RedactUrl(options.queue_url).c_str(),
              incuera::RedactUrl(options.storage_url).c_str());
  incuera::Worker worker(**engine);
  if (options.server.in_process_worker) {
    worker.Start();
    std::printf("  worker:   in-process, %d job(s) at a time\n", options.worker.concurrency);
  }
  std::fflush(stdout);

  std::thread watcher([&] {
    int sig = 0;
    sigwait(&signals, &sig);
    std::fprintf(stderr, "incuera-server: signal %d, finishing in-flight requests\n", sig);
    server.Stop();
  });
  watcher.detach();
  incuera::Status served = server.Run();
  worker.Stop();  // running jobs finish; queued ones stay for the next start
  if (!served.ok()) return Fail(served.ToString());
  return 0;
}
