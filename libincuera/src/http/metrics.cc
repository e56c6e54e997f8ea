#include "http/metrics.h"

#include <algorithm>
#include <sstream>
#include <vector>

#include "core/text.h"
#include "engine/store_access.h"
#include "incuera/lifecycle.h"
#include "incuera/queue.h"
#include "incuera/store.h"

namespace incuera::http::internal {

const std::vector<double>& Metrics::Buckets() {
  static const std::vector<double> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                               0.1,   0.25,   0.5,   1,    2.5,   5};
  return kBuckets;
}

void Metrics::ObserveRequest(const std::string& route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{route, status}];
  Histogram& h = latency_[route];
  if (h.counts.empty()) h.counts.assign(Buckets().size(), 0);
  for (size_t i = 0; i < Buckets().size(); ++i) {
    if (seconds <= Buckets()[i]) {
      ++h.counts[i];
      break;
    }
  }
  h.sum += seconds;
  ++h.total;
}

void Metrics::AddIngested(std::int64_t events, std::int64_t bytes) {
  events_ += events;
  bytes_ += bytes;
}

void Metrics::AddUnsampledBatch() { ++unsampled_batches_; }

std::string Metrics::Render(Engine& engine) {
  std::ostringstream out;
  out << "# HELP incuera_http_requests_total HTTP requests by route and status.\n"
         "# TYPE incuera_http_requests_total counter\n";
  {
    std::lock_guard lock(mu_);
    for (const auto& [key, n] : requests_) {
      out << "incuera_http_requests_total{route=\"" << key.first << "\",status=\"" << key.second
          << "\"} " << n << "\n";
    }
    out << "# HELP incuera_http_request_seconds Request latency.\n"
           "# TYPE incuera_http_request_seconds histogram\n";
    for (const auto& [route, h] : latency_) {
      std::uint64_t cumulative = 0;
      for (size_t i = 0; i < Buckets().size(); ++i) {
        cumulative += h.counts[i];
        out << "incuera_http_request_seconds_bucket{route=\"" << route << "\",le=\"" << Buckets()[i]
            << "\"} " << cumulative << "\n";
      }
      out << "incuera_http_request_seconds_bucket{route=\"" << route << "\",le=\"+Inf\"} "
          << h.total << "\n";
      out << "incuera_http_request_seconds_sum{route=\"" << route << "\"} " << h.sum << "\n";
      out << "incuera_http_request_seconds_count{route=\"" << route << "\"} " << h.total << "\n";
    }
  }
  out << "# HELP incuera_ingested_events_total Events accepted by /api/ingest.\n"
         "# TYPE incuera_ingested_events_total counter\n"
      << "incuera_ingested_events_total " << events_.load() << "\n"
      << "# HELP incuera_ingested_bytes_total Raw event JSON bytes accepted.\n"
         "# TYPE incuera_ingested_bytes_total counter\n"
      << "incuera_ingested_bytes_total " << bytes_.load() << "\n"
      << "# HELP incuera_unsampled_batches_total Batches refused unread: their visit is left "
         "out by the project's sample_rate.\n"
         "# TYPE incuera_unsampled_batches_total counter\n"
      << "incuera_unsampled_batches_total " << unsampled_batches_.load() << "\n";
  if (auto counts = incuera::internal::StoreOf(engine).sessions().CountByStatus(); counts.ok()) {
    out << "# HELP incuera_sessions Sessions by status.\n# TYPE incuera_sessions gauge\n";
    for (const auto& [status, n] : *counts) {
      out << "incuera_sessions{status=\"" << status << "\"} " << n << "\n";
    }
  }
  // Kept in the database by whichever process swept (lifecycle.h), so a
  // worker running apart from this server is reported here too.
  if (auto counters = incuera::internal::StoreOf(engine).counters().All(); counters.ok()) {
    static constexpr std::pair<std::string_view, std::string_view> kLifecycle[] = {
        {kRetentionSessionsCounter, "Sessions removed by retention."},
        {kRetentionObjectsCounter, "Stored files removed with sessions by retention."},
        {kOrphanObjectsCounter, "Stored files removed because their session was gone."},
    };
    for (const auto& [name, help] : kLifecycle) {
      auto it = counters->find(std::string(name));
      std::string metric = "incuera_" + std::string(name) + "_total";
      out << "# HELP " << metric << " " << help << "\n# TYPE " << metric << " counter\n"
          << metric << " " << (it == counters->end() ? 0 : it->second) << "\n";
    }
  }
  if (auto stats = engine.queue().Stats(); stats.ok()) {
    out << "# HELP incuera_queue_jobs Jobs in the queue by state.\n# TYPE incuera_queue_jobs "
           "gauge\n"
        << "incuera_queue_jobs{state=\"queued\"} " << stats->queued << "\n"
        << "incuera_queue_jobs{state=\"leased\"} " << stats->leased << "\n"
        << "incuera_queue_jobs{state=\"dead\"} " << stats->dead << "\n";
  }
  return out.str();
}

std::string RouteLabel(const std::string& path) {
  // The route's template, so no client can grow the label set: fixed paths
  // keep their name; under /api ids become {id} (/api/sessions/{id}/video,
  // /api/projects/{id}/api-keys/{id}) and words no route has become {other};
  // everything outside /api is the dashboard ("static").
  static const char* kFixed[] = {"/api/ingest",
                                 "/api/sessions/start",
                                 "/api/sessions/end",
                                 "/api/sessions/heartbeat",
                                 "/api/auth/login",
                                 "/api/auth/logout",
                                 "/api/me",
                                 "/health",
                                 "/ready",
                                 "/metrics",
                                 "/sdk.js",
                                 "/openapi.json",
                                 "/docs"};
  for (const char* f : kFixed) {
    if (path == f) return f;
  }
  if (path.rfind("/api/", 0) != 0) return "static";
  static const std::string kCollections[] = {"projects", "sessions"};
  static const std::string kChildren[] = {"events",    "video",    "thumbnail", "heatmap",
                                          "keyframes", "analysis", "render",    "analyze",
                                          "api-keys",  "usage"};
  auto known = [](const auto& names, const std::string& part) {
    return std::find(std::begin(names), std::end(names), part) != std::end(names);
  };
  std::vector<std::string> parts = incuera::internal::Split(path, '/');  // "api", ...
  std::string out = "/api";
  for (size_t i = 1; i < parts.size() && i < 5; ++i) {
    bool id = i == 2 || i == 4;
    bool ok = i == 1 ? known(kCollections, parts[i]) : known(kChildren, parts[i]);
    out += id ? "/{id}" : ok ? "/" + parts[i] : "/{other}";
  }
  return out;
}

}  // namespace incuera::http::internal
