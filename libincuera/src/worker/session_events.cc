#include "worker/session_events.h"

#include "core/text.h"

namespace incuera::internal {

Result<std::string> ReadSessionEvents(Store& store, const std::string& session_id) {
  std::string out = "[";
  Status s = store.events().ForEach(session_id, [&](const EventChunk& chunk) {
    std::string_view body = Trim(chunk.payload);
    if (body.size() < 2 || body.front() != '[' || body.back() != ']') {
      return Internal("stored chunk " + std::to_string(chunk.seq) + " is not a JSON array");
    }
    std::string_view inner = Trim(body.substr(1, body.size() - 2));
    if (inner.empty()) return OkStatus();
    if (out.size() > 1) out += ',';
    out += inner;
    return OkStatus();
  });
  INCUERA_RETURN_IF_ERROR(s);
  out += ']';
  return out;
}

}  // namespace incuera::internal
