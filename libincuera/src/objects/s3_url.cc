#include "objects/s3_url.h"

#include <boost/url/parse.hpp>
#include <map>

#include "core/text.h"
#include "incuera/options.h"

namespace incuera::internal {

Result<S3Config> ParseS3Url(const std::string& url, Env& env) {
  auto bad = [&](std::string_view why) {
    return InvalidArgument("bad S3 URL '" + RedactUrl(url) + "': " + std::string(why));
  };
  boost::system::result<boost::urls::url_view> parsed = boost::urls::parse_uri(url);
  if (!parsed) return bad(parsed.error().message());
  const boost::urls::url_view& u = *parsed;
  if (u.scheme() != "s3") return bad("the scheme must be s3://");
  std::string path = u.path();
  if (u.host().empty() || (!path.empty() && path != "/")) {
    return bad("it needs a bucket name and nothing else before '?': s3://bucket?endpoint=…");
  }
  std::map<std::string, std::string> params;
  for (const boost::urls::param& p : u.params()) params[p.key] = p.value;
  auto take = [&](const std::string& key, std::string fallback) {
    auto it = params.find(key);
    if (it == params.end()) return fallback;
    std::string value = std::move(it->second);
    params.erase(it);
    return value;
  };

  S3Config config;
  config.bucket = u.host();
  config.credentials.service = "s3";
  config.credentials.region = take("region", "us-east-1");
  const std::string endpoint =
      take("endpoint", "https://s3." + config.credentials.region + ".amazonaws.com");
  const std::string path_style = take("path_style", "0");
  config.path_style = path_style == "1" || path_style == "true";
  config.credentials.access_key =
      take("access_key", env.GetVariable("AWS_ACCESS_KEY_ID").value_or(""));
  config.credentials.secret_key =
      take("secret_key", env.GetVariable("AWS_SECRET_ACCESS_KEY").value_or(""));
  if (!params.empty()) {
    return bad("unknown option '" + params.begin()->first +
               "' (want endpoint, region, path_style, access_key, secret_key)");
  }

  boost::system::result<boost::urls::url_view> e = boost::urls::parse_uri(endpoint);
  if (!e || (e->scheme() != "http" && e->scheme() != "https")) {
    return bad("the endpoint must be an http:// or https:// URL");
  }
  if (e->encoded_host().empty()) return bad("the endpoint has no host");
  if (e->has_port() && !ParsePort(e->port()))
    return bad("the endpoint's port must be within 1..65535");
  if (e->has_userinfo() || e->has_query() || e->has_fragment()) {
    return bad("the endpoint takes a scheme, host, port and path only");
  }
  config.scheme = e->scheme();
  config.host = e->encoded_host_and_port();
  config.base_path = e->encoded_path();
  while (!config.base_path.empty() && config.base_path.back() == '/') config.base_path.pop_back();

  if (config.credentials.access_key.empty() || config.credentials.secret_key.empty()) {
    return bad(
        "credentials missing: access_key/secret_key in the URL or AWS_ACCESS_KEY_ID/"
        "AWS_SECRET_ACCESS_KEY");
  }
  return config;
}

}  // namespace incuera::internal
