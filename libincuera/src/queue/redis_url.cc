// ParseRedisUrl: the queue URL read with Boost.URL.
#include <boost/url/parse.hpp>
#include <charconv>

#include "core/text.h"
#include "incuera/options.h"
#include "queue/queue_internal.h"

namespace incuera::internal {

Result<RedisTarget> ParseRedisUrl(const std::string& url) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("bad Redis URL '" + RedactUrl(url) + "': " + std::string(why));
  };
  boost::system::result<boost::urls::url_view> parsed = boost::urls::parse_uri(url);
  if (!parsed) return bad(parsed.error().message());
  const boost::urls::url_view& u = *parsed;
  if (u.scheme() != "redis") return bad("the scheme must be redis://");

  RedisTarget t;
  t.user = u.user();
  if (u.has_password()) t.password = u.password();
  if (!u.encoded_host_address().empty()) t.host = u.host_address();
  if (u.has_port() && !u.port().empty()) {
    std::optional<int> port = ParsePort(u.port());
    if (!port) return bad("the port must be within 1..65535");
    t.port = *port;
  }
  std::string db = u.path();
  if (!db.empty() && db.front() == '/') db.erase(0, 1);
  if (!db.empty()) {
    auto [end, error] = std::from_chars(db.data(), db.data() + db.size(), t.db);
    if (error != std::errc() || end != db.data() + db.size() || t.db < 0) {
      return bad("the path must be a database number, e.g. /0");
    }
  }
  for (const boost::urls::param& param : u.params()) {
    if (param.key != "prefix") return bad("unknown option '" + param.key + "' (want prefix)");
    t.prefix = param.value;
  }
  if (t.prefix.empty()) return bad("the prefix must not be empty");
  return t;
}

}  // namespace incuera::internal
