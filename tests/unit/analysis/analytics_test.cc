#include <doctest/doctest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "analysis/analytics_util.h"
#include "incuera/analysis.h"
#include "support/test_env.h"

namespace incuera {
namespace {

namespace json = boost::json;

constexpr std::int64_t kT0 = 1'700'000'000'000;

std::string Event(int type, std::int64_t ms, const std::string& data) {
  return R"({"type":)" + std::to_string(type) + R"(,"data":)" + data + R"(,"timestamp":)" +
         std::to_string(kT0 + ms) + "}";
}

std::string Meta(std::int64_t ms, const std::string& href) {
  return Event(4, ms, R"({"href":")" + href + R"(","width":1000,"height":800})");
}

// Document 1 > html 2 > body 3 > [button#buy.primary 4 "Add to cart",
// input 13, div 6 "Static", iframe 7 > document 8 > html 9 > button 10 "Inner"].
std::string Snapshot(std::int64_t ms) {
  return Event(2, ms, R"({"node":{"type":0,"id":1,"childNodes":[
    {"type":2,"id":2,"tagName":"html","attributes":{},"childNodes":[
      {"type":2,"id":3,"tagName":"body","attributes":{},"childNodes":[
        {"type":2,"id":4,"tagName":"BUTTON","attributes":{"id":"buy","class":" primary  big "},
         "childNodes":[{"type":3,"id":5,"textContent":"  Add to\n cart "}]},
        {"type":2,"id":13,"tagName":"input","attributes":{"type":"text"},"childNodes":[]},
        {"type":2,"id":6,"tagName":"div","attributes":{},
         "childNodes":[{"type":3,"id":11,"textContent":"Static"}]},
        {"type":2,"id":7,"tagName":"iframe","attributes":{},"childNodes":[
          {"type":0,"id":8,"childNodes":[
            {"type":2,"id":9,"tagName":"html","attributes":{},"childNodes":[
              {"type":2,"id":10,"tagName":"button","attributes":{},
               "childNodes":[{"type":3,"id":12,"textContent":"Inner"}]}]}]}]}]}]}]},
    "initialOffset":{"left":0,"top":0}})");
}

std::string Interaction(std::int64_t ms, int type, int id, double x, double y) {
  return Event(3, ms,
               R"({"source":2,"type":)" + std::to_string(type) + R"(,"id":)" + std::to_string(id) +
                   R"(,"x":)" + std::to_string(x) + R"(,"y":)" + std::to_string(y) + "}");
}

std::string Click(std::int64_t ms, int id, double x, double y) {
  return Interaction(ms, 2, id, x, y);
}

std::string Scroll(std::int64_t ms, int id, int y) {
  return Event(
      3, ms,
      R"({"source":3,"id":)" + std::to_string(id) + R"(,"x":0,"y":)" + std::to_string(y) + "}");
}

std::string Move(std::int64_t ms) {
  return Event(3, ms, R"({"source":1,"positions":[{"x":1,"y":2,"id":3,"timeOffset":0}]})");
}

std::string Mutation(std::int64_t ms) {
  return Event(3, ms, R"({"source":0,"texts":[],"attributes":[],"removes":[],"adds":[]})");
}

std::string Input(std::int64_t ms, int id) {
  return Event(3, ms,
               R"({"source":5,"id":)" + std::to_string(id) + R"(,"text":"a","isChecked":false})");
}

std::string Custom(std::int64_t ms, const std::string& tag, const std::string& payload) {
  return Event(5, ms, R"({"tag":")" + tag + R"(","payload":)" + payload + "}");
}

// rrweb's console plugin stores each argument JSON-stringified.
std::string Console(std::int64_t ms, const std::string& level, const std::string& message) {
  return Event(6, ms,
               R"({"plugin":"rrweb/console@1","payload":{"level":")" + level +
                   R"js(","trace":["f (app.js:1:2)","g (app.js:3:4)"],"payload":[)js" +
                   json::serialize(json::value(json::serialize(json::value(message)))) + "]}}");
}

std::string Array(const std::vector<std::string>& events) {
  std::string out = "[";
  for (const std::string& e : events) out += (out.size() > 1 ? "," : "") + e;
  return out + "]";
}

SessionAnalytics Run(const std::vector<std::string>& events, AnalysisOptions options = {},
                     std::vector<FunnelStep> steps = {}) {
  Analyzer analyzer(options, std::move(steps));
  REQUIRE(analyzer.Feed(Array(events)).ok());
  return analyzer.Finish();
}

TEST_CASE("action counts cover clicks, inputs, scrolls, touches, loads and navigations") {
  SessionAnalytics r = Run({
      Meta(0, "https://shop.test/"),
      Snapshot(0),
      Click(100, 4, 10, 10),
      Interaction(200, 4, 4, 10, 10),
      Input(300, 6),
      Input(400, 6),
      Input(500, 4),
      Scroll(600, 1, 100),
      Scroll(700, 6, 50),
      Interaction(800, 7, 4, 1, 1),
      Custom(900, "navigation", R"({"href":"https://shop.test/cart"})"),
      Custom(950, "navigation", R"({"href":"https://shop.test/cart"})"),
      Meta(1000, "https://shop.test/checkout"),
      Snapshot(1000),
  });
  CHECK(r.counts.clicks == 1);
  CHECK(r.counts.double_clicks == 1);
  CHECK(r.counts.keystrokes == 3);
  CHECK(r.counts.inputs == 2);
  CHECK(r.counts.scrolls == 2);
  CHECK(r.counts.touches == 1);
  CHECK(r.counts.page_loads == 2);
  CHECK(r.counts.in_app_navigations == 1);
  CHECK(r.counts.navigations == 3);
  json::value counts = json::parse(r.ActionCountsJson());
  CHECK(counts.at("keystrokes").as_int64() == 3);
  CHECK(counts.at("in_app_navigations").as_int64() == 1);
}

TEST_CASE("active time excludes gaps of at least the idle threshold") {
  SessionAnalytics r = Run({Meta(0, "https://a.test/"), Move(1'000), Move(2'000), Move(7'000),
                            Move(8'000), Mutation(9'500)});
  CHECK(r.duration_ms == 9'500);
  // 0-1000, 1000-2000, 7000-8000 and the 1500 ms tail are active; 2000-7000
  // is exactly the threshold, so idle.
  CHECK(r.active_ms == 4'500);
  CHECK(r.idle_ms == 5'000);
}

TEST_CASE("click points are in page coordinates, following document scrolls only") {
  SessionAnalytics r =
      Run({Meta(0, "https://a.test/"), Snapshot(0), Click(100, 4, 50, 60), Scroll(200, 1, 500),
           Click(300, 4, 50, 60), Scroll(400, 6, 900), Click(500, 4, 50, 61)});
  REQUIRE(r.heatmaps.size() == 1);
  const PageHeatmap& h = r.heatmaps[0];
  REQUIRE(h.points.size() == 3);
  CHECK(h.points[0].y == 60);
  CHECK(h.points[1].y == 560);
  CHECK(h.points[2].y == 561);
  CHECK(r.timeline.find("00:00.2 scroll to y=500\n") != std::string::npos);
  CHECK(h.width == 1000);
  CHECK(h.height == 1300);  // deepest viewport bottom: 500 + 800
  int total = 0;
  for (int c : h.histogram) total += c;
  CHECK(total == 3);
  json::value heatmap = json::parse(r.HeatmapJson());
  CHECK(heatmap.at("grid").as_int64() == 32);
  CHECK(heatmap.at("pages").at(0).at("points").as_array().size() == 3);
  CHECK(heatmap.at("pages").at(0).at("histogram").as_array().size() == 32);
}

TEST_CASE("iframe clicks are counted and described but kept out of the heatmap") {
  SessionAnalytics r = Run({Meta(0, "https://a.test/"), Snapshot(0), Click(100, 10, 5, 5),
                            Click(150, 10, 5, 5), Click(200, 10, 5, 5), Mutation(300)});
  CHECK(r.counts.clicks == 3);
  CHECK(r.heatmaps.empty());
  CHECK(r.rage_clicks.empty());
  CHECK(r.timeline.find("click button \"Inner\"") != std::string::npos);
}

TEST_CASE("rage clicks include clicks exactly on the window and radius borders, once") {
  AnalysisOptions options;  // 3 clicks, 1000 ms, 30 px
  SessionAnalytics r = Run({Meta(0, "https://a.test/"), Snapshot(0), Click(1'000, 4, 100, 100),
                            Click(1'500, 4, 118, 124), Click(2'000, 4, 130, 100),
                            Click(2'400, 4, 131, 100), Move(9'000)},
                           options);
  REQUIRE(r.rage_clicks.size() == 1);
  CHECK(r.rage_clicks[0].count == 4);
  CHECK(r.rage_clicks[0].time_ms == 1'000);
  CHECK(r.rage_clicks[0].target.element_id == "buy");

  SUBCASE("one millisecond too late") {
    SessionAnalytics late = Run({Meta(0, "https://a.test/"), Click(1'000, 4, 100, 100),
                                 Click(1'500, 4, 100, 100), Click(2'001, 4, 100, 100)});
    CHECK(late.rage_clicks.empty());
  }
  SUBCASE("just outside the radius") {
    SessionAnalytics far = Run({Meta(0, "https://a.test/"), Click(1'000, 4, 100, 100),
                                Click(1'500, 4, 100, 100), Click(1'600, 4, 130.5, 100)});
    CHECK(far.rage_clicks.empty());
  }
  SUBCASE("a scroll between clicks moves them apart on the page") {
    SessionAnalytics scrolled =
        Run({Meta(0, "https://a.test/"), Snapshot(0), Click(1'000, 4, 100, 100),
             Click(1'100, 4, 100, 100), Scroll(1'150, 1, 200), Click(1'200, 4, 100, 100)});
    CHECK(scrolled.rage_clicks.empty());
  }
}

TEST_CASE("dead clicks are clicks with no mutation, scroll or navigation in the window") {
  SessionAnalytics r =
      Run({Meta(0, "https://a.test/"), Snapshot(0),
           // Dead: nothing happens until 4000.
           Click(1'000, 6, 10, 10), Move(4'000),
           // Answered exactly at the border.
           Click(5'000, 4, 20, 20), Mutation(7'500),
           // Answered by a navigation.
           Click(8'000, 4, 20, 20), Custom(8'100, "navigation", R"({"url":"https://a.test/x"})"),
           // A form field: focusing it is an answer enough.
           Click(10'000, 13, 5, 5), Move(14'000),
           // Too close to the end to tell.
           Click(20'000, 6, 10, 10), Move(21'000)});
  REQUIRE(r.dead_clicks.size() == 1);
  CHECK(r.dead_clicks[0].time_ms == 1'000);
  CHECK(r.dead_clicks[0].target.Describe() == "div \"Static\"");
  CHECK(r.dead_clicks[0].url == "https://a.test/");
  json::value metrics = json::parse(r.MetricsJson());
  CHECK(metrics.at("dead_clicks").at(0).at("description").as_string() == "div \"Static\"");
  CHECK(metrics.at("dead_clicks").at(0).at("target").at("tag").as_string() == "div");
}

TEST_CASE("targets resolve from the snapshot and mutation adds; unknown without a snapshot") {
  std::string add = Event(3, 500, R"({"source":0,"texts":[],"removes":[],
    "attributes":[{"id":4,"attributes":{"class":"primary busy"}}],
    "adds":[{"parentId":3,"nextId":null,"node":{"type":2,"id":20,"tagName":"a",
      "attributes":{"class":"link"},"childNodes":[{"type":3,"id":21,"textContent":"Help"}]}}]})");
  SessionAnalytics r = Run(
      {Meta(0, "https://a.test/"), Snapshot(0), add, Click(600, 20, 1, 1), Click(700, 4, 1, 300)});
  CHECK(r.timeline.find("click a.link \"Help\"") != std::string::npos);
  CHECK(r.timeline.find("click button#buy.primary.busy \"Add to cart\"") != std::string::npos);

  SessionAnalytics blind =
      Run({Meta(0, "https://a.test/"), Click(100, 4, 1, 1), Input(200, 6), Move(3'000)});
  CHECK(blind.counts.clicks == 1);
  CHECK(blind.counts.inputs == 1);
  REQUIRE(blind.dead_clicks.empty());  // the input answered it
  CHECK(blind.timeline.find("click node 4") != std::string::npos);
}

TEST_CASE("an uncaught exception seen by both the console plugin and the SDK counts once") {
  const std::string uncaught = R"({"message":"Uncaught Error: boom","filename":"a.js","lineno":3})";
  // Either order; the SDK's event (with file and line) is the one kept.
  for (bool console_first : {true, false}) {
    CAPTURE(console_first);
    std::vector<std::string> events{Meta(0, "https://a.test/p")};
    if (console_first) events.push_back(Console(1'000, "error", "Uncaught Error: boom"));
    events.push_back(Custom(1'001, "error", uncaught));
    if (!console_first) events.push_back(Console(1'002, "error", "Uncaught Error: boom"));
    // The same message again 5 s later is a second error (an uncaught one,
    // as the browser's prefix tells), and a console error with another
    // message is its own.
    events.push_back(Console(6'000, "error", "Uncaught Error: boom"));
    events.push_back(Console(6'100, "error", "other"));
    SessionAnalytics r = Run(events);
    CHECK(r.counts.errors == 3);
    REQUIRE(r.errors.size() == 3);
    CHECK(r.errors[0].kind == "error");
    CHECK(r.errors[0].source == "a.js:3");
    CHECK(r.errors[1].kind == "error");
    CHECK(r.errors[2].kind == "console");
    CHECK(r.errors[2].message == "other");
  }
}

TEST_CASE("an unhandled rejection seen by both the console plugin and the SDK counts once") {
  // rrweb 2.x's console plugin logs it with the browser's prefix and the reason's type.
  for (bool console_first : {true, false}) {
    CAPTURE(console_first);
    std::vector<std::string> events{Meta(0, "https://a.test/p")};
    const std::string logged = "Uncaught (in promise) Error: no network";
    if (console_first) events.push_back(Console(1'000, "error", logged));
    events.push_back(Custom(1'001, "unhandledrejection", R"({"message":"no network"})"));
    if (!console_first) events.push_back(Console(1'002, "error", logged));
    events.push_back(Console(6'000, "error", logged));  // alone: a rejection all the same
    SessionAnalytics r = Run(events);
    CHECK(r.counts.errors == 2);
    REQUIRE(r.errors.size() == 2);
    CHECK(r.errors[0].kind == "unhandledrejection");
    CHECK(r.errors[0].message == "no network");
    CHECK(r.errors[1].kind == "unhandledrejection");
  }
}

TEST_CASE("a click followed by nothing but the next page is not dead, however slow the load") {
  SessionAnalytics r = Run({Meta(0, "https://a.test/"), Click(1'000, 4, 10, 10),
                            Meta(6'000, "https://a.test/next"), Move(7'000)});
  CHECK(r.counts.clicks == 1);
  CHECK(r.dead_clicks.empty());
  // Anything recorded in between on the old page decides as before.
  SessionAnalytics moved = Run({Meta(0, "https://a.test/"), Click(1'000, 4, 10, 10), Move(4'000),
                                Meta(6'000, "https://a.test/next")});
  CHECK(moved.dead_clicks.size() == 1);
}

TEST_CASE("errors come from console errors and uncaught error events") {
  AnalysisOptions options;
  options.max_stack_chars = 10;
  SessionAnalytics r = Run(
      {Meta(0, "https://a.test/p"), Console(1'000, "error", "TypeError: x is undefined"),
       Console(1'100, "warn", "just a warning"),
       Custom(
           2'000, "error",
           R"({"message":"boom","stack":"Error: boom\n at a.js:1\n at b.js:2","filename":"a.js","lineno":7})"),
       Custom(3'000, "unhandledrejection", R"({"message":"rejected"})")},
      options);
  REQUIRE(r.errors.size() == 3);
  CHECK(r.counts.errors == 3);
  CHECK(r.errors[0].kind == "console");
  CHECK(r.errors[0].message == "TypeError: x is undefined");
  CHECK(r.errors[0].stack.size() <= 10);
  CHECK(r.errors[1].kind == "error");
  CHECK(r.errors[1].stack == "Error: boo");
  CHECK(r.errors[1].source == "a.js:7");
  CHECK(r.errors[2].kind == "unhandledrejection");
  CHECK(r.errors[2].url == "https://a.test/p");
  CHECK(r.timeline.find("00:01.0 error TypeError: x is undefined") != std::string::npos);
  json::value errors = json::parse(r.ErrorsJson());
  CHECK(errors.as_array().size() == 3);
  CHECK(errors.at(1).at("source").as_string() == "a.js:7");
}

TEST_CASE("the funnel follows page visits in order and names the drop-off step") {
  std::vector<FunnelStep> steps = {
      {"Home", "https://shop.test/"}, {"Cart", "/cart*"}, {"Checkout", "checkout"}};
  std::vector<std::string> events = {
      Meta(0, "https://shop.test/"),
      Custom(1'000, "navigation", R"({"href":"https://shop.test/p/1"})"),
      Custom(3'000, "navigation", R"({"href":"https://shop.test/cart?x=1"})")};
  SessionAnalytics dropped = Run(events, {}, steps);
  CHECK_FALSE(dropped.funnel_completed);
  REQUIRE(dropped.visits.size() == 3);
  CHECK(dropped.visits[1].duration_ms == 2'000);
  json::value funnel = json::parse(dropped.FunnelJson());
  CHECK(funnel.at("drop_off_step").as_string() == "Checkout");
  CHECK(funnel.at("steps").at(1).at("reached").as_bool());
  CHECK(funnel.at("steps").at(1).at("time_ms").as_int64() == 3'000);
  CHECK(funnel.at("steps").at(2).at("time_ms").is_null());

  events.push_back(Meta(5'000, "https://shop.test/checkout"));
  SessionAnalytics done = Run(events, {}, steps);
  CHECK(done.funnel_completed);
  CHECK(json::parse(done.FunnelJson()).at("drop_off_step").is_null());
  CHECK(done.timeline.find("00:03.0 navigate /cart?x=1") != std::string::npos);
}

TEST_CASE("scroll depth uses the document height only when the SDK reported it") {
  SessionAnalytics unknown =
      Run({Meta(0, "https://a.test/"), Snapshot(0), Scroll(100, 1, 700), Scroll(200, 1, 300)});
  REQUIRE(unknown.scroll_depth.size() == 1);
  CHECK(unknown.scroll_depth[0].max_bottom_px == 1'500);
  CHECK_FALSE(unknown.scroll_depth[0].depth.has_value());
  CHECK(json::parse(unknown.MetricsJson()).at("scroll_depth").at(0).at("depth").is_null());

  SessionAnalytics known =
      Run({Meta(0, "https://a.test/"), Snapshot(0),
           Custom(10, "document-size", R"({"height":3000})"), Scroll(100, 1, 700)});
  REQUIRE(known.scroll_depth.size() == 1);
  CHECK(*known.scroll_depth[0].depth == doctest::Approx(0.5));
}

TEST_CASE("batches are fed one array at a time; malformed input is rejected") {
  std::vector<std::string> batches = {Array({Meta(0, "https://a.test/"), Click(10, 4, 1, 1)}), "[]",
                                      Array({Click(5'000, 4, 1, 1)})};
  std::size_t next = 0;
  Result<SessionAnalytics> r = AnalyzeSession({}, {}, [&](std::string& batch) -> Result<bool> {
    if (next == batches.size()) return false;
    batch = batches[next++];
    return true;
  });
  REQUIRE(r.ok());
  CHECK(r->counts.clicks == 2);
  CHECK(r->duration_ms == 5'000);

  auto feed = [](std::string_view text) {
    Analyzer analyzer({}, {});
    Status fed = analyzer.Feed(text);
    return fed.ok() ? analyzer.CheckComplete() : fed;
  };
  CHECK(feed("{}").code() == StatusCode::kInvalidArgument);
  CHECK(feed("[1]").code() == StatusCode::kInvalidArgument);
  CHECK(feed("[{\"a\":}]").code() == StatusCode::kInvalidArgument);
  CHECK(feed("[{} {}]").code() == StatusCode::kInvalidArgument);
  CHECK(feed("[{\"type\":4,\"data\":{}}").code() == StatusCode::kInvalidArgument);
  CHECK(feed(" [ ] ").ok());
  CHECK(feed("[{\"a\":\"]\\\"}\"} , {\"b\":[1,{}]}] [{}]").ok());

  Analyzer failed({}, {});
  CHECK_FALSE(failed.Feed("[1]").ok());
  CHECK_FALSE(failed.Feed("[]").ok());  // the error sticks

  bool given = false;
  Result<SessionAnalytics> truncated =
      AnalyzeSession({}, {}, [&](std::string& batch) -> Result<bool> {
        if (given) return false;
        batch = "[{}";
        return given = true;
      });
  CHECK(truncated.status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("the timeline is capped") {
  std::vector<std::string> events = {Meta(0, "https://a.test/"), Snapshot(0)};
  for (int i = 0; i < 3'000; ++i) events.push_back(Click(i * 10, 4, 1, 1));
  SessionAnalytics r = Run(events);
  CHECK(r.timeline.size() <= Analyzer::kMaxTimelineChars);
  CHECK(r.timeline.find("more events") != std::string::npos);
  CHECK(r.timeline.rfind("00:00.0 load https://a.test/", 0) == 0);
}

TEST_CASE("funnel patterns and session times format as documented") {
  using internal::FunnelPatternMatches;
  CHECK(FunnelPatternMatches("cart", "https://s.test/cart/1"));
  CHECK_FALSE(FunnelPatternMatches("cart", "https://s.test/basket"));
  CHECK(FunnelPatternMatches("/product/*", "https://s.test/product/42"));
  CHECK(FunnelPatternMatches("https://*.test/*", "https://s.test/a"));
  CHECK_FALSE(FunnelPatternMatches("/product/*/buy", "https://s.test/product/42"));
  CHECK(internal::FormatSessionTime(12'345) == "00:12.3");
  CHECK(internal::FormatSessionTime(3'725'000) == "62:05.0");
}

TEST_CASE("the recorded shop session matches its expected counts") {
  std::string path = test::DataPath("recording/shop.json");
  std::string expected_path = test::DataPath("recording/expected.json");
  if (!std::filesystem::exists(path) || !std::filesystem::exists(expected_path)) {
    MESSAGE("tests/data/recording/shop.json absent: skipped");
    return;
  }
  json::value expected = json::parse(test::ReadFile(expected_path));
  Analyzer analyzer({}, {});
  REQUIRE(analyzer.Feed(test::ReadFile(path)).ok());
  SessionAnalytics r = analyzer.Finish();
  CHECK(r.counts.clicks == expected.at("clicks").as_int64());
  CHECK(r.counts.keystrokes == expected.at("inputs").as_int64());
  CHECK(r.counts.errors == expected.at("console_errors").as_int64());
  CHECK(r.counts.page_loads == expected.at("meta_events").as_int64());
  CHECK(r.duration_ms == expected.at("duration_ms").as_int64());
  CHECK(r.counts.inputs == 1);  // one e-mail field
  CHECK(r.idle_ms >= 7'000);    // the scripted 7 s pause
  REQUIRE(r.heatmaps.size() == 1);
  CHECK(r.heatmaps[0].points.size() == static_cast<std::size_t>(r.counts.clicks));
  CHECK(r.errors[0].message.find("payment failed") != std::string::npos);
  MESSAGE(r.timeline);

  // The same text cut into small pieces gives the same result.
  std::string text = test::ReadFile(path);
  Analyzer pieces({}, {});
  for (std::size_t at = 0; at < text.size(); at += 7) {
    REQUIRE(pieces.Feed(std::string_view(text).substr(at, 7)).ok());
  }
  CHECK(pieces.CheckComplete().ok());
  SessionAnalytics cut = pieces.Finish();
  CHECK(cut.MetricsJson() == r.MetricsJson());
  CHECK(cut.HeatmapJson() == r.HeatmapJson());
  CHECK(cut.ActionCountsJson() == r.ActionCountsJson());
}

TEST_CASE("search facts: pages, clicked texts, console lines of every level, failed requests") {
  std::string network = Event(6, 900, R"({"plugin":"rrweb/network@1","payload":{"requests":[
      {"url":"https://a.test/api/ok","method":"GET","initiatorType":"fetch","status":200,
       "startTime":1,"endTime":2},
      {"url":"https://a.test/api/cart","method":"POST","initiatorType":"xmlhttprequest",
       "status":503,"startTime":3,"endTime":4},
      {"url":"https://b.test/x","method":"GET","initiatorType":"fetch","status":0,"failed":true,
       "error":"TypeError: Failed to fetch","startTime":5,"endTime":6}]}})");
  SessionAnalytics r =
      Run({Meta(0, "https://a.test/"), Snapshot(0), Click(100, 4, 50, 60), Click(200, 4, 50, 60),
           Console(300, "log", "cart loaded"), Console(400, "warn", "slow"),
           Console(500, "log", "cart loaded"), network,
           Custom(1'000, "navigation", R"({"href":"https://a.test/pay"})")});
  CHECK(r.clicked_texts == std::vector<std::string>{"Add to cart"});
  CHECK(r.console_messages == std::vector<std::string>{"cart loaded", "slow"});
  CHECK(r.network_requests == 3);
  CHECK(r.failed_requests == 2);
  SessionFacts facts = SessionFactsFrom(r);
  CHECK(facts.urls == std::vector<std::string>{"https://a.test/", "https://a.test/pay"});
  CHECK(facts.clicked_texts == r.clicked_texts);
  CHECK(facts.console_messages == r.console_messages);
  CHECK(facts.failed_request);
  CHECK_FALSE(facts.rage_click);

  SessionAnalytics fine = Run({Meta(0, "https://a.test/"),
                               Event(6, 10, R"({"plugin":"rrweb/network@1","payload":{"requests":[
      {"url":"https://a.test/","method":"GET","initiatorType":"fetch","status":304,
       "startTime":1,"endTime":2}]}})")});
  CHECK(fine.network_requests == 1);
  CHECK_FALSE(SessionFactsFrom(fine).failed_request);
}

}  // namespace
}  // namespace incuera
