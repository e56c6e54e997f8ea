// The PostgreSQL database URL, read with Boost.URL.
#pragma once

#include <string>

#include "incuera/status.h"

namespace incuera::internal {

// Turns "postgresql://[user[:password]@][host][:port][/dbname][?option=value…]"
// (or postgres://; RFC 3986, percent-decoded, an IPv6 host in brackets) into
// the key='value' conninfo string SOCI hands to libpq (SOCI 4.0 mangles
// URIs). Options pass through as libpq keywords (sslmode, connect_timeout…).
// InvalidArgument naming what is wrong, with the password redacted.
Result<std::string> PostgresConninfo(const std::string& url);

}  // namespace incuera::internal
