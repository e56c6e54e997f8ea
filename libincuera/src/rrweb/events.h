// The rrweb event vocabulary (rrweb 1.x and 2.x share it): event types,
// incremental sources and mouse interactions, and the one definition of what
// counts as a click, an input, a page load and an error. Ingest (a SAX
// parser that sees plain strings and numbers), the render and the analysis
// all classify events here, so they agree on every recording.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <cstdint>
#include <string_view>

namespace incuera::internal {

// event.type. Values outside the list (a newer rrweb) are kept, never an error.
enum class EventType : std::int64_t {
  kDomContentLoaded = 0,
  kLoad = 1,
  kFullSnapshot = 2,
  kIncrementalSnapshot = 3,
  kMeta = 4,
  kCustom = 5,
  kPlugin = 6,
};

// event.data.source of an incremental snapshot.
enum class IncrementalSource : std::int64_t {
  kMutation = 0,
  kMouseMove = 1,
  kMouseInteraction = 2,
  kScroll = 3,
  kViewportResize = 4,
  kInput = 5,
  kTouchMove = 6,
  kMediaInteraction = 7,
  kStyleSheetRule = 8,
  kCanvasMutation = 9,
  kFont = 10,
  kLog = 11,
  kDrag = 12,
  kStyleDeclaration = 13,
  kSelection = 14,
  kAdoptedStyleSheet = 15,
  kCustomElement = 16,
};

// event.data.type of a MouseInteraction.
enum class MouseInteraction : std::int64_t {
  kMouseUp = 0,
  kMouseDown = 1,
  kClick = 2,
  kContextMenu = 3,
  kDblClick = 4,
  kFocus = 5,
  kBlur = 6,
  kTouchStart = 7,
  kTouchMoveDeparted = 8,  // rrweb's TouchMove_Departed: no longer recorded
  kTouchEnd = 9,
  kTouchCancel = 10,
};

// Reads a raw JSON number as the enum (any int64 is a valid value of these
// fixed-underlying-type enums; unknown ones match no case).
constexpr EventType AsEventType(std::int64_t raw) { return static_cast<EventType>(raw); }
constexpr IncrementalSource AsSource(std::int64_t raw) {
  return static_cast<IncrementalSource>(raw);
}
constexpr MouseInteraction AsInteraction(std::int64_t raw) {
  return static_cast<MouseInteraction>(raw);
}

// The plugin name rrweb's console recorder writes into data.plugin.
inline constexpr std::string_view kConsolePlugin = "rrweb/console@1";
// The plugin name the SDK's network recorder writes into data.plugin; its
// data.payload.requests is an array of fetch/XHR requests ({url, method,
// initiatorType, status, startTime, endTime, failed?, error?, sizes,
// opted-in headers and bodies}).
inline constexpr std::string_view kNetworkPlugin = "rrweb/network@1";

// A request failed when it got no response (failed: true, or status 0: a
// network error, an abort, a CORS refusal) or its HTTP status is >= 400.
constexpr bool IsFailedRequest(std::int64_t status, bool failed) {
  return failed || status == 0 || status >= 400;
}

// The custom event tags the SDK (bindings/browser) writes for an uncaught
// exception (window 'error') and an unhandled promise rejection.
inline constexpr std::string_view kUncaughtErrorTag = "error";
inline constexpr std::string_view kUnhandledRejectionTag = "unhandledrejection";
// The custom event tag of an in-app (history API) navigation: payload.href,
// or payload.url from older SDKs.
inline constexpr std::string_view kNavigationTag = "navigation";

// A click is a MouseInteraction of type Click, and only that: a double click
// also produces two Click events of its own (DblClick would count it twice)
// and a tap produces a Click after its TouchEnd (TouchEnd would count it
// twice). The analysis counts DblClick and TouchStart separately.
constexpr bool IsClick(std::int64_t source, std::int64_t interaction) {
  return AsSource(source) == IncrementalSource::kMouseInteraction &&
         AsInteraction(interaction) == MouseInteraction::kClick;
}

// An input is an incremental Input event: a form field's value changed (one
// per keystroke, paste or selection).
constexpr bool IsInput(std::int64_t source) {
  return AsSource(source) == IncrementalSource::kInput;
}

// A page load is a Meta event: rrweb writes one each time recording starts on
// a document, with data.href and the viewport. The first one opens the
// recording; every later one is a navigation to a new page.
constexpr bool IsPageLoad(std::int64_t type) { return AsEventType(type) == EventType::kMeta; }

// The kinds of error an event can record.
enum class ErrorKind : std::uint8_t {
  kNone,
  kConsole,             // console plugin, level "error" or "assert"
  kUncaught,            // the SDK's custom event tag "error"
  kUnhandledRejection,  // the SDK's custom event tag "unhandledrejection"
};

// What an event records as an error, from its plain fields (as a streaming
// parser sees them): type 6 with data.plugin "rrweb/console@1" and
// data.payload.level "error" or "assert" (console.assert failing); type 5
// with data.tag exactly "error" or "unhandledrejection". Console "warn" and
// other tags, even ones containing "error" ("form-error", an app's own
// event), are not errors: the SDK only writes those two tags, and an app's
// tag says nothing about whether something failed.
ErrorKind ClassifyError(std::int64_t type, std::string_view plugin, std::string_view level,
                        std::string_view tag);

// The same for a parsed event object ({"type", "data": {...}}).
ErrorKind ClassifyError(const boost::json::object& event);

// The requests of a network plugin event's data (data.plugin is
// kNetworkPlugin and data.payload.requests an array), or nullptr.
const boost::json::array* NetworkRequests(const boost::json::object& data);

// IsFailedRequest for one request object of NetworkRequests (a missing
// status reads as 0).
bool IsFailedRequest(const boost::json::object& request);

// What a console plugin error record stands for, from its message (its
// arguments joined): the plugin also logs uncaught exceptions and (rrweb 2.x)
// unhandled rejections, with the browser's message — Chromium's prefixes
// "Uncaught " and "Uncaught (in promise) " — and is their only report when
// the recorder is rrweb without our SDK. kConsole for any other message.
ErrorKind ConsoleErrorKind(std::string_view message);

// The name analysis reports for the kind: "console", "error",
// "unhandledrejection" ("" for kNone).
std::string_view ErrorKindName(ErrorKind kind);

// A moment worth a keyframe, most important first: the render keeps the
// earlier kinds when it must choose.
enum class MomentKind : std::uint8_t { kError, kNavigation, kClick, kInput };

// "error", "navigation", "click", "input": the reason in keyframes.json.
std::string_view MomentKindName(MomentKind kind);

}  // namespace incuera::internal
