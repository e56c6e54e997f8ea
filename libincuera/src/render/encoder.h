// FFmpeg: decode captured JPEGs into letterboxed YUV frames, encode them as an
// H.264 MP4, and write single frames as JPEG files.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "incuera/status.h"

struct AVFrame;
struct AVCodecContext;
struct AVFormatContext;
struct AVPacket;
struct SwsContext;

namespace incuera::internal {

struct FrameDeleter {
  void operator()(AVFrame* frame) const;
};
// A YUV420P frame owned by us.
using FramePtr = std::unique_ptr<AVFrame, FrameDeleter>;

// A black YUV420P frame of the given (even) size. Internal on allocation failure.
Result<FramePtr> NewFrame(int width, int height);

// Copies the pixels of `from` into `to` (same size and format).
Status CopyFrame(const AVFrame* from, AVFrame* to);

// Where a page of `page_w`×`page_h` lands, centered and scaled to fit without
// stretching, inside a `frame_w`×`frame_h` frame. Offsets and sizes are even.
struct Letterbox {
  int x = 0, y = 0, width = 0, height = 0;
  double scale = 1;
};
Letterbox FitInto(int page_w, int page_h, int frame_w, int frame_h);

// Decodes browser JPEGs (libavcodec mjpeg) and scales them (libswscale) into
// the letterbox area of a frame, leaving the bars untouched. Not thread-safe.
class JpegDecoder {
 public:
  static Result<std::unique_ptr<JpegDecoder>> Open(Letterbox box);
  ~JpegDecoder();

  // Decodes `jpeg` into `frame`'s letterbox. Internal for an undecodable image.
  Status DecodeInto(std::string_view jpeg, AVFrame* frame);

 private:
  explicit JpegDecoder(Letterbox box) : box_(box) {}
  Letterbox box_;
  AVCodecContext* codec_ = nullptr;
  AVPacket* packet_ = nullptr;
  AVFrame* decoded_ = nullptr;
  SwsContext* sws_ = nullptr;
};

// Writes `frame` (YUV420P) to `path` as a JPEG. Internal on failure.
Status WriteJpeg(const AVFrame* frame, const std::string& path);

// An H.264 (libx264, preset ultrafast with CABAC) MP4 with +faststart and a variable frame rate:
// each frame carries its timestamp in 1/fps units and stays on screen until the next one. Not
// thread-safe.
class Mp4Encoder {
 public:
  // Creates `path`. Internal when libx264 or the file is unavailable.
  static Result<std::unique_ptr<Mp4Encoder>> Open(const std::string& path, int width, int height,
                                                  int fps, int crf);
  ~Mp4Encoder();

  // Encodes `frame`, shown from `pts` (in 1/fps units, increasing).
  Status Add(const AVFrame* frame, int64_t pts);
  // Flushes the encoder and writes the trailer with the last frame shown
  // until `end_pts`; the file is complete after it.
  Status Finish(int64_t end_pts);

 private:
  Mp4Encoder() = default;
  Status Drain();

  AVFormatContext* format_ = nullptr;
  AVCodecContext* codec_ = nullptr;
  AVPacket* packet_ = nullptr;
  // Timestamps of the frames added, then the end: a packet lasts until the
  // next one (the MP4's last sample needs its duration, or players cut it).
  std::vector<int64_t> shown_;
};

}  // namespace incuera::internal
