// The Chrome DevTools Protocol over --remote-debugging-pipe: NUL-terminated
// JSON messages on one socket.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "incuera/status.h"

namespace incuera::internal {

// A blocking CDP client over a connected socket it does not own. Every call
// waits at most its timeout; events are read while waiting and handed to the
// event handler (or dropped), and a crashed or detached page turns the next
// call into Unavailable. One thread makes the Calls; Post may also be called
// from others.
class CdpPipe {
 public:
  // Every call also ends at `deadline`, with Unavailable(`deadline_message`).
  CdpPipe(int fd, std::chrono::steady_clock::time_point deadline, std::string deadline_message)
      : fd_(fd), deadline_(deadline), deadline_message_(std::move(deadline_message)) {}

  // Sends `method` with `params` (to the flattened target session
  // `session_id`, or the browser when empty) and returns the reply's "result".
  // Unavailable when the browser closed the pipe, crashed, or did not answer
  // within `timeout` or before the deadline; Internal when the browser
  // answered with an error.
  Result<boost::json::object> Call(std::string_view method, boost::json::object params,
                                   std::string_view session_id = {},
                                   std::chrono::milliseconds timeout = std::chrono::seconds(30));

  // Sends `method` without waiting: its reply is read and dropped by a later
  // Call. For answering events, from the event handler or another thread.
  // Unavailable when the browser closed the pipe.
  Status Post(std::string_view method, boost::json::object params,
              std::string_view session_id = {});

  // Called with each event message ({"method","params","sessionId"?}) read
  // during a Call; it may Post but not Call.
  void SetEventHandler(std::function<void(const boost::json::object& event)> handler) {
    event_handler_ = std::move(handler);
  }

 private:
  std::string Command(std::string_view method, boost::json::object params,
                      std::string_view session_id);
  Result<boost::json::object> Exchange(std::string_view method, boost::json::object params,
                                       std::string_view session_id,
                                       std::chrono::steady_clock::time_point deadline);
  Status Write(const std::string& message, std::chrono::steady_clock::time_point deadline);
  // Reads until one complete message is buffered; returns it without the NUL.
  Result<std::string> ReadMessage(std::chrono::steady_clock::time_point deadline);

  int fd_;
  std::mutex write_mu_;  // one message at a time; guards next_id_ and crashed_
  std::chrono::steady_clock::time_point deadline_;
  std::string deadline_message_;
  int64_t next_id_ = 1;
  std::string buffer_;
  std::string crashed_;  // why the page is gone, once it is
  std::function<void(const boost::json::object&)> event_handler_;
};

}  // namespace incuera::internal
