// The request the LLM client sends and the parsing of what comes back,
// independent of the transport (tested without a server).
#pragma once

#include <string>
#include <string_view>

#include "incuera/analysis.h"
#include "incuera/options.h"

namespace incuera::internal {

// The chat completions request body: the system prompt, then one user message
// with the timeline and counts as text and each keyframe as a JPEG data URL.
// With `json_response_format`, asks for response_format json_object.
std::string BuildChatRequest(const LlmOptions& options, const LlmInput& input,
                             bool json_response_format);

// The assistant message text of a chat completions response (string content
// or the concatenated text parts). InvalidArgument when absent.
Result<std::string> ExtractChatContent(std::string_view response_body);

// Validates the model's answer: ```json fences and text around the outermost
// {...} are ignored; the object must have exactly the expected field types.
// InvalidArgument "model answer did not match the expected shape" otherwise.
Result<LlmSummary> ParseLlmAnswer(std::string_view content);

}  // namespace incuera::internal
