// A loopback HTTP listener that records every connection made to it, for
// tests that must show something never reached it (the renderer's network
// policy) or did (their positive controls).
#pragma once

#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace incuera::test {

// Listens on 127.0.0.1 at a free port from construction to destruction.
// Answers "GET /redirect?to=<url>" with a 302 to <url>, any path ending in
// ".gif" with a 1x1 GIF, and everything else with a small HTML page. Thread-safe.
class CanaryServer {
 public:
  CanaryServer();
  ~CanaryServer();
  CanaryServer(const CanaryServer&) = delete;
  CanaryServer& operator=(const CanaryServer&) = delete;

  int port() const { return port_; }

  // The request target of every connection accepted so far ("" for one that
  // sent no request line, such as a preconnect), once the connections
  // already queued are taken in.
  std::vector<std::string> Hits();

 private:
  void Serve();
  void Answer(int fd);

  int listen_fd_ = -1;
  int stop_fd_[2] = {-1, -1};
  int port_ = 0;
  std::mutex mu_;
  std::vector<std::string> hits_;
  std::thread thread_;
};

}  // namespace incuera::test
