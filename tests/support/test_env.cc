#include "support/test_env.h"

#include <doctest/doctest.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/text.h"

namespace incuera::test {

std::string DataPath(const std::string& name) {
  return std::string(INCUERA_TEST_DATA_DIR) + "/" + name;
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  REQUIRE_MESSAGE(in.good(), "cannot read " << path);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TempDir::TempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "incuera-test-XXXXXX").string();
  REQUIRE(mkdtemp(tmpl.data()) != nullptr);
  path_ = tmpl;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

static std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

// A build without a backend skips its cases even where the service runs.
std::string PostgresUrl() {
  return INCUERA_TEST_WITH_POSTGRES ? Env("INCUERA_TEST_POSTGRES_URL") : "";
}
std::string RedisUrl() { return INCUERA_TEST_WITH_REDIS ? Env("INCUERA_TEST_REDIS_URL") : ""; }

std::string FreshPostgresDatabase() {
  std::string url = PostgresUrl();
  if (url.empty()) return "";
  PGconn* conn = PQconnectdb(url.c_str());
  REQUIRE_MESSAGE(PQstatus(conn) == CONNECTION_OK, PQerrorMessage(conn));
  std::string name = "t_" + internal::HexEncode(internal::RandomBytes(6));
  PGresult* r = PQexec(conn, ("CREATE DATABASE " + name).c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string err = PQerrorMessage(conn);
  PQclear(r);
  PQfinish(conn);
  REQUIRE_MESSAGE(ok, err);
  size_t slash = url.rfind('/');
  return url.substr(0, slash + 1) + name;
}

std::vector<std::string> StoreUrls(const TempDir& dir) {
  std::vector<std::string> urls = {"sqlite://" + dir.File("test.db")};
  std::string pg = FreshPostgresDatabase();
  if (pg.empty()) {
    MESSAGE("INCUERA_TEST_POSTGRES_URL not set: PostgreSQL cases skipped");
  } else {
    urls.push_back(pg);
  }
  return urls;
}

}  // namespace incuera::test
