#include "render/encoder.h"

#include <algorithm>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/log.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
}

namespace incuera::internal {
namespace {

Status FfmpegError(std::string_view what, int code) {
  char text[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, text, sizeof text);
  return Internal(std::string(what) + ": " + text);
}

int Even(double v) { return static_cast<int>(v) / 2 * 2; }

// The mjpeg decoder reports the deprecated full-range "J" formats; swscale
// wants the plain format plus an explicit range (see DecodeInto).
AVPixelFormat WithoutFullRange(int format) {
  switch (format) {
    case AV_PIX_FMT_YUVJ420P:
      return AV_PIX_FMT_YUV420P;
    case AV_PIX_FMT_YUVJ422P:
      return AV_PIX_FMT_YUV422P;
    case AV_PIX_FMT_YUVJ444P:
      return AV_PIX_FMT_YUV444P;
    default:
      return static_cast<AVPixelFormat>(format);
  }
}

}  // namespace

void FrameDeleter::operator()(AVFrame* frame) const { av_frame_free(&frame); }

Result<FramePtr> NewFrame(int width, int height) {
  FramePtr frame(av_frame_alloc());
  if (!frame) return Internal("av_frame_alloc failed");
  frame->format = AV_PIX_FMT_YUV420P;
  frame->width = width;
  frame->height = height;
  if (int rc = av_frame_get_buffer(frame.get(), 0); rc < 0) return FfmpegError("frame buffer", rc);
  for (int y = 0; y < height; ++y) std::fill_n(frame->data[0] + y * frame->linesize[0], width, 16);
  for (int p = 1; p < 3; ++p) {
    for (int y = 0; y < height / 2; ++y) {
      std::fill_n(frame->data[p] + y * frame->linesize[p], width / 2, 128);
    }
  }
  return frame;
}

Status CopyFrame(const AVFrame* from, AVFrame* to) {
  if (int rc = av_frame_copy(to, from); rc < 0) return FfmpegError("frame copy", rc);
  return OkStatus();
}

Letterbox FitInto(int page_w, int page_h, int frame_w, int frame_h) {
  Letterbox box;
  box.scale =
      std::min(static_cast<double>(frame_w) / page_w, static_cast<double>(frame_h) / page_h);
  box.width = std::min(frame_w, Even(page_w * box.scale + 0.5));
  box.height = std::min(frame_h, Even(page_h * box.scale + 0.5));
  box.x = Even((frame_w - box.width) / 2.0);
  box.y = Even((frame_h - box.height) / 2.0);
  return box;
}

Result<std::unique_ptr<JpegDecoder>> JpegDecoder::Open(Letterbox box) {
  std::unique_ptr<JpegDecoder> d(new JpegDecoder(box));
  const AVCodec* mjpeg = avcodec_find_decoder(AV_CODEC_ID_MJPEG);
  if (mjpeg == nullptr) return Internal("FFmpeg has no mjpeg decoder");
  d->codec_ = avcodec_alloc_context3(mjpeg);
  d->packet_ = av_packet_alloc();
  d->decoded_ = av_frame_alloc();
  if (!d->codec_ || !d->packet_ || !d->decoded_) return Internal("FFmpeg allocation failed");
  if (int rc = avcodec_open2(d->codec_, mjpeg, nullptr); rc < 0) {
    return FfmpegError("open mjpeg decoder", rc);
  }
  return d;
}

JpegDecoder::~JpegDecoder() {
  sws_freeContext(sws_);
  av_frame_free(&decoded_);
  av_packet_free(&packet_);
  avcodec_free_context(&codec_);
}

Status JpegDecoder::DecodeInto(std::string_view jpeg, AVFrame* frame) {
  av_packet_unref(packet_);
  if (av_new_packet(packet_, static_cast<int>(jpeg.size())) < 0) return Internal("packet alloc");
  std::copy(jpeg.begin(), jpeg.end(), packet_->data);
  if (int rc = avcodec_send_packet(codec_, packet_); rc < 0) return FfmpegError("decode jpeg", rc);
  if (int rc = avcodec_receive_frame(codec_, decoded_); rc < 0) {
    return FfmpegError("decode jpeg", rc);
  }
  sws_ = sws_getCachedContext(sws_, decoded_->width, decoded_->height,
                              WithoutFullRange(decoded_->format), box_.width, box_.height,
                              AV_PIX_FMT_YUV420P, SWS_BICUBIC, nullptr, nullptr, nullptr);
  if (sws_ == nullptr) return Internal("cannot scale the captured frame");
  // JPEG is full range, H.264 video limited range: without this, greys wash out.
  const int* bt601 = sws_getCoefficients(SWS_CS_ITU601);
  sws_setColorspaceDetails(sws_, bt601, 1, bt601, 0, 0, 1 << 16, 1 << 16);
  uint8_t* dst[3];
  for (int p = 0; p < 3; ++p) {
    const int shift = p == 0 ? 0 : 1;
    dst[p] = frame->data[p] + (box_.y >> shift) * frame->linesize[p] + (box_.x >> shift);
  }
  sws_scale(sws_, decoded_->data, decoded_->linesize, 0, decoded_->height, dst, frame->linesize);
  av_frame_unref(decoded_);
  return OkStatus();
}

Status WriteJpeg(const AVFrame* frame, const std::string& path) {
  const AVCodec* mjpeg = avcodec_find_encoder(AV_CODEC_ID_MJPEG);
  if (mjpeg == nullptr) return Internal("FFmpeg has no mjpeg encoder");
  AVCodecContext* c = avcodec_alloc_context3(mjpeg);
  AVPacket* packet = av_packet_alloc();
  // JPEG wants full range: expand the video's limited range while copying.
  FramePtr copy(av_frame_alloc());
  SwsContext* sws =
      sws_getContext(frame->width, frame->height, AV_PIX_FMT_YUV420P, frame->width, frame->height,
                     AV_PIX_FMT_YUV420P, SWS_POINT, nullptr, nullptr, nullptr);
  Status status = OkStatus();
  if (!c || !packet || !copy || !sws) status = Internal("FFmpeg allocation failed");
  if (status.ok()) {
    copy->width = frame->width;
    copy->height = frame->height;
    copy->format = AV_PIX_FMT_YUV420P;
    if (int rc = av_frame_get_buffer(copy.get(), 0); rc < 0) status = FfmpegError("jpeg", rc);
  }
  if (status.ok()) {
    const int* bt601 = sws_getCoefficients(SWS_CS_ITU601);
    sws_setColorspaceDetails(sws, bt601, 0, bt601, 1, 0, 1 << 16, 1 << 16);
    sws_scale(sws, frame->data, frame->linesize, 0, frame->height, copy->data, copy->linesize);
  }
  sws_freeContext(sws);
  if (status.ok()) {
    c->width = frame->width;
    c->height = frame->height;
    c->pix_fmt = AV_PIX_FMT_YUVJ420P;
    c->time_base = {1, 25};
    c->flags |= AV_CODEC_FLAG_QSCALE;
    c->global_quality = FF_QP2LAMBDA * 3;
    copy->format = AV_PIX_FMT_YUVJ420P;
    copy->quality = c->global_quality;
    if (int rc = avcodec_open2(c, mjpeg, nullptr); rc < 0) status = FfmpegError("mjpeg", rc);
  }
  if (status.ok()) {
    int rc = avcodec_send_frame(c, copy.get());
    if (rc >= 0) rc = avcodec_receive_packet(c, packet);
    if (rc < 0) status = FfmpegError("encode jpeg", rc);
  }
  if (status.ok()) {
    FILE* out = std::fopen(path.c_str(), "wb");
    if (out == nullptr ||
        std::fwrite(packet->data, 1, packet->size, out) != static_cast<size_t>(packet->size)) {
      status = Internal("cannot write " + path);
    }
    if (out != nullptr) std::fclose(out);
  }
  av_packet_free(&packet);
  avcodec_free_context(&c);
  return status;
}

Result<std::unique_ptr<Mp4Encoder>> Mp4Encoder::Open(const std::string& path, int width, int height,
                                                     int fps, int crf) {
  // x264 and swscale print statistics at FFmpeg's default level (info) on
  // every render. The level is process-wide, so it is lowered only when the
  // embedding program has not chosen one itself.
  if (av_log_get_level() == AV_LOG_INFO) av_log_set_level(AV_LOG_ERROR);
  std::unique_ptr<Mp4Encoder> e(new Mp4Encoder());
  if (int rc = avformat_alloc_output_context2(&e->format_, nullptr, "mp4", path.c_str()); rc < 0) {
    return FfmpegError("mp4 muxer", rc);
  }
  const AVCodec* x264 = avcodec_find_encoder_by_name("libx264");
  if (x264 == nullptr) return Internal("FFmpeg was built without libx264");
  AVStream* stream = avformat_new_stream(e->format_, nullptr);
  e->codec_ = avcodec_alloc_context3(x264);
  e->packet_ = av_packet_alloc();
  if (!stream || !e->codec_ || !e->packet_) return Internal("FFmpeg allocation failed");
  e->codec_->width = width;
  e->codec_->height = height;
  e->codec_->pix_fmt = AV_PIX_FMT_YUV420P;
  e->codec_->time_base = {1, fps};
  e->codec_->framerate = {fps, 1};
  e->codec_->gop_size = fps * 2;
  if (e->format_->oformat->flags & AVFMT_GLOBALHEADER) {
    e->codec_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  }
  // Measured with render_bench on the test recording (2 cores): ultrafast
  // halves the encoder's CPU time and memory against veryfast (0.7 vs 1.3 s,
  // 72 vs 147 MiB) for a 2.6x larger file; CABAC wins back 12% of the size
  // at no measurable cost. Screen recordings are small either way (~12 KiB
  // per second of video).
  av_opt_set(e->codec_->priv_data, "preset", "ultrafast", 0);
  av_opt_set(e->codec_->priv_data, "x264-params", "cabac=1", 0);
  av_opt_set(e->codec_->priv_data, "crf", std::to_string(crf).c_str(), 0);
  if (int rc = avcodec_open2(e->codec_, x264, nullptr); rc < 0) return FfmpegError("libx264", rc);
  if (int rc = avcodec_parameters_from_context(stream->codecpar, e->codec_); rc < 0) {
    return FfmpegError("stream parameters", rc);
  }
  stream->time_base = e->codec_->time_base;
  if (int rc = avio_open(&e->format_->pb, path.c_str(), AVIO_FLAG_WRITE); rc < 0) {
    return FfmpegError("open " + path, rc);
  }
  AVDictionary* mux_options = nullptr;
  av_dict_set(&mux_options, "movflags", "+faststart", 0);
  int rc = avformat_write_header(e->format_, &mux_options);
  av_dict_free(&mux_options);
  if (rc < 0) return FfmpegError("mp4 header", rc);
  return e;
}

Mp4Encoder::~Mp4Encoder() {
  av_packet_free(&packet_);
  avcodec_free_context(&codec_);
  if (format_ != nullptr) {
    if (format_->pb != nullptr) avio_closep(&format_->pb);
    avformat_free_context(format_);
  }
}

Status Mp4Encoder::Drain() {
  while (true) {
    int rc = avcodec_receive_packet(codec_, packet_);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF) return OkStatus();
    if (rc < 0) return FfmpegError("encode h264", rc);
    auto next = std::upper_bound(shown_.begin(), shown_.end(), packet_->pts);
    packet_->duration = next == shown_.end() ? 1 : *next - packet_->pts;
    av_packet_rescale_ts(packet_, codec_->time_base, format_->streams[0]->time_base);
    packet_->stream_index = 0;
    if (rc = av_interleaved_write_frame(format_, packet_); rc < 0) {
      return FfmpegError("write mp4", rc);
    }
  }
}

Status Mp4Encoder::Add(const AVFrame* frame, int64_t pts) {
  FramePtr timed(av_frame_clone(frame));
  if (!timed) return Internal("av_frame_clone failed");
  timed->pts = pts;
  shown_.push_back(pts);
  if (int rc = avcodec_send_frame(codec_, timed.get()); rc < 0) {
    return FfmpegError("encode h264", rc);
  }
  return Drain();
}

Status Mp4Encoder::Finish(int64_t end_pts) {
  shown_.push_back(end_pts);
  if (int rc = avcodec_send_frame(codec_, nullptr); rc < 0) return FfmpegError("flush", rc);
  INCUERA_RETURN_IF_ERROR(Drain());
  if (int rc = av_write_trailer(format_); rc < 0) return FfmpegError("mp4 trailer", rc);
  return OkStatus();
}

}  // namespace incuera::internal
