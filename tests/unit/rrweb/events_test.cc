// What an rrweb event is: the enum values match rrweb's, and the one
// definition of a click, an input, a page load and an error, which ingest,
// the render and the analysis all apply to the same batch alike.
#include "rrweb/events.h"

#include <doctest/doctest.h>

#include <algorithm>
#include <boost/json/parse.hpp>

#include "incuera/analysis.h"
#include "incuera/ingest.h"
#ifdef INCUERA_TEST_WITH_RENDER
#include "render/recording.h"
#endif

namespace incuera {
namespace {

using internal::ClassifyError;
using internal::ErrorKind;

TEST_CASE("the enums carry rrweb's numbers") {
  using internal::EventType;
  using internal::IncrementalSource;
  using internal::MouseInteraction;
  CHECK(static_cast<int>(EventType::kDomContentLoaded) == 0);
  CHECK(static_cast<int>(EventType::kFullSnapshot) == 2);
  CHECK(static_cast<int>(EventType::kMeta) == 4);
  CHECK(static_cast<int>(EventType::kPlugin) == 6);
  CHECK(static_cast<int>(IncrementalSource::kMutation) == 0);
  CHECK(static_cast<int>(IncrementalSource::kInput) == 5);
  CHECK(static_cast<int>(IncrementalSource::kDrag) == 12);
  CHECK(static_cast<int>(IncrementalSource::kAdoptedStyleSheet) == 15);
  CHECK(static_cast<int>(IncrementalSource::kCustomElement) == 16);
  CHECK(static_cast<int>(MouseInteraction::kClick) == 2);
  CHECK(static_cast<int>(MouseInteraction::kDblClick) == 4);
  CHECK(static_cast<int>(MouseInteraction::kTouchEnd) == 9);
  CHECK(static_cast<int>(MouseInteraction::kTouchCancel) == 10);
  // A number rrweb may add later reads as no known value, not an error.
  CHECK(internal::AsEventType(42) != EventType::kMeta);
}

TEST_CASE("a click is a MouseInteraction Click only") {
  CHECK(internal::IsClick(2, 2));
  CHECK_FALSE(internal::IsClick(2, 4));  // DblClick: its two Clicks are counted
  CHECK_FALSE(internal::IsClick(2, 9));  // TouchEnd: the tap's Click is counted
  CHECK_FALSE(internal::IsClick(2, 1));  // MouseDown
  CHECK_FALSE(internal::IsClick(5, 2));  // an Input event with a type field
}

TEST_CASE("an input is an incremental Input; a page load a Meta event") {
  CHECK(internal::IsInput(5));
  CHECK_FALSE(internal::IsInput(2));
  CHECK(internal::IsPageLoad(4));
  CHECK_FALSE(internal::IsPageLoad(2));
}

TEST_CASE("a console plugin error that Chromium prefixes is an uncaught error or a rejection") {
  using internal::ConsoleErrorKind;
  CHECK(ConsoleErrorKind("Uncaught Error: boom") == ErrorKind::kUncaught);
  CHECK(ConsoleErrorKind("Uncaught (in promise) Error: late") == ErrorKind::kUnhandledRejection);
  CHECK(ConsoleErrorKind("card declined") == ErrorKind::kConsole);
  CHECK(ConsoleErrorKind("uncaught lowercase is the app's own text") == ErrorKind::kConsole);
}

TEST_CASE("errors: console error and assert, the SDK's error and unhandledrejection tags") {
  CHECK(ClassifyError(6, "rrweb/console@1", "error", "") == ErrorKind::kConsole);
  CHECK(ClassifyError(6, "rrweb/console@1", "assert", "") == ErrorKind::kConsole);
  CHECK(ClassifyError(6, "rrweb/console@1", "warn", "") == ErrorKind::kNone);
  CHECK(ClassifyError(6, "rrweb/console@1", "log", "") == ErrorKind::kNone);
  CHECK(ClassifyError(6, "some/other-plugin@1", "error", "") == ErrorKind::kNone);
  CHECK(ClassifyError(5, "", "", "error") == ErrorKind::kUncaught);
  CHECK(ClassifyError(5, "", "", "unhandledrejection") == ErrorKind::kUnhandledRejection);
  // An app's own tag that merely mentions errors is not one.
  CHECK(ClassifyError(5, "", "", "form-error") == ErrorKind::kNone);
  CHECK(ClassifyError(5, "", "", "Error") == ErrorKind::kNone);
  // The fields only count on their own event type.
  CHECK(ClassifyError(3, "rrweb/console@1", "error", "error") == ErrorKind::kNone);
  CHECK(ClassifyError(6, "", "", "error") == ErrorKind::kNone);
  CHECK(internal::ErrorKindName(ErrorKind::kConsole) == "console");
  CHECK(internal::ErrorKindName(ErrorKind::kUncaught) == "error");
  CHECK(internal::ErrorKindName(ErrorKind::kUnhandledRejection) == "unhandledrejection");
}

TEST_CASE("a parsed event is classified like its plain fields") {
  auto classify = [](const char* text) {
    return ClassifyError(boost::json::parse(text).as_object());
  };
  CHECK(
      classify(R"({"type":6,"data":{"plugin":"rrweb/console@1","payload":{"level":"assert"}}})") ==
      ErrorKind::kConsole);
  CHECK(classify(R"({"type":5,"data":{"tag":"unhandledrejection"}})") ==
        ErrorKind::kUnhandledRejection);
  CHECK(classify(R"({"type":6,"data":{"plugin":"rrweb/console@1","payload":"error"}})") ==
        ErrorKind::kNone);
  CHECK(classify(R"({"type":5})") == ErrorKind::kNone);
}

TEST_CASE("keyframe moments go from most to least important with their reason names") {
  using internal::MomentKind;
  CHECK(MomentKind::kError < MomentKind::kNavigation);
  CHECK(MomentKind::kNavigation < MomentKind::kClick);
  CHECK(MomentKind::kClick < MomentKind::kInput);
  CHECK(internal::MomentKindName(MomentKind::kError) == "error");
  CHECK(internal::MomentKindName(MomentKind::kNavigation) == "navigation");
  CHECK(internal::MomentKindName(MomentKind::kClick) == "click");
  CHECK(internal::MomentKindName(MomentKind::kInput) == "input");
}

// Every kind of event that is or looks like an error, each with its own
// message (an uncaught exception logged by the console plugin with the SDK's
// message is one error for the analysis; here none is).
constexpr const char* kErrorBatch = R"([
  {"type":4,"timestamp":1000,"data":{"href":"https://a.test/","width":800,"height":600}},
  {"type":2,"timestamp":1010,"data":{"node":{"type":0,"id":1,"childNodes":[]},
                                     "initialOffset":{"left":0,"top":0}}},
  {"type":6,"timestamp":2000,"data":{"plugin":"rrweb/console@1",
    "payload":{"level":"error","payload":["\"logged\""],"trace":[]}}},
  {"type":6,"timestamp":3000,"data":{"plugin":"rrweb/console@1",
    "payload":{"level":"assert","payload":["\"asserted\""],"trace":[]}}},
  {"type":6,"timestamp":4000,"data":{"plugin":"rrweb/console@1",
    "payload":{"level":"warn","payload":["\"warned\""],"trace":[]}}},
  {"type":5,"timestamp":5000,"data":{"tag":"error","payload":{"message":"thrown"}}},
  {"type":5,"timestamp":6000,"data":{"tag":"unhandledrejection","payload":{"message":"rejected"}}},
  {"type":5,"timestamp":7000,"data":{"tag":"form-error","payload":{"field":"email"}}}
])";

TEST_CASE("ingest, render and analysis find the same errors in one batch") {
  Result<ParsedBatch> batch =
      ParseIngestBody(std::string(R"({"sessionId":"errors","events":)") + kErrorBatch + "}");
  REQUIRE(batch.ok());
  CHECK(batch->error_count == 4);

#ifdef INCUERA_TEST_WITH_RENDER
  Result<internal::Recording> recording = internal::ParseRecording(kErrorBatch);
  REQUIRE(recording.ok());
  std::vector<int64_t> error_moments;
  for (const internal::Moment& m : recording->moments) {
    if (m.kind == internal::MomentKind::kError) error_moments.push_back(m.t_ms);
  }
  CHECK(error_moments == std::vector<int64_t>{1000, 2000, 4000, 5000});
#endif

  Analyzer analyzer({}, {});
  REQUIRE(analyzer.Feed(kErrorBatch).ok());
  SessionAnalytics r = analyzer.Finish();
  CHECK(r.counts.errors == 4);
  REQUIRE(r.errors.size() == 4);
  std::vector<std::string> seen;
  for (const SessionError& e : r.errors) seen.push_back(e.kind + " " + e.message);
  CHECK(seen == std::vector<std::string>{"console logged", "console asserted", "error thrown",
                                         "unhandledrejection rejected"});
}

}  // namespace
}  // namespace incuera
