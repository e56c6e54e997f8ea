// The parts of a request the server decodes itself (Beast splits the
// message; these read what is inside): the target's path and query string,
// the Range header, and a Content-Encoding body inflated under a cap.
// Free of Asio so tests/fuzz links them alone.
#pragma once

#include <zlib.h>

#include <cstddef>
#include <string>
#include <string_view>

#include "incuera/http.h"
#include "incuera/status.h"

namespace incuera::http::internal {

// Splits a request target ("/a%20b?x=1&y") into the percent-decoded path
// and the decoded query parameters ('+' is a space in the query). False
// when the target is not origin-form or decodes to a NUL byte.
bool ParseTarget(std::string_view target, std::string& path, Params& params);

// Percent-decodes `in` ('+' as space when `plus_is_space`); false on a bad
// escape or a NUL byte.
bool PercentDecode(std::string_view in, bool plus_is_space, std::string& out);

// Reads "bytes=0-99,200-,-50" into `ranges`; false (and nothing stored)
// when the header is not a valid bytes range set.
bool ParseRanges(std::string_view header, Ranges& ranges);

// Inflates a gzip or deflate (zlib-wrapped) body as its bytes arrive,
// appending to `out` and refusing to grow it past `max_bytes`.
class BodyInflater {
 public:
  // `encoding`: the Content-Encoding value; Open fails for any but gzip,
  // deflate and identity (or none).
  Status Open(std::string_view encoding, std::size_t max_bytes);
  ~BodyInflater();
  BodyInflater() = default;
  BodyInflater(const BodyInflater&) = delete;
  BodyInflater& operator=(const BodyInflater&) = delete;

  // Feeds wire bytes. ResourceExhausted as soon as the decoded body would
  // pass max_bytes; InvalidArgument on corrupt data or bytes after the end.
  Status Write(std::string_view wire, std::string& out);
  // InvalidArgument when the compressed stream ended early.
  Status Finish() const;

 private:
  bool active_ = false;  // a zlib stream is open
  bool ended_ = false;
  std::size_t max_bytes_ = 0;
  z_stream z_{};
};

}  // namespace incuera::http::internal
