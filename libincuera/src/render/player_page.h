// The rrweb replayer page inside the browser: loaded from embedded assets,
// seeked per frame, painted on demand with HeadlessExperimental.beginFrame.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "incuera/status.h"
#include "render/cdp_pipe.h"
#include "render/recording.h"

namespace incuera::internal {

// One browser tab under begin-frame control holding the Replayer for one
// recording. Borrows `cdp`, which must outlive it. Not thread-safe.
class PlayerPage {
 public:
  // Opens a tab with the recording's viewport, loads rrweb and the player,
  // and hands it the events. Unavailable when the browser fails; Internal
  // when the page's scripts throw.
  static Result<std::unique_ptr<PlayerPage>> Open(CdpPipe& cdp, const Recording& recording);

  // The top document's scroll offset, in page pixels.
  struct Scroll {
    double x = 0, y = 0;
  };

  // Shows the page as it was at `session_ms`: every event before it applied.
  // Returns where the page is scrolled then.
  Result<Scroll> Seek(int64_t session_ms);

  // Paints a frame and returns it as JPEG bytes of the viewport size.
  Result<std::string> Capture();

 private:
  PlayerPage(CdpPipe& cdp, std::string session) : cdp_(cdp), session_(std::move(session)) {}
  // Evaluates `expression` in the page and returns its value; Internal when
  // it throws.
  Result<boost::json::value> Evaluate(const std::string& expression);

  CdpPipe& cdp_;
  std::string session_;
};

}  // namespace incuera::internal
