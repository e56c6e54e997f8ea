// Per-project quotas: what a project's public ingest key may cost — new
// sessions per hour, events per day, minutes of recording rendered per day.
//
// Limits come from the project's settings.quotas, else the server's
// QuotaOptions (options.h); 0 is no limit. Windows are clock hours and UTC
// days. Counters live in the database (QuotaRepository), one row per
// project, quota and window, so several servers count together. A new
// session or a render is one conditional upsert; events are counted in the
// process and added to the database at most once a second per project (or
// once 1 % of the limit is pending), so a batch costs no write of its own and
// several servers may together pass the day's limit by about a second of
// traffic.
//
// IngestService charges sessions and events, the worker charges renders; the
// admin API shows the usage (GET /api/projects/{ref}/quota).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "incuera/model.h"
#include "incuera/options.h"
#include "incuera/status.h"

namespace incuera {

class Store;

// The limits in force for one project (0: no limit).
struct QuotaLimits {
  std::int64_t sessions_per_hour = 0;
  std::int64_t events_per_day = 0;
  std::int64_t render_minutes_per_day = 0;
};

// One quota's state in its current window.
struct QuotaUsage {
  std::int64_t limit = 0;     // 0: no limit
  std::int64_t used = 0;      // render minutes: milliseconds rendered / 60000, rounded up
  bool from_project = false;  // the limit is the project's own (else the server's)
  TimeMs window_start = 0;
  TimeMs resets_at = 0;  // when the next window starts
};

struct ProjectQuotaUsage {
  QuotaUsage sessions_per_hour;
  QuotaUsage events_per_day;
  QuotaUsage render_minutes_per_day;
};

// The quota checks and counters over a Store, which must outlive it.
// Thread-safe. A refused charge is
// ResourceExhausted with a retry hint (Status::retry_after_seconds) that
// points at the end of the window, and counts nothing.
class Quotas {
 public:
  Quotas(Store& store, const QuotaOptions& defaults, std::function<TimeMs()> clock = NowMs);
  ~Quotas();
  Quotas(const Quotas&) = delete;
  Quotas& operator=(const Quotas&) = delete;

  // The limits in force for `project`.
  QuotaLimits LimitsFor(const Project& project) const;

  // Counts one new session in the current hour.
  Status ChargeSession(const Project& project);
  // Counts `events` events in the current day (a batch is taken whole while
  // the day's count is under the limit).
  Status ChargeEvents(const Project& project, std::int64_t events);
  // Counts `recording_ms` of recording to be rendered today. The refusal is
  // final (not retryable): a render is not worth retrying within the day.
  Status ChargeRender(const Project& project, std::int64_t recording_ms);

  // The three quotas' limits and current usage.
  Result<ProjectQuotaUsage> Usage(const Project& project);

  // Deletes the counters of windows that ended more than a day ago; returns
  // how many rows went. Run by the worker's sweep.
  Result<std::int64_t> DeleteExpired();

 private:
  struct EventTallies;

  Status Charge(const Project& project, const std::string& counter, std::int64_t window_ms,
                std::int64_t amount, std::int64_t limit, const std::string& refusal);
  // Adds the project's pending events to the database's counter. Needs
  // events_->mu held.
  Status WriteEvents(const std::string& project_id, TimeMs now);

  Store& store_;
  QuotaOptions defaults_;
  std::function<TimeMs()> clock_;
  std::unique_ptr<EventTallies> events_;
};

}  // namespace incuera
