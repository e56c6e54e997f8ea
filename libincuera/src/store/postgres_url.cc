#include "store/postgres_url.h"

#include <boost/url/parse.hpp>

#include "core/text.h"
#include "incuera/options.h"

namespace incuera::internal {
namespace {

// One "key='value' " pair of a libpq conninfo string.
std::string ConninfoPair(std::string_view key, std::string_view value) {
  std::string out = std::string(key) + "='";
  for (char c : value) {
    if (c == '\\' || c == '\'') out += '\\';
    out += c;
  }
  return out + "' ";
}

}  // namespace

Result<std::string> PostgresConninfo(const std::string& url) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("bad PostgreSQL URL '" + RedactUrl(url) + "': " + std::string(why));
  };
  boost::system::result<boost::urls::url_view> parsed = boost::urls::parse_uri(url);
  if (!parsed) return bad(parsed.error().message());
  const boost::urls::url_view& u = *parsed;
  if (u.scheme() != "postgresql" && u.scheme() != "postgres") {
    return bad("the scheme must be postgresql://");
  }
  std::string info;
  if (!u.user().empty()) info += ConninfoPair("user", u.user());
  if (u.has_password()) info += ConninfoPair("password", u.password());
  if (!u.encoded_host_address().empty()) info += ConninfoPair("host", u.host_address());
  if (u.has_port() && !u.port().empty()) {
    if (!ParsePort(u.port())) return bad("the port must be within 1..65535");
    info += ConninfoPair("port", u.port());
  }
  std::string dbname = u.path();
  if (!dbname.empty() && dbname.front() == '/') dbname.erase(0, 1);
  if (dbname.find('/') != std::string::npos) return bad("the path must be one database name");
  if (!dbname.empty()) info += ConninfoPair("dbname", dbname);
  for (const boost::urls::param& p : u.params()) {
    if (p.key.empty() || !p.has_value) return bad("an option must read name=value");
    info += ConninfoPair(p.key, p.value);
  }
  return info;
}

}  // namespace incuera::internal
