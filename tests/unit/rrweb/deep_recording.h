// rrweb recordings whose full snapshot nests a DOM as deep as asked, for the
// tests of the nesting limit (here and in other areas' tests).
#pragma once

#include <cstddef>
#include <string>

namespace incuera::test {

// The deepest nesting of JSON text: how many arrays and objects are open at
// once at most (Boost.JSON's depth).
std::size_t JsonDepth(const std::string& text);

// A recording (JSON array: a Meta event, a full snapshot, a click on the
// deepest element at +1 s, a last event at +5 s) whose /api/ingest body
// {"sessionId":"deep","events":[...]} nests exactly `body_depth` levels. The
// deepest element is a <span> with id "deepest" and node id
// kDeepestNodeId.
std::string DeepRecording(std::size_t body_depth);

// The /api/ingest body around DeepRecording(body_depth).
std::string DeepBody(std::size_t body_depth);

inline constexpr int kDeepestNodeId = 100'000;

}  // namespace incuera::test
