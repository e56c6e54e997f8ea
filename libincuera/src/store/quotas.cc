// Quota counters over SOCI: one row per (project, counter, window start),
// charged with a single conditional upsert so that several servers sharing
// the database count together and a charge is one round trip.
#include <limits>

#include "store/store_internal.h"

namespace incuera::internal {
namespace {

class SociQuotaRepository final : public QuotaRepository {
 public:
  explicit SociQuotaRepository(Database& db) : db_(db) {}

  Result<QuotaCharge> Charge(const std::string& project_id, const std::string& counter,
                             TimeMs window_start, std::int64_t amount,
                             std::int64_t limit) override {
    if (!IsUuid(project_id)) return NotFound("project not found");
    long long ceiling = limit > 0 ? limit : std::numeric_limits<long long>::max();
    long long add = amount, start = window_start, used = 0;
    QuotaCharge out;
    INCUERA_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
      // The row is only updated while it is under the limit: a refused
      // charge returns no row and changes nothing.
      auto done = c.Run(
          "INSERT INTO quota_usage (project_id, counter, window_start, used) "
          "VALUES (:p, :c, :w, :n) ON CONFLICT (project_id, counter, window_start) "
          "DO UPDATE SET used = quota_usage.used + excluded.used "
          "WHERE quota_usage.used < CAST(:l AS bigint) RETURNING used",
          soci::use(project_id), soci::use(counter), soci::use(start), soci::use(add),
          soci::use(ceiling), soci::into(used));
      out.charged = done.got_data;
      return OkStatus();
    }));
    if (out.charged) {
      out.used = used;
      return out;
    }
    INCUERA_ASSIGN_OR_RETURN(out.used, Used(project_id, counter, window_start));
    return out;
  }

  Result<std::int64_t> Used(const std::string& project_id, const std::string& counter,
                            TimeMs window_start) override {
    if (!IsUuid(project_id)) return NotFound("project not found");
    long long start = window_start, used = 0;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      c.Run(
          "SELECT used FROM quota_usage WHERE project_id = :p AND counter = :c AND "
          "window_start = :w",
          soci::use(project_id), soci::use(counter), soci::use(start), soci::into(used));
      return OkStatus();
    }));
    return static_cast<std::int64_t>(used);
  }

  Result<std::int64_t> DeleteBefore(TimeMs before) override {
    long long cutoff = before;
    long long removed = 0;
    INCUERA_RETURN_IF_ERROR(db_.Write([&](Connection& c) {
      removed =
          c.Run("DELETE FROM quota_usage WHERE window_start < :b", soci::use(cutoff)).affected_rows;
      return OkStatus();
    }));
    return static_cast<std::int64_t>(removed);
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<QuotaRepository> NewQuotaRepository(Database& db) {
  return std::make_unique<SociQuotaRepository>(db);
}

}  // namespace incuera::internal
