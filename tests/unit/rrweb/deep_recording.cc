#include "deep_recording.h"

#include <algorithm>
#include <stdexcept>

namespace incuera::test {
namespace {

// The snapshot: document > html > body > `divs` nested divs > span#deepest,
// whose childNodes holds a text node when `text` (one level deeper) or
// nothing.
std::string Recording(int divs, bool text) {
  std::string open = R"({"type":0,"id":1,"childNodes":[)"
                     R"({"type":2,"id":2,"tagName":"html","attributes":{},"childNodes":[)"
                     R"({"type":2,"id":3,"tagName":"body","attributes":{},"childNodes":[)";
  std::string close = "]}]}]}";
  for (int i = 0; i < divs; ++i) {
    open += R"({"type":2,"id":)" + std::to_string(10 + i) +
            R"(,"tagName":"div","attributes":{},"childNodes":[)";
    close += "]}";
  }
  std::string leaf = R"({"type":2,"id":)" + std::to_string(kDeepestNodeId) +
                     R"(,"tagName":"span","attributes":{"id":"deepest"},"childNodes":[)" +
                     (text ? R"({"type":3,"id":99999,"textContent":"deep"})" : "") + "]}";
  constexpr long long kT0 = 1'700'000'000'000;
  auto at = [&](int ms) { return std::to_string(kT0 + ms); };
  return R"([{"type":4,"timestamp":)" + at(0) +
         R"(,"data":{"href":"https://deep.test/","width":800,"height":600}},)"
         R"({"type":2,"timestamp":)" +
         at(10) + R"(,"data":{"node":)" + open + leaf + close +
         R"(,"initialOffset":{"left":0,"top":0}}},)"
         R"({"type":3,"timestamp":)" +
         at(1000) + R"(,"data":{"source":2,"type":2,"id":)" + std::to_string(kDeepestNodeId) +
         R"(,"x":10,"y":10}},)"
         R"({"type":3,"timestamp":)" +
         at(5000) + R"(,"data":{"source":1,"positions":[{"x":20,"y":20,"id":3,"timeOffset":0}]}}])";
}

std::string Body(const std::string& events) {
  return R"({"sessionId":"deep","events":)" + events + "}";
}

}  // namespace

std::size_t JsonDepth(const std::string& text) {
  std::size_t depth = 0, deepest = 0;
  bool in_string = false, escape = false;
  for (char c : text) {
    if (in_string) {
      if (escape) {
        escape = false;
      } else if (c == '\\') {
        escape = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      deepest = std::max(deepest, ++depth);
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return deepest;
}

std::string DeepRecording(std::size_t body_depth) {
  // Each div adds two levels; the optional text node one more.
  const std::size_t shallowest = JsonDepth(Body(Recording(0, false)));
  const int first =
      body_depth > shallowest + 2 ? static_cast<int>(body_depth - shallowest) / 2 - 1 : 0;
  for (int divs = first; divs < static_cast<int>(body_depth); ++divs) {
    for (bool text : {false, true}) {
      std::string events = Recording(divs, text);
      std::size_t depth = JsonDepth(Body(events));
      if (depth == body_depth) return events;
      if (depth > body_depth) throw std::invalid_argument("no recording nests that deep");
    }
  }
  throw std::invalid_argument("no recording nests that deep");
}

std::string DeepBody(std::size_t body_depth) { return Body(DeepRecording(body_depth)); }

}  // namespace incuera::test
