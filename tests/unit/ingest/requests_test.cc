#include <doctest/doctest.h>

#include "incuera/ingest.h"

namespace incuera {
namespace {

TEST_CASE("a start body with every field is read") {
  Result<StartRequest> start = ParseStartBody(R"({
    "sessionId": "session_1234567890_abc123", "userId": "user_123",
    "userEmail": "user@example.com", "extra": [1],
    "metadata": {"url": "https://example.com", "referrer": "https://google.com",
                 "userAgent": "Mozilla/5.0", "screen": {"width": 1920, "height": 1080},
                 "viewport": {"width": 1920, "height": 937}, "timestamp": 1234567890}})");
  REQUIRE(start.ok());
  CHECK(start->session_id == "session_1234567890_abc123");
  CHECK(start->user_id == "user_123");
  CHECK(start->user_email == "user@example.com");
  CHECK(start->url == "https://example.com");
  CHECK(start->referrer == "https://google.com");
  CHECK(start->user_agent == "Mozilla/5.0");
  CHECK(start->screen_width == 1920);
  CHECK(start->screen_height == 1080);
  CHECK(start->viewport_width == 1920);
  CHECK(start->viewport_height == 937);
  CHECK(start->timestamp == 1234567890);
}

TEST_CASE("a minimal start body leaves the rest empty; a numeric user id is kept") {
  Result<StartRequest> start = ParseStartBody(R"({"sessionId":"s","userId":42,"metadata":null})");
  REQUIRE(start.ok());
  CHECK(start->user_id == "42");
  CHECK(start->url.empty());
  CHECK(start->timestamp == 0);
}

TEST_CASE("control characters are dropped from metadata but refused in the session id") {
  Result<StartRequest> start =
      ParseStartBody(R"({"sessionId":"s","userId":"u\u00001","userEmail":"a@b\u0000.c",)"
                     R"("metadata":{"url":"https://x/\u0000a\n","userAgent":"UA\u007f"}})");
  REQUIRE(start.ok());
  CHECK(start->user_id == "u1");
  CHECK(start->user_email == "a@b.c");
  CHECK(start->url == "https://x/a");
  CHECK(start->user_agent == "UA");
  CHECK(ParseStartBody(R"({"sessionId":"s\u0000"})").status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(ParseEndBody(R"({"sessionId":"s\u0000x"})").status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("bad start bodies are InvalidArgument") {
  CHECK(ParseStartBody("").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseStartBody("[]").status().message() == "body must be a JSON object");
  CHECK(ParseStartBody("{}").status().message() == "sessionId is missing");
  CHECK(ParseStartBody(R"({"sessionId":"a b"})").status().code() == StatusCode::kInvalidArgument);
  CHECK(ParseStartBody(R"({"sessionId":"a","metadata":"x"})").status().message() ==
        "metadata must be an object");
  CHECK(ParseStartBody(R"({"sessionId":"a","metadata":{"screen":{"width":"x"}}})")
            .status()
            .message() == "width must be a number");
  CHECK(ParseStartBody(R"({"sessionId":"a","userEmail":5})").status().message() ==
        "userEmail must be a string");
}

TEST_CASE("an end body carries the beacon's api key") {
  Result<EndRequest> end =
      ParseEndBody(R"({"sessionId":"s1","timestamp":99,"reason":"pagehide","finalEventCount":120,)"
                   R"("apiKey":"inc_secret"})");
  REQUIRE(end.ok());
  CHECK(end->session_id == "s1");
  CHECK(end->timestamp == 99);
  CHECK(end->reason == "pagehide");
  CHECK(end->final_event_count == 120);
  CHECK(end->api_key == "inc_secret");

  Result<EndRequest> bare = ParseEndBody(R"({"sessionId":"s1"})");
  REQUIRE(bare.ok());
  CHECK(!bare->final_event_count.has_value());
  CHECK(bare->api_key.empty());
  CHECK(ParseEndBody(R"({"sessionId":"s1","finalEventCount":"x"})").status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("a heartbeat body is a session id and a time") {
  Result<HeartbeatRequest> beat = ParseHeartbeatBody(R"({"sessionId":"s1","timestamp":5})");
  REQUIRE(beat.ok());
  CHECK(beat->session_id == "s1");
  CHECK(beat->timestamp == 5);
  CHECK(ParseHeartbeatBody(R"({"timestamp":5})").status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace incuera
