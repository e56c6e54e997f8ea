#include "render/player_page.h"

#include <doctest/doctest.h>

#include <boost/json.hpp>
#include <chrono>

#include "incuera/options.h"
#include "render/chromium_process.h"
#include "render/recording.h"
#include "support/test_env.h"

namespace incuera::internal {
namespace {

constexpr std::string_view kFailure = "the replayer could not rebuild the recorded page";

// Runtime.ExceptionDetails as Chromium sends it for a DOMException.
constexpr const char* kInsertBefore = R"({
  "exceptionId": 3, "text": "Uncaught", "lineNumber": 0, "columnNumber": 41235, "scriptId": "7",
  "exception": {"type": "object", "subtype": "error", "className": "DOMException",
    "description": "HierarchyRequestError: Failed to execute 'insertBefore' on 'Node': The new child element contains the parent.\n    at Replayer.applyMutation (<anonymous>:1:41235)\n    at <anonymous>:1:1",
    "objectId": "1234"}})";

TEST_CASE("a page script failure reads as one sentence with the exception's first line") {
  const std::string message = PageErrorMessage(kFailure, boost::json::parse(kInsertBefore));
  CHECK(message ==
        "the replayer could not rebuild the recorded page (HierarchyRequestError: Failed to "
        "execute 'insertBefore' on 'Node': The new child element contains the parent.)");
}

TEST_CASE("a long exception message is cut to 200 characters, an ellipsis at the cut") {
  boost::json::value details = boost::json::parse(kInsertBefore);
  details.at("exception").as_object()["description"] =
      "TypeError: " + std::string(300, 'x') + "\n    at f";
  const std::string message = PageErrorMessage(kFailure, details);
  CHECK(message.rfind("the replayer could not rebuild the recorded page (TypeError: xxx", 0) == 0);
  CHECK(message.size() == 200);
  CHECK(message.substr(message.size() - 4) == "\u2026)");
  CHECK(message.find('{') == std::string::npos);
}

TEST_CASE("a thrown non-Error, or no exception at all, still gives a readable reason") {
  CHECK(PageErrorMessage(kFailure, boost::json::parse(R"({"text":"Uncaught",
          "exception":{"type":"string","value":"boom"}})")) == std::string(kFailure) + " (boom)");
  CHECK(PageErrorMessage(
            kFailure,
            boost::json::parse(R"({"text":"Uncaught SyntaxError: Unexpected token '}'"})")) ==
        std::string(kFailure) + " (Uncaught SyntaxError: Unexpected token '}')");
  CHECK(PageErrorMessage(kFailure, boost::json::parse(R"({"exception":{"className":"Error"}})")) ==
        std::string(kFailure) + " (Error)");
  CHECK(PageErrorMessage(kFailure, boost::json::value()) == kFailure);
}

TEST_CASE("the embedded rrweb still has the internals that play a recording forward") {
  Result<Recording> recording =
      ParseRecording(test::ReadFile(test::DataPath("recording/shop.json")));
  REQUIRE(recording.ok());
  Result<std::unique_ptr<ChromiumProcess>> browser =
      ChromiumProcess::Start(RenderOptions{}.chromium_path);
  REQUIRE_MESSAGE(browser.ok(), browser.status().ToString());
  CdpPipe cdp((*browser)->cdp_fd(), std::chrono::steady_clock::now() + std::chrono::seconds(60),
              "player page test timed out");
  Result<std::unique_ptr<PlayerPage>> forward = PlayerPage::Open(cdp, *recording);
  REQUIRE_MESSAGE(forward.ok(), forward.status().ToString());
  // Otherwise every render silently falls back to the seek, whose cost grows
  // with the page: check player.js against the new rrweb's replayer.
  CHECK((*forward)->plays_forward());
  Result<PlayerPage::Scroll> at = (*forward)->Seek(recording->duration_ms + 1);
  REQUIRE_MESSAGE(at.ok(), at.status().ToString());

  Result<std::unique_ptr<PlayerPage>> seek =
      PlayerPage::Open(cdp, *recording, PlayerPage::Mode::kSeek);
  REQUIRE(seek.ok());
  CHECK_FALSE((*seek)->plays_forward());
  Result<PlayerPage::Scroll> seek_at = (*seek)->Seek(recording->duration_ms + 1);
  REQUIRE(seek_at.ok());
  CHECK(seek_at->y == at->y);
}

}  // namespace
}  // namespace incuera::internal
