// Operations: liveness, readiness (database reachable, storage writable) and
// Prometheus metrics.
#include <openssl/crypto.h>

#include <boost/json.hpp>

#include "core/no_space.h"
#include "engine/store_access.h"
#include "http/context.h"
#include "incuera/http.h"
#include "incuera/object_store.h"
#include "incuera/store.h"

namespace incuera::http::internal {

void MountOpsRoutes(Router& server, const std::shared_ptr<Context>& ctx) {
  server.Get("/health",
             [](const Request&, Response& res) { WriteJson(res, R"({"status":"ok"})"); });
  // Ready when the database answers and neither it nor the object store
  // is refusing writes for lack of space; the reason otherwise.
  server.Get("/ready", [ctx](const Request&, Response& res) {
    Status s = incuera::internal::StoreOf(ctx->engine).Ping();
    if (!s.ok() && !incuera::internal::IsNoSpace(s)) s = Unavailable("database unreachable");
    if (s.ok()) s = ctx->engine.objects().Ready();
    if (s.ok()) return WriteJson(res, R"({"status":"ready","ready":true})");
    if (s.retry_after_seconds() > 0) {
      res.set_header("Retry-After", std::to_string(s.retry_after_seconds()));
    }
    WriteJson(
        res, boost::json::serialize(boost::json::object{{"ready", false}, {"reason", s.message()}}),
        503);
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
