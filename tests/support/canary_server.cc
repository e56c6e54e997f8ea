#include "support/canary_server.h"

#include <arpa/inet.h>
#include <doctest/doctest.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string_view>

namespace incuera::test {
namespace {

constexpr unsigned char kGif[] = {0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80,
                                  0x00, 0x00, 0xff, 0x00, 0x00, 0x00, 0x00, 0x00, 0x21, 0xf9, 0x04,
                                  0x01, 0x00, 0x00, 0x00, 0x00, 0x2c, 0x00, 0x00, 0x00, 0x00, 0x01,
                                  0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3b};

void SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    ssize_t n = send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    data.remove_prefix(static_cast<size_t>(n));
  }
}

// The request line's target, read for at most a second.
std::string ReadTarget(int fd) {
  std::string head;
  const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(1);
  while (head.find("\r\n") == std::string::npos && head.size() < 8192) {
    pollfd p{fd, POLLIN, 0};
    if (std::chrono::steady_clock::now() >= until || poll(&p, 1, 100) < 0) break;
    if (!(p.revents & POLLIN)) continue;
    char chunk[2048];
    ssize_t n = recv(fd, chunk, sizeof chunk, 0);
    if (n <= 0) break;
    head.append(chunk, static_cast<size_t>(n));
  }
  const size_t start = head.find(' ');
  const size_t end = head.find(' ', start + 1);
  if (start == std::string::npos || end == std::string::npos) return "";
  return head.substr(start + 1, end - start - 1);
}

}  // namespace

CanaryServer::CanaryServer() {
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  REQUIRE(listen_fd_ >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  REQUIRE(listen(listen_fd_, 64) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  port_ = ntohs(addr.sin_port);
  REQUIRE(pipe2(stop_fd_, O_CLOEXEC) == 0);
  thread_ = std::thread([this] { Serve(); });
}

CanaryServer::~CanaryServer() {
  (void)!write(stop_fd_[1], "x", 1);
  thread_.join();
  close(listen_fd_);
  close(stop_fd_[0]);
  close(stop_fd_[1]);
}

std::vector<std::string> CanaryServer::Hits() {
  // Connections the kernel already queued are answered before we look.
  for (int i = 0; i < 5; ++i) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 100) == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  std::lock_guard lock(mu_);
  return hits_;
}

void CanaryServer::Serve() {
  while (true) {
    pollfd p[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_[0], POLLIN, 0}};
    if (poll(p, 2, -1) < 0) continue;
    if (p[1].revents & POLLIN) return;
    if (!(p[0].revents & POLLIN)) continue;
    int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    Answer(fd);
    close(fd);
  }
}

void CanaryServer::Answer(int fd) {
  const std::string target = ReadTarget(fd);
  {
    std::lock_guard lock(mu_);
    hits_.push_back(target);
  }
  if (target.empty()) return;
  constexpr std::string_view kRedirect = "/redirect?to=";
  if (target.rfind(kRedirect, 0) == 0) {
    SendAll(fd, "HTTP/1.1 302 Found\r\nLocation: " + target.substr(kRedirect.size()) +
                    "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
  } else if (target.size() > 4 && target.compare(target.size() - 4, 4, ".gif") == 0) {
    SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nContent-Length: " +
                    std::to_string(sizeof kGif) + "\r\nConnection: close\r\n\r\n");
    SendAll(fd, std::string_view(reinterpret_cast<const char*>(kGif), sizeof kGif));
  } else {
    const std::string page =
        "<!doctype html><body style='background:#f00'><h1>canary: internal page</h1></body>";
    SendAll(fd, "HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: " +
                    std::to_string(page.size()) + "\r\nConnection: close\r\n\r\n" + page);
  }
}

}  // namespace incuera::test
