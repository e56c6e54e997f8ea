// The reason a failed render shows users (on the session, in the dashboard
// and the API): one short sentence, never raw JSON. The full error goes to
// the worker log.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace incuera::internal {

// Longest reason kept, in bytes (so in characters too).
inline constexpr std::size_t kMaxFailureReasonChars = 200;

// Shown when nothing readable is left of the error.
inline constexpr std::string_view kUnreadableFailureReason =
    "the render failed; the worker log has the details";

// The user-facing reason for an error message. The render's messages are
// sentences, sometimes followed by detail ("…: {CDP JSON}", a second
// sentence). The rule:
//  1. cut before the first JSON object or array (a '{', or a '[' that opens
//     an array of them: followed by '{', '[', '"' or ']');
//  2. keep the first sentence: up to a '.', '!' or '?' followed by
//     whitespace, or up to a line break;
//  3. control characters become spaces; runs of whitespace one space;
//     trailing spaces and ':' ',' ';' '-' go;
//  4. longer than kMaxFailureReasonChars: cut at a UTF-8 boundary with "…";
//  5. nothing left: kUnreadableFailureReason.
std::string FailureReason(std::string_view message);

}  // namespace incuera::internal
