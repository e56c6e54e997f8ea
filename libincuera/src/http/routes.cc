// MountRoutes: error handler, access log + metrics, and every route group.
#include <boost/json.hpp>
#include <chrono>
#include <cstdio>

#include "http/context.h"
#include "incuera/http.h"

namespace incuera::http {
namespace internal {

void WriteJson(httplib::Response& res, const std::string& json, int status) {
  res.status = status;
  res.set_content(json, "application/json");
}

namespace {

// httplib calls the pre-routing handler and the logger on the thread that
// serves the request, so a per-thread start time measures its latency.
thread_local std::chrono::steady_clock::time_point request_start;

const char* DefaultMessage(int status) {
  switch (status) {
    case 400:
      return "the request could not be read";
    case 404:
      return "no such route";
    case 405:
      return "method not allowed";
    case 413:
      return "request body too large";
    case 415:
      return "unsupported content encoding";
    default:
      return "request failed";
  }
}

StatusCode CodeForHttp(int status) {
  switch (status) {
    case 404:
      return StatusCode::kNotFound;
    case 413:
      return StatusCode::kResourceExhausted;
    case 500:
      return StatusCode::kInternal;
    case 503:
      return StatusCode::kUnavailable;
    default:
      return StatusCode::kInvalidArgument;
  }
}

// One JSON line per request on stderr. Never the body, the query string or
// any header value: API keys travel in headers and bodies.
void LogRequest(const httplib::Request& req, const httplib::Response& res, double seconds) {
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

void MountRoutes(httplib::Server& server, Engine& engine) {
  auto ctx = std::make_shared<internal::Context>(engine);

  server.set_pre_routing_handler([](const httplib::Request&, httplib::Response&) {
    internal::request_start = std::chrono::steady_clock::now();
    return httplib::Server::HandlerResponse::Unhandled;
  });
  // Statuses httplib produces itself (404, 413, 400 on a broken body) get the
  // same JSON error shape as ours.
  server.set_error_handler([](const httplib::Request&, httplib::Response& res) {
    if (!res.body.empty()) return;
    internal::WriteJson(res,
                        boost::json::serialize(boost::json::object{
                            {"error",
                             {{"code", StatusCodeName(internal::CodeForHttp(res.status))},
                              {"message", internal::DefaultMessage(res.status)}}}}),
                        res.status);
  });
  server.set_logger([ctx](const httplib::Request& req, const httplib::Response& res) {
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - internal::request_start)
            .count();
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
