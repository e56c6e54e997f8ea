// InflateGzip: zlib inflate with a hard cap on the output size.
#include <zlib.h>

#include <string>

#include "incuera/ingest.h"

namespace incuera {

Result<std::string> InflateGzip(std::string_view body, std::size_t max_bytes) {
  z_stream stream{};
  // 16 + MAX_WBITS: expect a gzip header and trailer (not raw zlib).
  if (inflateInit2(&stream, 16 + MAX_WBITS) != Z_OK) return Internal("inflateInit2 failed");
  struct Closer {
    z_stream* s;
    ~Closer() { inflateEnd(s); }
  } closer{&stream};

  constexpr std::size_t kStep = 64 * 1024;
  std::string out;
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  stream.avail_in = static_cast<uInt>(body.size());
  if (body.size() != stream.avail_in) return ResourceExhausted("gzip body too large");
  while (true) {
    // Never let zlib write past max_bytes + 1: one byte over proves the limit.
    std::size_t room = std::min(kStep, max_bytes + 1 - out.size());
    std::size_t before = out.size();
    out.resize(before + room);
    stream.next_out = reinterpret_cast<Bytef*>(out.data() + before);
    stream.avail_out = static_cast<uInt>(room);
    int rc = inflate(&stream, Z_NO_FLUSH);
    out.resize(before + room - stream.avail_out);
    if (out.size() > max_bytes) {
      return ResourceExhausted("gzip body inflates to more than " + std::to_string(max_bytes) +
                               " bytes");
    }
    if (rc == Z_STREAM_END) {
      if (stream.avail_in == 0) return out;
      // Another gzip member follows (concatenated members are valid gzip).
      if (inflateReset(&stream) != Z_OK) return Internal("inflateReset failed");
      continue;
    }
    if (rc == Z_DATA_ERROR || rc == Z_NEED_DICT) {
      return InvalidArgument("corrupt gzip body" +
                             std::string(stream.msg ? std::string(": ") + stream.msg : ""));
    }
    if (rc == Z_MEM_ERROR) return ResourceExhausted("out of memory inflating gzip body");
    if (rc == Z_BUF_ERROR || (rc == Z_OK && stream.avail_in == 0 && stream.avail_out != 0)) {
      return InvalidArgument("truncated gzip body");
    }
    if (rc != Z_OK) return Internal("inflate failed with code " + std::to_string(rc));
  }
}

}  // namespace incuera
