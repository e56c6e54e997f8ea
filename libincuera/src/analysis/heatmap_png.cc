// RenderHeatmapPng: a click-density overlay encoded with libavcodec's PNG
// encoder, optionally over a JPEG background decoded with its MJPEG decoder.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <memory>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavutil/frame.h>
#include <libavutil/mem.h>
#include <libswscale/swscale.h>
}

#include "incuera/analysis.h"

namespace incuera {
namespace {

// Largest side accepted, in pixels.
constexpr int kMaxSide = 8'192;
// The light grey around the white page of a blank-page heatmap.
constexpr std::uint8_t kBlankMargin = 235;

struct CodecContextDeleter {
  void operator()(AVCodecContext* c) const { avcodec_free_context(&c); }
};
struct FrameDeleter {
  void operator()(AVFrame* f) const { av_frame_free(&f); }
};
struct PacketDeleter {
  void operator()(AVPacket* p) const { av_packet_free(&p); }
};
struct SwsDeleter {
  void operator()(SwsContext* s) const { sws_freeContext(s); }
};
using CodecContextPtr = std::unique_ptr<AVCodecContext, CodecContextDeleter>;
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;
using PacketPtr = std::unique_ptr<AVPacket, PacketDeleter>;

// Decodes `jpeg` and scales it to width x height RGBA into `rgba`.
Status DecodeBackground(std::string_view jpeg, int width, int height,
                        std::vector<std::uint8_t>& rgba) {
  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_MJPEG);
  if (!codec) return Internal("heatmap: libavcodec has no MJPEG decoder");
  CodecContextPtr context(avcodec_alloc_context3(codec));
  PacketPtr packet(av_packet_alloc());
  FramePtr frame(av_frame_alloc());
  if (!context || !packet || !frame || avcodec_open2(context.get(), codec, nullptr) < 0 ||
      av_new_packet(packet.get(), static_cast<int>(jpeg.size())) < 0) {
    return Internal("heatmap: cannot set up the JPEG decoder");
  }
  std::memcpy(packet->data, jpeg.data(), jpeg.size());
  if (avcodec_send_packet(context.get(), packet.get()) < 0 ||
      avcodec_send_packet(context.get(), nullptr) < 0 ||
      avcodec_receive_frame(context.get(), frame.get()) < 0) {
    return InvalidArgument("heatmap: the background is not a decodable JPEG");
  }
  // The decoder reports full-range "J" formats; swscale wants the plain
  // format plus the range.
  auto format = static_cast<AVPixelFormat>(frame->format);
  bool full_range = frame->color_range == AVCOL_RANGE_JPEG;
  switch (format) {
    case AV_PIX_FMT_YUVJ420P:
      format = AV_PIX_FMT_YUV420P;
      full_range = true;
      break;
    case AV_PIX_FMT_YUVJ422P:
      format = AV_PIX_FMT_YUV422P;
      full_range = true;
      break;
    case AV_PIX_FMT_YUVJ444P:
      format = AV_PIX_FMT_YUV444P;
      full_range = true;
      break;
    default:
      break;
  }
  std::unique_ptr<SwsContext, SwsDeleter> scaler(
      sws_getContext(frame->width, frame->height, format, width, height, AV_PIX_FMT_RGBA,
                     SWS_BILINEAR, nullptr, nullptr, nullptr));
  if (!scaler) return InvalidArgument("heatmap: unsupported background pixel format");
  const int* coefficients = sws_getCoefficients(SWS_CS_DEFAULT);
  sws_setColorspaceDetails(scaler.get(), coefficients, full_range ? 1 : 0, coefficients, 1, 0,
                           1 << 16, 1 << 16);
  rgba.assign(static_cast<std::size_t>(width) * height * 4, 0);
  std::uint8_t* planes[4] = {rgba.data(), nullptr, nullptr, nullptr};
  int strides[4] = {width * 4, 0, 0, 0};
  sws_scale(scaler.get(), frame->data, frame->linesize, 0, frame->height, planes, strides);
  return OkStatus();
}

// Page coordinates -> image pixels: image = origin + page * scale, drawn only
// inside [left, right) x [top, bottom).
struct Mapping {
  double origin_x = 0, origin_y = 0, scale = 1;
  int left = 0, top = 0, right = 0, bottom = 0;
};

Mapping MappingFor(const PageHeatmap& heatmap, int width, int height,
                   const std::optional<HeatmapPlacement>& placement) {
  Mapping m;
  if (placement) {
    m.scale = placement->scale;
    m.origin_x = placement->x - placement->scroll_x * m.scale;
    m.origin_y = placement->y - placement->scroll_y * m.scale;
    m.left = placement->x;
    m.top = placement->y;
    m.right = placement->x + placement->width;
    m.bottom = placement->y + placement->height;
  } else {
    // The whole page, fitted without stretching and centered.
    m.scale = std::min(static_cast<double>(width) / heatmap.width,
                       static_cast<double>(height) / heatmap.height);
    m.origin_x = (width - heatmap.width * m.scale) / 2;
    m.origin_y = (height - heatmap.height * m.scale) / 2;
    m.left = static_cast<int>(std::lround(m.origin_x));
    m.top = static_cast<int>(std::lround(m.origin_y));
    m.right = static_cast<int>(std::lround(m.origin_x + heatmap.width * m.scale));
    m.bottom = static_cast<int>(std::lround(m.origin_y + heatmap.height * m.scale));
  }
  m.left = std::clamp(m.left, 0, width);
  m.right = std::clamp(m.right, 0, width);
  m.top = std::clamp(m.top, 0, height);
  m.bottom = std::clamp(m.bottom, 0, height);
  return m;
}

// Click density at output resolution, normalized to [0, 1].
std::vector<float> Density(const PageHeatmap& heatmap, int width, int height,
                           const std::optional<HeatmapPlacement>& placement) {
  std::vector<float> density(static_cast<std::size_t>(width) * height, 0.0f);
  if (heatmap.width <= 0 || heatmap.height <= 0) return density;
  const Mapping m = MappingFor(heatmap, width, height, placement);
  int radius = std::max(6, std::min(width, height) / 20);
  // sigma = radius / 3: a blob has faded out (below the drawing threshold)
  // by its edge, so no square outline shows.
  float two_sigma_squared = 2.0f * (radius / 3.0f) * (radius / 3.0f);
  for (const ClickPoint& point : heatmap.points) {
    int cx = static_cast<int>(std::lround(m.origin_x + point.x * m.scale));
    int cy = static_cast<int>(std::lround(m.origin_y + point.y * m.scale));
    // A click the image does not show (scrolled away) leaves no blob.
    if (cx < m.left || cx >= m.right || cy < m.top || cy >= m.bottom) continue;
    for (int y = std::max(m.top, cy - radius); y <= std::min(m.bottom - 1, cy + radius); ++y) {
      for (int x = std::max(m.left, cx - radius); x <= std::min(m.right - 1, cx + radius); ++x) {
        float d2 = static_cast<float>((x - cx) * (x - cx) + (y - cy) * (y - cy));
        density[static_cast<std::size_t>(y) * width + x] += std::exp(-d2 / two_sigma_squared);
      }
    }
  }
  float peak = *std::max_element(density.begin(), density.end());
  if (peak > 0) {
    for (float& v : density) v /= peak;
  }
  return density;
}

// Blue -> cyan -> yellow -> red for v in [0, 1].
void Ramp(float v, float rgb[3]) {
  static constexpr float kStops[4][3] = {{0, 0, 255}, {0, 220, 255}, {255, 230, 0}, {255, 0, 0}};
  float position = std::clamp(v, 0.0f, 1.0f) * 3.0f;
  int i = std::min(2, static_cast<int>(position));
  float f = position - i;
  for (int c = 0; c < 3; ++c) rgb[c] = kStops[i][c] + (kStops[i + 1][c] - kStops[i][c]) * f;
}

Result<std::string> EncodePng(const std::vector<std::uint8_t>& rgba, int width, int height) {
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
  if (!codec) return Internal("heatmap: libavcodec has no PNG encoder");
  CodecContextPtr context(avcodec_alloc_context3(codec));
  FramePtr frame(av_frame_alloc());
  PacketPtr packet(av_packet_alloc());
  if (!context || !frame || !packet) return Internal("heatmap: out of memory");
  context->width = width;
  context->height = height;
  context->pix_fmt = AV_PIX_FMT_RGBA;
  context->time_base = {1, 1};
  frame->format = AV_PIX_FMT_RGBA;
  frame->width = width;
  frame->height = height;
  if (avcodec_open2(context.get(), codec, nullptr) < 0 || av_frame_get_buffer(frame.get(), 0) < 0) {
    return Internal("heatmap: cannot set up the PNG encoder");
  }
  for (int y = 0; y < height; ++y) {
    std::memcpy(frame->data[0] + static_cast<std::ptrdiff_t>(y) * frame->linesize[0],
                rgba.data() + static_cast<std::size_t>(y) * width * 4,
                static_cast<std::size_t>(width) * 4);
  }
  if (avcodec_send_frame(context.get(), frame.get()) < 0 ||
      avcodec_send_frame(context.get(), nullptr) < 0 ||
      avcodec_receive_packet(context.get(), packet.get()) < 0) {
    return Internal("heatmap: PNG encoding failed");
  }
  return std::string(reinterpret_cast<const char*>(packet->data),
                     static_cast<std::size_t>(packet->size));
}

// Draws the density of `heatmap` into `rgba` (width x height): blended into
// the opaque picture there, or, on transparency, as the only content.
void DrawDensity(const PageHeatmap& heatmap, int width, int height,
                 const std::optional<HeatmapPlacement>& placement, bool opaque,
                 std::vector<std::uint8_t>& rgba) {
  std::vector<float> density = Density(heatmap, width, height, placement);
  for (std::size_t i = 0; i < density.size(); ++i) {
    if (density[i] < 0.02f) continue;
    // Fades in from nothing, so a blob has soft edges.
    float alpha = 0.7f * std::sqrt(density[i]);
    float rgb[3];
    Ramp(density[i], rgb);
    std::uint8_t* pixel = &rgba[i * 4];
    if (opaque) {
      for (int c = 0; c < 3; ++c) {
        pixel[c] = static_cast<std::uint8_t>(rgb[c] * alpha + pixel[c] * (1 - alpha));
      }
      pixel[3] = 255;
    } else {
      for (int c = 0; c < 3; ++c) pixel[c] = static_cast<std::uint8_t>(rgb[c]);
      pixel[3] = static_cast<std::uint8_t>(alpha * 255);
    }
  }
}

Status CheckSize(int width, int height) {
  if (width <= 0 || height <= 0 || width > kMaxSide || height > kMaxSide) {
    return InvalidArgument("heatmap: image size must be within 1.." + std::to_string(kMaxSide));
  }
  return OkStatus();
}

}  // namespace

Result<std::string> RenderHeatmapPng(const PageHeatmap& heatmap, int width, int height,
                                     std::string_view background_jpeg,
                                     const std::optional<HeatmapPlacement>& placement) {
  INCUERA_RETURN_IF_ERROR(CheckSize(width, height));
  std::vector<std::uint8_t> rgba;
  bool has_background = !background_jpeg.empty();
  if (has_background) {
    INCUERA_RETURN_IF_ERROR(DecodeBackground(background_jpeg, width, height, rgba));
  } else {
    rgba.assign(static_cast<std::size_t>(width) * height * 4, 0);
  }
  DrawDensity(heatmap, width, height, placement, has_background, rgba);
  return EncodePng(rgba, width, height);
}

Result<std::string> RenderHeatmapPngOnBlankPage(const PageHeatmap& heatmap, int width, int height) {
  INCUERA_RETURN_IF_ERROR(CheckSize(width, height));
  std::vector<std::uint8_t> rgba(static_cast<std::size_t>(width) * height * 4, kBlankMargin);
  const Mapping page = heatmap.width > 0 && heatmap.height > 0
                           ? MappingFor(heatmap, width, height, std::nullopt)
                           : Mapping{0, 0, 1, 0, 0, width, height};
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      std::uint8_t* pixel = &rgba[(static_cast<std::size_t>(y) * width + x) * 4];
      const bool on_page = x >= page.left && x < page.right && y >= page.top && y < page.bottom;
      std::fill(pixel, pixel + 3, on_page ? 255 : kBlankMargin);
      pixel[3] = 255;
    }
  }
  DrawDensity(heatmap, width, height, std::nullopt, true, rgba);
  return EncodePng(rgba, width, height);
}

}  // namespace incuera
