#include "core/compression.h"

namespace incuera::internal {

Result<std::string> ZstdCompress(std::string_view data, int level) {
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
  if (ZSTD_isError(n)) return Internal(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

Result<std::string> ZstdCompressor::Compress(std::string_view data) {
  Context ctx;
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      ctx = std::move(idle_.back());
      idle_.pop_back();
    }
  }
  if (!ctx) ctx.reset(ZSTD_createCCtx());
  if (!ctx) return Internal("zstd: out of memory");
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compressCCtx(ctx.get(), out.data(), out.size(), data.data(), data.size(), level_);
  {
    std::lock_guard lock(mu_);
    idle_.push_back(std::move(ctx));
  }
  if (ZSTD_isError(n)) return Internal(std::string("zstd: ") + ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

Result<std::string> ZstdDecompress(std::string_view data, std::size_t max_bytes) {
  std::unique_ptr<ZSTD_DCtx, decltype(&ZSTD_freeDCtx)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!ctx) return Internal("zstd: out of memory");
  std::string out;
  unsigned long long expected = ZSTD_getFrameContentSize(data.data(), data.size());
  if (expected != ZSTD_CONTENTSIZE_ERROR && expected != ZSTD_CONTENTSIZE_UNKNOWN) {
    if (expected > max_bytes) return ResourceExhausted("zstd frame larger than the limit");
    out.reserve(expected);
  }
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  std::string buf(ZSTD_DStreamOutSize(), '\0');
  size_t ret = 1;
  while (in.pos < in.size) {
    ZSTD_outBuffer o{buf.data(), buf.size(), 0};
    ret = ZSTD_decompressStream(ctx.get(), &o, &in);
    if (ZSTD_isError(ret)) return InvalidArgument(std::string("zstd: ") + ZSTD_getErrorName(ret));
    if (out.size() + o.pos > max_bytes) return ResourceExhausted("zstd output over the limit");
    out.append(buf.data(), o.pos);
    if (ret == 0 && in.pos < in.size) return InvalidArgument("zstd: trailing data");
  }
  if (ret != 0) return InvalidArgument("zstd: truncated frame");
  return out;
}

}  // namespace incuera::internal
