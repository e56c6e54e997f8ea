#include "support/server_process.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <thread>

#include "incuera/admin.h"
#include "incuera/engine.h"

namespace incuera::test {
namespace {

double StatusMb(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) return std::stod(line.substr(field.size() + 1)) / 1024;
  }
  return 0;
}

// True when GET /health answers 200 on a fresh connection.
bool Healthy(int port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const char req[] = "GET /health HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n";
    if (send(fd, req, sizeof req - 1, MSG_NOSIGNAL) > 0) {
      char buf[64] = {0};
      ok = recv(fd, buf, sizeof buf - 1, 0) > 12 &&
           std::string(buf).find(" 200 ") != std::string::npos;
    }
  }
  close(fd);
  return ok;
}

// Ends the process when a setup step failed: without its data no test can run.
void Check(const Status& status, const std::string& what) {
  if (status.ok()) return;
  std::fprintf(stderr, "provision: %s: %s\n", what.c_str(), status.ToString().c_str());
  std::exit(1);
}

}  // namespace

Provisioned Provision(const std::string& url, const std::string& storage_dir,
                      const std::string& secret_key) {
  Options options;
  options.database_url = url;
  options.storage_url = "file://" + storage_dir;
  options.secret_key = secret_key;
  auto engine = Engine::Open(options);
  Check(engine.status(), "open " + url);
  // Set up as the `incuera` CLI would: the admin service as the system.
  Admin admin(**engine);
  const Principal system = Principal::System();
  auto owner = admin.CreateUser(system, "owner@example.com", "owner-password");
  Check(owner.status(), "create the owner");
  auto as_owner = admin.AsUser(system, owner->id);
  Check(as_owner.status(), "act as the owner");
  ProjectChanges changes;
  changes.name = changes.slug = "shop";
  auto project = admin.CreateProject(*as_owner, changes);
  Check(project.status(), "create the project");
  auto ingest = admin.CreateApiKey(system, project->id, "ingest", KeyScope::kIngest);
  Check(ingest.status(), "create the ingest key");
  auto read = admin.CreateApiKey(system, project->id, "read", KeyScope::kRead);
  Check(read.status(), "create the read key");
  return {ingest->secret, read->secret, project->id};
}

int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

ServerProcess::ServerProcess(const std::string& binary, const std::string& database_url,
                             const std::string& storage_dir, const std::string& secret_key,
                             const std::map<std::string, std::string>& env)
    : port_(FreePort()) {
  // The child's freopen below would flush a copy of unwritten output.
  std::fflush(stdout);
  std::fflush(stderr);
  pid_ = fork();
  if (pid_ == 0) {
    setenv("DATABASE_URL", database_url.c_str(), 1);
    setenv("STORAGE_URL", ("file://" + storage_dir).c_str(), 1);
    setenv("SECRET_KEY", secret_key.c_str(), 1);
    setenv("RATE_LIMIT_RPS", "1e9", 1);
    setenv("RATE_LIMIT_BURST", "1e9", 1);
    for (const auto& [name, value] : env) setenv(name.c_str(), value.c_str(), 1);
    if (!std::getenv("INCUERA_SERVER_LOG")) std::freopen("/dev/null", "w", stderr);
    std::freopen("/dev/null", "w", stdout);
    std::string p = std::to_string(port_);
    execl(binary.c_str(), binary.c_str(), "--port", p.c_str(), "--no-worker", "--env-file",
          "/dev/null", nullptr);
    _exit(127);
  }
  for (int i = 0; i < 400 && !ready_; ++i) {
    ready_ = Healthy(port_);
    if (!ready_) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, nullptr, 0);
  }
}

int ServerProcess::Terminate(std::chrono::seconds timeout) {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  auto deadline = std::chrono::steady_clock::now() + timeout;
  int status = 0;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return -1;
}

double ServerProcess::RssMb() const { return StatusMb(pid_, "VmRSS"); }
double ServerProcess::PeakRssMb() const { return StatusMb(pid_, "VmHWM"); }

}  // namespace incuera::test
