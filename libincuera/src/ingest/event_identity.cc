#include "ingest/event_identity.h"

#include <openssl/sha.h>

#include "core/text.h"

namespace incuera::internal {

std::vector<std::string_view> SplitEvents(std::string_view events_json) {
  std::vector<std::string_view> out;
  int depth = 0;
  std::size_t start = 0;
  for (std::size_t i = 0; i < events_json.size(); ++i) {
    char c = events_json[i];
    if (c == '"') {
      for (++i; i < events_json.size() && events_json[i] != '"'; ++i) {
        if (events_json[i] == '\\') ++i;
      }
    } else if (c == '[' || c == '{') {
      if (++depth == 2) start = i;
    } else if (c == ']' || c == '}') {
      if (--depth == 1) out.push_back(events_json.substr(start, i + 1 - start));
    }
  }
  return out;
}

EventDigests::EventDigests(const std::vector<std::string_view>& events) {
  digests_.resize(events.size());
  for (std::size_t i = 0; i < events.size(); ++i) {
    SHA256(reinterpret_cast<const unsigned char*>(events[i].data()), events[i].size(),
           digests_[i].data());
  }
}

std::string EventDigests::RunHash(std::size_t begin, std::size_t count) const {
  std::array<unsigned char, 32> out{};
  SHA256(reinterpret_cast<const unsigned char*>(digests_.data() + begin),
         count * sizeof(digests_[0]), out.data());
  return HexEncode(std::string_view(reinterpret_cast<const char*>(out.data()), out.size()));
}

}  // namespace incuera::internal
