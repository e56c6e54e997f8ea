// The ObjectStore contract, run against the directory store and the S3 store
// (s3rver from tests/support/s3, or INCUERA_TEST_S3_URL). Every case works
// under its own random key root, so cases never see each other's objects.
#include <doctest/doctest.h>

#include <cstring>
#include <fstream>
#include <functional>
#include <thread>

#include "core/text.h"
#include "incuera/model.h"
#include "incuera/object_store.h"
#include "objects/objects_internal.h"
#include "support/test_env.h"
#include "unit/objects/s3_server.h"

namespace incuera {
namespace {

// Calls `body(store, root)` per backend; `root` is a fresh "c<hex>/" prefix.
void ForEachStore(const std::function<void(ObjectStore&, const std::string&)>& body) {
  std::string root = "c" + internal::HexEncode(internal::RandomBytes(6)) + "/";
  test::TempDir dir;
  std::vector<std::string> urls = {"file://" + dir.File("objects")};
  std::string s3 = test::S3Url();
  if (s3.empty()) {
    MESSAGE("no S3 server: S3 cases skipped");
  } else {
    urls.push_back(s3);
  }
  for (const std::string& url : urls) {
    Result<std::unique_ptr<ObjectStore>> store = OpenObjectStore(url);
    REQUIRE_MESSAGE(store.ok(), store.status().ToString());
    INFO("backend: " << (*store)->backend());
    body(**store, root);
  }
}

// The object (or its `range`), which must be readable.
std::string MustRead(ObjectStore& store, const std::string& key,
                     std::optional<ByteRange> range = std::nullopt) {
  std::string out;
  Status status = store.Get(key, range, [&](std::string_view piece) {
    out.append(piece);
    return OkStatus();
  });
  REQUIRE_MESSAGE(status.ok(), status.ToString());
  return out;
}

// Bytes that differ at every position, so an off-by-one range shows.
std::string Pattern(size_t n) {
  std::string s(n, '\0');
  for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>((i * 31 + i / 251) & 0xff);
  return s;
}

TEST_CASE("Put then Get, Stat and Exists round-trip an object") {
  ForEachStore([](ObjectStore& store, const std::string& root) {
    std::string key = root + "sessions/s1/video.mp4";
    CHECK(*store.Exists(key) == false);
    CHECK(store.Stat(key).status().code() == StatusCode::kNotFound);
    CHECK(ReadObject(store, key).status().code() == StatusCode::kNotFound);

    REQUIRE(store.Put(key, "hello video", "video/mp4").ok());
    CHECK(*store.Exists(key));
    Result<ObjectInfo> info = store.Stat(key);
    REQUIRE_MESSAGE(info.ok(), info.status().ToString());
    CHECK(info->size == 11);
    CHECK(info->content_type == "video/mp4");
    CHECK(*ReadObject(store, key) == "hello video");

    REQUIRE(store.Put(key, "replaced", "video/mp4").ok());
    CHECK(*ReadObject(store, key) == "replaced");
    CHECK(store.Stat(root + "sessions/s1").status().code() == StatusCode::kNotFound);
    CHECK(ReadObject(store, root + "sessions").status().code() == StatusCode::kNotFound);
    REQUIRE(store.Put(root + "empty.json", "", "application/json").ok());
    CHECK(*ReadObject(store, root + "empty.json") == "");
  });
}

TEST_CASE("Invalid keys are refused") {
  ForEachStore([](ObjectStore& store, const std::string& root) {
    for (std::string key : {std::string(""), std::string("/abs"), root + "../escape", root + "a//b",
                            root + "sp ace", root + ".hidden", root + "q?x"}) {
      CAPTURE(key);
      CHECK(store.Put(key, "x", "").code() == StatusCode::kInvalidArgument);
      CHECK(store.Stat(key).status().code() == StatusCode::kInvalidArgument);
    }
    CHECK(store.DeletePrefix("").status().code() == StatusCode::kInvalidArgument);
  });
}

TEST_CASE("Get streams a byte range") {
  ForEachStore([](ObjectStore& store, const std::string& root) {
    std::string key = root + "blob.bin";
    std::string data = Pattern(200000);
    REQUIRE(store.Put(key, data, "").ok());
    CHECK(MustRead(store, key, ByteRange{10, 20}) == data.substr(10, 20));
    CHECK(MustRead(store, key, ByteRange{150000, -1}) == data.substr(150000));
    CHECK(MustRead(store, key, ByteRange{199990, 100}) == data.substr(199990));
    CHECK(MustRead(store, key, ByteRange{0, -1}) == data);

    Status past =
        store.Get(key, ByteRange{200000, 10}, [](std::string_view) { return OkStatus(); });
    CHECK(past.code() == StatusCode::kInvalidArgument);

    int pieces = 0;
    Status status = store.Get(key, std::nullopt, [&](std::string_view piece) {
      CHECK(piece.size() <= 64 * 1024 * 4);
      ++pieces;
      return OkStatus();
    });
    CHECK(status.ok());
    CHECK(pieces >= 1);

    Status stopped =
        store.Get(key, std::nullopt, [](std::string_view) { return ResourceExhausted("enough"); });
    CHECK(stopped.code() == StatusCode::kResourceExhausted);
  });
}

TEST_CASE("PutFile streams a file, large ones in parts") {
  ForEachStore([](ObjectStore& store, const std::string& root) {
    test::TempDir dir;
    for (size_t size : {size_t{5}, size_t{17} << 20}) {
      CAPTURE(size);
      std::string path = dir.File("upload.bin");
      std::string data = Pattern(size);
      std::ofstream(path, std::ios::binary) << data;
      std::string key = root + "files/" + std::to_string(size) + ".mp4";
      Status put = store.PutFile(key, path, "video/mp4");
      REQUIRE_MESSAGE(put.ok(), put.ToString());
      Result<ObjectInfo> info = store.Stat(key);
      REQUIRE(info.ok());
      CHECK(info->size == static_cast<std::int64_t>(size));
      CHECK(info->content_type == "video/mp4");
      Result<std::string> back = ReadObject(store, key);
      REQUIRE(back.ok());
      CHECK(back->size() == data.size());
      CHECK(*back == data);
    }
    CHECK(store.PutFile(root + "x", dir.File("missing"), "").code() == StatusCode::kNotFound);
  });
}

TEST_CASE("DeletePrefix removes exactly the objects under the prefix") {
  ForEachStore([](ObjectStore& store, const std::string& root) {
    for (const char* name :
         {"sessions/a/video.mp4", "sessions/a/thumb.jpg", "sessions/a/frames/1.jpg",
          "sessions/ab/video.mp4", "sessions/b/video.mp4"}) {
      REQUIRE(store.Put(root + name, "x", "").ok());
    }
    Result<int> deleted = store.DeletePrefix(root + "sessions/a/");
    REQUIRE_MESSAGE(deleted.ok(), deleted.status().ToString());
    CHECK(*deleted == 3);
    CHECK(*store.Exists(root + "sessions/ab/video.mp4"));
    CHECK(*store.Exists(root + "sessions/b/video.mp4"));
    CHECK_FALSE(*store.Exists(root + "sessions/a/frames/1.jpg"));

    Result<int> by_stem = store.DeletePrefix(root + "sessions/a");
    REQUIRE(by_stem.ok());
    CHECK(*by_stem == 1);
    Result<int> none = store.DeletePrefix(root + "nothing/");
    REQUIRE(none.ok());
    CHECK(*none == 0);
  });
}

// Every key under `prefix`, read page by page.
std::vector<ObjectEntry> ListAll(ObjectStore& store, const std::string& prefix, int limit) {
  std::vector<ObjectEntry> out;
  std::string token;
  for (int pages = 0; pages < 100; ++pages) {
    Result<ObjectListing> page = store.List(prefix, token, limit);
    REQUIRE_MESSAGE(page.ok(), page.status().ToString());
    CHECK(static_cast<int>(page->objects.size()) <= limit);
    out.insert(out.end(), page->objects.begin(), page->objects.end());
    if (page->next_token.empty()) return out;
    token = page->next_token;
  }
  FAIL("listing never ended");
  return out;
}

std::vector<std::string> Keys(const std::vector<ObjectEntry>& entries, const std::string& root) {
  std::vector<std::string> keys;
  for (const ObjectEntry& e : entries) keys.push_back(e.key.substr(root.size()));
  return keys;
}

TEST_CASE("List pages through the objects under a prefix in key order, each once") {
  ForEachStore([](ObjectStore& store, const std::string& root) {
    TimeMs before = NowMs();
    std::vector<std::string> sessions = {"sessions/a/frames/1.jpg", "sessions/a/video.mp4",
                                         "sessions/a0/x", "sessions/b/thumb.jpg"};
    // A file that sorts between a directory's siblings and its own keys
    // ("a.txt" < "a/…"): the order S3 lists in, which a directory walk must
    // match. (s3rver lists directory by directory, unlike S3.)
    if (store.backend() == "file") sessions.insert(sessions.begin(), "sessions/a.txt");
    for (const std::string& name : sessions) {
      REQUIRE(store.Put(root + name, std::string(name.size(), 'x'), "").ok());
    }
    REQUIRE(store.Put(root + "other/z", "z", "").ok());
    TimeMs after = NowMs();
    for (int limit : {1, 2, 1000}) {
      CAPTURE(limit);
      std::vector<ObjectEntry> listed = ListAll(store, root + "sessions/", limit);
      CHECK(Keys(listed, root) == sessions);
      for (const ObjectEntry& e : listed) {
        CHECK(e.size == static_cast<std::int64_t>(e.key.size() - root.size()));
        // Second precision on some servers, and clocks a little apart.
        CHECK(e.modified_at >= before - 2'000);
        CHECK(e.modified_at <= after + 2'000);
      }
    }
    CHECK(Keys(ListAll(store, root + "sessions/a/", 1), root) ==
          std::vector<std::string>{"sessions/a/frames/1.jpg", "sessions/a/video.mp4"});
    CHECK(Keys(ListAll(store, root + "sessions/a", 2), root).size() == sessions.size() - 1);
    CHECK(ListAll(store, root + "nothing/", 10).empty());
    CHECK(store.List("../", "", 10).status().code() == StatusCode::kInvalidArgument);

    // Deleted while listing: what is gone is not listed, nothing is repeated.
    const int upto_frames = store.backend() == "file" ? 2 : 1;  // …/a/frames/1.jpg included
    Result<ObjectListing> first = store.List(root + "sessions/", "", upto_frames);
    REQUIRE(first.ok());
    REQUIRE(store.DeletePrefix(root + "sessions/a0/").ok());
    Result<ObjectListing> rest = store.List(root + "sessions/", first->next_token, 10);
    REQUIRE(rest.ok());
    CHECK(Keys(rest->objects, root) ==
          std::vector<std::string>{"sessions/a/video.mp4", "sessions/b/thumb.jpg"});
  });
}

TEST_CASE("Concurrent writers of one key leave one whole value") {
  ForEachStore([](ObjectStore& store, const std::string& root) {
    // S3 itself is atomic per PUT; s3rver writes in place, so only the
    // directory store's temp-file-and-rename is checked here.
    if (store.backend() != "file") return;
    std::string key = root + "race.bin";
    std::vector<std::thread> threads;
    for (int t = 0; t < 4; ++t) {
      threads.emplace_back([&, t] {
        CHECK(store.Put(key, std::string(100000, static_cast<char>('a' + t)), "").ok());
      });
    }
    for (std::thread& t : threads) t.join();
    std::string value = *ReadObject(store, key);
    REQUIRE(value.size() == 100000);
    CHECK(value.find_first_not_of(value[0]) == std::string::npos);
  });
}

TEST_CASE("The S3 store also reaches its bucket virtual-host style") {
  std::string url = test::S3VirtualHostUrl();
  if (url.empty()) {
    MESSAGE("no local s3rver: virtual-host case skipped");
    return;
  }
  Result<std::unique_ptr<ObjectStore>> store = OpenObjectStore(url);
  REQUIRE(store.ok());
  std::string root = "v" + internal::HexEncode(internal::RandomBytes(6)) + "/";
  Status put = (*store)->Put(root + "a.txt", "virtual", "text/plain");
  REQUIRE_MESSAGE(put.ok(), put.ToString());
  CHECK(*ReadObject(**store, root + "a.txt") == "virtual");
  CHECK(MustRead(**store, root + "a.txt", ByteRange{1, 3}) == "irt");
  CHECK((*store)->Stat(root + "a.txt")->content_type == "text/plain");
  CHECK(*(*store)->DeletePrefix(root) == 1);
  CHECK_FALSE(*(*store)->Exists(root + "a.txt"));
}

TEST_CASE("OpenObjectStore rejects unknown and malformed URLs") {
  CHECK(OpenObjectStore("ftp://x").status().code() == StatusCode::kInvalidArgument);
  CHECK(OpenObjectStore("file://").status().code() == StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace incuera
