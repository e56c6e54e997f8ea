#include "core/text.h"
#include "incuera/store.h"

namespace incuera {

Result<std::string> ReadSessionEventsJson(Store& store, const std::string& session_id) {
  INCUERA_RETURN_IF_ERROR(store.sessions().Get(session_id).status());
  std::string out = "[";
  Status s = store.events().ForEach(session_id, [&](const EventChunk& chunk) {
    std::string_view body = internal::Trim(chunk.payload);
    if (body.size() < 2 || body.front() != '[' || body.back() != ']') {
      return Internal("stored chunk " + std::to_string(chunk.seq) + " is not a JSON array");
    }
    std::string_view inner = internal::Trim(body.substr(1, body.size() - 2));
    if (inner.empty()) return OkStatus();
    if (out.size() > 1) out += ',';
    out += inner;
    return OkStatus();
  });
  INCUERA_RETURN_IF_ERROR(s);
  out += ']';
  return out;
}

}  // namespace incuera
