// The nesting limit: one constant, applied by every reader of events. A batch
// nested exactly at the limit is accepted by ingest, rendered (parsed by the
// render's ParseRecording) and analysed down to its deepest element; one
// level deeper is refused by ingest with the limit in the message.
#include "rrweb/event_json.h"

#include <doctest/doctest.h>

#include "deep_recording.h"
#include "incuera/analysis.h"
#include "incuera/ingest.h"
#ifdef INCUERA_TEST_WITH_RENDER
#include "render/recording.h"
#endif

namespace incuera {
namespace {

using internal::kMaxJsonDepth;

TEST_CASE("the test recordings nest exactly as deep as asked") {
  CHECK(test::JsonDepth(test::DeepBody(kMaxJsonDepth)) == kMaxJsonDepth);
  CHECK(test::JsonDepth(test::DeepBody(kMaxJsonDepth + 1)) == kMaxJsonDepth + 1);
  CHECK(test::JsonDepth(test::DeepBody(kMaxJsonDepth - 1)) == kMaxJsonDepth - 1);
}

TEST_CASE("ParseEventJson accepts the limit and names it one level deeper") {
  // The events array of a body sits one level below the body.
  std::string at_limit = "[" + test::DeepRecording(kMaxJsonDepth) + "]";
  REQUIRE(test::JsonDepth(at_limit) == kMaxJsonDepth);
  CHECK(internal::ParseEventJson(at_limit, "events").ok());
  std::string deeper = "[" + at_limit + "]";
  Result<boost::json::value> refused = internal::ParseEventJson(deeper, "events");
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  CHECK(refused.status().message() ==
        "events is not valid JSON: JSON nested deeper than 1100 levels");
  CHECK(internal::ParseEventJson("[1,", "events")
            .status()
            .message()
            .starts_with("events is not valid JSON: "));
}

TEST_CASE("a batch nested exactly at the limit is ingested, rendered and analysed") {
  const std::string body = test::DeepBody(kMaxJsonDepth);
  Result<ParsedBatch> batch = ParseIngestBody(body);
  REQUIRE_MESSAGE(batch.ok(), batch.status().ToString());
  CHECK(batch->event_count == 4);
  const std::string events(batch->events_json);

#ifdef INCUERA_TEST_WITH_RENDER
  Result<internal::Recording> recording = internal::ParseRecording(events);
  REQUIRE_MESSAGE(recording.ok(), recording.status().ToString());
  CHECK(recording->viewport_width == 800);
  CHECK(recording->clicks == std::vector<int64_t>{1000});
#endif

  Analyzer analyzer({}, {});
  Status fed = analyzer.Feed(events);
  REQUIRE_MESSAGE(fed.ok(), fed.ToString());
  REQUIRE(analyzer.CheckComplete().ok());
  SessionAnalytics r = analyzer.Finish();
  CHECK(r.counts.clicks == 1);
  // The click nothing answered is described from the deepest element of the
  // snapshot: the analysis' tree walk went all the way down.
  REQUIRE(r.dead_clicks.size() == 1);
  CHECK(r.dead_clicks[0].target.tag == "span");
  CHECK(r.dead_clicks[0].target.element_id == "deepest");
}

TEST_CASE("a batch one level deeper than the limit is refused by ingest") {
  Result<ParsedBatch> batch = ParseIngestBody(test::DeepBody(kMaxJsonDepth + 1));
  CHECK(batch.status().code() == StatusCode::kInvalidArgument);
  CHECK(batch.status().message() == internal::NestingMessage());
  CHECK(internal::NestingMessage() == "JSON nested deeper than 1100 levels");
}

TEST_CASE("a tree walk reaches every DOM level an accepted event can hold") {
  // Two JSON levels per DOM level (node object + childNodes array).
  CHECK(internal::kMaxDomDepth * 2 >= static_cast<int>(kMaxJsonDepth));
}

TEST_CASE("the accessors read a missing or mistyped field as empty") {
  boost::json::object o{{"s", "x"}, {"n", 2.6}, {"i", 7}, {"a", boost::json::array{1}}};
  CHECK(internal::AsString(internal::Field(o, "s")) == "x");
  CHECK(internal::AsString(internal::Field(o, "n")).empty());
  CHECK(internal::AsInt(internal::Field(o, "n")) == 3);
  CHECK(internal::AsInt(internal::Field(o, "missing"), -1) == -1);
  CHECK(internal::AsNumber(internal::Field(o, "i")) == 7);
  CHECK(internal::IsNumber(internal::Field(o, "i")));
  CHECK_FALSE(internal::IsNumber(internal::Field(o, "s")));
  CHECK(internal::AsArray(internal::Field(o, "a"))->size() == 1);
  CHECK(internal::AsObject(internal::Field(o, "a")) == nullptr);
}

TEST_CASE("page loads read data.href; in-app navigations payload.href, else payload.url") {
  CHECK(internal::MetaHref(boost::json::object{{"href", "https://a.test/"}}) == "https://a.test/");
  CHECK(internal::NavigationHref(boost::json::object{{"href", "/h"}, {"url", "/u"}}) == "/h");
  CHECK(internal::NavigationHref(boost::json::object{{"url", "/u"}}) == "/u");
}

}  // namespace
}  // namespace incuera
