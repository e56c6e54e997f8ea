// Operations: liveness, readiness (database reachable) and Prometheus metrics.
#include "http/context.h"
#include "incuera/http.h"
#include "incuera/store.h"

namespace incuera::http::internal {

void MountOpsRoutes(httplib::Server& server, const std::shared_ptr<Context>& ctx) {
  server.Get("/health", [](const httplib::Request&, httplib::Response& res) {
    WriteJson(res, R"({"status":"ok"})");
  });
  server.Get("/ready", [ctx](const httplib::Request&, httplib::Response& res) {
    Status s = ctx->engine.store().Ping();
    if (!s.ok()) return WriteError(res, Unavailable("database unreachable"));
    WriteJson(res, R"({"status":"ready"})");
  });
  server.Get("/metrics", [ctx](const httplib::Request&, httplib::Response& res) {
    res.set_content(ctx->metrics.Render(ctx->engine), "text/plain; version=0.0.4");
  });
}

}  // namespace incuera::http::internal
