// Operations: liveness, readiness (database reachable) and Prometheus metrics.
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
  server.Get("/metrics", [ctx](const Request&, Response& res) {
    res.set_content(ctx->metrics.Render(ctx->engine), "text/plain; version=0.0.4");
  });
}

}  // namespace incuera::http::internal
