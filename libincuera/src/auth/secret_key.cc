// The server-wide secret that keys API-key and token hashes.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "core/private_files.h"
#include "core/text.h"
#include "incuera/auth.h"

namespace incuera {
namespace {

// Reads the trimmed contents of `path`; NotFound when it does not exist.
Result<std::string> ReadKeyFile(const std::string& path) {
  std::error_code ec;
  if (!std::filesystem::exists(path, ec) && !ec) return NotFound(path);
  std::ifstream in(path, std::ios::binary);
  if (!in) return Internal("cannot read secret key file " + path);
  std::ostringstream text;
  text << in.rdbuf();
  std::string key(internal::Trim(text.str()));
  if (key.empty()) return Internal("secret key file " + path + " is empty");
  return key;
}

}  // namespace

Result<std::string> LoadOrCreateSecretKey(const Options& options) {
  if (!options.secret_key.empty()) return options.secret_key;
  const std::string& path = options.secret_key_file;
  if (path.empty()) return InvalidArgument("neither secret_key nor secret_key_file is set");
  auto existing = ReadKeyFile(path);
  if (existing.ok() || existing.status().code() != StatusCode::kNotFound) return existing;

  std::filesystem::path parent = std::filesystem::path(path).parent_path();
  if (!parent.empty()) INCUERA_RETURN_IF_ERROR(internal::CreatePrivateDirectories(parent));
  std::error_code ec;
  std::string key = internal::Base64UrlEncode(internal::RandomBytes(32));
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    // Another process created it first: use theirs.
    if (errno == EEXIST) return ReadKeyFile(path);
    return Internal("cannot create secret key file " + path + ": " + std::strerror(errno));
  }
  std::string line = key + "\n";
  bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
  bool closed = ::close(fd) == 0;
  if (!written || !closed) {
    std::filesystem::remove(path, ec);
    return Internal("cannot write secret key file " + path);
  }
  return key;
}

}  // namespace incuera
