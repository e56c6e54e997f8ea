#include "rrweb/events.h"

#include "rrweb/event_json.h"

namespace incuera::internal {

ErrorKind ClassifyError(std::int64_t type, std::string_view plugin, std::string_view level,
                        std::string_view tag) {
  switch (AsEventType(type)) {
    case EventType::kPlugin:
      if (plugin == kConsolePlugin && (level == "error" || level == "assert")) {
        return ErrorKind::kConsole;
      }
      return ErrorKind::kNone;
    case EventType::kCustom:
      if (tag == kUncaughtErrorTag) return ErrorKind::kUncaught;
      if (tag == kUnhandledRejectionTag) return ErrorKind::kUnhandledRejection;
      return ErrorKind::kNone;
    default:
      return ErrorKind::kNone;
  }
}

ErrorKind ClassifyError(const boost::json::object& event) {
  const boost::json::object* data = AsObject(Field(event, "data"));
  if (data == nullptr) return ErrorKind::kNone;
  const boost::json::object* payload = AsObject(Field(*data, "payload"));
  return ClassifyError(AsInt(Field(event, "type"), -1), AsString(Field(*data, "plugin")),
                       payload ? AsString(Field(*payload, "level")) : std::string_view(),
                       AsString(Field(*data, "tag")));
}

const boost::json::array* NetworkRequests(const boost::json::object& data) {
  if (AsString(Field(data, "plugin")) != kNetworkPlugin) return nullptr;
  const boost::json::object* payload = AsObject(Field(data, "payload"));
  return payload ? AsArray(Field(*payload, "requests")) : nullptr;
}

bool IsFailedRequest(const boost::json::object& request) {
  const boost::json::value* failed = Field(request, "failed");
  return IsFailedRequest(AsInt(Field(request, "status")),
                         failed && failed->is_bool() && failed->get_bool());
}

ErrorKind ConsoleErrorKind(std::string_view message) {
  if (message.starts_with("Uncaught (in promise) ")) return ErrorKind::kUnhandledRejection;
  if (message.starts_with("Uncaught ")) return ErrorKind::kUncaught;
  return ErrorKind::kConsole;
}

std::string_view ErrorKindName(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::kConsole:
      return "console";
    case ErrorKind::kUncaught:
      return kUncaughtErrorTag;
    case ErrorKind::kUnhandledRejection:
      return kUnhandledRejectionTag;
    case ErrorKind::kNone:
      break;
  }
  return "";
}

std::string_view MomentKindName(MomentKind kind) {
  switch (kind) {
    case MomentKind::kError:
      return "error";
    case MomentKind::kNavigation:
      return "navigation";
    case MomentKind::kClick:
      return "click";
    case MomentKind::kInput:
      return "input";
  }
  return "";
}

}  // namespace incuera::internal
