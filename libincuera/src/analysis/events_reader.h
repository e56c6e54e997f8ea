// Walks a JSON array of rrweb events one element at a time, so only the
// current event is ever held as a parsed document.
#pragma once

#include <boost/json/object.hpp>
#include <functional>
#include <string_view>

#include "incuera/status.h"

namespace incuera::internal {

// Calls `visit` for every object of the JSON array `array_json`, in order,
// parsing each element on its own. Stops at the first error `visit` returns.
// InvalidArgument when the text is not an array or an element is not a JSON
// object.
Status ForEachEvent(std::string_view array_json,
                    const std::function<Status(const boost::json::object&)>& visit);

}  // namespace incuera::internal
