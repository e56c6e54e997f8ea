// Puts every network request of the browser through a NetworkPolicy, where
// Chromium lets us see them: CDP Fetch interception.
#pragma once

#include "incuera/status.h"
#include "render/cdp_pipe.h"
#include "render/network_policy.h"

namespace incuera::internal {

// Pauses every request of every page in the browser `cdp` talks to (CDP
// Fetch.enable on the browser target), redirects included, and lets each
// continue or fails it as `policy` decides, while `cdp` waits on its calls.
// Call before opening any page. Both must outlive the browser's use.
// Unavailable or Internal when the browser refuses interception.
Status GuardRequests(CdpPipe& cdp, NetworkPolicy& policy);

}  // namespace incuera::internal
