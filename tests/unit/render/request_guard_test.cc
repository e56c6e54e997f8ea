// The render's network policy checks a host's addresses; the connection must
// go to what was checked. When the browser fetched by itself it resolved the
// name a second time, and a rebinding DNS answer (public for our check,
// loopback or private for the browser's) led it anywhere.
#include "render/request_guard.h"

#include <doctest/doctest.h>

#include <chrono>
#include <future>
#include <thread>

#include "incuera/options.h"
#include "render/chromium_process.h"
#include "render/player_page.h"
#include "render/recording.h"
#include "support/canary_server.h"

namespace incuera::internal {
namespace {

namespace ip = boost::asio::ip;
using Clock = std::chrono::steady_clock;

// A page of one image at `src`, as rrweb records it.
std::string ImageRecording(const std::string& src) {
  return R"([{"type":4,"data":{"href":"https://shop.example/","width":800,"height":600},
              "timestamp":1700000000000},
             {"type":2,"data":{"node":{"type":0,"id":1,"childNodes":[
                {"type":2,"tagName":"html","attributes":{},"id":2,"childNodes":[
                  {"type":2,"tagName":"head","attributes":{},"id":3,"childNodes":[]},
                  {"type":2,"tagName":"body","attributes":{},"id":4,"childNodes":[
                    {"type":2,"tagName":"img","attributes":{"src":")" +
         src + R"("},"childNodes":[],"id":5}]}]}]},
               "initialOffset":{"left":0,"top":0}},"timestamp":1700000000100}])";
}

bool Contains(const std::vector<std::string>& hits, const std::string& target) {
  return std::find(hits.begin(), hits.end(), target) != hits.end();
}

TEST_CASE("an allowed image is fetched from the address the policy checked, not re-resolved") {
  test::CanaryServer checked;  // where the policy's lookup says rebind.test is
  test::CanaryServer canary;   // where a second lookup of rebind.test leads
  // The policy's resolver answers with the checked server; Chromium's own
  // resolver, as a rebinding DNS server would, answers with the canary.
  int lookups = 0;
  NetworkPolicy policy(RenderFetch::kPublic, {}, /*allow_loopback=*/true,
                       [&](const std::string& host) -> Result<std::vector<ip::address>> {
                         ++lookups;
                         if (host != "rebind.test") return Unavailable("no such host");
                         return std::vector<ip::address>{ip::address_v4::loopback()};
                       });
  Result<std::unique_ptr<ChromiumProcess>> browser = ChromiumProcess::Start(
      RenderOptions{}.chromium_path,
      {"--host-resolver-rules=MAP rebind.test 127.0.0.1:" + std::to_string(canary.port())});
  REQUIRE_MESSAGE(browser.ok(), browser.status().ToString());
  CdpPipe cdp((*browser)->cdp_fd(), Clock::now() + std::chrono::seconds(60),
              "request guard test timed out");
  Result<std::unique_ptr<RequestGuard>> guard = RequestGuard::Start(cdp, policy);
  REQUIRE_MESSAGE(guard.ok(), guard.status().ToString());
  Result<Recording> recording = ParseRecording(
      ImageRecording("http://rebind.test:" + std::to_string(checked.port()) + "/pinned.gif"));
  REQUIRE(recording.ok());
  Result<std::unique_ptr<PlayerPage>> page = PlayerPage::Open(cdp, *recording);
  REQUIRE_MESSAGE(page.ok(), page.status().ToString());
  REQUIRE((*page)->Seek(recording->duration_ms + 1).ok());
  // Calls keep the browser's messages flowing until the image is asked for.
  const Clock::time_point give_up = Clock::now() + std::chrono::seconds(20);
  while (checked.Hits().empty() && canary.Hits().empty() && Clock::now() < give_up) {
    REQUIRE((*page)->Seek(recording->duration_ms + 1).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  REQUIRE((*page)->Capture().ok());
  CHECK_MESSAGE(canary.Hits().empty(), "the browser resolved the name again and connected there");
  CHECK(Contains(checked.Hits(), "/pinned.gif"));
  CHECK(lookups == 1);
}

// The fetcher alone: what it connects to, follows and keeps.
Result<ResourceResponse> FetchNow(ResourceFetcher& fetcher, ResourceRequest request) {
  std::promise<Result<ResourceResponse>> done;
  std::future<Result<ResourceResponse>> result = done.get_future();
  fetcher.Fetch(std::move(request),
                [&done](Result<ResourceResponse> r) { done.set_value(std::move(r)); });
  REQUIRE(result.wait_for(std::chrono::seconds(30)) == std::future_status::ready);
  return result.get();
}

TEST_CASE("the fetcher connects to no address outside the checked ones, an IP literal included") {
  test::CanaryServer canary;
  ResourceFetcher fetcher;
  const std::string port = std::to_string(canary.port());
  // The name is pinned to 127.0.0.2, where nothing listens: never 127.0.0.1.
  Result<ResourceResponse> pinned = FetchNow(
      fetcher, {"http://localhost:" + port + "/name.gif", {}, {ip::make_address("127.0.0.2")}});
  CHECK_FALSE(pinned.ok());
  // A literal that is not among the checked addresses is refused outright.
  Result<ResourceResponse> literal = FetchNow(
      fetcher, {"http://127.0.0.1:" + port + "/literal.gif", {}, {ip::make_address("127.0.0.2")}});
  CHECK_FALSE(literal.ok());
  CHECK(canary.Hits().empty());
}

TEST_CASE("the fetcher hands a redirect back unfollowed and caps the body") {
  test::CanaryServer server;
  const std::string origin = "http://127.0.0.1:" + std::to_string(server.port());
  const std::vector<ip::address> loopback = {ip::address_v4::loopback()};
  ResourceFetcher fetcher;
  Result<ResourceResponse> image = FetchNow(
      fetcher, {origin + "/a.gif", {{"Accept", "image/*"}, {"Cookie", "secret=1"}}, loopback});
  REQUIRE_MESSAGE(image.ok(), image.status().ToString());
  CHECK(image->status == 200);
  CHECK(image->body.substr(0, 6) == "GIF89a");
  CHECK(std::count(image->headers.begin(), image->headers.end(),
                   std::pair<std::string, std::string>{"Content-Type", "image/gif"}) == 1);

  Result<ResourceResponse> redirect =
      FetchNow(fetcher, {origin + "/redirect?to=" + origin + "/canary/next.gif", {}, loopback});
  REQUIRE_MESSAGE(redirect.ok(), redirect.status().ToString());
  CHECK(redirect->status == 302);
  CHECK(std::count(redirect->headers.begin(), redirect->headers.end(),
                   std::pair<std::string, std::string>{"Location", origin + "/canary/next.gif"}) ==
        1);
  CHECK_FALSE(Contains(server.Hits(), "/canary/next.gif"));

  ResourceFetcher::Limits small;
  small.max_body_bytes = 8;
  ResourceFetcher capped(small);
  Result<ResourceResponse> big = FetchNow(capped, {origin + "/page.html", {}, loopback});
  CHECK_FALSE(big.ok());
}

}  // namespace
}  // namespace incuera::internal
