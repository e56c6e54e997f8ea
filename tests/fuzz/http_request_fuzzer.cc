// libFuzzer target for the request parsing the HTTP server does (issue 15):
// Beast's parser under the server's header limit, then what the server reads
// from the message itself — the target (path and query), the Range header,
// and the body inflated under a cap. Besides memory errors (ASan) it checks
// that no decoded body ever passes its cap and that parsed ranges are sane.
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/request_parsing.h"

namespace {

namespace bhttp = boost::beast::http;
using incuera::http::internal::BodyInflater;

constexpr std::size_t kMaxBody = 1 << 16;

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);

  // The message as the server reads it: header under a limit, the body in
  // pieces through the inflater with a cap.
  bhttp::request_parser<bhttp::string_body> parser;
  parser.header_limit(4096);
  parser.body_limit(kMaxBody);
  parser.eager(true);
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(input.data(), input.size()), ec);
  if (!ec || ec == bhttp::error::need_more) {
    if (parser.is_header_done()) {
      const auto& req = parser.get();
      std::string path;
      incuera::http::Params params;
      if (incuera::http::internal::ParseTarget(std::string(req.target()), path, params)) {
        Check(!path.empty() && path.front() == '/');
        Check(path.find('\0') == std::string::npos);
      }
      incuera::http::Ranges ranges;
      if (incuera::http::internal::ParseRanges(std::string(req[bhttp::field::range]), ranges)) {
        for (const auto& [first, last] : ranges) {
          Check(first >= -1 && last >= -1 && (first >= 0 || last >= 0));
          Check(first < 0 || last < 0 || first <= last);
        }
      }
    }
  }

  // Any bytes as a compressed body: fed in uneven pieces, never past the cap.
  for (std::string_view encoding : {"gzip", "deflate", "identity"}) {
    BodyInflater inflater;
    if (!inflater.Open(encoding, kMaxBody).ok()) std::abort();
    std::string out;
    std::string_view rest = input;
    for (std::size_t piece = 1; !rest.empty(); piece = piece * 3 + 1) {
      std::size_t n = std::min(piece, rest.size());
      if (!inflater.Write(rest.substr(0, n), out).ok()) break;
      Check(out.size() <= kMaxBody);
      rest.remove_prefix(n);
    }
    Check(out.size() <= kMaxBody);
    (void)inflater.Finish();
  }
  return 0;
}
