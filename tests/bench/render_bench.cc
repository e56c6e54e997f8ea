// Render figures for `make bench` (issue 13, part 5): renders each recording
// at 1280x720, 25 fps with the cursor, twice — reaching every captured frame
// by rrweb's seek (Replayer.pause, the old way) and by playing the recording
// forward (the default) — and prints side by side: the speed as a multiple of
// real time (session duration / wall time), captured frames, milliseconds per
// captured frame (all of it, and the part spent applying events), the PSNR of
// the play-forward video against the seek video per frame (min and mean), and
// the peak RSS of this process (it runs RenderSession as the worker does) and
// of the browser while playing forward, and the CPU time each render took,
// with the speed that CPU time allows on this machine's cores at best. Memory is measured on a
// third render, since the /proc sampler costs CPU. Each recording is classed by its page loads and
// its largest full snapshot (big page: >= 40 000 elements, multi-page: several page loads), and the
// median play-forward speed of each class is printed against issue 13's targets. Files that are not
// a JSON array of events (package.json, expected.json, ...) are skipped. Asserts nothing.
//
// Usage: render_bench RECORDING.json...
// With RENDER_BENCH_FRAMES=DIR, the least similar frame of each recording is
// written there as <recording>-seek.pgm and <recording>-forward.pgm (luma),
// to look at what differs.
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include <algorithm>
#include <boost/json.hpp>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "incuera/render.h"
#include "proc_stats.h"
#include "read_file.h"
#include "support/psnr.h"

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
  double cpu_s = 0;  // this process and every process of the browser
};

double CpuSeconds(int who) {
  rusage usage{};
  getrusage(who, &usage);
  auto seconds = [](const timeval& t) { return t.tv_sec + t.tv_usec / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

// The CPU time of this process and of its reaped children. main() makes this
// process the subreaper of the browser's processes, so that their CPU time
// is counted once the render has killed them (ReapBrowsers).
double CpuSeconds() { return CpuSeconds(RUSAGE_SELF) + CpuSeconds(RUSAGE_CHILDREN); }

// Waits for every child left: the browser's processes, orphaned when the
// render killed its process group, are ours to reap.
void ReapBrowsers() {
  while (waitpid(-1, nullptr, 0) > 0) {
  }
}

struct Memory {
  double ours_mib = 0, browser_rss_mib = 0, browser_pss_mib = 0;
};

// Renders, or returns nullopt after printing why.
std::optional<Run> Render(const std::string& events, const std::string& dir, bool seek) {
  std::filesystem::create_directories(dir);
  RenderRequest request{events, dir, incuera::RenderOptions{}, nullptr};
  request.seek_each_frame = seek;
  const double cpu = CpuSeconds();
  const auto started = Clock::now();
  incuera::Result<RenderResult> r = incuera::RenderSession(request);
  const double wall = std::chrono::duration<double>(Clock::now() - started).count();
  ReapBrowsers();
  if (!r.ok()) {
    std::printf("  render failed (%s): %s\n", seek ? "seek" : "play forward",
                r.status().ToString().c_str());
    return std::nullopt;
  }
  return Run{std::move(*r), wall, CpuSeconds() - cpu};
}

Memory MeasureMemory(const std::string& events, const std::string& dir, bool seek) {
  incuera::bench::ResetPeakRss();
  Memory m;
  incuera::bench::ChildGroupSampler sampler;
  Render(events, dir, seek);
  m.browser_rss_mib = sampler.peak_rss_mib();
  m.browser_pss_mib = sampler.peak_pss_mib();
  m.ours_mib = incuera::bench::PeakRssMiB();
  return m;
}

// What a recording holds, as far as the figures go.
struct Shape {
  double session_s = -1;     // last event - first event; negative: not a recording
  int page_loads = 0;        // full snapshots
  int64_t largest_page = 0;  // elements in the largest full snapshot
};

// Counts the element nodes (rrweb node type 2) under `node`.
int64_t Elements(const boost::json::value& node) {
  const boost::json::object* o = node.if_object();
  if (o == nullptr) return 0;
  int64_t n = 0;
  if (const boost::json::value* type = o->if_contains("type"); type && *type == 2) n = 1;
  if (const boost::json::value* children = o->if_contains("childNodes")) {
    if (const boost::json::array* a = children->if_array()) {
      for (const boost::json::value& child : *a) n += Elements(child);
    }
  }
  return n;
}

// The class a recording's speed is judged in (issue 13's targets).
const char* ClassOf(const Shape& shape) {
  if (shape.largest_page >= 40'000) return "big page";
  return shape.page_loads > 1 ? "multi-page" : "one page";
}

Shape ShapeOf(const std::string& events) {
  boost::json::parse_options options;
  options.max_depth = 100'000;  // real DOMs nest deeper than Boost's default 32
  boost::system::error_code error;
  boost::json::value parsed = boost::json::parse(events, error, {}, options);
  const boost::json::array* array = parsed.if_array();
  Shape shape;
  if (error || array == nullptr || array->empty()) return shape;
  double first = 0, last = 0;
  bool any = false;
  for (const boost::json::value& e : *array) {
    const boost::json::value* t = e.is_object() ? e.get_object().if_contains("timestamp") : nullptr;
    if (t == nullptr || !t->is_number()) return shape;
    const double ms = t->to_number<double>();
    first = any ? std::min(first, ms) : ms;
    last = any ? std::max(last, ms) : ms;
    any = true;
    if (const boost::json::value* type = e.get_object().if_contains("type"); type && *type == 2) {
      ++shape.page_loads;
      if (const boost::json::value* data = e.get_object().if_contains("data")) {
        if (const boost::json::object* d = data->if_object(); d && d->contains("node")) {
          shape.largest_page = std::max(shape.largest_page, Elements(d->at("node")));
        }
      }
    }
  }
  shape.session_s = (last - first) / 1000;
  return shape;
}

// The decoded video as one YUV420P picture per output frame slot (1/fps):
// a variable-frame-rate frame fills every slot until the next one.
std::vector<std::vector<uint8_t>> Decode(const std::string& path, int fps, int slots) {
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
  std::vector<std::vector<uint8_t>> out;
  size_t next = 0;
  for (int slot = 0; slot < slots; ++slot) {
    while (next + 1 < decoded.size() && decoded[next + 1].first <= slot) ++next;
    out.push_back(decoded.at(next).second);
  }
  return out;
}

void PrintRow(const std::string& name, const Shape& shape, const char* mode, const Run& run,
              const Memory* memory, const std::string& psnr) {
  const RenderResult& r = run.result;
  const int captured = std::max(1, r.frames_captured);
  char mib[64] = "       - |        - |        -";
  if (memory != nullptr) {
    std::snprintf(mib, sizeof mib, "%8.0f | %8.0f | %8.0f", memory->ours_mib,
                  memory->browser_rss_mib, memory->browser_pss_mib);
  }
  const double cores = std::max(1u, std::thread::hardware_concurrency());
  std::printf(
      "| %-40s | %-10s | %9.1f | %-12s | %7.2f | %8.1fx | %6.2f | %7.1fx | %8d | %10.1f | %9.1f | "
      "%8.1f | %-22s | %s |\n",
      name.c_str(), ClassOf(shape), shape.session_s, mode, run.wall_s, shape.session_s / run.wall_s,
      run.cpu_s, shape.session_s * cores / run.cpu_s, r.frames_captured,
      r.capture_seconds * 1000 / captured, r.replay_seconds * 1000 / captured,
      r.paint_seconds * 1000 / captured, psnr.c_str(), mib);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: render_bench RECORDING.json...\n");
    return 2;
  }
  // The browser's processes are reparented to this one when a render kills
  // them, so that their CPU time is counted (ReapBrowsers).
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  const std::string work =
      (std::filesystem::temp_directory_path() / ("render-bench-" + std::to_string(getpid())))
          .string();
  const int fps = incuera::RenderOptions{}.fps;
  std::printf(
      "render_bench: 1280x720 at %d fps with the cursor; each recording rendered by seeking "
      "(Replayer.pause per captured frame, the old way) and by playing forward (the default).\n"
      "x real time = session duration / wall time; ms/captured = capture thread time per "
      "captured frame (replay + paint + a share of the browser start and page load), replay = "
      "applying the events, paint = beginFrame with a JPEG screenshot; PSNR of "
      "the play-forward video vs the seek video over every frame slot (Y+U+V, identical = 100 "
      "dB); peak RSS in MiB of this process and of the browser (summed RSS and PSS over its "
      "processes), measured on a third render, playing forward. CPU s = CPU time of the render "
      "(this process and all the browser's processes); x max = session duration / (CPU s / %u "
      "cores): the speed that CPU time allows on this machine, however well the work were spread "
      "over its cores.\n",
      fps, std::max(1u, std::thread::hardware_concurrency()));
  std::printf(
      "| recording                                | class      | session s | mode         |  wall "
      "s | x real   | CPU s  | x max    "
      "| captured | ms/capture | replay ms | paint ms | PSNR dB min / mean     | ours MiB | brw "
      "RSS  "
      "| brw PSS  |\n");
  std::printf(
      "|------------------------------------------|------------|-----------|--------------|--------"
      "-|----------|--------|----------"
      "|----------|------------|-----------|----------|------------------------|----------|--------"
      "--|----------|\n");
  std::map<std::string, std::vector<double>> forward_speeds;  // by class
  for (int i = 1; i < argc; ++i) {
    const std::string path = argv[i];
    const std::string events = ReadAll(path);
    const Shape shape = ShapeOf(events);
    if (shape.session_s < 0) continue;  // not a recording
    // The folder too: the corpus and the SDK's own recordings share names.
    const std::filesystem::path file(path);
    const std::string name = (file.parent_path().filename() / file.filename()).string();
    const std::string dir = work + "/" + std::to_string(i);
    const std::optional<Run> seek = Render(events, dir + "/seek", true);
    const std::optional<Run> forward = Render(events, dir + "/forward", false);
    if (!seek || !forward) continue;
    const Memory forward_memory = MeasureMemory(events, dir + "/memory", false);

    const int slots = forward->result.video_frames;
    const auto a = Decode(seek->result.video_path, fps, slots);
    const auto b = Decode(forward->result.video_path, fps, slots);
    double sum = 0, worst = 100;
    int worst_slot = 0;
    for (int s = 0; s < slots; ++s) {
      const double p = incuera::testing::Psnr(a[s], b[s]);
      sum += p;
      if (p < worst) worst = p, worst_slot = s;
    }
    if (const char* frames = std::getenv("RENDER_BENCH_FRAMES")) {
      const int width = 1280, height = 720;  // RenderOptions' default frame
      for (const auto& [suffix, picture] :
           {std::pair{"-seek.pgm", &a[worst_slot]}, std::pair{"-forward.pgm", &b[worst_slot]}}) {
        std::ofstream out(std::string(frames) + "/" + name + suffix, std::ios::binary);
        out << "P5\n" << width << " " << height << "\n255\n";
        out.write(reinterpret_cast<const char*>(picture->data()), width * height);
      }
    }
    char psnr[64];
    std::snprintf(psnr, sizeof psnr, "%.1f (#%d) / %.2f", worst, worst_slot, sum / slots);
    PrintRow(name, shape, "seek", *seek, nullptr, "reference");
    PrintRow(name, shape, "play forward", *forward, &forward_memory, psnr);
    forward_speeds[ClassOf(shape)].push_back(shape.session_s / forward->wall_s);
    std::filesystem::remove_all(dir);
    std::fflush(stdout);
  }
  // Issue 13's targets: ordinary multi-page sessions and pages of 40 000
  // elements or more; one-page recordings have none.
  const std::map<std::string, double> targets = {{"multi-page", 20}, {"big page", 5}};
  for (const auto& [name, speeds] : forward_speeds) {
    std::printf("play forward, %s (%zu recordings): median %.1fx, worst %.1fx real time",
                name.c_str(), speeds.size(), Median(speeds),
                *std::min_element(speeds.begin(), speeds.end()));
    if (auto target = targets.find(name); target != targets.end()) {
      std::printf(" (target >= %.0fx)", target->second);
    }
    std::printf("\n");
  }
  std::filesystem::remove_all(work);
  return 0;
}
