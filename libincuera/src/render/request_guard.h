// Puts every network request of the browser through a NetworkPolicy, where
// Chromium lets us see them (CDP Fetch interception), and fetches the allowed
// ones itself: Chromium connects nowhere.
#pragma once

#include <memory>

#include "incuera/status.h"
#include "render/cdp_pipe.h"
#include "render/network_policy.h"
#include "render/resource_fetcher.h"

namespace incuera::internal {

// Pauses every request of every page in the browser `cdp` talks to (CDP
// Fetch.enable on the browser target), redirects included. A refused request
// fails; an allowed data:/blob: URL continues (no network); an allowed
// http(s) request is fetched by a ResourceFetcher from the addresses the
// policy checked, and its response handed to the browser
// (Fetch.fulfillRequest) — a redirect too, whose next hop the browser asks
// for and the policy checks again. Resolving the name a second time, as the
// browser would, could lead elsewhere (DNS rebinding).
class RequestGuard {
 public:
  // Starts guarding; call before opening any page. `cdp` and `policy` must
  // outlive the guard, which the render destroys before them. Unavailable or
  // Internal when the browser refuses interception.
  static Result<std::unique_ptr<RequestGuard>> Start(CdpPipe& cdp, NetworkPolicy& policy,
                                                     ResourceFetcher::Limits limits = {});
  // Stops fetching (transfers in flight are abandoned) and stops handling
  // the browser's requests.
  ~RequestGuard();
  RequestGuard(const RequestGuard&) = delete;
  RequestGuard& operator=(const RequestGuard&) = delete;

 private:
  RequestGuard(CdpPipe& cdp, NetworkPolicy& policy, ResourceFetcher::Limits limits)
      : cdp_(cdp), policy_(policy), fetcher_(limits) {}
  void OnEvent(const boost::json::object& event);

  CdpPipe& cdp_;
  NetworkPolicy& policy_;
  ResourceFetcher fetcher_;  // last: its thread stops before the rest goes
};

}  // namespace incuera::internal
