// PostgresConninfo: a DATABASE_URL as the conninfo libpq is given.
#include "store/postgres_url.h"

#include <doctest/doctest.h>

namespace incuera::internal {
namespace {

TEST_CASE("a PostgreSQL URL becomes a decoded, quoted conninfo") {
  Result<std::string> info =
      PostgresConninfo("postgresql://app:p%40ss%27w@db.internal:5433/my%20db?sslmode=require");
  REQUIRE(info.ok());
  CHECK(*info ==
        "user='app' password='p@ss\\'w' host='db.internal' port='5433' dbname='my db' "
        "sslmode='require' ");

  Result<std::string> v6 = PostgresConninfo("postgres://[::1]:5432/x");
  REQUIRE(v6.ok());
  CHECK(*v6 == "host='::1' port='5432' dbname='x' ");

  // everything optional: libpq's defaults (PGHOST, the socket, $USER) apply
  Result<std::string> bare = PostgresConninfo("postgresql://");
  REQUIRE(bare.ok());
  CHECK(bare->empty());
}

TEST_CASE("a bad PostgreSQL URL is refused with the reason and without its password") {
  for (const char* url : {"postgresql://u:hunter2@h:port/x", "postgresql://u:hunter2@h:99999/x",
                          "postgresql://u:hunter2@h/x/y", "postgresql://u:hunter2@h/x?sslmode",
                          "postgresql://u:hunter2@h/x y", "mysql://u:hunter2@h/x"}) {
    CAPTURE(std::string(url));
    Result<std::string> info = PostgresConninfo(url);
    REQUIRE_FALSE(info.ok());
    CHECK(info.status().code() == StatusCode::kInvalidArgument);
    CHECK(info.status().message().find("hunter2") == std::string::npos);
  }
}

}  // namespace
}  // namespace incuera::internal
