#include <doctest/doctest.h>

#include <cstring>
#include <memory>
#include <string>
#include <vector>

extern "C" {
#include <libavcodec/avcodec.h>
}

#include "incuera/analysis.h"
#include "support/png_pixels.h"

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

using test::DecodePng;
using test::Rgba;

// A blob pixel: the ramp's red/yellow over the grey background.
bool Hot(const Rgba& image, int x, int y) {
  return image.At(x, y)[0] > 180 && image.At(x, y)[2] < 100;
}
bool Grey(const Rgba& image, int x, int y) {
  const std::uint8_t* p = image.At(x, y);
  return std::abs(p[0] - p[1]) < 8 && std::abs(p[1] - p[2]) < 8;
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

TEST_CASE("clicks land where the letterboxed, scrolled viewport shows them in the thumbnail") {
  // A 1024x640 viewport in a 1280x720 frame: scale 1.125, bars of 64 px left
  // and right; the thumbnail shows the page scrolled down by 100 px.
  PageHeatmap heatmap;
  heatmap.width = 1024;
  heatmap.height = 3000;
  heatmap.points = {{0, 400, 300}};
  const HeatmapPlacement placement{64, 0, 1152, 720, 1.125, 0, 100};
  Result<std::string> png = RenderHeatmapPng(heatmap, 1280, 720, GreyJpeg(1280, 720), placement);
  REQUIRE(png.ok());
  const Rgba image = DecodePng(*png);
  // 64 + 400 * 1.125 = 514, (300 - 100) * 1.125 = 225.
  CHECK(Hot(image, 514, 225));
  // Where stretching the whole page over the frame would have put it.
  CHECK(Grey(image, 400 * 1280 / 1024, 300 * 720 / 3000));
}

TEST_CASE("clicks the background does not show leave no blob, and no blob spills into the bars") {
  // A 1024x448 viewport in 1280x720: scale 1.25, bars of 80 px above and below.
  PageHeatmap heatmap;
  heatmap.width = 1024;
  heatmap.height = 2000;
  heatmap.points = {{0, 200, 440}, {10, 800, 500}};  // the second is below the fold
  const HeatmapPlacement placement{0, 80, 1280, 560, 1.25, 0, 0};
  Result<std::string> png = RenderHeatmapPng(heatmap, 1280, 720, GreyJpeg(1280, 720), placement);
  REQUIRE(png.ok());
  const Rgba image = DecodePng(*png);
  CHECK(Hot(image, 250, 630));    // 80 + 440 * 1.25 = 630
  CHECK(Grey(image, 250, 645));   // in the bottom bar, right below it
  CHECK(Grey(image, 1000, 705));  // 80 + 500 * 1.25: not on screen in the thumbnail
}

TEST_CASE("without a placement the whole page is fitted into the image, not stretched") {
  // 1000x2000 into 320x240: scale 0.12, a 120 px wide column from x = 100.
  PageHeatmap heatmap = SampleHeatmap();
  heatmap.points = {{0, 500, 1000}};
  Result<std::string> png = RenderHeatmapPng(heatmap, 320, 240);
  REQUIRE(png.ok());
  const Rgba image = DecodePng(*png);
  CHECK(image.At(160, 120)[3] > 150);  // 100 + 500 * 0.12, 1000 * 0.12
  CHECK(image.At(20, 120)[3] == 0);    // beside the page
  CHECK(image.At(300, 120)[3] == 0);
}

TEST_CASE("without a render the heatmap is drawn on a blank white page on a grey margin") {
  // 1000x2000 into 320x240: a white 120 px column from x = 100, grey beside.
  PageHeatmap heatmap = SampleHeatmap();
  heatmap.points = {{0, 500, 1000}};
  Result<std::string> png = RenderHeatmapPngOnBlankPage(heatmap, 320, 240);
  REQUIRE(png.ok());
  const Rgba image = DecodePng(*png);
  CHECK(image.width == 320);
  CHECK(image.height == 240);
  CHECK(Hot(image, 160, 120));  // 100 + 500 * 0.12, 1000 * 0.12
  for (int c = 0; c < 4; ++c) {
    CHECK(image.At(110, 10)[c] == 255);  // the page: opaque white
  }
  CHECK(image.At(20, 120)[0] == 235);  // the margin beside it: opaque grey
  CHECK(image.At(20, 120)[3] == 255);
  CHECK(RenderHeatmapPngOnBlankPage(heatmap, 0, 10).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("bad sizes and undecodable backgrounds are rejected") {
  CHECK(RenderHeatmapPng(SampleHeatmap(), 0, 10).status().code() == StatusCode::kInvalidArgument);
  CHECK(RenderHeatmapPng(SampleHeatmap(), 10, 10, "not a jpeg").status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(RenderHeatmapPng(PageHeatmap{}, 16, 16).ok());
}

}  // namespace
}  // namespace incuera
