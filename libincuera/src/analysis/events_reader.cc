#include "analysis/events_reader.h"

#include <boost/json/parse.hpp>
#include <cctype>
#include <string>

namespace incuera::internal {
namespace {

std::size_t SkipSpace(std::string_view s, std::size_t i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

// Returns the end of the JSON value starting at `i` (one past its last
// character), or npos when it is unterminated. Only brackets and strings are
// tracked; the element parser validates the rest.
std::size_t ValueEnd(std::string_view s, std::size_t i) {
  int depth = 0;
  bool in_string = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
        if (depth == 0) return i + 1;
      }
      continue;
    }
    switch (c) {
      case '"':
        in_string = true;
        break;
      case '{':
      case '[':
        ++depth;
        break;
      case '}':
      case ']':
        if (--depth < 0) return i;
        if (depth == 0) return i + 1;
        break;
      case ',':
        if (depth == 0) return i;
        break;
      default:
        break;
    }
  }
  return depth == 0 && !in_string ? i : std::string_view::npos;
}

}  // namespace

Status ForEachEvent(std::string_view array_json,
                    const std::function<Status(const boost::json::object&)>& visit) {
  std::size_t i = SkipSpace(array_json, 0);
  if (i >= array_json.size() || array_json[i] != '[') {
    return InvalidArgument("events: expected a JSON array");
  }
  i = SkipSpace(array_json, i + 1);
  if (i < array_json.size() && array_json[i] == ']') {
    return SkipSpace(array_json, i + 1) == array_json.size()
               ? OkStatus()
               : InvalidArgument("events: text after the array");
  }
  std::size_t index = 0;
  while (true) {
    std::size_t end = ValueEnd(array_json, i);
    if (end == std::string_view::npos) return InvalidArgument("events: truncated array");
    boost::system::error_code ec;
    boost::json::value event = boost::json::parse(array_json.substr(i, end - i), ec);
    if (ec || !event.is_object()) {
      return InvalidArgument("events: element " + std::to_string(index) + " is not a JSON object");
    }
    INCUERA_RETURN_IF_ERROR(visit(event.get_object()));
    ++index;
    i = SkipSpace(array_json, end);
    if (i >= array_json.size()) return InvalidArgument("events: truncated array");
    if (array_json[i] == ']') break;
    if (array_json[i] != ',') return InvalidArgument("events: expected ',' between events");
    i = SkipSpace(array_json, i + 1);
  }
  return SkipSpace(array_json, i + 1) == array_json.size()
             ? OkStatus()
             : InvalidArgument("events: text after the array");
}

}  // namespace incuera::internal
