#include "rrweb/event_json.h"

#include <boost/json/parse.hpp>
#include <boost/json/parse_options.hpp>

namespace incuera::internal {

std::string NestingMessage() {
  return "JSON nested deeper than " + std::to_string(kMaxJsonDepth) + " levels";
}

Result<boost::json::value> ParseEventJson(std::string_view text, std::string_view what,
                                          boost::json::storage_ptr storage) {
  boost::json::parse_options options;
  options.max_depth = kMaxJsonDepth;
  boost::system::error_code ec;
  boost::json::value value = boost::json::parse(text, ec, std::move(storage), options);
  if (ec == boost::json::error::too_deep) {
    return InvalidArgument(std::string(what) + " is not valid JSON: " + NestingMessage());
  }
  if (ec) return InvalidArgument(std::string(what) + " is not valid JSON: " + ec.message());
  return value;
}

}  // namespace incuera::internal
