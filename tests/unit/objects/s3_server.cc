#include "unit/objects/s3_server.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

namespace incuera::test {
namespace {

constexpr const char* kBucket = "incuera-test";

// A port nobody listens on right now (the kernel's pick for port 0).
int FreePort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr));
  socklen_t len = sizeof(addr);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// True when something accepts TCP connections on 127.0.0.1:`port`.
bool Accepts(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return ok;
}

}  // namespace

std::unique_ptr<S3Server> S3Server::Start() {
  std::string script =
      std::string(INCUERA_SOURCE_DIR) + "/tests/support/s3/node_modules/s3rver/bin/s3rver.js";
  if (!std::filesystem::exists(script)) {
    MESSAGE("s3rver not installed (run `npm ci` in tests/support/s3): S3 cases skipped");
    return nullptr;
  }
  std::unique_ptr<S3Server> server(new S3Server());
  int port = FreePort();
  std::string port_text = std::to_string(port);
  std::string data = server->dir_.path();
  pid_t pid = ::fork();
  if (pid == 0) {
    // s3rver seals ListObjectsV2 continuation tokens with DES, which Node's
    // OpenSSL 3 keeps in its legacy provider: without it every listing of
    // more than one page fails with InternalError.
    ::execlp("node", "node", "--openssl-legacy-provider", script.c_str(), "-d", data.c_str(), "-a",
             "127.0.0.1", "-p", port_text.c_str(), "-s", "--service-endpoint", "localhost",
             "--configure-bucket", kBucket, static_cast<char*>(nullptr));
    ::_exit(127);
  }
  REQUIRE(pid > 0);
  server->pid_ = pid;
  for (int i = 0; i < 200 && !Accepts(port); ++i) {
    int wstatus = 0;
    if (::waitpid(pid, &wstatus, WNOHANG) == pid) {
      server->pid_ = -1;
      MESSAGE("s3rver exited at start: S3 cases skipped");
      return nullptr;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE_MESSAGE(Accepts(port), "s3rver did not start listening");
  std::string credentials = "&region=us-east-1&access_key=S3RVER&secret_key=S3RVER";
  server->url_ = std::string("s3://") + kBucket + "?endpoint=http://127.0.0.1:" + port_text +
                 "&path_style=1" + credentials;
  server->virtual_host_url_ =
      std::string("s3://") + kBucket + "?endpoint=http://s3.localhost:" + port_text + credentials;
  return server;
}

S3Server::~S3Server() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
}

namespace {

// The s3rver of this test process, started on first use (null when it cannot run).
S3Server* LocalServer() {
  static std::unique_ptr<S3Server> server = S3Server::Start();
  return server.get();
}

}  // namespace

std::string S3Url() {
  if (!INCUERA_TEST_WITH_S3) return "";  // a build without S3 skips its cases
  if (const char* url = std::getenv("INCUERA_TEST_S3_URL"); url && *url) return url;
  return LocalServer() ? LocalServer()->url() : "";
}

std::string S3VirtualHostUrl() {
  if (!INCUERA_TEST_WITH_S3) return "";
  if (const char* url = std::getenv("INCUERA_TEST_S3_URL"); url && *url) return "";
  return LocalServer() ? LocalServer()->virtual_host_url() : "";
}

}  // namespace incuera::test
