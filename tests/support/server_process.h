// The real incuera-server binary as a child process on a fresh SQLite
// database, for tests and benchmarks that need the server's own process
// (its limits, its RSS, its signals). Provision() creates the database with
// a user, a project and keys; ServerProcess starts the binary on a free
// port with extra environment variables and stops it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <string>

namespace incuera::test {

struct Provisioned {
  std::string ingest_key;
  std::string read_key;
  std::string project_id;
};

// Creates a user, a project ("shop") and an ingest and a read key on `url`.
Provisioned Provision(const std::string& url, const std::string& storage_dir,
                      const std::string& secret_key);

// A port free on 127.0.0.1 right now.
int FreePort();

class ServerProcess {
 public:
  // Starts `binary` (--no-worker) and waits until /health answers; `env`
  // is added to the environment (e.g. SERVER_MAX_HEADER_BYTES).
  ServerProcess(const std::string& binary, const std::string& database_url,
                const std::string& storage_dir, const std::string& secret_key,
                const std::map<std::string, std::string>& env = {});
  ~ServerProcess();  // SIGKILL if still running
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  bool ready() const { return ready_; }
  // Sends SIGTERM and waits up to `timeout`; the exit status, or -1 when
  // it did not exit in time (then it is killed).
  int Terminate(std::chrono::seconds timeout);
  // Resident set now and at its peak, in MB.
  double RssMb() const;
  double PeakRssMb() const;

 private:
  pid_t pid_ = -1;
  int port_ = 0;
  bool ready_ = false;
};

}  // namespace incuera::test
