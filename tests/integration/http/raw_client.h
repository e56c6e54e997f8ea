// A bare TCP client for the limit tests: sends exactly the bytes given
// (partial headers, trickled bytes, oversized bodies) and reads one answer.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <string_view>

namespace incuera::test {

struct Reply {
  int status = -1;  // -1: no answer (closed or timed out)
  std::string head;
  std::string body;
  bool Has(std::string_view header_line) const {
    return head.find(header_line) != std::string::npos;
  }
};

class RawClient {
 public:
  // `receive_buffer` > 0 shrinks the socket's receive buffer (a client that
  // reads slowly fills it, and then the server's, sooner).
  explicit RawClient(int port, int receive_buffer = 0) : fd_(socket(AF_INET, SOCK_STREAM, 0)) {
    if (receive_buffer > 0) {
      setsockopt(fd_, SOL_SOCKET, SO_RCVBUF, &receive_buffer, sizeof receive_buffer);
    }
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<uint16_t>(port));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() { close(fd_); }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }

  // False once the server closed or reset the connection.
  bool Send(std::string_view data) {
    while (!data.empty()) {
      pollfd p{fd_, POLLOUT, 0};
      if (poll(&p, 1, 5000) <= 0) return false;
      ssize_t n = send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      sent_ += static_cast<std::size_t>(n);
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }
  std::size_t sent() const { return sent_; }

  // True when the server has answered (bytes are waiting) or closed.
  bool Readable(std::chrono::milliseconds wait = std::chrono::milliseconds(0)) {
    pollfd p{fd_, POLLIN, 0};
    return poll(&p, 1, static_cast<int>(wait.count())) > 0;
  }

  // Reads one answer (headers, then Content-Length bytes) within `timeout`.
  Reply Read(std::chrono::milliseconds timeout = std::chrono::milliseconds(10000)) {
    Reply reply;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::size_t end = std::string::npos, length = 0;
    while (std::chrono::steady_clock::now() < deadline) {
      if (end == std::string::npos && (end = buffer_.find("\r\n\r\n")) != std::string::npos) {
        reply.head = buffer_.substr(0, end + 2);
        if (reply.head.size() > 12) reply.status = std::atoi(reply.head.c_str() + 9);
        std::size_t cl = Lower(reply.head).find("content-length:");
        if (cl != std::string::npos) length = std::stoul(reply.head.substr(cl + 15));
      }
      if (end != std::string::npos && buffer_.size() >= end + 4 + length) {
        reply.body = buffer_.substr(end + 4, length);
        buffer_.erase(0, end + 4 + length);
        return reply;
      }
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, static_cast<int>(std::max<long>(1, left.count()))) <= 0) break;
      char chunk[65536];
      ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      buffer_.append(chunk, static_cast<std::size_t>(n));
    }
    if (end == std::string::npos) reply.status = -1;
    return reply;
  }

  // True when the server closes the connection within `timeout`.
  bool ClosedWithin(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      pollfd p{fd_, POLLIN, 0};
      if (poll(&p, 1, 50) <= 0) continue;
      char chunk[4096];
      ssize_t n = recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return true;
    }
    return false;
  }

 private:
  static std::string Lower(std::string s) {
    for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
  }
  int fd_;
  bool connected_ = false;
  std::size_t sent_ = 0;
  std::string buffer_;
};

}  // namespace incuera::test
