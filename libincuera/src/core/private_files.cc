#include "core/private_files.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace incuera::internal {

Status CreatePrivateDirectories(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> missing;
  std::error_code ec;
  for (std::filesystem::path p = dir; !p.empty() && !std::filesystem::exists(p, ec);
       p = p.parent_path()) {
    missing.push_back(p);
    if (p == p.parent_path()) break;
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), 0700) != 0 && errno != EEXIST) {
      return Internal("cannot create directory " + it->string() + ": " + std::strerror(errno));
    }
  }
  return OkStatus();
}

Status RestrictToOwner(const std::filesystem::path& path) {
  struct stat st;
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT) return OkStatus();
    return Internal("cannot stat " + path.string() + ": " + std::strerror(errno));
  }
  if ((st.st_mode & 077) == 0) return OkStatus();
  if (::chmod(path.c_str(), st.st_mode & 07700) != 0) {
    return Internal("cannot restrict " + path.string() + ": " + std::strerror(errno));
  }
  return OkStatus();
}

}  // namespace incuera::internal
