// Memory figures of processes from /proc, for the benchmarks' peak-RSS lines.
#pragma once

#include <sys/types.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace incuera::bench {

// A "Key:   123 kB" field of /proc/<pid>/status or smaps_rollup, in MiB; 0
// when the process or the field is gone.
inline double ProcField(const std::string& file, const std::string& key) {
  std::ifstream in(file);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(key + ":", 0) != 0) continue;
    std::istringstream fields(line.substr(key.size() + 1));
    double kib = 0;
    fields >> kib;
    return kib / 1024;
  }
  return 0;
}

// Peak resident set of this process since it started or since the last
// ResetPeakRss(), in MiB.
inline double PeakRssMiB() { return ProcField("/proc/self/status", "VmHWM"); }
inline double RssMiB() { return ProcField("/proc/self/status", "VmRSS"); }

// Makes the kernel restart the VmHWM peak from the current RSS.
inline void ResetPeakRss() { std::ofstream("/proc/self/clear_refs") << "5"; }

// While alive, samples every process in the process groups led by children of
// this process (the renderer's browser and everything it started) and keeps
// the peak of their summed RSS and PSS, and the CPU time they used. PSS splits
// shared pages between the processes, so its sum is what the group really
// costs. The browser's helpers die with it unreaped by us, so getrusage's
// RUSAGE_CHILDREN would miss their CPU time.
class ChildGroupSampler {
 public:
  ChildGroupSampler() : thread_([this] { Run(); }) {}
  ~ChildGroupSampler() {
    stop_ = true;
    thread_.join();
  }
  double peak_rss_mib() const { return peak_rss_; }
  double peak_pss_mib() const { return peak_pss_; }
  int peak_processes() const { return peak_processes_; }
  // User + system time of every process seen, at its last sample.
  double cpu_seconds() const {
    std::lock_guard lock(mu_);
    double ticks = 0;
    for (const auto& [pid, t] : cpu_ticks_) ticks += static_cast<double>(t);
    return ticks / static_cast<double>(sysconf(_SC_CLK_TCK));
  }

 private:
  struct Stat {
    pid_t pid = 0, ppid = 0, pgrp = 0;
    long long cpu_ticks = 0;
  };
  static bool ReadStat(const std::filesystem::path& dir, Stat& s) {
    std::ifstream in(dir / "stat");
    std::string text;
    if (!std::getline(in, text)) return false;
    // comm may hold spaces and parentheses: the fields resume after the last ')'.
    const size_t close = text.rfind(')');
    if (close == std::string::npos) return false;
    std::istringstream rest(text.substr(close + 2));
    char state;
    long long skip, utime, stime;
    s.pid = std::stoi(text);
    // state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime
    rest >> state >> s.ppid >> s.pgrp;
    for (int i = 0; i < 8; ++i) rest >> skip;
    rest >> utime >> stime;
    s.cpu_ticks = utime + stime;
    return static_cast<bool>(rest);
  }

  void Sample() {
    std::vector<Stat> all;
    for (const auto& entry : std::filesystem::directory_iterator("/proc")) {
      Stat s;
      const std::string name = entry.path().filename().string();
      if (name.empty() || !std::isdigit(static_cast<unsigned char>(name[0]))) continue;
      if (ReadStat(entry.path(), s)) all.push_back(s);
    }
    double rss = 0, pss = 0;
    int processes = 0;
    for (const Stat& leader : all) {
      if (leader.ppid != getpid() || leader.pgrp != leader.pid) continue;
      for (const Stat& s : all) {
        if (s.pgrp != leader.pid) continue;
        const std::string dir = "/proc/" + std::to_string(s.pid);
        rss += ProcField(dir + "/status", "VmRSS");
        pss += ProcField(dir + "/smaps_rollup", "Pss");
        ++processes;
        std::lock_guard lock(mu_);
        cpu_ticks_[s.pid] = s.cpu_ticks;
      }
    }
    peak_rss_ = std::max(peak_rss_.load(), rss);
    peak_pss_ = std::max(peak_pss_.load(), pss);
    peak_processes_ = std::max(peak_processes_.load(), processes);
  }

  void Run() {
    while (!stop_) {
      Sample();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  std::atomic<bool> stop_{false};
  std::atomic<double> peak_rss_{0}, peak_pss_{0};
  std::atomic<int> peak_processes_{0};
  mutable std::mutex mu_;
  std::map<pid_t, long long> cpu_ticks_;
  std::thread thread_;
};

}  // namespace incuera::bench
