#include "analysis/llm_prompt.h"

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>

#include "core/text.h"

namespace incuera::internal {
namespace {

namespace json = boost::json;

constexpr std::string_view kSystemPrompt =
    "You analyse recordings of people using a website. You get a timeline of what the "
    "visitor did (session time mm:ss.d, then the action), counts of their actions, and "
    "screenshots of the most eventful moments with their session times. Answer with ONE JSON "
    "object and nothing else, with exactly these fields: "
    "\"summary\" (string, 2-4 sentences on what happened), "
    "\"user_intent\" (string, what the visitor was trying to do), "
    "\"outcome\" (one of \"success\", \"abandoned\", \"error\"), "
    "\"frustration_signals\" (array of short strings, empty when none), "
    "\"notable_moments\" (array of {\"session_time_ms\": integer, \"description\": string}).";

Status ShapeError() { return InvalidArgument("model answer did not match the expected shape"); }

}  // namespace

std::string BuildChatRequest(const LlmOptions& options, const LlmInput& input,
                             bool json_response_format) {
  std::string text = "Action counts: " + input.counts_json + "\n\nTimeline:\n" + input.timeline;
  json::array content;
  content.push_back(json::object{{"type", "text"}, {"text", text}});
  for (const LlmKeyframe& keyframe : input.keyframes) {
    content.push_back(json::object{
        {"type", "text"},
        {"text",
         "Screenshot at session time " + std::to_string(keyframe.session_time_ms) + " ms:"}});
    content.push_back(json::object{
        {"type", "image_url"},
        {"image_url",
         json::object{{"url", "data:image/jpeg;base64," + Base64Encode(keyframe.jpeg)}}}});
  }
  json::object body{
      {"model", options.model},
      {"max_tokens", options.max_tokens},
      {"messages", json::array{json::object{{"role", "system"}, {"content", kSystemPrompt}},
                               json::object{{"role", "user"}, {"content", std::move(content)}}}}};
  if (json_response_format) body["response_format"] = json::object{{"type", "json_object"}};
  return json::serialize(body);
}

Result<std::string> ExtractChatContent(std::string_view response_body) {
  boost::system::error_code ec;
  json::value response = json::parse(response_body, ec);
  const json::value* content = nullptr;
  if (!ec && response.is_object()) {
    const json::value* choices = response.get_object().if_contains("choices");
    if (choices && choices->is_array() && !choices->get_array().empty() &&
        choices->get_array()[0].is_object()) {
      const json::value* message = choices->get_array()[0].get_object().if_contains("message");
      if (message && message->is_object()) content = message->get_object().if_contains("content");
    }
  }
  if (content && content->is_string()) return std::string(content->get_string());
  if (content && content->is_array()) {
    std::string text;
    for (const json::value& part : content->get_array()) {
      const json::value* part_text =
          part.is_object() ? part.get_object().if_contains("text") : nullptr;
      if (part_text && part_text->is_string()) text += part_text->get_string();
    }
    return text;
  }
  return InvalidArgument("LLM response has no message content");
}

Result<LlmSummary> ParseLlmAnswer(std::string_view content) {
  std::size_t open = content.find('{');
  std::size_t close = content.rfind('}');
  if (open == std::string_view::npos || close == std::string_view::npos || close < open) {
    return InvalidArgument("model answer was not a JSON object");
  }
  boost::system::error_code ec;
  json::value answer = json::parse(content.substr(open, close - open + 1), ec);
  if (ec) return InvalidArgument("model answer was not valid JSON");
  if (!answer.is_object()) return ShapeError();
  const json::object& object = answer.get_object();
  auto string_field = [&](std::string_view key, std::string& out) {
    const json::value* v = object.if_contains(key);
    if (!v || !v->is_string()) return false;
    out = std::string(v->get_string());
    return true;
  };
  LlmSummary summary;
  if (!string_field("summary", summary.summary) ||
      !string_field("user_intent", summary.user_intent) ||
      !string_field("outcome", summary.outcome)) {
    return ShapeError();
  }
  if (summary.outcome != "success" && summary.outcome != "abandoned" &&
      summary.outcome != "error") {
    return ShapeError();
  }
  const json::value* signals = object.if_contains("frustration_signals");
  if (!signals || !signals->is_array()) return ShapeError();
  for (const json::value& signal : signals->get_array()) {
    if (!signal.is_string()) return ShapeError();
    summary.frustration_signals.emplace_back(signal.get_string());
  }
  const json::value* moments = object.if_contains("notable_moments");
  if (!moments || !moments->is_array()) return ShapeError();
  for (const json::value& moment : moments->get_array()) {
    const json::object* m = moment.if_object();
    const json::value* time = m ? m->if_contains("session_time_ms") : nullptr;
    const json::value* description = m ? m->if_contains("description") : nullptr;
    if (!time || !time->is_number() || !description || !description->is_string()) {
      return ShapeError();
    }
    boost::system::error_code number_ec;
    double ms = time->to_number<double>(number_ec);
    if (number_ec || ms < 0) return ShapeError();
    summary.notable_moments.push_back(
        {static_cast<std::int64_t>(ms), std::string(description->get_string())});
  }
  return summary;
}

}  // namespace incuera::internal

namespace incuera {

std::string LlmSummary::ToJson() const {
  namespace json = boost::json;
  json::array signals(frustration_signals.begin(), frustration_signals.end());
  json::array moments;
  for (const NotableMoment& moment : notable_moments) {
    moments.push_back(json::object{{"session_time_ms", moment.session_time_ms},
                                   {"description", moment.description}});
  }
  return json::serialize(json::object{{"summary", summary},
                                      {"user_intent", user_intent},
                                      {"outcome", outcome},
                                      {"frustration_signals", std::move(signals)},
                                      {"notable_moments", std::move(moments)}});
}

}  // namespace incuera
