// The db JobQueue: the jobs table of the store's database, opened by
// Store::OpenQueue(). A lease is one
// transaction that picks the oldest due queued row and marks it leased with a
// fresh token; PostgreSQL picks with FOR UPDATE SKIP LOCKED so concurrent
// workers never wait on each other, SQLite serialises writers with BEGIN
// IMMEDIATE. Every later state change is an UPDATE guarded by the token.
#include "core/text.h"
#include "queue/queue_internal.h"
#include "store/store_internal.h"

namespace incuera::internal {
namespace {

constexpr const char* kReadJob =
    "SELECT id, kind, session_id, dedup_key, payload, state, attempts, max_attempts, run_at, "
    "COALESCE(lease_until, 0), lease_token, last_error, created_at FROM jobs WHERE id = :id";

// Reads the job `id`; nullopt when there is no such row.
Result<std::optional<Job>> ReadJob(Connection& c, const std::string& id) {
  Job job;
  std::string state;
  long long run_at = 0, lease_until = 0, created_at = 0;
  bool found = c.Run(kReadJob, soci::into(job.id), soci::into(job.kind), soci::into(job.session_id),
                     soci::into(job.dedup_key), soci::into(job.payload), soci::into(state),
                     soci::into(job.attempts), soci::into(job.max_attempts), soci::into(run_at),
                     soci::into(lease_until), soci::into(job.lease_token),
                     soci::into(job.last_error), soci::into(created_at), soci::use(id))
                   .got_data;
  if (!found) return std::optional<Job>();
  INCUERA_ASSIGN_OR_RETURN(job.state, ParseJobState(state));
  job.run_at = run_at;
  job.lease_until = lease_until;
  job.created_at = created_at;
  return std::optional<Job>(std::move(job));
}

// Reads a job that must exist (it was just written in the same transaction).
Result<Job> MustReadJob(Connection& c, const std::string& id) {
  INCUERA_ASSIGN_OR_RETURN(std::optional<Job> job, ReadJob(c, id));
  if (!job) return Internal("job " + id + " vanished");
  return std::move(*job);
}

// Stateless apart from the Database reference; thread-safe because every
// call leases its own pooled connection.
class DbJobQueue final : public JobQueue {
 public:
  explicit DbJobQueue(Database& db) : db_(db) {}

  Result<Job> Enqueue(const Job& job) override {
    INCUERA_ASSIGN_OR_RETURN(Job fresh, PrepareNewJob(job, db_.Now()));
    // A concurrent enqueue of the same key can win between our lookup and
    // our insert; the partial unique index then refuses ours and the next
    // round finds the winner.
    for (int round = 0;; ++round) {
      std::optional<Job> existing;
      Status status = db_.InTransaction([&](Connection& c) -> Status {
        std::string id;
        if (c.Run("SELECT id FROM jobs WHERE dedup_key = :k AND state IN ('queued', 'leased')",
                  soci::into(id), soci::use(fresh.dedup_key))
                .got_data) {
          INCUERA_ASSIGN_OR_RETURN(existing, ReadJob(c, id));
          return OkStatus();
        }
        long long run_at = fresh.run_at, created_at = fresh.created_at;
        c.Run(
            "INSERT INTO jobs (id, kind, session_id, dedup_key, payload, state, attempts, "
            "max_attempts, run_at, lease_token, last_error, created_at, updated_at) VALUES "
            "(:id, :kind, :sid, :dk, :payload, 'queued', 0, :max, :run_at, '', '', :c1, :c2)",
            soci::use(fresh.id), soci::use(fresh.kind), soci::use(fresh.session_id),
            soci::use(fresh.dedup_key), soci::use(fresh.payload), soci::use(fresh.max_attempts),
            soci::use(run_at), soci::use(created_at), soci::use(created_at));
        return OkStatus();
      });
      if (status.ok()) return existing ? std::move(*existing) : fresh;
      if (status.code() != StatusCode::kAlreadyExists || round >= 3) return status;
    }
  }

  Result<std::optional<Job>> Lease(const std::vector<std::string>& kinds,
                                   std::chrono::milliseconds lease) override {
    long long now = db_.Now(), lease_until = now + lease.count();
    std::string token = HexEncode(RandomBytes(16));
    std::optional<Job> leased;
    Status status = db_.InTransaction([&](Connection& c) -> Status {
      std::string sql = "SELECT id FROM jobs WHERE state = 'queued' AND run_at <= :now";
      if (!kinds.empty()) {
        std::vector<std::string> names;
        for (size_t i = 0; i < kinds.size(); ++i) names.push_back(":k" + std::to_string(i));
        sql += " AND kind IN (" + Join(names, ", ") + ")";
      }
      sql += " ORDER BY run_at, created_at LIMIT 1";
      if (db_.dialect() == Dialect::kPostgres) sql += " FOR UPDATE SKIP LOCKED";
      std::string id;
      soci::indicator ind = soci::i_null;
      bool found = c.Run(sql, soci::into(id, ind), soci::use(now, "now"), [&](soci::statement& st) {
                      for (size_t i = 0; i < kinds.size(); ++i) {
                        st.exchange(soci::use(kinds[i], "k" + std::to_string(i)));
                      }
                    }).got_data;
      if (!found || ind != soci::i_ok) return OkStatus();
      c.Run(
          "UPDATE jobs SET state = 'leased', attempts = attempts + 1, lease_until = :lu, "
          "lease_token = :tok, updated_at = :now WHERE id = :id",
          soci::use(lease_until), soci::use(token), soci::use(now), soci::use(id));
      INCUERA_ASSIGN_OR_RETURN(leased, MustReadJob(c, id));
      return OkStatus();
    });
    if (!status.ok()) return status;
    return leased;
  }

  Status Extend(const Job& job, std::chrono::milliseconds lease) override {
    long long now = db_.Now(), lease_until = now + lease.count();
    return UpdateLeased(job, "lease_until = :lu, updated_at = :now", soci::use(lease_until, "lu"),
                        soci::use(now, "now"));
  }

  Status Ack(const Job& job) override {
    long long now = db_.Now();
    return UpdateLeased(job,
                        "state = 'done', lease_until = NULL, lease_token = '', updated_at = :now",
                        soci::use(now, "now"));
  }

  Status Fail(const Job& job, const std::string& error, bool retryable,
              std::chrono::milliseconds backoff_base) override {
    long long now = db_.Now();
    long long retry_at = now + RetryDelay(backoff_base, job.attempts).count();
    int retry = retryable ? 1 : 0;
    // Retry while attempts remain, else dead-letter: one statement, so the
    // decision uses the row's own attempts under the row lock.
    return UpdateLeased(job,
                        "state = CASE WHEN :r1 = 1 AND attempts < max_attempts THEN 'queued' "
                        "ELSE 'dead' END, run_at = CASE WHEN :r2 = 1 AND attempts < "
                        "max_attempts THEN :retry_at ELSE run_at END, last_error = :err, "
                        "lease_until = NULL, lease_token = '', updated_at = :now",
                        soci::use(retry, "r1"), soci::use(retry, "r2"),
                        soci::use(retry_at, "retry_at"), soci::use(error, "err"),
                        soci::use(now, "now"));
  }

  Status Release(const Job& job) override {
    long long now = db_.Now();
    return UpdateLeased(job,
                        "state = 'queued', attempts = attempts - 1, lease_until = NULL, "
                        "lease_token = '', updated_at = :now",
                        soci::use(now, "now"));
  }

  Result<int> SweepExpired() override {
    long long now = db_.Now();
    long long swept = 0;
    Status status = db_.Write([&](Connection& c) -> Status {
      swept = c.Run(
                   "UPDATE jobs SET "
                   "state = CASE WHEN attempts < max_attempts THEN 'queued' ELSE 'dead' END, "
                   "run_at = CASE WHEN attempts < max_attempts THEN :n1 ELSE run_at END, "
                   "last_error = CASE WHEN attempts < max_attempts THEN last_error "
                   "ELSE 'lease expired after the last attempt' END, "
                   "lease_until = NULL, lease_token = '', updated_at = :n2 "
                   "WHERE state = 'leased' AND lease_until < :n3",
                   soci::use(now, "n1"), soci::use(now, "n2"), soci::use(now, "n3"))
                  .affected_rows;
      return OkStatus();
    });
    if (!status.ok()) return status;
    return static_cast<int>(swept);
  }

  Result<QueueStats> Stats() override {
    QueueStats stats;
    Status status = db_.With([&](Connection& c) -> Status {
      const std::pair<std::string, std::int64_t*> counters[] = {
          {"queued", &stats.queued}, {"leased", &stats.leased}, {"dead", &stats.dead}};
      for (const auto& [state, count] : counters) {
        long long n = 0;
        c.Run("SELECT COUNT(*) FROM jobs WHERE state = :s", soci::into(n), soci::use(state));
        *count = n;
      }
      return OkStatus();
    });
    if (!status.ok()) return status;
    return stats;
  }

  Result<std::vector<Job>> ListDead(int limit) override {
    std::vector<Job> jobs;
    if (limit <= 0) return jobs;
    Status status = db_.With([&](Connection& c) -> Status {
      std::string id;
      return c.ForEachRow(
          "SELECT id FROM jobs WHERE state = 'dead' ORDER BY updated_at DESC, id LIMIT :n",
          [&]() -> Status {
            INCUERA_ASSIGN_OR_RETURN(Job job, MustReadJob(c, id));
            jobs.push_back(std::move(job));
            return OkStatus();
          },
          soci::into(id), soci::use(limit));
    });
    if (!status.ok()) return status;
    return jobs;
  }

  std::string_view backend() const override { return "db"; }

 private:
  // Runs "UPDATE jobs SET <set> WHERE <the caller holds the lease>"; `uses`
  // bind the named parameters of `set`. FailedPrecondition when no row
  // matched (the lease expired, was swept, released or finished).
  template <class... Uses>
  Status UpdateLeased(const Job& job, const std::string& set, const Uses&... uses) {
    long long affected = 0;
    Status status = db_.Write([&](Connection& c) -> Status {
      affected = c.Run("UPDATE jobs SET " + set +
                           " WHERE id = :id AND state = 'leased' AND lease_token = :tok",
                       uses..., soci::use(job.id, "id"), soci::use(job.lease_token, "tok"))
                     .affected_rows;
      return OkStatus();
    });
    if (!status.ok()) return status;
    if (affected == 0) return LeaseLost(job);
    return OkStatus();
  }

  Database& db_;
};

}  // namespace

std::unique_ptr<JobQueue> NewDbJobQueue(Database& db) { return std::make_unique<DbJobQueue>(db); }

}  // namespace incuera::internal
