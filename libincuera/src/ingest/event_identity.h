// Content identity of the events of a batch sent without `seq`, so the same
// events sent again are recognised (ARCHITECTURE §5): SDKs of the first
// version put a batch whose request failed back in front of their queue and
// send it again with what followed — also when the server had stored it and
// only the answer was lost (a page navigating while the request was in
// flight).
#pragma once

#include <array>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace incuera::internal {

// The elements of a JSON array that has been validated (ParsedBatch's
// events_json), each from its first to its last byte.
std::vector<std::string_view> SplitEvents(std::string_view events_json);

// The SHA-256 of each event, from which the identity of any run of
// consecutive events costs 32 bytes per event to compute, not a pass over
// the events again.
class EventDigests {
 public:
  explicit EventDigests(const std::vector<std::string_view>& events);

  std::size_t size() const { return digests_.size(); }

  // Hex SHA-256 of the run of `count` events from `begin`: equal for equal
  // runs, whatever batch they came in. Requires begin + count <= size().
  std::string RunHash(std::size_t begin, std::size_t count) const;

 private:
  std::vector<std::array<unsigned char, 32>> digests_;
};

}  // namespace incuera::internal
