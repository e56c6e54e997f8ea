// Prometheus counters and histograms kept by the HTTP layer; the gauges
// (sessions by status, queue depth) are read from the Engine at scrape time.
#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

#include "incuera/engine.h"

namespace incuera::http::internal {

class Metrics {
 public:
  // Counts one finished request. Thread-safe.
  void ObserveRequest(const std::string& route, int status, double seconds);
  // Counts events and raw event bytes accepted by /api/ingest. Thread-safe.
  void AddIngested(std::int64_t events, std::int64_t bytes);
  // Counts a batch refused because its visit is left out by sampling.
  // Thread-safe.
  void AddUnsampledBatch();
  // The Prometheus text exposition of everything, including engine gauges.
  std::string Render(Engine& engine);

 private:
  static const std::vector<double>& Buckets();
  struct Histogram {
    std::vector<std::uint64_t> counts;  // cumulative per bucket in Render
    double sum = 0;
    std::uint64_t total = 0;
  };
  std::mutex mu_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::map<std::string, Histogram> latency_;
  std::atomic<std::int64_t> events_{0};
  std::atomic<std::int64_t> bytes_{0};
  std::atomic<std::int64_t> unsampled_batches_{0};
};

// A low-cardinality label for a request path: ids become "{id}".
std::string RouteLabel(const std::string& path);

}  // namespace incuera::http::internal
