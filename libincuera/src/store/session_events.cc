// A session's events as one JSON array, joined from its stored chunks.
#include "core/text.h"
#include "incuera/store.h"
#include "store/store_internal.h"

namespace incuera {
namespace internal {

Result<std::string_view> ArrayElements(std::string_view chunk, std::int64_t seq) {
  std::string_view body = Trim(chunk);
  if (body.size() < 2 || body.front() != '[' || body.back() != ']') {
    return Internal("stored chunk " + std::to_string(seq) + " is not a JSON array");
  }
  return Trim(body.substr(1, body.size() - 2));
}

Result<std::string_view> DropElements(std::string_view elements, std::int64_t count) {
  std::size_t at = 0;
  for (std::int64_t dropped = 0; dropped < count; ++dropped) {
    if (at >= elements.size()) return Internal("a stored chunk holds fewer events than it counts");
    int depth = 0;
    bool in_string = false;
    for (; at < elements.size(); ++at) {
      char c = elements[at];
      if (in_string) {
        if (c == '\\') {
          ++at;
        } else if (c == '"') {
          in_string = false;
        }
      } else if (c == '"') {
        in_string = true;
      } else if (c == '[' || c == '{') {
        ++depth;
      } else if (c == ']' || c == '}') {
        --depth;
      } else if (c == ',' && depth == 0) {
        break;
      }
    }
    if (at < elements.size()) ++at;  // past the comma
  }
  return Trim(elements.substr(std::min(at, elements.size())));
}

}  // namespace internal

Status StreamSessionEventsJson(Store& store, const std::string& session_id,
                               const std::function<Status(std::string_view)>& sink) {
  INCUERA_RETURN_IF_ERROR(store.sessions().Get(session_id).status());
  INCUERA_RETURN_IF_ERROR(sink("["));
  bool first = true;
  INCUERA_RETURN_IF_ERROR(store.events().ForEach(session_id, [&](const EventChunk& chunk) {
    INCUERA_ASSIGN_OR_RETURN(std::string_view inner,
                             internal::ArrayElements(chunk.payload, chunk.seq));
    if (inner.empty()) return OkStatus();
    if (!first) INCUERA_RETURN_IF_ERROR(sink(","));
    first = false;
    return sink(inner);
  }));
  return sink("]");
}

Result<std::string> ReadSessionEventsJson(Store& store, const std::string& session_id) {
  std::string out;
  INCUERA_RETURN_IF_ERROR(StreamSessionEventsJson(store, session_id, [&](std::string_view piece) {
    out += piece;
    return OkStatus();
  }));
  return out;
}

}  // namespace incuera
