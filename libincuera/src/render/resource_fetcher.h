// The replayed page's allowed resources, fetched by the renderer itself
// (libcurl) instead of by Chromium: Chromium would resolve the name again,
// and a rebinding DNS answer could then lead it to loopback or the private
// network after the policy checked a public address. A fetch connects only
// to the addresses the NetworkPolicy checked.
#pragma once

#include <curl/curl.h>

#include <atomic>
#include <boost/asio/ip/address.hpp>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "incuera/status.h"

namespace incuera::internal {

using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

// One GET of an http(s) URL, pinned to `addresses`.
struct ResourceRequest {
  std::string url;
  HttpHeaders headers;  // the browser's; only content negotiation and Range are sent on
  std::vector<boost::asio::ip::address> addresses;  // checked: the only ones connected to
};

// A response as received, redirects included (they are not followed: the
// browser follows them, and its next request is checked like any other).
// The body is decoded (no Content-Encoding).
struct ResourceResponse {
  int status = 0;
  HttpHeaders headers;
  std::string body;
};

// Fetches on a thread of its own, several at once; each request ends in
// its callback, on that thread, once: the response, or Unavailable with the
// reason (no connection, too slow, too large). Thread-safe.
class ResourceFetcher {
 public:
  struct Limits {
    std::chrono::milliseconds connect_timeout{5'000};
    std::chrono::milliseconds timeout{15'000};  // per request, all of it
    size_t max_body_bytes = 16 << 20;           // per response
    size_t max_total_bytes = 128 << 20;         // per fetcher (one render)
    size_t max_parallel = 6;
  };
  using Done = std::function<void(Result<ResourceResponse>)>;

  ResourceFetcher() : ResourceFetcher(Limits{}) {}
  explicit ResourceFetcher(Limits limits);
  // Abandons the transfers in flight (their callbacks do not run) and joins.
  ~ResourceFetcher();
  ResourceFetcher(const ResourceFetcher&) = delete;
  ResourceFetcher& operator=(const ResourceFetcher&) = delete;

  void Fetch(ResourceRequest request, Done done);

 private:
  struct Transfer;
  void Run();

  Limits limits_;
  CURLM* multi_;  // used by the fetcher's thread; others only wake it up
  std::mutex mu_;
  std::condition_variable wake_;
  std::deque<std::pair<ResourceRequest, Done>> queued_;
  bool stopping_ = false;
  std::atomic<size_t> total_bytes_{0};
  std::thread thread_;
};

}  // namespace incuera::internal
