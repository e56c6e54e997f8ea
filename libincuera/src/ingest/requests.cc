// The small ingest bodies (/start, /end, /heartbeat), parsed into a DOM with
// boost::json::parse: they are a few hundred bytes, so a SAX pass buys
// nothing.
#include <boost/json.hpp>
#include <string>

#include "core/text.h"
#include "incuera/ingest.h"

namespace incuera {
namespace {

namespace json = boost::json;

// The object a body holds, or InvalidArgument.
Result<json::object> ParseObject(std::string_view body) {
  json::error_code ec;
  json::value value = json::parse(json::string_view(body.data(), body.size()), ec);
  if (ec) return InvalidArgument("body is not valid JSON: " + ec.message());
  if (!value.is_object()) return InvalidArgument("body must be a JSON object");
  return std::move(value.as_object());
}

// Field `key` of `object`, or nullptr when absent or null.
const json::value* Find(const json::object& object, std::string_view key) {
  const json::value* value = object.if_contains(json::string_view(key.data(), key.size()));
  return value == nullptr || value->is_null() ? nullptr : value;
}

// The longest value each stored text field may have, in bytes: generous
// for real pages (URLs past 16 KiB are refused by most servers already), and
// a bound on what one session row and every listing of it costs.
std::size_t MaxBytes(std::string_view key) {
  if (key == "url" || key == "referrer") return 16u << 10;
  if (key == "userAgent") return 2048;
  if (key == "userEmail") return 320;  // RFC 5321's longest address
  return 256;                          // userId, reason, apiKey
}

// Control characters are dropped: an odd SDK or a crafted URL should not
// cost the session, and PostgreSQL would cut the text at a NUL anyway.
Status ReadString(const json::object& object, std::string_view key, std::string& out) {
  const json::value* value = Find(object, key);
  if (value == nullptr) return OkStatus();
  if (!value->is_string()) return InvalidArgument(std::string(key) + " must be a string");
  if (value->as_string().size() > MaxBytes(key)) {
    return InvalidArgument(std::string(key) + " is longer than " + std::to_string(MaxBytes(key)) +
                           " bytes");
  }
  out = internal::WithoutControlChars(std::string_view(value->as_string()));
  return OkStatus();
}

// Like ReadString, but an integer is accepted and kept as its digits (SDKs
// pass numeric user ids through).
Status ReadId(const json::object& object, std::string_view key, std::string& out) {
  const json::value* value = Find(object, key);
  if (value != nullptr && value->is_int64()) {
    out = std::to_string(value->as_int64());
    return OkStatus();
  }
  if (value != nullptr && value->is_uint64()) {
    out = std::to_string(value->as_uint64());
    return OkStatus();
  }
  return ReadString(object, key, out);
}

Status ReadInt(const json::object& object, std::string_view key, std::int64_t& out) {
  const json::value* value = Find(object, key);
  if (value == nullptr) return OkStatus();
  if (value->is_int64()) {
    out = value->as_int64();
  } else if (value->is_uint64() && value->as_uint64() <= INT64_MAX) {
    out = static_cast<std::int64_t>(value->as_uint64());
  } else if (value->is_double() && value->as_double() > -9e15 && value->as_double() < 9e15) {
    out = static_cast<std::int64_t>(value->as_double());
  } else {
    return InvalidArgument(std::string(key) + " must be a number");
  }
  return OkStatus();
}

// {width, height} sub-objects of the start metadata.
Status ReadSize(const json::object& object, std::string_view key, int& width, int& height) {
  const json::value* value = Find(object, key);
  if (value == nullptr) return OkStatus();
  if (!value->is_object()) return InvalidArgument(std::string(key) + " must be an object");
  std::int64_t w = 0, h = 0;
  INCUERA_RETURN_IF_ERROR(ReadInt(value->as_object(), "width", w));
  INCUERA_RETURN_IF_ERROR(ReadInt(value->as_object(), "height", h));
  if (w < 0 || h < 0 || w > 1'000'000 || h > 1'000'000) {
    return InvalidArgument(std::string(key) + " is out of range");
  }
  width = static_cast<int>(w);
  height = static_cast<int>(h);
  return OkStatus();
}

// Read as sent (not cleaned like other text): an id that is not valid is
// refused here as it is by the batch parser.
Status ReadSessionId(const json::object& object, std::string& out) {
  const json::value* value = Find(object, "sessionId");
  if (value == nullptr) return InvalidArgument("sessionId is missing");
  if (!value->is_string()) return InvalidArgument("sessionId must be a string");
  out.assign(value->as_string().data(), value->as_string().size());
  return ValidateSessionId(out);
}

}  // namespace

Result<StartRequest> ParseStartBody(std::string_view body) {
  INCUERA_ASSIGN_OR_RETURN(json::object object, ParseObject(body));
  StartRequest request;
  INCUERA_RETURN_IF_ERROR(ReadSessionId(object, request.session_id));
  INCUERA_RETURN_IF_ERROR(ReadId(object, "userId", request.user_id));
  INCUERA_RETURN_IF_ERROR(ReadString(object, "userEmail", request.user_email));
  const json::value* metadata = Find(object, "metadata");
  if (metadata == nullptr) return request;
  if (!metadata->is_object()) return InvalidArgument("metadata must be an object");
  const json::object& meta = metadata->as_object();
  INCUERA_RETURN_IF_ERROR(ReadString(meta, "url", request.url));
  INCUERA_RETURN_IF_ERROR(ReadString(meta, "referrer", request.referrer));
  INCUERA_RETURN_IF_ERROR(ReadString(meta, "userAgent", request.user_agent));
  INCUERA_RETURN_IF_ERROR(ReadSize(meta, "screen", request.screen_width, request.screen_height));
  INCUERA_RETURN_IF_ERROR(
      ReadSize(meta, "viewport", request.viewport_width, request.viewport_height));
  INCUERA_RETURN_IF_ERROR(ReadInt(meta, "timestamp", request.timestamp));
  return request;
}

Result<EndRequest> ParseEndBody(std::string_view body) {
  INCUERA_ASSIGN_OR_RETURN(json::object object, ParseObject(body));
  EndRequest request;
  INCUERA_RETURN_IF_ERROR(ReadSessionId(object, request.session_id));
  INCUERA_RETURN_IF_ERROR(ReadInt(object, "timestamp", request.timestamp));
  INCUERA_RETURN_IF_ERROR(ReadString(object, "reason", request.reason));
  INCUERA_RETURN_IF_ERROR(ReadString(object, "apiKey", request.api_key));
  if (Find(object, "finalEventCount") != nullptr) {
    std::int64_t count = 0;
    INCUERA_RETURN_IF_ERROR(ReadInt(object, "finalEventCount", count));
    request.final_event_count = count;
  }
  return request;
}

Result<HeartbeatRequest> ParseHeartbeatBody(std::string_view body) {
  INCUERA_ASSIGN_OR_RETURN(json::object object, ParseObject(body));
  HeartbeatRequest request;
  INCUERA_RETURN_IF_ERROR(ReadSessionId(object, request.session_id));
  INCUERA_RETURN_IF_ERROR(ReadInt(object, "timestamp", request.timestamp));
  return request;
}

}  // namespace incuera
