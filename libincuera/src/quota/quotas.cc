#include <algorithm>
#include <mutex>
#include <optional>
#include <unordered_map>

#include "incuera/quota.h"
#include "incuera/store.h"

namespace incuera {
namespace {

constexpr std::int64_t kHourMs = 3'600'000;
constexpr std::int64_t kDayMs = 24 * kHourMs;
constexpr std::int64_t kMinuteMs = 60'000;

// Counter names (the quota_usage.counter column).
constexpr char kSessions[] = "sessions";
constexpr char kEvents[] = "events";
constexpr char kRenderMs[] = "render_ms";

TimeMs WindowStart(TimeMs now, std::int64_t window_ms) { return now - now % window_ms; }

std::int64_t Pick(const std::optional<std::int64_t>& own, std::int64_t server) {
  return own ? *own : server;
}

// The refusal of a charge in the window that started at `start`: retry when
// the next window starts.
Status Refusal(const std::string& what, TimeMs start, std::int64_t window_ms, TimeMs now) {
  auto wait = static_cast<int>((start + window_ms - now + 999) / 1000);
  return ResourceExhausted("quota exceeded: " + what + " for this project; try again in " +
                           std::to_string(wait) + " s")
      .WithRetryAfter(wait);
}

// How long events counted here wait before they are added to the database's
// counter, and the share of the limit they may reach meanwhile.
constexpr std::int64_t kEventFlushMs = 1'000;
constexpr std::int64_t kEventFlushShare = 100;  // 1 %

}  // namespace

// Events counted by this process per project in the current day, added to
// the database's counter at most once a second (or once 1 % of the limit is
// pending), so a batch costs no database write of its own.
struct Quotas::EventTallies {
  struct Tally {
    TimeMs window_start = 0;
    std::int64_t used = 0;     // the database's counter when last written
    std::int64_t pending = 0;  // counted here since
    TimeMs written_at = 0;
  };
  std::mutex mu;
  std::unordered_map<std::string, Tally> by_project;  // guarded by mu
};

Quotas::Quotas(Store& store, const QuotaOptions& defaults, std::function<TimeMs()> clock)
    : store_(store),
      defaults_(defaults),
      clock_(std::move(clock)),
      events_(std::make_unique<EventTallies>()) {}

Quotas::~Quotas() = default;

QuotaLimits Quotas::LimitsFor(const Project& project) const {
  const ProjectQuotas& own = project.settings.quotas;
  return {Pick(own.sessions_per_hour, defaults_.sessions_per_hour),
          Pick(own.events_per_day, defaults_.events_per_day),
          Pick(own.render_minutes_per_day, defaults_.render_minutes_per_day)};
}

Status Quotas::Charge(const Project& project, const std::string& counter, std::int64_t window_ms,
                      std::int64_t amount, std::int64_t limit, const std::string& refusal) {
  if (limit <= 0 || amount <= 0) return OkStatus();
  TimeMs now = clock_();
  TimeMs start = WindowStart(now, window_ms);
  INCUERA_ASSIGN_OR_RETURN(QuotaCharge charge,
                           store_.quotas().Charge(project.id, counter, start, amount, limit));
  if (charge.charged) return OkStatus();
  return Refusal(refusal, start, window_ms, now);
}

Status Quotas::ChargeSession(const Project& project) {
  std::int64_t limit = LimitsFor(project).sessions_per_hour;
  return Charge(project, kSessions, kHourMs, 1, limit,
                std::to_string(limit) + " new sessions per hour");
}

Status Quotas::ChargeEvents(const Project& project, std::int64_t events) {
  const std::int64_t limit = LimitsFor(project).events_per_day;
  if (limit <= 0 || events <= 0) return OkStatus();
  const TimeMs now = clock_();
  const TimeMs start = WindowStart(now, kDayMs);
  std::lock_guard lock(events_->mu);
  EventTallies::Tally& tally = events_->by_project[project.id];
  if (tally.window_start != start) tally = {start, 0, 0, 0};  // written at once
  if (tally.used + tally.pending >= limit) {
    // What is pending is written first, so other servers see the day full.
    INCUERA_RETURN_IF_ERROR(WriteEvents(project.id, now));
    return Refusal(std::to_string(limit) + " events per day", start, kDayMs, now);
  }
  tally.pending += events;
  if (tally.pending >= std::max<std::int64_t>(1, limit / kEventFlushShare) ||
      now - tally.written_at >= kEventFlushMs) {
    return WriteEvents(project.id, now);
  }
  return OkStatus();
}

Status Quotas::WriteEvents(const std::string& project_id, TimeMs now) {
  EventTallies::Tally& tally = events_->by_project[project_id];
  tally.written_at = now;
  if (tally.pending == 0) return OkStatus();
  // Added whatever the counter says (no ceiling): these events were
  // accepted already.
  INCUERA_ASSIGN_OR_RETURN(
      QuotaCharge charge,
      store_.quotas().Charge(project_id, kEvents, tally.window_start, tally.pending, /*limit=*/0));
  tally.used = charge.used;
  tally.pending = 0;
  return OkStatus();
}

Status Quotas::ChargeRender(const Project& project, std::int64_t recording_ms) {
  std::int64_t minutes = LimitsFor(project).render_minutes_per_day;
  // At least a millisecond: an empty recording still costs a render.
  Status s = Charge(project, kRenderMs, kDayMs, std::max<std::int64_t>(recording_ms, 1),
                    minutes * kMinuteMs, std::to_string(minutes) + " render minutes per day");
  if (s.code() != StatusCode::kResourceExhausted) return s;
  return Status(StatusCode::kResourceExhausted, "render quota exceeded", /*retryable=*/false)
      .WithRetryAfter(s.retry_after_seconds());
}

Result<ProjectQuotaUsage> Quotas::Usage(const Project& project) {
  const QuotaLimits limits = LimitsFor(project);
  {  // this process's pending events count too
    std::lock_guard lock(events_->mu);
    auto it = events_->by_project.find(project.id);
    if (it != events_->by_project.end() && it->second.pending > 0) {
      INCUERA_RETURN_IF_ERROR(WriteEvents(project.id, clock_()));
    }
  }
  const ProjectQuotas& own = project.settings.quotas;
  const TimeMs now = clock_();
  auto read = [&](const char* counter, std::int64_t window_ms, std::int64_t limit,
                  bool from_project) -> Result<QuotaUsage> {
    QuotaUsage u;
    u.limit = limit;
    u.from_project = from_project;
    u.window_start = WindowStart(now, window_ms);
    u.resets_at = u.window_start + window_ms;
    INCUERA_ASSIGN_OR_RETURN(u.used, store_.quotas().Used(project.id, counter, u.window_start));
    return u;
  };
  ProjectQuotaUsage out;
  INCUERA_ASSIGN_OR_RETURN(out.sessions_per_hour, read(kSessions, kHourMs, limits.sessions_per_hour,
                                                       own.sessions_per_hour.has_value()));
  INCUERA_ASSIGN_OR_RETURN(out.events_per_day, read(kEvents, kDayMs, limits.events_per_day,
                                                    own.events_per_day.has_value()));
  INCUERA_ASSIGN_OR_RETURN(out.render_minutes_per_day,
                           read(kRenderMs, kDayMs, limits.render_minutes_per_day,
                                own.render_minutes_per_day.has_value()));
  out.render_minutes_per_day.used = (out.render_minutes_per_day.used + kMinuteMs - 1) / kMinuteMs;
  return out;
}

Result<std::int64_t> Quotas::DeleteExpired() {
  // Yesterday's daily windows stay for a day after they end, so the usage
  // of a window that just reset can still be looked at.
  return store_.quotas().DeleteBefore(WindowStart(clock_(), kDayMs) - kDayMs);
}

}  // namespace incuera
