// A headless Chromium child process speaking CDP over --remote-debugging-pipe.
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "incuera/status.h"

namespace incuera::internal {

// Owns the browser's process group, its CDP socket and its temporary profile.
// The destructor SIGKILLs the whole group, reaps the browser and removes the
// profile, so no code path can leak a browser. Not thread-safe.
class ChromiumProcess {
 public:
  // Starts `binary` in its own process group with a fresh profile. The pipe
  // fds 3 (commands in) and 4 (messages out) are the two ends of `cdp_fd()`.
  // Chromium's sandbox stays on unless it cannot work: as root (Chromium
  // refuses it) or without user namespaces, the browser gets --no-sandbox.
  // `extra_flags` go on the command line after ours (the render's device
  // scale factor; tests: e.g. --host-resolver-rules, to make Chromium's own
  // DNS answer differ).
  // Unavailable when the binary is missing or cannot be started.
  static Result<std::unique_ptr<ChromiumProcess>> Start(
      const std::string& binary, const std::vector<std::string>& extra_flags = {});

  ~ChromiumProcess();
  ChromiumProcess(const ChromiumProcess&) = delete;
  ChromiumProcess& operator=(const ChromiumProcess&) = delete;

  // Our end of the CDP connection (a socket: write commands, read replies).
  int cdp_fd() const { return cdp_fd_; }
  pid_t pid() const { return pid_; }

 private:
  ChromiumProcess(pid_t pid, int cdp_fd, std::string profile_dir)
      : pid_(pid), cdp_fd_(cdp_fd), profile_dir_(std::move(profile_dir)) {}

  pid_t pid_;
  int cdp_fd_;
  std::string profile_dir_;
};

}  // namespace incuera::internal
