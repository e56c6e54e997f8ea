#include <boost/json.hpp>

#include "incuera/http.h"

namespace incuera::http {

int HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kUnauthenticated:
      return 401;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kUnimplemented:
      return 501;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

void WriteError(Response& res, const Status& status) {
  res.status = HttpStatusFor(status.code());
  if (status.retry_after_seconds() > 0) {
    res.set_header("Retry-After", std::to_string(status.retry_after_seconds()));
  }
  // Internal errors may carry SQL or library text: clients get a generic line.
  std::string message =
      status.code() == StatusCode::kInternal ? "internal error" : status.message();
  boost::json::object error{{"code", StatusCodeName(status.code())}, {"message", message}};
  res.set_content(boost::json::serialize(boost::json::object{{"error", error}}),
                  "application/json");
}

}  // namespace incuera::http
