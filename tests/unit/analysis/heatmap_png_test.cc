#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <string>

extern "C" {
#include <libavcodec/avcodec.h>
}

#include "incuera/analysis.h"

namespace incuera {
namespace {

// Width and height from a PNG's IHDR chunk.
std::pair<int, int> PngSize(const std::string& png) {
  auto be32 = [&](std::size_t at) {
    return static_cast<int>((static_cast<unsigned char>(png[at]) << 24) |
                            (static_cast<unsigned char>(png[at + 1]) << 16) |
                            (static_cast<unsigned char>(png[at + 2]) << 8) |
                            static_cast<unsigned char>(png[at + 3]));
  };
  return {be32(16), be32(20)};
}

// A flat grey JPEG made with libavcodec's MJPEG encoder.
std::string GreyJpeg(int width, int height) {
  const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  REQUIRE(codec);
  AVCodecContext* context = avcodec_alloc_context3(codec);
  context->width = width;
  context->height = height;
  context->pix_fmt = AV_PIX_FMT_YUVJ420P;
  context->time_base = {1, 25};
  REQUIRE(avcodec_open2(context, codec, nullptr) == 0);
  AVFrame* frame = av_frame_alloc();
  frame->format = context->pix_fmt;
  frame->width = width;
  frame->height = height;
  REQUIRE(av_frame_get_buffer(frame, 0) == 0);
  for (int plane = 0; plane < 3; ++plane) {
    int rows = plane == 0 ? height : (height + 1) / 2;
    for (int y = 0; y < rows; ++y) {
      std::memset(frame->data[plane] + y * frame->linesize[plane], 128, frame->linesize[plane]);
    }
  }
  AVPacket* packet = av_packet_alloc();
  REQUIRE(avcodec_send_frame(context, frame) == 0);
  REQUIRE(avcodec_receive_packet(context, packet) == 0);
  std::string jpeg(reinterpret_cast<const char*>(packet->data), packet->size);
  av_packet_free(&packet);
  av_frame_free(&frame);
  avcodec_free_context(&context);
  return jpeg;
}

PageHeatmap SampleHeatmap() {
  PageHeatmap heatmap;
  heatmap.url = "https://a.test/";
  heatmap.width = 1000;
  heatmap.height = 2000;
  heatmap.points = {{0, 100, 100}, {10, 110, 105}, {20, 900, 1900}};
  return heatmap;
}

TEST_CASE("the heatmap renders as a PNG of the requested size") {
  Result<std::string> png = RenderHeatmapPng(SampleHeatmap(), 320, 240);
  REQUIRE(png.ok());
  CHECK(png->rfind("\x89PNG\r\n\x1a\n", 0) == 0);
  CHECK(PngSize(*png) == std::pair(320, 240));
}

TEST_CASE("the heatmap draws over a JPEG background scaled to the size") {
  Result<std::string> png = RenderHeatmapPng(SampleHeatmap(), 200, 100, GreyJpeg(64, 48));
  REQUIRE(png.ok());
  CHECK(png->rfind("\x89PNG", 0) == 0);
  CHECK(PngSize(*png) == std::pair(200, 100));
}

TEST_CASE("bad sizes and undecodable backgrounds are rejected") {
  CHECK(RenderHeatmapPng(SampleHeatmap(), 0, 10).status().code() == StatusCode::kInvalidArgument);
  CHECK(RenderHeatmapPng(SampleHeatmap(), 10, 10, "not a jpeg").status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(RenderHeatmapPng(PageHeatmap{}, 16, 16).ok());
}

}  // namespace
}  // namespace incuera
