// Reads rrweb events out of JSON array text that arrives in pieces, parsing
// one event at a time, so only the current event is ever held as a document
// (plus the text of the one event being received).
#pragma once

#include <boost/json/object.hpp>
#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "incuera/status.h"

namespace incuera::internal {

class EventStreamReader {
 public:
  using Visitor = std::function<Status(const boost::json::object&)>;

  // Consumes the next piece of text. The text as a whole is a sequence of
  // JSON arrays of objects (whitespace between them is fine), cut anywhere;
  // an event may nest as deep as ingest accepts (kMaxJsonDepth).
  // Calls `visit` for every event completed by this piece, in order. The
  // first malformed character, invalid element or error of `visit` is
  // returned, and again by every later call.
  Status Feed(std::string_view text, const Visitor& visit);

  // OK when every array fed so far is closed; InvalidArgument when the text
  // ends inside one (a truncated batch), or the earlier error.
  Status CheckComplete() const;

 private:
  enum class State { kOutside, kElementOrEnd, kElement, kInElement, kCommaOrEnd };

  Status Fail(std::string message);
  Status Emit(const Visitor& visit);

  State state_ = State::kOutside;
  std::string element_;  // text of the event being received
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  std::size_t index_ = 0;  // events read so far
  Status error_;
};

}  // namespace incuera::internal
