// PeekIngestBody: reads an /api/ingest body only as far as its sessionId
// (and apiKey, when the key is not in a header), with Boost.JSON's SAX
// parser, so a batch the server will not store costs a few bytes of
// parsing, not a pass over its events.
#include <boost/json/basic_parser_impl.hpp>
#include <string>

#include "incuera/ingest.h"
#include "rrweb/event_json.h"

namespace incuera {
namespace {

namespace json = boost::json;

// Longest key compared; longer keys are neither of the two.
constexpr std::size_t kMaxKeyChars = 16;
// Beyond the longest valid value of each field (ValidateSessionId refuses
// such an id; API keys are 48 characters).
constexpr std::size_t kMaxValueChars = 129;

class HeadHandler {
 public:
  static constexpr std::size_t max_array_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_object_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_string_size = static_cast<std::size_t>(-1);
  static constexpr std::size_t max_key_size = static_cast<std::size_t>(-1);

  HeadHandler(bool need_api_key, BatchHead& out) : need_api_key_(need_api_key), out_(out) {}

  const Status& status() const { return status_; }
  bool complete() const { return complete_; }
  bool saw_session_id() const { return saw_session_id_; }

  bool on_document_begin(json::error_code&) { return true; }
  bool on_document_end(json::error_code&) { return true; }

  bool on_object_begin(json::error_code& ec) {
    if (depth_ == 0) {
      depth_ = 1;
      return true;
    }
    if (!NotAField(ec)) return false;
    ++depth_;
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    --depth_;
    return true;
  }
  bool on_array_begin(json::error_code& ec) {
    if (depth_ == 0) return Fail(ec, InvalidArgument("body must be a JSON object"));
    if (!NotAField(ec)) return false;
    ++depth_;
    return true;
  }
  bool on_array_end(std::size_t, json::error_code&) {
    --depth_;
    return true;
  }

  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    if (depth_ == 1) Append(key_, s, kMaxKeyChars);
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code& ec) {
    if (depth_ != 1) return true;
    Append(key_, s, kMaxKeyChars);
    field_ = key_ == "sessionId" ? Field::kSessionId
             : key_ == "apiKey"  ? Field::kApiKey
                                 : Field::kNone;
    key_.clear();
    if (field_ == Field::kSessionId) {
      if (saw_session_id_) return Fail(ec, InvalidArgument("duplicate sessionId field"));
      saw_session_id_ = true;
    }
    return true;
  }

  bool on_string_part(json::string_view s, std::size_t, json::error_code& ec) {
    if (depth_ == 0) return Fail(ec, InvalidArgument("body must be a JSON object"));
    if (field_ == Field::kSessionId) Append(out_.session_id, s, kMaxValueChars);
    if (field_ == Field::kApiKey) Append(out_.api_key, s, kMaxValueChars);
    return true;
  }
  bool on_string(json::string_view s, std::size_t n, json::error_code& ec) {
    if (!on_string_part(s, n, ec)) return false;
    Field field = field_;
    field_ = Field::kNone;
    if (field == Field::kSessionId) {
      Status valid = ValidateSessionId(out_.session_id);
      if (!valid.ok()) return Fail(ec, valid);
    }
    if (field == Field::kNone || !saw_session_id_) return true;
    if (need_api_key_ && out_.api_key.empty()) return true;
    complete_ = true;  // all that was needed: stop here
    ec = json::error::syntax;
    return false;
  }

  bool on_number_part(json::string_view, json::error_code&) { return true; }
  bool on_int64(std::int64_t, json::string_view, json::error_code& ec) { return Scalar(ec); }
  bool on_uint64(std::uint64_t, json::string_view, json::error_code& ec) { return Scalar(ec); }
  bool on_double(double, json::string_view, json::error_code& ec) { return Scalar(ec); }
  bool on_bool(bool, json::error_code& ec) { return Scalar(ec); }
  bool on_null(json::error_code& ec) { return Scalar(ec); }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }

 private:
  enum class Field : std::uint8_t { kNone, kSessionId, kApiKey };

  static void Append(std::string& to, json::string_view s, std::size_t cap) {
    if (to.size() < cap) to.append(s.data(), std::min(s.size(), cap - to.size()));
  }

  // A value that is not a string where the session id is expected.
  bool NotAField(json::error_code& ec) {
    Field field = field_;
    field_ = Field::kNone;
    if (field == Field::kSessionId) return Fail(ec, InvalidArgument("sessionId must be a string"));
    return true;
  }

  bool Scalar(json::error_code& ec) {
    if (depth_ == 0) return Fail(ec, InvalidArgument("body must be a JSON object"));
    return NotAField(ec);
  }

  bool Fail(json::error_code& ec, Status status) {
    status_ = std::move(status);
    ec = json::error::syntax;
    return false;
  }

  const bool need_api_key_;
  BatchHead& out_;
  Status status_;
  int depth_ = 0;
  std::string key_;
  Field field_ = Field::kNone;
  bool saw_session_id_ = false;
  bool complete_ = false;
};

}  // namespace

Result<BatchHead> PeekIngestBody(std::string_view body, bool need_api_key) {
  BatchHead head;
  json::parse_options options;
  options.max_depth = internal::kMaxJsonDepth;
  json::basic_parser<HeadHandler> parser(options, need_api_key, head);
  json::error_code ec;
  parser.write_some(false, body.data(), body.size(), ec);
  const HeadHandler& handler = parser.handler();
  if (handler.complete()) return head;
  if (!handler.status().ok()) return handler.status();
  if (ec == json::error::too_deep) return InvalidArgument(internal::NestingMessage());
  if (ec) return InvalidArgument("body is not valid JSON: " + ec.message());
  if (!handler.saw_session_id()) return InvalidArgument("sessionId is missing");
  return head;
}

}  // namespace incuera
