// The one sentence a failed render shows users.
#include "worker/failure_reason.h"

#include <doctest/doctest.h>

#include <string>

namespace incuera::internal {
namespace {

TEST_CASE("a render message that is already one sentence is kept as it is") {
  CHECK(FailureReason("chromium not found or not executable at /usr/bin/x") ==
        "chromium not found or not executable at /usr/bin/x");
  CHECK(FailureReason("render did not finish within its deadline of 12.5 s; the browser was "
                      "stopped") ==
        "render did not finish within its deadline of 12.5 s; the browser was stopped");
  CHECK(FailureReason(
            "the replayer could not rebuild the recorded page (HierarchyRequestError: x).") ==
        "the replayer could not rebuild the recorded page (HierarchyRequestError: x).");
}

TEST_CASE("JSON detail after the sentence is left to the log") {
  CHECK(FailureReason(R"(replayer page script failed: {"exceptionId":1,"text":"Uncaught"})") ==
        "replayer page script failed");
  CHECK(FailureReason(R"(Runtime.evaluate failed: {"code":-32000,"message":"x"})") ==
        "Runtime.evaluate failed");
  CHECK(FailureReason(R"(bad reply: [{"a":1}])") == "bad reply");
  // A bracket that opens no JSON value stays.
  CHECK(FailureReason("events[3] is not an object") == "events[3] is not an object");
}

TEST_CASE("only the first sentence is kept, on one line") {
  CHECK(FailureReason("The browser crashed. Its log said many things. More.") ==
        "The browser crashed.");
  CHECK(FailureReason("first line\nsecond line") == "first line");
  CHECK(FailureReason("version 2.1.0 of rrweb failed") == "version 2.1.0 of rrweb failed");
  CHECK(FailureReason("  tabs\tand   spaces  ") == "tabs and spaces");
}

TEST_CASE("a long reason is cut to 200 characters on a character boundary") {
  std::string long_message;
  for (int i = 0; i < 100; ++i) long_message += "éé ";
  const std::string reason = FailureReason(long_message);
  CHECK(reason.size() <= kMaxFailureReasonChars);
  CHECK(reason.size() > kMaxFailureReasonChars - 8);
  CHECK(reason.ends_with("\u2026"));
  // Still valid UTF-8: no lead byte of "é" lost its continuation byte.
  const std::string body = reason.substr(0, reason.size() - 3);
  for (std::size_t i = 0; i < body.size(); ++i) {
    if (body[i] == '\xc3') CHECK((i + 1 < body.size() && body[i + 1] == '\xa9'));
  }
}

TEST_CASE("an error with nothing readable gets a general sentence") {
  CHECK(FailureReason("") == kUnreadableFailureReason);
  CHECK(FailureReason(R"({"exceptionDetails":{}})") == kUnreadableFailureReason);
  CHECK(FailureReason(" : ") == kUnreadableFailureReason);
}

}  // namespace
}  // namespace incuera::internal
