// The directory ObjectStore: one file per key under a root directory. Writes
// go to a temp file in the destination directory, are fsynced and renamed
// into place, so a reader sees the old object or the new one, never a torn
// one. Content types are derived from the key's extension.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "core/no_space.h"
#include "core/private_files.h"
#include "core/text.h"
#include "objects/objects_internal.h"

namespace incuera::internal {
namespace {

namespace fs = std::filesystem;

constexpr size_t kPieceSize = 64 * 1024;
constexpr std::string_view kTempPrefix = ".tmp-";

// Maps an errno to the Status code a caller can act on.
Status ErrnoStatus(const std::string& what, int err) {
  std::string message = what + ": " + std::strerror(err);
  if (err == ENOENT) return NotFound(message);
  if (err == ENOSPC || err == EDQUOT) return NoSpace("object store").WithContext(what);
  if (err == EACCES || err == EPERM) return PermissionDenied(message);
  return Internal(message);
}

// Closes a file descriptor on scope exit.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }
  // Closes now, reporting the error close(2) may carry for buffered writes.
  int Close() {
    int rc = ::close(fd_);
    fd_ = -1;
    return rc;
  }

 private:
  int fd_;
};

// Writes all of `data`, retrying short writes and EINTR.
Status WriteAll(int fd, std::string_view data, const std::string& path) {
  while (!data.empty()) {
    ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoStatus("write " + path, errno);
    data.remove_prefix(static_cast<size_t>(n));
  }
  return OkStatus();
}

// Thread-safe without locks: every call opens its own descriptors, and
// concurrent writers of one key race on rename(), which is atomic.
class LocalObjectStore final : public ObjectStore {
 public:
  explicit LocalObjectStore(fs::path root) : root_(std::move(root)) {}

  Status PutFile(const std::string& key, const std::string& path, const std::string&) override {
    INCUERA_RETURN_IF_ERROR(ValidateKey(key));
    Fd in(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (in.get() < 0) return ErrnoStatus("open " + path, errno);
    return WriteAtomically(key, [&](int out, const std::string& temp) -> Status {
      std::vector<char> buffer(kPieceSize);
      for (;;) {
        ssize_t n = ::read(in.get(), buffer.data(), buffer.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) return ErrnoStatus("read " + path, errno);
        if (n == 0) return OkStatus();
        INCUERA_RETURN_IF_ERROR(
            WriteAll(out, std::string_view(buffer.data(), static_cast<size_t>(n)), temp));
      }
    });
  }

  Status Put(const std::string& key, std::string_view data, const std::string&) override {
    INCUERA_RETURN_IF_ERROR(ValidateKey(key));
    return WriteAtomically(
        key, [&](int out, const std::string& temp) { return WriteAll(out, data, temp); });
  }

  Status Get(const std::string& key, std::optional<ByteRange> range,
             const std::function<Status(std::string_view)>& sink) override {
    INCUERA_RETURN_IF_ERROR(ValidateKey(key));
    std::string path = PathOf(key);
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return ErrnoStatus("object " + key, errno);
    struct stat st;
    if (::fstat(fd.get(), &st) != 0) return ErrnoStatus("stat " + key, errno);
    if (!S_ISREG(st.st_mode)) return NotFound("object " + key + ": not a file");
    INCUERA_ASSIGN_OR_RETURN(auto span, ResolveRange(range, st.st_size));
    std::vector<char> buffer(kPieceSize);
    for (std::int64_t pos = span.first; pos < span.second;) {
      size_t want = static_cast<size_t>(std::min<std::int64_t>(kPieceSize, span.second - pos));
      ssize_t n = ::pread(fd.get(), buffer.data(), want, pos);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return ErrnoStatus("read " + key, errno);
      if (n == 0) break;  // truncated underneath us: deliver what exists
      INCUERA_RETURN_IF_ERROR(sink(std::string_view(buffer.data(), static_cast<size_t>(n))));
      pos += n;
    }
    return OkStatus();
  }

  Result<ObjectInfo> Stat(const std::string& key) override {
    INCUERA_RETURN_IF_ERROR(ValidateKey(key));
    struct stat st;
    if (::stat(PathOf(key).c_str(), &st) != 0) return ErrnoStatus("object " + key, errno);
    if (!S_ISREG(st.st_mode)) return NotFound("object " + key + ": not a file");
    return ObjectInfo{st.st_size, ContentTypeForKey(key)};
  }

  Result<bool> Exists(const std::string& key) override {
    Result<ObjectInfo> info = Stat(key);
    if (info.ok()) return true;
    if (info.status().code() == StatusCode::kNotFound) return false;
    return info.status();
  }

  Result<int> DeletePrefix(const std::string& prefix) override {
    INCUERA_RETURN_IF_ERROR(ValidatePrefix(prefix));
    // Only the directory that holds the prefix can contain matches.
    size_t slash = prefix.rfind('/');
    fs::path start = slash == std::string::npos ? root_ : root_ / prefix.substr(0, slash);
    std::error_code ec;
    if (!fs::is_directory(start, ec)) return 0;
    int deleted = 0;
    std::vector<fs::path> dirs;
    for (auto it = fs::recursive_directory_iterator(start, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      std::string key = it->path().lexically_relative(root_).generic_string();
      if (!StartsWith(key, prefix)) continue;
      if (StartsWith(it->path().filename().string(), kTempPrefix)) continue;  // in-flight write
      if (it->is_directory(ec)) {
        dirs.push_back(it->path());
      } else if (fs::remove(it->path(), ec)) {
        ++deleted;
      }
      if (ec) break;
    }
    if (ec) return Internal("delete prefix " + prefix + ": " + ec.message());
    // Drop the directories the prefix emptied, deepest first.
    for (auto dir = dirs.rbegin(); dir != dirs.rend(); ++dir) fs::remove(*dir, ec);
    return deleted;
  }

  // Walks the tree in key order, each directory's entries sorted as their
  // keys sort, skipping subtrees that hold no key after `token` (the last key
  // of the previous page): a page costs the entries on its way, not a walk
  // of the whole store.
  Result<ObjectListing> List(const std::string& prefix, const std::string& token,
                             int limit) override {
    INCUERA_RETURN_IF_ERROR(ValidateListPrefix(prefix));
    ObjectListing page;
    std::size_t want = static_cast<std::size_t>(ListPageSize(limit));
    std::error_code ec;
    ListUnder("", prefix, token, want, page, ec);
    if (ec) return Internal("list " + prefix + ": " + ec.message());
    if (page.objects.size() == want) page.next_token = page.objects.back().key;
    return page;
  }

  std::string_view backend() const override { return "file"; }
  Status Ready() const override { return space_.Check(); }

 private:
  // Appends to `page` the objects under the directory of key prefix `dir`
  // ("" or ending in '/') that match `prefix` and sort after `after`, until
  // `want` are listed. A directory removed meanwhile lists as empty; other
  // errors stop the walk in `ec`.
  void ListUnder(const std::string& dir, const std::string& prefix, const std::string& after,
                 std::size_t want, ObjectListing& page, std::error_code& ec) {
    struct Child {
      std::string key;  // directories end in '/', so siblings sort as their keys
      fs::directory_entry entry;
    };
    std::vector<Child> children;
    for (auto it = fs::directory_iterator(root_ / dir, ec); !ec && it != fs::end(it);
         it.increment(ec)) {
      std::string name = it->path().filename().string();
      if (StartsWith(name, kTempPrefix)) continue;  // a write in flight
      bool is_dir = it->is_directory(ec);
      if (ec) return;
      children.push_back({dir + name + (is_dir ? "/" : ""), *it});
    }
    if (ec) {
      if (ec == std::errc::no_such_file_or_directory) ec.clear();
      return;
    }
    std::sort(children.begin(), children.end(),
              [](const Child& a, const Child& b) { return a.key < b.key; });
    for (const Child& child : children) {
      if (page.objects.size() == want) return;
      // Only a key that could start with the prefix, and lies after `after`.
      bool may_match = StartsWith(child.key, prefix) || StartsWith(prefix, child.key);
      if (!may_match) continue;
      if (child.key.back() == '/') {
        if (!after.empty() && child.key < after && !StartsWith(after, child.key)) continue;
        ListUnder(child.key, prefix, after, want, page, ec);
        if (ec) return;
        continue;
      }
      if (!StartsWith(child.key, prefix) || child.key <= after) continue;
      struct stat st;  // a file deleted meanwhile is not listed
      if (::stat(child.entry.path().c_str(), &st) != 0 || !S_ISREG(st.st_mode)) continue;
      page.objects.push_back(
          {child.key, static_cast<std::int64_t>(st.st_size),
           static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000 + st.st_mtim.tv_nsec / 1'000'000});
    }
  }

  // The file of a (validated) key.
  std::string PathOf(const std::string& key) const { return (root_ / key).string(); }

  // Creates the key's directory, lets `write` fill a temp file next to the
  // destination, then fsyncs and renames it into place. The temp file is
  // removed on any failure, so a full disk leaves the old object as it was.
  // The outcome feeds the space alarm behind Ready().
  template <class Write>
  Status WriteAtomically(const std::string& key, Write&& write) {
    Status status = WriteToTemp(key, std::forward<Write>(write));
    space_.Observe(status);
    return status;
  }

  template <class Write>
  Status WriteToTemp(const std::string& key, Write&& write) {
    fs::path dest = root_ / key;
    std::error_code ec;
    if (Status s = CreatePrivateDirectories(dest.parent_path()); !s.ok()) {
      return Internal("create directory for " + key + ": " + s.message());
    }
    std::string temp =
        (dest.parent_path() / (std::string(kTempPrefix) + HexEncode(RandomBytes(8)))).string();
    Fd out(::open(temp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600));
    if (out.get() < 0) return ErrnoStatus("create " + temp, errno);
    Status status = write(out.get(), temp);
    if (status.ok() && ::fsync(out.get()) != 0) status = ErrnoStatus("fsync " + temp, errno);
    if (out.Close() != 0 && status.ok()) status = ErrnoStatus("close " + temp, errno);
    if (status.ok() && ::rename(temp.c_str(), dest.c_str()) != 0) {
      status = ErrnoStatus("rename to " + key, errno);
    }
    if (!status.ok()) {
      ::unlink(temp.c_str());
      return status;
    }
    // Make the rename itself durable.
    Fd dir(::open(dest.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dir.get() >= 0) ::fsync(dir.get());
    return OkStatus();
  }

  const fs::path root_;
  SpaceAlarm space_{"object store"};
};

}  // namespace

Result<std::unique_ptr<ObjectStore>> OpenLocalObjectStore(const std::string& dir) {
  if (Status s = CreatePrivateDirectories(dir); !s.ok()) return Unavailable(s.message());
  return std::unique_ptr<ObjectStore>(std::make_unique<LocalObjectStore>(fs::path(dir)));
}

}  // namespace incuera::internal
