// incuera::http — Incuera's HTTP API as routes over cpp-httplib, so a C++
// service can mount them in its own httplib::Server, and the bundled server
// (apps/server) is a few lines around HttpServer.
//
// This header is the only place httplib appears in the public API; link
// incuera::http to use it (the core incuera::incuera never includes httplib).
#pragma once

#include <memory>
#include <string>

#include <httplib.h>

#include "incuera/engine.h"
#include "incuera/status.h"

namespace incuera::http {

// The one table from Status codes to HTTP statuses (ResourceExhausted is 429;
// the body-size path answers 413 itself).
int HttpStatusFor(StatusCode code);

// Writes `status` as {"error":{"code":"not_found","message":"…"}} with the
// matching HTTP status. Internal errors never expose their message.
void WriteError(httplib::Response& res, const Status& status);

// Mounts every Incuera route on `server` and installs its error handler,
// CORS, access log and metrics. `engine` must outlive `server`. Call once per
// server, before listening.
void MountRoutes(httplib::Server& server, Engine& engine);

// The bundled server: MountRoutes on a tuned httplib::Server, listening on
// engine.options().server.host/port. Thread-safe Stop() (e.g. from a signal
// watcher) finishes in-flight requests and returns from Run().
class HttpServer {
 public:
  explicit HttpServer(Engine& engine);
  ~HttpServer();

  // Binds the socket; the chosen port is port() (useful with port 0).
  // Unavailable when the address is in use.
  Status Bind();
  int port() const { return port_; }
  // Serves until Stop(); call after Bind().
  Status Run();
  void Stop();

 private:
  Engine& engine_;
  std::unique_ptr<httplib::Server> server_;
  int port_ = 0;
  int listen_socket_ = -1;
};

}  // namespace incuera::http
