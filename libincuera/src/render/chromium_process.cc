#include "render/chromium_process.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace incuera::internal {
namespace {

// Whether Chromium's own sandbox (user namespaces plus seccomp, as Debian
// ships no setuid helper) can work for this process: Chromium refuses it to
// root, and some containers forbid new user namespaces.
bool SandboxWorks() {
  if (geteuid() == 0) return false;
  pid_t probe = fork();
  if (probe == 0) _exit(unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
  if (probe < 0) return false;
  int status = 0;
  while (waitpid(probe, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

std::vector<std::string> BrowserArgs(const std::string& binary, const std::string& profile,
                                     const std::vector<std::string>& extra_flags) {
  std::vector<std::string> args = {binary,
                                   "--headless",
                                   "--remote-debugging-pipe",
                                   "--disable-gpu",
                                   "--no-first-run",
                                   "--disable-background-networking",
                                   "--disable-component-update",
                                   "--disable-sync",
                                   "--hide-scrollbars",
                                   "--mute-audio",
                                   "--deterministic-mode",
                                   "--enable-begin-frame-control",
                                   "--user-data-dir=" + profile};
  // Every beginFrame runs the page's whole frame (style, layout, paint,
  // commit), so its picture shows the page as the last Seek left it.
  args.push_back("--run-all-compositor-stages-before-draw");
  // The display compositor on a thread of the browser process instead of a
  // GPU process of its own: a picture is copied once less between processes
  // (~20% of a capture's CPU). The renderer keeps its sandbox.
  args.push_back("--in-process-gpu");
  if (!SandboxWorks()) args.push_back("--no-sandbox");
  args.insert(args.end(), extra_flags.begin(), extra_flags.end());
  args.push_back("about:blank");
  return args;
}

// In the forked child: wire the socket end to fds 3 and 4, leave our process
// group, and exec. Only async-signal-safe calls. Both fds are first moved above
// 4 so that the dup2 calls cannot clobber each other.
[[noreturn]] void ExecChild(int browser_end, int log_fd, char* const* argv) {
  setpgid(0, 0);
  int cdp = fcntl(browser_end, F_DUPFD, 10);
  int log = log_fd >= 0 ? fcntl(log_fd, F_DUPFD, 10) : -1;
  int devnull = open("/dev/null", O_RDWR);
  dup2(devnull, 0);
  dup2(devnull, 1);
  dup2(log >= 0 ? log : devnull, 2);
  dup2(cdp, 3);
  dup2(cdp, 4);
  for (int fd = 5; fd < 1024; ++fd) close(fd);
  execv(argv[0], argv);
  _exit(127);
}

}  // namespace

Result<std::unique_ptr<ChromiumProcess>> ChromiumProcess::Start(
    const std::string& binary, const std::vector<std::string>& extra_flags) {
  if (access(binary.c_str(), X_OK) != 0) {
    return Unavailable("chromium not found or not executable at " + binary);
  }
  char tmpl[] = "/tmp/incuera-chromium-XXXXXX";
  if (mkdtemp(tmpl) == nullptr) return Unavailable("cannot create a browser profile dir");
  std::string profile = tmpl;

  int fds[2];
  if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
    std::filesystem::remove_all(profile);
    return Unavailable(std::string("socketpair: ") + std::strerror(errno));
  }
  std::vector<std::string> args = BrowserArgs(binary, profile, extra_flags);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  std::string log_path = profile + "/stderr.log";
  int log_fd = open(log_path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

  pid_t pid = fork();
  if (pid == 0) ExecChild(fds[1], log_fd, argv.data());
  close(fds[1]);
  if (log_fd >= 0) close(log_fd);
  if (pid < 0) {
    close(fds[0]);
    std::filesystem::remove_all(profile);
    return Unavailable(std::string("fork: ") + std::strerror(errno));
  }
  setpgid(pid, pid);  // also done in the child; whichever runs first wins
  return std::unique_ptr<ChromiumProcess>(new ChromiumProcess(pid, fds[0], profile));
}

ChromiumProcess::~ChromiumProcess() {
  kill(-pid_, SIGKILL);
  kill(pid_, SIGKILL);
  int status = 0;
  while (waitpid(pid_, &status, 0) < 0 && errno == EINTR) {
  }
  close(cdp_fd_);
  std::error_code ignored;
  std::filesystem::remove_all(profile_dir_, ignored);
}

}  // namespace incuera::internal
