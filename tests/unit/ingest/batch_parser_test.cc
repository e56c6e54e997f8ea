#include <doctest/doctest.h>

#include <string>

#include "incuera/ingest.h"
#include "support/test_env.h"

namespace incuera {
namespace {

// Wraps an events array into an /api/ingest body.
std::string Body(const std::string& events, const std::string& extra = "") {
  return R"({"sessionId":"session_1_abc",)" + extra + R"("events":)" + events + "}";
}

StatusCode CodeOf(std::string_view body, const IngestLimits& limits = {}) {
  return ParseIngestBody(body, limits).status().code();
}

std::string MessageOf(std::string_view body) { return ParseIngestBody(body).status().message(); }

TEST_CASE("a real rrweb recording is counted and its events array kept byte for byte") {
  std::string events = test::ReadFile(test::DataPath("recording/shop.json"));
  while (!events.empty() && (events.back() == '\n' || events.back() == ' ')) events.pop_back();
  std::string body = Body(events, R"("timestamp": 1795433170000, "seq": 4, "sdk": {"v": 2},)");
  Result<ParsedBatch> batch = ParseIngestBody(body);
  REQUIRE(batch.ok());
  CHECK(batch->session_id == "session_1_abc");
  CHECK(batch->seq == 4);
  CHECK(batch->timestamp == 1795433170000);
  CHECK(batch->events_json == events);
  CHECK(batch->events_json.data() >= body.data());
  CHECK(batch->events_json.data() + batch->events_json.size() <= body.data() + body.size());
  CHECK(batch->event_count == 110);
  CHECK(batch->type_counts[2] == 1);
  CHECK(batch->type_counts[3] == 107);
  CHECK(batch->type_counts[4] == 1);
  CHECK(batch->page_count == 1);
  CHECK(batch->error_count == 1);
  CHECK(batch->first_url == "file:///work/main/tests/data/recording/page.html");
  CHECK(batch->first_ts == 1795433134170);
  CHECK(batch->last_ts - batch->first_ts == 31891);
}

TEST_CASE("timestamps are the minimum and maximum, not the first and last") {
  Result<ParsedBatch> batch =
      ParseIngestBody(Body(R"([{"type":3,"timestamp":200,"data":{}},{"type":3,"timestamp":100},)"
                           R"({"type":3,"timestamp":300.7}])"));
  REQUIRE(batch.ok());
  CHECK(batch->first_ts == 100);
  CHECK(batch->last_ts == 300);
  CHECK(!batch->seq.has_value());
  CHECK(!batch->timestamp.has_value());
}

TEST_CASE("errors are console error/assert records and error custom events only") {
  std::string events = R"([
    {"type":6,"timestamp":1,"data":{"plugin":"rrweb/console@1","payload":{"level":"error"}}},
    {"type":6,"timestamp":2,"data":{"payload":{"level":"assert"},"plugin":"rrweb/console@1"}},
    {"type":6,"timestamp":3,"data":{"plugin":"rrweb/console@1","payload":{"level":"warn"}}},
    {"type":6,"timestamp":4,"data":{"plugin":"other@1","payload":{"level":"error"}}},
    {"data":{"tag":"error","payload":{"message":"boom"}},"type":5,"timestamp":5},
    {"type":5,"timestamp":6,"data":{"tag":"unhandledrejection"}},
    {"type":5,"timestamp":7,"data":{"tag":"checkout"}},
    {"type":3,"timestamp":8,"data":{"tag":"error","level":"error"}},
    {"type":5,"timestamp":9,"data":{"nested":{"tag":"error"}}}
  ])";
  Result<ParsedBatch> batch = ParseIngestBody(Body(events));
  REQUIRE(batch.ok());
  CHECK(batch->error_count == 4);
  CHECK(batch->type_counts[6] == 4);
  CHECK(batch->type_counts[5] == 4);
  CHECK(batch->events_json == events);
}

TEST_CASE("pages are Meta events and the first one gives the URL") {
  Result<ParsedBatch> batch = ParseIngestBody(
      Body(R"([{"type":4,"timestamp":1,"data":{"href":"https://shop.example/a\u00e9","width":1}},)"
           R"({"type":4,"timestamp":2,"data":{"href":"https://shop.example/b"}},)"
           R"({"type":7,"timestamp":3}])"));
  REQUIRE(batch.ok());
  CHECK(batch->page_count == 2);
  CHECK(batch->first_url == "https://shop.example/a\xc3\xa9");
  CHECK(batch->event_count == 3);

  // The events are stored as sent; only the session's URL loses the NUL.
  std::string events = R"([{"type":4,"timestamp":1,"data":{"href":"https://x/\u0000b"}}])";
  batch = ParseIngestBody(Body(events));
  REQUIRE(batch.ok());
  CHECK(batch->first_url == "https://x/b");
  CHECK(batch->events_json == events);
}

TEST_CASE("an empty events array is a valid batch") {
  Result<ParsedBatch> batch = ParseIngestBody(R"({"events": [ ] ,"sessionId":"a"})");
  REQUIRE(batch.ok());
  CHECK(batch->event_count == 0);
  CHECK(batch->events_json == "[ ]");
}

TEST_CASE("strings that look like brackets do not confuse the array span") {
  std::string events = R"([{"type":3,"timestamp":1,"data":{"text":"]}\"[{"}}])";
  Result<ParsedBatch> batch = ParseIngestBody(Body(events, R"("note":"[",)"));
  REQUIRE(batch.ok());
  CHECK(batch->events_json == events);
}

TEST_CASE("the span is exact whatever follows the array") {
  std::string events = R"([{"type":1,"timestamp":1,"data":{"s":"]"}}])";
  for (std::string tail : {R"(,"seq":1})", R"( , "x\u0041" : "]" })", " }\n", R"(,"t":[]})"}) {
    std::string body = R"({"sessionId":"a","events":)" + events + tail;
    Result<ParsedBatch> batch = ParseIngestBody(body);
    REQUIRE_MESSAGE(batch.ok(), body);
    CHECK(batch->events_json == events);
  }
}

TEST_CASE("malformed bodies are rejected with InvalidArgument and a clear message") {
  CHECK(CodeOf("") == StatusCode::kInvalidArgument);
  CHECK(CodeOf("not json") == StatusCode::kInvalidArgument);
  CHECK(MessageOf("[]") == "body must be a JSON object");
  CHECK(MessageOf("\"x\"") == "body must be a JSON object");
  CHECK(MessageOf(Body("[]") + " x") == "trailing data after the JSON body");
  CHECK(MessageOf(Body("[]") + "{}") == "trailing data after the JSON body");
  CHECK(ParseIngestBody(Body("[]") + " \n").ok());
  CHECK(MessageOf(R"({"sessionId":"a"})") == "events is missing");
  CHECK(MessageOf(R"({"events":[]})") == "sessionId is missing");
  CHECK(MessageOf(R"({"sessionId":"a","events":{}})") == "events must be an array");
  CHECK(MessageOf(R"({"sessionId":"a","events":"[]"})") == "events must be an array");
  CHECK(MessageOf(R"({"sessionId":"a","events":null})") == "events must be an array");
  CHECK(MessageOf(R"({"sessionId":"a","events":[],"events":[]})") == "duplicate events field");
  CHECK(MessageOf(Body(R"([{"type":1,"timestamp":1}, 5])")) == "events[1] is not an object");
  CHECK(MessageOf(Body(R"([[]])")) == "events[0] is not an object");
  CHECK(MessageOf(Body(R"([null])")) == "events[0] is not an object");
  CHECK(MessageOf(Body(R"([{"type":1}])")) == "events[0] has no numeric timestamp");
  CHECK(MessageOf(Body(R"([{"type":1,"timestamp":"5"}])")) == "events[0] has no numeric timestamp");
  CHECK(MessageOf(Body(R"([{"timestamp":5,"type":"x"}])")) == "events[0] has no numeric type");
  CHECK(MessageOf(Body("[]", R"("seq":1.5,)")) == "seq must be a non-negative integer");
  CHECK(MessageOf(Body("[]", R"("seq":-1,)")) == "seq must be a non-negative integer");
  CHECK(MessageOf(Body("[]", R"("seq":"1",)")) == "seq must be an integer");
  CHECK(MessageOf(Body("[]", R"("timestamp":{},)")) == "timestamp must be a number");
  CHECK(ParseIngestBody(Body("[]", R"("seq":null,"timestamp":null,)")).ok());
  CHECK(CodeOf(R"({"sessionId":"a","events":[],)") == StatusCode::kInvalidArgument);
  CHECK(CodeOf("{\"sessionId\":\"a\",\"events\":[],\"x\":\"\xff\"}") ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("session ids are checked for length and charset") {
  CHECK(ParseIngestBody(R"({"sessionId":"Az09_.:-","events":[]})").ok());
  CHECK(MessageOf(R"({"sessionId":"","events":[]})") == "sessionId is empty");
  CHECK(MessageOf(R"({"sessionId":"a b","events":[]})") ==
        "sessionId may only contain A-Z a-z 0-9 _ . : -");
  CHECK(MessageOf(R"({"sessionId":"a/b","events":[]})") ==
        "sessionId may only contain A-Z a-z 0-9 _ . : -");
  CHECK(MessageOf(R"({"sessionId":12,"events":[]})") == "sessionId must be a string");
  CHECK(MessageOf(R"({"sessionId":"a","sessionId":"b","events":[]})") ==
        "duplicate sessionId field");
  std::string id128(128, 'x');
  CHECK(ParseIngestBody(R"({"sessionId":")" + id128 + R"(","events":[]})").ok());
  CHECK(MessageOf(R"({"sessionId":")" + id128 + R"(x","events":[]})") ==
        "sessionId is longer than 128 characters");
}

TEST_CASE("nesting beyond the limit is rejected, a deep snapshot below it is fine") {
  auto nested = [](int depth) {
    std::string open, close;
    for (int i = 0; i < depth; ++i) {
      open += R"({"c":[)";
      close += "]}";
    }
    return Body(R"([{"type":2,"timestamp":1,"data":)" + open + close + "}]");
  };
  IngestLimits limits;
  CHECK(ParseIngestBody(nested(500), limits).ok());  // 1000+ levels, like a 500-deep DOM
  Result<ParsedBatch> deep = ParseIngestBody(nested(600), limits);
  CHECK(deep.status().code() == StatusCode::kInvalidArgument);
  CHECK(deep.status().message() == "JSON nested deeper than 1100 levels");
}

TEST_CASE("more events than the limit is ResourceExhausted") {
  IngestLimits limits;
  limits.max_events = 2;
  std::string two = R"([{"type":1,"timestamp":1},{"type":1,"timestamp":2}])";
  std::string three =
      R"([{"type":1,"timestamp":1},{"type":1,"timestamp":2},{"type":1,"timestamp":3}])";
  CHECK(ParseIngestBody(Body(two), limits).ok());
  CHECK(CodeOf(Body(three), limits) == StatusCode::kResourceExhausted);
}

TEST_CASE("an escaped events key cannot hide the array span") {
  CHECK(MessageOf(R"({"sessionId":"a","ev\u0065nts":[]})") ==
        "the events key must not contain escape sequences");
  // Escapes elsewhere are fine, including in keys the parser cares about.
  Result<ParsedBatch> batch =
      ParseIngestBody(R"({"session\u0049d":"a","events":[{"typ\u0065":4,"timestamp":1}]})");
  REQUIRE(batch.ok());
  CHECK(batch->session_id == "a");
  CHECK(batch->page_count == 1);
}

TEST_CASE("an apiKey in the body is kept for beacons that cannot send headers") {
  Result<ParsedBatch> batch = ParseIngestBody(
      R"({"sessionId":"s1","apiKey":"inc_abc","events":[{"type":3,"timestamp":1}]})");
  REQUIRE(batch.ok());
  CHECK(batch->api_key == "inc_abc");
  CHECK(ParseIngestBody(R"({"sessionId":"s1","events":[]})")->api_key.empty());
}

}  // namespace
}  // namespace incuera
