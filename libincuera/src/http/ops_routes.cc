// Operations: liveness, readiness (database reachable) and Prometheus metrics.
#include <openssl/crypto.h>

#include "http/context.h"
#include "incuera/http.h"
#include "incuera/store.h"

namespace incuera::http::internal {

void MountOpsRoutes(Router& server, const std::shared_ptr<Context>& ctx) {
  server.Get("/health", [](const Request&, Response& res) {
    WriteJson(res, R"({"status":"ok"})");
  });
  server.Get("/ready", [ctx](const Request&, Response& res) {
    Status s = ctx->engine.store().Ping();
    if (!s.ok()) return WriteError(res, Unavailable("database unreachable"));
    WriteJson(res, R"({"status":"ready"})");
  });
  // Every tenant's counts: only for the scraper holding METRICS_TOKEN.
  server.Get("/metrics", [ctx](const Request& req, Response& res) {
    const std::string& token = ctx->engine.options().server.metrics_token;
    if (token.empty()) {
      return WriteError(res, NotFound("metrics are off: set METRICS_TOKEN on the server and "
                                      "scrape with 'Authorization: Bearer <token>'"));
    }
    const std::string expected = "Bearer " + token;
    const std::string given = req.get_header_value("Authorization");
    if (given.size() != expected.size() ||
        CRYPTO_memcmp(given.data(), expected.data(), given.size()) != 0) {
      return WriteError(res,
                        Unauthenticated("metrics need 'Authorization: Bearer <METRICS_TOKEN>'"));
    }
    res.set_content(ctx->metrics.Render(ctx->engine), "text/plain; version=0.0.4");
  });
}

}  // namespace incuera::http::internal
