// MountRoutes: access log + metrics, and every route group.
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>

#include "http/context.h"
#include "incuera/http.h"

namespace incuera::http {
namespace internal {

void WriteJson(Response& res, const std::string& json, int status) {
  res.status = status;
  res.set_content(json, "application/json");
}

namespace {

// One JSON line per request on stderr. Never the body, the query string or
// any header value: API keys travel in headers and bodies.
void LogRequest(const Request& req, const Response& res, double seconds) {
  boost::json::object line{{"ts", std::chrono::duration_cast<std::chrono::milliseconds>(
                                      std::chrono::system_clock::now().time_since_epoch())
                                      .count()},
                           {"method", req.method},
                           {"path", req.path},
                           {"status", res.status},
                           {"ms", static_cast<double>(static_cast<int64_t>(seconds * 1e5)) / 100},
                           {"in", req.body.size()},
                           {"out", res.body.size()},
                           {"remote", req.remote_addr}};
  std::string text = boost::json::serialize(line) + "\n";
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace
}  // namespace internal

void MountRoutes(Router& server, Engine& engine) {
  auto ctx = std::make_shared<internal::Context>(engine);
  // Every answer, the server's own refusals (404, 408, 413, 431, 503…)
  // included, is counted and logged.
  server.set_logger([ctx](const Request& req, const Response& res, double seconds) {
    ctx->metrics.ObserveRequest(internal::RouteLabel(req.path), res.status, seconds);
    internal::LogRequest(req, res, seconds);
  });

  internal::MountOpsRoutes(server, ctx);
  internal::MountIngestRoutes(server, ctx);
  internal::MountAuthRoutes(server, ctx);
  internal::MountProjectRoutes(server, ctx);
  internal::MountSessionRoutes(server, ctx);
  internal::MountDocsRoutes(server);
  internal::MountStaticRoutes(server);
}

}  // namespace incuera::http
