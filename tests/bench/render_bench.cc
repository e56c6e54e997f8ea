// Render figures for `make bench` (issue 3 "Figures"): renders the test
// recording at 1280x720, 25 fps with the cursor, several times, and prints the
// speed as a multiple of real time, the frames captured / encoded / shown and
// the seconds in capture vs encode; then the peak RSS of this process (it runs
// RenderSession exactly as the worker does) and of the browser; then the
// PSNR of the change-detecting render against a reference render that paints
// and encodes every frame (the cursor is drawn the same way in both).
// Asserts nothing.
//
// Usage: render_bench [RECORDING.json] [RUNS]
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

#include "incuera/render.h"
#include "proc_stats.h"
#include "read_file.h"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
}

namespace {

using Clock = std::chrono::steady_clock;
using incuera::RenderRequest;
using incuera::RenderResult;

using incuera::bench::ReadAll;

struct Run {
  RenderResult result;
  double wall_s = 0;
  double cpu_s = 0;  // this process (RenderSession, with x264's threads)
};

double CpuSeconds(int who) {
  rusage usage{};
  getrusage(who, &usage);
  auto s = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

Run Render(const std::string& events, const std::string& dir, bool reference) {
  std::filesystem::create_directories(dir);
  RenderRequest request{events, dir, incuera::RenderOptions{}, nullptr};
  request.capture_every_frame = reference;
  const double cpu = CpuSeconds(RUSAGE_SELF);
  const auto started = Clock::now();
  incuera::Result<RenderResult> r = incuera::RenderSession(request);
  const double wall = std::chrono::duration<double>(Clock::now() - started).count();
  if (!r.ok()) {
    std::fprintf(stderr, "render_bench: %s\n", r.status().ToString().c_str());
    std::exit(1);
  }
  return {std::move(*r), wall, CpuSeconds(RUSAGE_SELF) - cpu};
}

// The decoded video as one YUV420P picture per output frame slot (1/fps):
// a variable-frame-rate frame fills every slot until the next one.
struct Frames {
  int width = 0, height = 0;
  std::vector<std::vector<uint8_t>> slots;
};

Frames Decode(const std::string& path, int fps, int slots) {
  Frames out;
  AVFormatContext* format = nullptr;
  if (avformat_open_input(&format, path.c_str(), nullptr, nullptr) != 0 ||
      avformat_find_stream_info(format, nullptr) < 0) {
    std::fprintf(stderr, "render_bench: cannot open %s\n", path.c_str());
    std::exit(1);
  }
  AVStream* stream = format->streams[0];
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  AVCodecContext* ctx = avcodec_alloc_context3(codec);
  avcodec_parameters_to_context(ctx, stream->codecpar);
  avcodec_open2(ctx, codec, nullptr);
  AVPacket* packet = av_packet_alloc();
  AVFrame* frame = av_frame_alloc();
  std::vector<std::pair<int, std::vector<uint8_t>>> decoded;  // (slot, picture)
  auto drain = [&] {
    while (avcodec_receive_frame(ctx, frame) == 0) {
      out.width = frame->width;
      out.height = frame->height;
      std::vector<uint8_t> picture;
      for (int p = 0; p < 3; ++p) {
        const int w = p ? frame->width / 2 : frame->width,
                  h = p ? frame->height / 2 : frame->height;
        for (int y = 0; y < h; ++y) {
          const uint8_t* row = frame->data[p] + y * frame->linesize[p];
          picture.insert(picture.end(), row, row + w);
        }
      }
      const double t = frame->best_effort_timestamp * av_q2d(stream->time_base);
      decoded.emplace_back(static_cast<int>(std::lround(t * fps)), std::move(picture));
    }
  };
  while (av_read_frame(format, packet) == 0) {
    avcodec_send_packet(ctx, packet);
    av_packet_unref(packet);
    drain();
  }
  avcodec_send_packet(ctx, nullptr);
  drain();
  av_frame_free(&frame);
  av_packet_free(&packet);
  avcodec_free_context(&ctx);
  avformat_close_input(&format);
  std::sort(decoded.begin(), decoded.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  size_t next = 0;
  for (int slot = 0; slot < slots; ++slot) {
    while (next + 1 < decoded.size() && decoded[next + 1].first <= slot) ++next;
    out.slots.push_back(decoded.at(next).second);
  }
  return out;
}

// PSNR of two 8-bit pictures over all planes; identical pictures score 100.
double Psnr(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    sum += d * d;
  }
  if (sum == 0) return 100;
  return std::min(100.0, 10 * std::log10(255.0 * 255.0 * a.size() / sum));
}

}  // namespace

int main(int argc, char** argv) {
  const std::string recording =
      argc > 1 ? argv[1] : std::string(INCUERA_SOURCE_DIR) + "/tests/data/recording/shop.json";
  const int runs = argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
  const std::string events = ReadAll(recording);
  const std::string work =
      (std::filesystem::temp_directory_path() / ("render-bench-" + std::to_string(getpid())))
          .string();
  std::printf("render_bench: %s (%zu bytes), 1280x720 at 25 fps with the cursor, %d runs\n",
              recording.c_str(), events.size(), runs);

  // Memory first, on a run of its own: the /proc sampler costs CPU.
  const double rss_before = incuera::bench::RssMiB();
  incuera::bench::ResetPeakRss();
  double browser_rss = 0, browser_pss = 0, browser_cpu = 0;
  int browser_processes = 0;
  {
    incuera::bench::ChildGroupSampler sampler;
    Render(events, work + "/memory", false);
    browser_rss = sampler.peak_rss_mib();
    browser_pss = sampler.peak_pss_mib();
    browser_processes = sampler.peak_processes();
    browser_cpu = sampler.cpu_seconds();
  }
  const double worker_peak = incuera::bench::PeakRssMiB();

  std::printf(
      "| run | video s | wall s | x real time | captured | encoded | shown | capture s | encode s "
      "| CPU s (ours) | MP4 KiB |\n");
  std::printf(
      "|-----|---------|--------|-------------|----------|---------|-------|-----------|----------"
      "|--------------|---------|\n");
  std::vector<double> speeds;
  Run last;
  for (int i = 0; i < runs; ++i) {
    last = Render(events, work + "/run", false);
    const RenderResult& r = last.result;
    const double video_s = r.video_duration_ms / 1000.0;
    speeds.push_back(video_s / last.wall_s);
    std::printf(
        "| %3d | %7.2f | %6.2f | %11.1f | %8d | %7d | %5d | %9.2f | %8.2f | %12.2f | %7ju |\n",
        i + 1, video_s, last.wall_s, speeds.back(), r.frames_captured, r.frames_encoded,
        r.video_frames, r.capture_seconds, r.encode_seconds, last.cpu_s,
        static_cast<uintmax_t>(std::filesystem::file_size(r.video_path) / 1024));
  }
  std::sort(speeds.begin(), speeds.end());
  std::printf("speed: median %.1fx, best %.1fx, worst %.1fx real time\n", speeds[speeds.size() / 2],
              speeds.back(), speeds.front());
  std::printf(
      "peak RSS: renderer process %.1f MiB (%.1f MiB before the render); browser %.1f MiB RSS "
      "summed over %d processes, %.1f MiB PSS; browser CPU %.2f s\n",
      worker_peak, rss_before, browser_rss, browser_processes, browser_pss, browser_cpu);

  const Run reference = Render(events, work + "/reference", true);
  const int fps = incuera::RenderOptions{}.fps;
  const int slots = last.result.video_frames;
  const Frames fast = Decode(last.result.video_path, fps, slots);
  const Frames full = Decode(reference.result.video_path, fps, slots);
  double sum = 0, worst = 100;
  int identical = 0, worst_slot = 0;
  for (int i = 0; i < slots; ++i) {
    const double p = Psnr(fast.slots[i], full.slots[i]);
    sum += p;
    identical += p == 100;
    if (p < worst) worst = p, worst_slot = i;
  }
  std::printf(
      "reference render (every frame painted and encoded): %.2f s wall, %d captured, %d "
      "encoded\n",
      reference.wall_s, reference.result.frames_captured, reference.result.frames_encoded);
  std::printf(
      "PSNR vs reference over %d frames (Y+U+V, identical = 100 dB): mean %.2f dB, min %.2f dB "
      "(frame %d), %d frames identical\n",
      slots, sum / slots, worst, worst_slot, identical);
  std::filesystem::remove_all(work);
  return 0;
}
