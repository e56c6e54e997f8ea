// incuera::http — Incuera's HTTP API: the request/response types its routes
// are written against, the Router they are mounted on, and HttpServer, the
// asynchronous HTTP/1.1 server (Boost.Asio + Boost.Beast) that apps/server is
// a few lines around.
//
// Idle keep-alive connections cost memory, not threads: sockets are served by
// one I/O thread per core, and only a request's handler (SOCI, SQLite, object
// storage: code that blocks) runs on a bounded pool. Every limit (header
// size and deadline, body on the wire and after inflation, connections per
// server and per client address, timeouts) is enforced while reading, before
// any route sees the request. Link incuera::http to use it; Asio and Beast
// never appear in this header.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <memory>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include "incuera/engine.h"
#include "incuera/status.h"

namespace incuera::http {

// Case-insensitive ordering for header names.
struct HeaderNameLess {
  bool operator()(const std::string& a, const std::string& b) const;
};
using Headers = std::multimap<std::string, std::string, HeaderNameLess>;
using Params = std::multimap<std::string, std::string>;
// A requested byte range: first and last offsets, inclusive; -1 where the
// Range header left one out ("bytes=500-", "bytes=-500").
using Ranges = std::vector<std::pair<long long, long long>>;

// One request, headers and body read and decoded (Content-Encoding undone)
// within the server's limits.
struct Request {
  std::string method;
  std::string path;    // percent-decoded, without the query string
  std::string target;  // as sent
  std::string body;
  std::string remote_addr;  // the peer's address (the proxy's, behind one)
  Headers headers;
  Params params;        // the query string, decoded
  Ranges ranges;        // the Range header, when it is a valid bytes range set
  std::smatch matches;  // the route pattern's groups, matched against `path`

  bool has_header(const std::string& name) const;
  std::string get_header_value(const std::string& name, const std::string& fallback = "") const;
  bool has_param(const std::string& name) const;
  std::string get_param_value(const std::string& name) const;
};

// Where a streaming response writes its bytes. write() blocks until the
// bytes are handed to the socket; false when the client went away or the
// write timed out (stop producing then).
class DataSink {
 public:
  virtual ~DataSink() = default;
  virtual bool write(const char* data, std::size_t size) = 0;
  // Ends a chunked response.
  virtual void done() = 0;
};

// Produces a chunked body; called once, returns false to abort the response.
using ChunkedProvider = std::function<bool(std::size_t offset, DataSink& sink)>;
// Produces bytes [offset, offset + length) of a body of known size (the
// server answers Range requests from it with 206); false aborts.
using SizedProvider = std::function<bool(std::size_t offset, std::size_t length, DataSink& sink)>;

// What a handler answers: a status, headers, and a body held in memory or
// produced after the handler returns by one of the providers.
struct Response {
  int status = -1;  // -1: not set; the server answers 200 when there is content, else 404
  Headers headers;
  std::string body;
  // At most one provider is set; it runs after the handler returns.
  ChunkedProvider chunked_provider;
  SizedProvider sized_provider;
  std::size_t content_length = 0;  // the sized provider's total
  std::string content_type;

  bool has_header(const std::string& name) const;
  std::string get_header_value(const std::string& name, const std::string& fallback = "") const;
  // Replaces any earlier value; Set-Cookie may repeat.
  void set_header(const std::string& name, const std::string& value);
  void set_content(std::string content, const std::string& type);
  void set_content(const char* data, std::size_t size, const std::string& type);
  void set_chunked_content_provider(const std::string& type, ChunkedProvider provider);
  void set_content_provider(std::size_t length, const std::string& type, SizedProvider provider);
};

using Handler = std::function<void(const Request&, Response&)>;

// Where a gate runs. First on the I/O thread, where it must not block: it
// answers from memory (e.g. a cached key) or returns std::nullopt, and is
// then run again on the blocking pool, where it may read the database.
enum class GateStage { kIoThread, kPool };

// Runs after the headers are read and before any body byte is: decides the
// largest body (after inflation) this request may send, or refuses it with
// a Status (answered as a JSON error, the body never read). `res` carries
// the headers the refusal should keep (e.g. CORS).
using BodyGate = std::function<std::optional<Result<std::size_t>>(
    const Request& headers, Response& res, GateStage stage)>;

// A handler with its gate; routes without a gate may send at most
// ServerOptions::max_admin_body_bytes.
struct Route {
  Handler handler;
  BodyGate gate;
};

// Routes by method and a regular expression matched against the whole path
// (its groups land in Request::matches); the first route mounted wins.
class Router {
 public:
  void Get(const std::string& pattern, Route route) { Add("GET", pattern, std::move(route)); }
  void Post(const std::string& pattern, Route route) { Add("POST", pattern, std::move(route)); }
  void Put(const std::string& pattern, Route route) { Add("PUT", pattern, std::move(route)); }
  void Patch(const std::string& pattern, Route route) { Add("PATCH", pattern, std::move(route)); }
  void Delete(const std::string& pattern, Route route) { Add("DELETE", pattern, std::move(route)); }
  void Options(const std::string& pattern, Route route) {
    Add("OPTIONS", pattern, std::move(route));
  }
  void Get(const std::string& pattern, Handler h) { Get(pattern, Route{std::move(h), {}}); }
  void Post(const std::string& pattern, Handler h) { Post(pattern, Route{std::move(h), {}}); }
  void Put(const std::string& pattern, Handler h) { Put(pattern, Route{std::move(h), {}}); }
  void Patch(const std::string& pattern, Handler h) { Patch(pattern, Route{std::move(h), {}}); }
  void Delete(const std::string& pattern, Handler h) { Delete(pattern, Route{std::move(h), {}}); }
  void Options(const std::string& pattern, Handler h) { Options(pattern, Route{std::move(h), {}}); }

  // The route for `req` (method and path), its groups stored in
  // req.matches; nullptr when none matches (404). HEAD is served by the GET
  // route.
  const Route* Find(Request& req) const;

  // Called once per answered request, the server's own refusals included
  // (access log, metrics); `seconds` from the first header byte.
  using Logger = std::function<void(const Request&, const Response&, double seconds)>;
  void set_logger(Logger logger) { logger_ = std::move(logger); }
  void Log(const Request& req, const Response& res, double seconds) const {
    if (logger_) logger_(req, res, seconds);
  }

 private:
  void Add(const std::string& method, const std::string& pattern, Route route);
  struct Entry {
    std::string method;
    std::regex pattern;
    Route route;
  };
  std::vector<Entry> routes_;
  Logger logger_;
};

// The one table from Status codes to HTTP statuses (ResourceExhausted is 429;
// the body-size path answers 413 itself).
int HttpStatusFor(StatusCode code);

// Writes `status` as {"error":{"code":"not_found","message":"…"}} with the
// matching HTTP status, and Retry-After when the status carries a retry hint
// (Status::retry_after_seconds). Internal errors never expose their message.
void WriteError(Response& res, const Status& status);

// Mounts every Incuera route on `router` with its access log and metrics.
// `engine` must outlive `router`.
void MountRoutes(Router& router, Engine& engine);

// The bundled server: MountRoutes on a Router, served on
// engine.options().server.host/port within ServerOptions' limits.
class HttpServer {
 public:
  explicit HttpServer(Engine& engine);
  ~HttpServer();

  // Binds the socket; the chosen port is port() (useful with port 0).
  // Unavailable when the address is in use.
  Status Bind();
  int port() const;
  // Serves until Stop() and the drain that follows; call after Bind().
  Status Run();
  // Thread-safe, returns at once: stops accepting, closes idle connections,
  // lets requests in flight finish for ServerOptions::shutdown_timeout
  // (requests arriving meanwhile are answered 503), then closes the rest.
  void Stop();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace incuera::http
