// The Chrome DevTools Protocol over --remote-debugging-pipe: NUL-terminated
// JSON messages on one socket.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <string>
#include <string_view>

#include "incuera/status.h"

namespace incuera::internal {

// A blocking CDP client over a connected socket it does not own. Every call
// waits at most its timeout; events are read and dropped, except that a
// crashed or detached page turns the next call into Unavailable. Not
// thread-safe.
class CdpPipe {
 public:
  explicit CdpPipe(int fd) : fd_(fd) {}

  // Sends `method` with `params` (to the flattened target session
  // `session_id`, or the browser when empty) and returns the reply's "result".
  // Unavailable when the browser closed the pipe, crashed, or did not answer
  // within `timeout`; Internal when the browser answered with an error.
  Result<boost::json::object> Call(std::string_view method, boost::json::object params,
                                   std::string_view session_id = {},
                                   std::chrono::milliseconds timeout = std::chrono::seconds(30));

 private:
  Status Write(const std::string& message, std::chrono::steady_clock::time_point deadline);
  // Reads until one complete message is buffered; returns it without the NUL.
  Result<std::string> ReadMessage(std::chrono::steady_clock::time_point deadline);

  int fd_;
  int64_t next_id_ = 1;
  std::string buffer_;
  std::string crashed_;  // why the page is gone, once it is
};

}  // namespace incuera::internal
