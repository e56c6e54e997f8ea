// ParseIngestBody: a SAX pass over an /api/ingest body with Boost.JSON's
// basic_parser. The handler keeps a role per open container (root, events
// array, event, event.data, event.data.payload, anything else) and captures
// only the few scalars the lifecycle needs; every other value is skipped.
#include <boost/json/basic_parser_impl.hpp>
#include <cmath>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "core/text.h"
#include "incuera/ingest.h"
#include "rrweb/event_json.h"
#include "rrweb/events.h"

namespace incuera {
namespace {

namespace json = boost::json;

// What an open container is, as far as the batch is concerned.
enum class Role : std::uint8_t { kRoot, kEvents, kEvent, kData, kPayload, kOther };

// What the value following the current key means.
enum class Field : std::uint8_t {
  kNone,
  kSessionId,
  kApiKey,
  kSeq,
  kBodyTimestamp,
  kEvents,
  kEventTimestamp,
  kEventType,
  kData,
  kPlugin,
  kTag,
  kHref,
  kPayload,
  kLevel,
};

constexpr std::size_t kMaxSessionIdChars = 128;
// API keys are 48 characters; anything longer is not a key and fails auth.
constexpr std::size_t kMaxApiKeyChars = 128;
// Plugin names, tags and levels internal::ClassifyError compares are short;
// longer values are kept truncated, which can never match.
constexpr std::size_t kMaxTagChars = 64;
constexpr std::size_t kMaxUrlChars = 8192;

class BatchHandler {
 public:
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  BatchHandler(std::string_view body, const IngestLimits& limits, ParsedBatch& out)
      : body_(body), limits_(limits), out_(out) {
    roles_.reserve(16);
  }

  const Status& status() const { return status_; }
  const char* events_begin() const { return events_begin_; }
  // The events array's ']' when it was found on the way: before the key that
  // follows the array, or (array last in the body) before the closing '}'.
  const char* events_end() const {
    if (events_state_ == EventsState::kClosed) {
      return FindArrayEndBefore(body_.data() + body_.size());
    }
    return events_end_;
  }
  bool saw_session_id() const { return saw_session_id_; }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }

  bool on_object_begin(json::error_code& ec) {
    if (roles_.empty()) {
      roles_.push_back(Role::kRoot);
      return true;
    }
    Role parent = roles_.back();
    if (parent == Role::kEvents) {
      if (out_.event_count >= static_cast<std::int64_t>(limits_.max_events)) {
        return Fail(ec, ResourceExhausted("batch has more than " +
                                          std::to_string(limits_.max_events) + " events"));
      }
      StartEvent();
      roles_.push_back(Role::kEvent);
      return true;
    }
    Field field = Take();
    if (field == Field::kEvents) return Fail(ec, InvalidArgument("events must be an array"));
    if (!CheckScalarField(field, ec)) return false;
    Role role = Role::kOther;
    if (field == Field::kData) {
      role = Role::kData;
    } else if (field == Field::kPayload) {
      role = Role::kPayload;
    }
    roles_.push_back(role);
    return true;
  }

  bool on_object_end(std::size_t, json::error_code& ec) {
    Role role = roles_.back();
    roles_.pop_back();
    if (role == Role::kEvent) return FinishEvent(ec);
    return true;
  }

  bool on_array_begin(json::error_code& ec) {
    if (roles_.empty()) return Fail(ec, InvalidArgument("body must be a JSON object"));
    if (roles_.back() == Role::kEvents) return NotAnObject(ec);
    Field field = Take();
    if (field == Field::kEvents) {
      if (events_begin_ != nullptr) return Fail(ec, InvalidArgument("duplicate events field"));
      events_begin_ = FindArrayStart();
      if (events_begin_ == nullptr) {
        return Fail(ec, InvalidArgument("the events key must not contain escape sequences"));
      }
      roles_.push_back(Role::kEvents);
      return true;
    }
    if (!CheckScalarField(field, ec)) return false;
    roles_.push_back(Role::kOther);
    return true;
  }

  bool on_array_end(std::size_t, json::error_code&) {
    if (roles_.back() == Role::kEvents) events_state_ = EventsState::kClosed;
    roles_.pop_back();
    return true;
  }

  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    if (Interesting()) AppendCapped(key_, s, kMaxTagChars);
    key_split_ = true;
    return true;
  }

  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    bool split = key_split_;
    key_split_ = false;
    if (!Interesting()) return true;
    std::string_view key(s.data(), s.size());
    last_key_ = split ? std::string_view() : key;
    if (split) {
      AppendCapped(key_, s, kMaxTagChars);
      key = key_;
    }
    if (events_state_ == EventsState::kClosed && roles_.back() == Role::kRoot) {
      // The key after the events array: its ']' precedes this key's quote.
      events_state_ = EventsState::kFollowed;
      events_end_ = split ? nullptr : FindArrayEndBefore(s.data() - 1);
    }
    pending_ = Classify(roles_.back(), key);
    key_.clear();
    if (pending_ == Field::kSessionId) {
      if (saw_session_id_) return Fail(ec, InvalidArgument("duplicate sessionId field"));
      saw_session_id_ = true;
    }
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t, json::error_code& ec) {
    if (!CheckValuePlace(ec)) return false;
    return OnStringPiece(s, ec);
  }

  bool on_string(json::string_view s, std::size_t, json::error_code& ec) {
    if (!CheckValuePlace(ec) || !OnStringPiece(s, ec)) return false;
    Field field = Take();
    if (field == Field::kSessionId) {
      Status valid = ValidateSessionId(out_.session_id);
      return valid.ok() || Fail(ec, valid);
    }
    return CheckScalarField(field, ec);
  }

  bool on_number_part(json::string_view, json::error_code&) { return true; }

  bool on_int64(std::int64_t i, json::string_view, json::error_code& ec) {
    return OnNumber(static_cast<double>(i), i, true, ec);
  }

  bool on_uint64(std::uint64_t u, json::string_view, json::error_code& ec) {
    bool fits = u <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
    return OnNumber(static_cast<double>(u), fits ? static_cast<std::int64_t>(u) : 0, fits, ec);
  }

  bool on_double(double d, json::string_view, json::error_code& ec) {
    return OnNumber(d, 0, false, ec);
  }

  bool on_bool(bool, json::error_code& ec) {
    return CheckValuePlace(ec) && CheckScalarField(Take(), ec);
  }

  bool on_null(json::error_code& ec) {
    if (!CheckValuePlace(ec)) return false;
    Field field = Take();
    // null means "absent" for the optional body fields.
    if (field == Field::kSeq || field == Field::kBodyTimestamp) return true;
    return CheckScalarField(field, ec);
  }

  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  static Field Classify(Role role, std::string_view key) {
    switch (role) {
      case Role::kRoot:
        if (key == "sessionId") return Field::kSessionId;
        if (key == "apiKey") return Field::kApiKey;
        if (key == "events") return Field::kEvents;
        if (key == "seq") return Field::kSeq;
        if (key == "timestamp") return Field::kBodyTimestamp;
        break;
      case Role::kEvent:
        if (key == "timestamp") return Field::kEventTimestamp;
        if (key == "type") return Field::kEventType;
        if (key == "data") return Field::kData;
        break;
      case Role::kData:
        if (key == "plugin") return Field::kPlugin;
        if (key == "tag") return Field::kTag;
        if (key == "href") return Field::kHref;
        if (key == "payload") return Field::kPayload;
        break;
      case Role::kPayload:
        if (key == "level") return Field::kLevel;
        break;
      default:
        break;
    }
    return Field::kNone;
  }

  bool Interesting() const {
    Role role = roles_.back();
    return role == Role::kRoot || role == Role::kEvent || role == Role::kData ||
           role == Role::kPayload;
  }

  // A scalar is never valid as the whole body or as an element of events.
  bool CheckValuePlace(json::error_code& ec) {
    if (roles_.empty()) return Fail(ec, InvalidArgument("body must be a JSON object"));
    if (roles_.back() == Role::kEvents) return NotAnObject(ec);
    return true;
  }

  Field Take() {
    Field field = pending_;
    pending_ = Field::kNone;
    return field;
  }

  bool Fail(json::error_code& ec, Status status) {
    status_ = std::move(status);
    ec = json::error::syntax;
    return false;
  }

  bool NotAnObject(json::error_code& ec) {
    return Fail(
        ec, InvalidArgument("events[" + std::to_string(out_.event_count) + "] is not an object"));
  }

  // Rejects a container or scalar of the wrong kind for a root field whose
  // type is fixed (scalars of the wrong type are checked by their handlers).
  bool CheckScalarField(Field field, json::error_code& ec) {
    switch (field) {
      case Field::kSessionId:
        return Fail(ec, InvalidArgument("sessionId must be a string"));
      case Field::kSeq:
        return Fail(ec, InvalidArgument("seq must be an integer"));
      case Field::kBodyTimestamp:
        return Fail(ec, InvalidArgument("timestamp must be a number"));
      case Field::kEvents:
        return Fail(ec, InvalidArgument("events must be an array"));
      default:
        return true;
    }
  }

  bool OnStringPiece(json::string_view s, json::error_code& ec) {
    switch (pending_) {
      case Field::kSessionId:
        out_.session_id.append(s.data(), s.size());
        if (out_.session_id.size() > kMaxSessionIdChars) {
          return Fail(ec, InvalidArgument("sessionId is longer than 128 characters"));
        }
        return true;
      case Field::kApiKey:
        AppendCapped(out_.api_key, s, kMaxApiKeyChars);
        return true;
      case Field::kPlugin:
        AppendCapped(plugin_, s, kMaxTagChars);
        return true;
      case Field::kTag:
        AppendCapped(tag_, s, kMaxTagChars);
        return true;
      case Field::kLevel:
        AppendCapped(level_, s, kMaxTagChars);
        return true;
      case Field::kHref:
        // Only the first page's URL is kept, so later hrefs are not copied.
        if (out_.first_url.empty()) AppendCapped(href_, s, kMaxUrlChars);
        return true;
      default:
        return true;
    }
  }

  bool OnNumber(double d, std::int64_t i, bool is_int, json::error_code& ec) {
    if (!CheckValuePlace(ec)) return false;
    switch (Take()) {
      case Field::kSessionId:
        return Fail(ec, InvalidArgument("sessionId must be a string"));
      case Field::kEvents:
        return Fail(ec, InvalidArgument("events must be an array"));
      case Field::kSeq:
        if (!is_int || i < 0)
          return Fail(ec, InvalidArgument("seq must be a non-negative integer"));
        out_.seq = i;
        return true;
      case Field::kBodyTimestamp:
        out_.timestamp = ToTime(d, i, is_int);
        return true;
      case Field::kEventTimestamp:
        event_ts_ = ToTime(d, i, is_int);
        has_ts_ = true;
        return true;
      case Field::kEventType:
        has_type_ = true;
        event_type_ = is_int ? i : -1;
        return true;
      default:
        return true;
    }
  }

  static TimeMs ToTime(double d, std::int64_t i, bool is_int) {
    if (is_int) return i;
    constexpr double kMax = 9.0e15;  // far beyond any real epoch-ms value
    return static_cast<TimeMs>(std::fmax(-kMax, std::fmin(kMax, d)));
  }

  static void AppendCapped(std::string& dst, json::string_view s, std::size_t cap) {
    if (dst.size() >= cap) return;
    dst.append(s.data(), std::min(s.size(), cap - dst.size()));
  }

  void StartEvent() {
    has_ts_ = has_type_ = false;
    event_ts_ = 0;
    event_type_ = -1;
    plugin_.clear();
    tag_.clear();
    level_.clear();
    href_.clear();
  }

  bool FinishEvent(json::error_code& ec) {
    if (!has_ts_ || !has_type_) {
      return Fail(
          ec, InvalidArgument("events[" + std::to_string(out_.event_count) +
                              (has_ts_ ? "] has no numeric type" : "] has no numeric timestamp")));
    }
    if (out_.event_count == 0 || event_ts_ < out_.first_ts) out_.first_ts = event_ts_;
    if (out_.event_count == 0 || event_ts_ > out_.last_ts) out_.last_ts = event_ts_;
    ++out_.event_count;
    if (event_type_ >= 0 && event_type_ < static_cast<std::int64_t>(out_.type_counts.size())) {
      ++out_.type_counts[static_cast<std::size_t>(event_type_)];
    }
    if (internal::IsPageLoad(event_type_)) {
      ++out_.page_count;
      if (out_.first_url.empty()) out_.first_url = internal::WithoutControlChars(href_);
    } else if (internal::ClassifyError(event_type_, plugin_, level_, tag_) !=
               internal::ErrorKind::kNone) {
      ++out_.error_count;
    }
    return true;
  }

  // The '[' that opens the events array: right after the key "events" (which
  // was handed to on_key as a view into the body), a ':' and whitespace.
  const char* FindArrayStart() const {
    const char* begin = body_.data();
    const char* end = begin + body_.size();
    const char* p = last_key_.data();
    if (last_key_.empty() || p < begin || p + last_key_.size() >= end) return nullptr;
    p += last_key_.size() + 1;  // past the closing quote
    while (p < end && *p != '[') ++p;
    return p < end ? p : nullptr;
  }

  // The ']' found by scanning back from `p` (exclusive) over whitespace and
  // one ',' or '}' in a validated body; nullptr when `p` is not in the body.
  const char* FindArrayEndBefore(const char* p) const {
    const char* begin = body_.data();
    if (p <= begin || p > begin + body_.size()) return nullptr;
    const char* q = p - 1;
    while (q > begin && *q != ']') --q;
    return *q == ']' ? q : nullptr;
  }

  std::string_view body_;
  const IngestLimits& limits_;
  ParsedBatch& out_;
  Status status_;
  std::vector<Role> roles_;
  Field pending_ = Field::kNone;
  std::string key_;
  bool key_split_ = false;
  std::string_view last_key_;  // the current key when it is a view into the body
  const char* events_begin_ = nullptr;
  enum class EventsState : std::uint8_t {
    kOpen,
    kClosed,
    kFollowed
  } events_state_ = EventsState::kOpen;
  const char* events_end_ = nullptr;
  bool saw_session_id_ = false;

  // The event being parsed.
  bool has_ts_ = false, has_type_ = false;
  TimeMs event_ts_ = 0;
  std::int64_t event_type_ = -1;
  std::string plugin_, tag_, level_, href_;
};

// The ']' matching the '[' at `open`, in a body the parser has validated:
// only strings (with their escapes) and bracket depth need tracking. Only
// needed when the key after the array was escaped (not a view into the body).
const char* MatchingBracket(const char* open, const char* end) {
  int depth = 0;
  for (const char* p = open; p < end; ++p) {
    char c = *p;
    if (c == '"') {
      for (++p; p < end && *p != '"'; ++p) {
        if (*p == '\\') ++p;
      }
    } else if (c == '[' || c == '{') {
      ++depth;
    } else if (c == ']' || c == '}') {
      if (--depth == 0) return p;
    }
  }
  return nullptr;
}

}  // namespace

Status ValidateSessionId(std::string_view id) {
  if (id.empty()) return InvalidArgument("sessionId is empty");
  if (id.size() > kMaxSessionIdChars) {
    return InvalidArgument("sessionId is longer than 128 characters");
  }
  for (char c : id) {
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '.' || c == ':' || c == '-';
    if (!ok) return InvalidArgument("sessionId may only contain A-Z a-z 0-9 _ . : -");
  }
  return OkStatus();
}

Result<ParsedBatch> ParseIngestBody(std::string_view body, const IngestLimits& limits) {
  ParsedBatch batch;
  json::parse_options options;
  options.max_depth = internal::kMaxJsonDepth;
  json::basic_parser<BatchHandler> parser(options, body, limits, batch);
  json::error_code ec;
  std::size_t used = parser.write_some(false, body.data(), body.size(), ec);
  const BatchHandler& handler = parser.handler();
  if (!handler.status().ok()) return handler.status();
  if (ec == json::error::too_deep) return InvalidArgument(internal::NestingMessage());
  if (ec == json::error::extra_data || (!ec && used != body.size())) {
    return InvalidArgument("trailing data after the JSON body");
  }
  if (ec) return InvalidArgument("body is not valid JSON: " + ec.message());
  if (!handler.saw_session_id()) return InvalidArgument("sessionId is missing");
  if (handler.events_begin() == nullptr) return InvalidArgument("events is missing");
  const char* close = handler.events_end();
  if (close == nullptr) close = MatchingBracket(handler.events_begin(), body.data() + body.size());
  if (close == nullptr) return Internal("events array end not found");
  batch.events_json = std::string_view(
      handler.events_begin(), static_cast<std::size_t>(close + 1 - handler.events_begin()));
  return batch;
}

}  // namespace incuera
