#include "ingest/event_identity.h"

#include <doctest/doctest.h>

#include <string>
#include <vector>

namespace incuera::internal {
namespace {

TEST_CASE("the events of an array are split whole, brackets inside strings included") {
  std::string array =
      R"([ {"type":3,"data":{"text":"a ] } [ { \" \\"}} , {"type":2,"data":[1,[2],{"x":[]}]},{}])";
  std::vector<std::string_view> events = SplitEvents(array);
  REQUIRE(events.size() == 3);
  CHECK(events[0] == R"({"type":3,"data":{"text":"a ] } [ { \" \\"}})");
  CHECK(events[1] == R"({"type":2,"data":[1,[2],{"x":[]}]})");
  CHECK(events[2] == "{}");
  CHECK(SplitEvents("[]").empty());
}

TEST_CASE("equal runs of events have equal hashes whatever batch they came in") {
  std::string first = R"([{"type":3,"timestamp":1},{"type":3,"timestamp":2}])";
  std::string resent =
      R"([{"type":3,"timestamp":1},{"type":3,"timestamp":2},{"type":3,"timestamp":3}])";
  std::vector<std::string_view> a = SplitEvents(first), b = SplitEvents(resent);
  EventDigests da(a), db(b);
  CHECK(da.RunHash(0, 2) == db.RunHash(0, 2));
  CHECK(da.RunHash(0, 2).size() == 64);
  CHECK(da.RunHash(0, 2) != db.RunHash(0, 3));
  CHECK(da.RunHash(0, 2) != db.RunHash(1, 2));
  // The order of the events is part of the identity.
  std::string swapped = R"([{"type":3,"timestamp":2},{"type":3,"timestamp":1}])";
  std::vector<std::string_view> c = SplitEvents(swapped);
  CHECK(EventDigests(c).RunHash(0, 2) != da.RunHash(0, 2));
}

}  // namespace
}  // namespace incuera::internal
