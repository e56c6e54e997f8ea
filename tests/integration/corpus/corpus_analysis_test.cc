// Every corpus recording analyses exactly to the truth its recording script wrote.
#include <doctest/doctest.h>

#include <map>

#include "corpus.h"
#include "incuera/analysis.h"

namespace incuera {
namespace {

int TruthInt(const boost::json::object& o, std::string_view key) {
  return static_cast<int>(o.at(key).as_int64());
}

SessionAnalytics Analyze(const std::string& events) {
  bool given = false;
  auto analytics = AnalyzeSession(AnalysisOptions{}, {}, [&](std::string& batch) -> Result<bool> {
    if (given) return false;
    batch = events;
    given = true;
    return true;
  });
  REQUIRE_MESSAGE(analytics.ok(), analytics.status().ToString());
  return std::move(*analytics);
}

TEST_CASE("every corpus recording analyses to the truth its recording script wrote") {
  for (const test::CorpusEntry& entry : test::Corpus()) {
    INFO("recording: ", entry.name, " (", entry.events_path, ")");
    SessionAnalytics a = Analyze(test::ReadEvents(entry));
    const boost::json::object& t = entry.truth;
    CHECK(a.counts.clicks == TruthInt(t, "clicks"));
    CHECK(a.counts.inputs == TruthInt(t, "inputs"));
    CHECK(a.counts.keystrokes == TruthInt(t, "keystrokes"));
    CHECK(a.counts.scrolls == TruthInt(t, "scrolls"));
    CHECK(a.counts.page_loads == TruthInt(t, "page_loads"));
    CHECK(a.counts.navigations == TruthInt(t, "navigations"));
    CHECK(static_cast<int>(a.rage_clicks.size()) == TruthInt(t, "rage_clicks"));
    CHECK(static_cast<int>(a.dead_clicks.size()) == TruthInt(t, "dead_clicks"));

    const auto& errors = t.at("errors").as_object();
    CHECK(a.counts.errors == TruthInt(errors, "total"));
    std::map<std::string, int> kinds;
    for (const SessionError& e : a.errors) ++kinds[e.kind];
    CHECK(kinds["console"] ==
          TruthInt(errors, "console_error") + TruthInt(errors, "console_assert"));
    CHECK(kinds["error"] == TruthInt(errors, "uncaught"));
    CHECK(kinds["unhandledrejection"] == TruthInt(errors, "unhandled_rejection"));

    std::vector<std::string> visited;
    for (const PageVisit& visit : a.visits) visited.push_back(visit.url);
    std::vector<std::string> pages;
    for (const auto& url : t.at("pages").as_array()) pages.emplace_back(url.as_string());
    CHECK(visited == pages);

    std::map<std::string, int> max_scroll;
    for (const ScrollDepth& d : a.scroll_depth) max_scroll[d.url] = d.max_scroll_y;
    for (const auto& [url, y] : t.at("max_scroll_y").as_object()) {
      INFO("max scroll y of ", std::string(url));
      CHECK(max_scroll[std::string(url)] == static_cast<int>(y.as_int64()));
    }
  }
}

}  // namespace
}  // namespace incuera
