// What the server's connections share: the routes, the limits, the
// blocking pool, the connection counts, and the drain state of a Stop.
#pragma once

#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "http/blocking_pool.h"
#include "incuera/http.h"
#include "incuera/options.h"

namespace incuera::http::internal {

class Connection;

struct ServerState {
  ServerState(const Options& o, int pool_threads)
      : options(o.server), ingest(o.ingest), pool(pool_threads, o.server.queue_limit) {}

  const ServerOptions options;
  const IngestOptions ingest;
  Router router;
  BlockingPool pool;
  std::atomic<bool> draining{false};
  // Called (from a connection's thread) when the last connection ends
  // while draining.
  std::function<void()> on_drained;

  // Admits one more connection from `address` within both caps. Thread-safe.
  bool Admit(const std::string& address);
  void Register(const std::shared_ptr<Connection>& c);
  // Forgets a finished connection; returns the number still open.
  int Release(const std::string& address, Connection* c);
  // The open connections (to close them on Stop).
  std::vector<std::shared_ptr<Connection>> Open();

 private:
  std::mutex mu_;
  int total_ = 0;
  std::unordered_map<std::string, int> per_client_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> open_;
};

}  // namespace incuera::http::internal
