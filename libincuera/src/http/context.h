// What every route handler shares: the Engine and the HTTP layer's own state.
// One Context per mounted server, owned jointly by its handlers.
#pragma once

#include <memory>

#include "http/metrics.h"
#include "http/rate_limiter.h"
#include "incuera/admin.h"
#include "incuera/engine.h"
#include "incuera/http.h"

namespace incuera::http::internal {

struct Context : std::enable_shared_from_this<Context> {
  explicit Context(Engine& e)
      : engine(e),
        limiter(e.options().server.rate_limit_rps, e.options().server.rate_limit_burst),
        admin(e) {}
  Engine& engine;
  Metrics metrics;
  RateLimiter limiter;  // ingest requests per API key
  Admin admin;          // the admin API's scope rules and login limits
};

// Route groups, each in its own file.
void MountOpsRoutes(Router& server, const std::shared_ptr<Context>& ctx);
void MountIngestRoutes(Router& server, const std::shared_ptr<Context>& ctx);
void MountAuthRoutes(Router& server, const std::shared_ptr<Context>& ctx);
void MountProjectRoutes(Router& server, const std::shared_ptr<Context>& ctx);
void MountSessionRoutes(Router& server, const std::shared_ptr<Context>& ctx);
void MountDocsRoutes(Router& server);
// Last: the dashboard answers every GET no other route took.
void MountStaticRoutes(Router& server);

// Serialises `json` as the response body with status 200.
void WriteJson(Response& res, const std::string& json, int status = 200);

}  // namespace incuera::http::internal
