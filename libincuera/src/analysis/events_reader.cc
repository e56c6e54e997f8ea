#include "analysis/events_reader.h"

#include "rrweb/event_json.h"

namespace incuera::internal {
namespace {

// A buffer that grew past this (a large snapshot) is released after use.
constexpr std::size_t kKeepCapacity = 1u << 20;

bool IsSpace(char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; }

}  // namespace

Status EventStreamReader::Fail(std::string message) {
  error_ = InvalidArgument("events: " + std::move(message));
  return error_;
}

Status EventStreamReader::Emit(const Visitor& visit) {
  const std::string what = "element " + std::to_string(index_);
  Result<boost::json::value> event = ParseEventJson(element_, what);
  if (!event.ok()) return Fail(event.status().message());
  if (!event->is_object()) return Fail(what + " is not a JSON object");
  element_.clear();
  if (element_.capacity() > kKeepCapacity) element_.shrink_to_fit();
  ++index_;
  Status status = visit(event->get_object());
  if (!status.ok()) error_ = status;
  return status;
}

Status EventStreamReader::Feed(std::string_view text, const Visitor& visit) {
  if (!error_.ok()) return error_;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (state_ == State::kInElement) {
      std::size_t start = i;
      bool closed = false;
      for (; i < text.size() && !closed; ++i) {
        char c = text[i];
        if (in_string_) {
          if (escape_) {
            escape_ = false;
          } else if (c == '\\') {
            escape_ = true;
          } else if (c == '"') {
            in_string_ = false;
          }
        } else if (c == '"') {
          in_string_ = true;
        } else if (c == '{' || c == '[') {
          ++depth_;
        } else if (c == '}' || c == ']') {
          closed = --depth_ == 0;
        }
      }
      element_.append(text.substr(start, i - start));
      if (!closed) break;
      --i;  // the loop's ++i moves past the closing brace
      INCUERA_RETURN_IF_ERROR(Emit(visit));
      state_ = State::kCommaOrEnd;
      continue;
    }
    char c = text[i];
    if (IsSpace(c)) continue;
    switch (state_) {
      case State::kOutside:
        if (c != '[') return Fail("expected a JSON array");
        state_ = State::kElementOrEnd;
        break;
      case State::kElementOrEnd:
        if (c == ']') {
          state_ = State::kOutside;
          break;
        }
        [[fallthrough]];
      case State::kElement:
        if (c != '{') return Fail("element " + std::to_string(index_) + " is not a JSON object");
        element_ = "{";
        depth_ = 1;
        in_string_ = escape_ = false;
        state_ = State::kInElement;
        break;
      case State::kCommaOrEnd:
        if (c == ',') {
          state_ = State::kElement;
        } else if (c == ']') {
          state_ = State::kOutside;
        } else {
          return Fail("expected ',' between events");
        }
        break;
      case State::kInElement:
        break;
    }
  }
  return OkStatus();
}

Status EventStreamReader::CheckComplete() const {
  if (!error_.ok()) return error_;
  if (state_ != State::kOutside) return InvalidArgument("events: the last array is truncated");
  return OkStatus();
}

}  // namespace incuera::internal
