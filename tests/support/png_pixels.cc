#include "support/png_pixels.h"

#include <doctest/doctest.h>

#include <cstring>

extern "C" {
#include <libavcodec/avcodec.h>
}

namespace incuera::test {

Rgba DecodePng(const std::string& png) {
  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_PNG);
  REQUIRE(codec);
  AVCodecContext* context = avcodec_alloc_context3(codec);
  REQUIRE(avcodec_open2(context, codec, nullptr) == 0);
  AVPacket* packet = av_packet_alloc();
  REQUIRE(av_new_packet(packet, static_cast<int>(png.size())) == 0);
  std::memcpy(packet->data, png.data(), png.size());
  AVFrame* frame = av_frame_alloc();
  REQUIRE(avcodec_send_packet(context, packet) == 0);
  REQUIRE(avcodec_receive_frame(context, frame) == 0);
  REQUIRE(frame->format == AV_PIX_FMT_RGBA);
  Rgba out{frame->width, frame->height, {}};
  for (int y = 0; y < frame->height; ++y) {
    const std::uint8_t* row = frame->data[0] + y * frame->linesize[0];
    out.pixels.insert(out.pixels.end(), row, row + frame->width * 4);
  }
  av_frame_free(&frame);
  av_packet_free(&packet);
  avcodec_free_context(&context);
  return out;
}

}  // namespace incuera::test
