#include "render/cdp_pipe.h"

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

namespace incuera::internal {
namespace {

namespace json = boost::json;
using Clock = std::chrono::steady_clock;

// Waits for `events` on `fd` until `deadline`; Unavailable on timeout.
Status WaitFd(int fd, short events, Clock::time_point deadline, std::string_view what) {
  while (true) {
    // Rounded up, so that a timeout really is past the deadline.
    auto left = std::chrono::ceil<std::chrono::milliseconds>(deadline - Clock::now());
    if (left.count() <= 0)
      return Unavailable("browser did not answer in time (" + std::string(what) + ")");
    pollfd p{fd, events, 0};
    int n = poll(&p, 1, static_cast<int>(left.count()));
    if (n > 0) return OkStatus();
    if (n < 0 && errno != EINTR) return Unavailable(std::string("poll: ") + std::strerror(errno));
  }
}

}  // namespace

Status CdpPipe::Write(const std::string& message, Clock::time_point deadline) {
  size_t sent = 0;
  while (sent < message.size()) {
    INCUERA_RETURN_IF_ERROR(WaitFd(fd_, POLLOUT, deadline, "write"));
    ssize_t n =
        send(fd_, message.data() + sent, message.size() - sent, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return Unavailable(std::string("browser pipe closed: ") + std::strerror(errno));
    sent += static_cast<size_t>(n);
  }
  return OkStatus();
}

Result<std::string> CdpPipe::ReadMessage(Clock::time_point deadline) {
  while (true) {
    size_t end = buffer_.find('\0');
    if (end != std::string::npos) {
      std::string message = buffer_.substr(0, end);
      buffer_.erase(0, end + 1);
      return message;
    }
    INCUERA_RETURN_IF_ERROR(WaitFd(fd_, POLLIN, deadline, "read"));
    char chunk[1 << 16];
    ssize_t n = recv(fd_, chunk, sizeof chunk, MSG_DONTWAIT);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return Unavailable("browser exited (CDP pipe closed)");
    buffer_.append(chunk, static_cast<size_t>(n));
  }
}

Result<json::object> CdpPipe::Call(std::string_view method, json::object params,
                                   std::string_view session_id, std::chrono::milliseconds timeout) {
  {
    std::lock_guard lock(write_mu_);
    if (!crashed_.empty()) return Unavailable(crashed_);
  }
  Result<json::object> reply =
      Exchange(method, std::move(params), session_id, std::min(Clock::now() + timeout, deadline_));
  // Past the deadline every failure is the deadline's: the caller is about
  // to kill the browser, whatever it was doing.
  if (!reply.ok() && Clock::now() >= deadline_) return Unavailable(deadline_message_);
  return reply;
}

std::string CdpPipe::Command(std::string_view method, json::object params,
                             std::string_view session_id) {
  json::object command{{"id", next_id_++}, {"method", method}, {"params", std::move(params)}};
  if (!session_id.empty()) command["sessionId"] = session_id;
  return json::serialize(command) + '\0';
}

Status CdpPipe::Post(std::string_view method, json::object params, std::string_view session_id) {
  std::lock_guard lock(write_mu_);
  if (!crashed_.empty()) return Unavailable(crashed_);
  return Write(Command(method, std::move(params), session_id), deadline_);
}

Result<json::object> CdpPipe::Exchange(std::string_view method, json::object params,
                                       std::string_view session_id, Clock::time_point deadline) {
  int64_t id = 0;
  {
    std::lock_guard lock(write_mu_);
    id = next_id_;
    INCUERA_RETURN_IF_ERROR(Write(Command(method, std::move(params), session_id), deadline));
  }

  while (true) {
    INCUERA_ASSIGN_OR_RETURN(std::string text, ReadMessage(deadline));
    boost::system::error_code ec;
    json::value message = json::parse(text, ec);
    if (ec || !message.is_object()) return Unavailable("browser sent malformed CDP JSON");
    const json::object& m = message.get_object();
    if (const json::value* event = m.if_contains("method")) {
      if (*event == "Inspector.targetCrashed" || *event == "Target.targetCrashed") {
        std::lock_guard lock(write_mu_);
        crashed_ = "browser page crashed";
        return Unavailable(crashed_);
      }
      if (event_handler_) event_handler_(m);
      continue;
    }
    const json::value* reply_id = m.if_contains("id");
    if (reply_id == nullptr || !reply_id->is_int64() || reply_id->as_int64() != id) continue;
    if (const json::value* error = m.if_contains("error")) {
      return Internal(std::string(method) + " failed: " + json::serialize(*error));
    }
    const json::value* result = m.if_contains("result");
    if (result == nullptr || !result->is_object()) return json::object{};
    return result->get_object();
  }
}

}  // namespace incuera::internal
