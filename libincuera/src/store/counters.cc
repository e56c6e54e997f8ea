// Counters: one row per name, incremented in place so concurrent writers
// (several workers, the CLI) never lose an addition.
#include "store/store_internal.h"

namespace incuera::internal {
namespace {

class SociCounterRepository final : public CounterRepository {
 public:
  explicit SociCounterRepository(Database& db) : db_(db) {}

  Status Add(const std::string& name, std::int64_t delta) override {
    if (name.empty()) return InvalidArgument("counter without a name");
    return db_.Write([&](Connection& c) {
      c.Run(
          "INSERT INTO counters (name, value) VALUES (:n, :v) "
          "ON CONFLICT (name) DO UPDATE SET value = counters.value + excluded.value",
          soci::use(name), soci::use(delta));
      return OkStatus();
    });
  }

  Result<std::map<std::string, std::int64_t>> All() override {
    std::map<std::string, std::int64_t> out;
    INCUERA_RETURN_IF_ERROR(db_.With([&](Connection& c) {
      std::string name;
      std::int64_t value = 0;
      return c.ForEachRow(
          "SELECT name, value FROM counters", [&] { out[name] = value; }, soci::into(name),
          soci::into(value));
    }));
    return out;
  }

 private:
  Database& db_;
};

}  // namespace

std::unique_ptr<CounterRepository> NewCounterRepository(Database& db) {
  return std::make_unique<SociCounterRepository>(db);
}

}  // namespace incuera::internal
