// The rrweb replayer page inside the browser: loaded from embedded assets,
// played forward (or seeked) per frame, painted on demand with
// HeadlessExperimental.beginFrame.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "incuera/status.h"
#include "render/cdp_pipe.h"
#include "render/recording.h"

namespace incuera::internal {

// One browser tab under begin-frame control holding the Replayer for one
// recording. Borrows `cdp`, which must outlive it. Not thread-safe.
class PlayerPage {
 public:
  // How Seek reaches a moment: by applying the events since the previous
  // Seek once, in order (kPlayForward, a cost independent of the page's
  // size), or by rrweb's Replayer.pause(t) from the latest full snapshot
  // (kSeek, the reference). kPlayForward falls back to kSeek when the rrweb
  // bundle lacks the internals it uses (see player.js).
  enum class Mode { kPlayForward, kSeek };

  // Opens a tab with the recording's viewport, loads rrweb and the player,
  // and hands it the events. Unavailable when the browser fails; Internal,
  // with a one-sentence reason (PageErrorMessage), when the page's scripts
  // throw.
  static Result<std::unique_ptr<PlayerPage>> Open(CdpPipe& cdp, const Recording& recording,
                                                  Mode mode = Mode::kPlayForward);

  // The top document's scroll offset, in page pixels.
  struct Scroll {
    double x = 0, y = 0;
  };

  // Shows the page as it was at `session_ms`: every event before it applied.
  // Returns where the page is scrolled then. Playing forward, `session_ms`
  // must not decrease from one call to the next.
  Result<Scroll> Seek(int64_t session_ms);

  // Paints a frame and returns it as JPEG bytes of the viewport size.
  Result<std::string> Capture();

  // Whether Seek plays forward (false: kSeek was asked for, or the fallback).
  bool plays_forward() const { return plays_forward_; }

 private:
  PlayerPage(CdpPipe& cdp, std::string session) : cdp_(cdp), session_(std::move(session)) {}
  // Evaluates `expression` in the page and returns its value; Internal with
  // PageErrorMessage(`failure`, ...) when it throws.
  Result<boost::json::value> Evaluate(const std::string& expression, std::string_view failure);

  CdpPipe& cdp_;
  std::string session_;
  bool plays_forward_ = false;
};

// The reason shown to users when a page script throws: `failure` (what the
// replayer could not do, e.g. "the replayer could not rebuild the recorded
// page") and, in parentheses, the exception's class and the first line of
// its message from CDP's Runtime.ExceptionDetails — one line of at most
// kPageErrorMaxChars bytes (so characters too; the worker's FailureReason
// keeps it whole), no JSON.
std::string PageErrorMessage(std::string_view failure, const boost::json::value& exception_details);
inline constexpr size_t kPageErrorMaxChars = 200;

}  // namespace incuera::internal
