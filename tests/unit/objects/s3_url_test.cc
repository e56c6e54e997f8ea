// ParseS3Url: a STORAGE_URL for S3-compatible storage.
#include "objects/s3_url.h"

#include <doctest/doctest.h>

#include "incuera/object_store.h"

namespace incuera::internal {
namespace {

TEST_CASE("an S3 URL with its endpoint, region and credentials") {
  Result<S3Config> c = ParseS3Url(
      "s3://replays?endpoint=http%3A%2F%2F127.0.0.1%3A9000%2Fbase%2F&region=eu-west-3"
      "&path_style=1&access_key=AK&secret_key=s%2Bc%2Fr%3Det");
  REQUIRE(c.ok());
  CHECK(c->bucket == "replays");
  CHECK(c->scheme == "http");
  CHECK(c->host == "127.0.0.1:9000");
  CHECK(c->base_path == "/base");
  CHECK(c->path_style);
  CHECK(c->credentials.region == "eu-west-3");
  CHECK(c->credentials.access_key == "AK");
  CHECK(c->credentials.secret_key == "s+c/r=et");

  Result<S3Config> aws = ParseS3Url("s3://replays/?region=us-west-2&access_key=a&secret_key=b");
  REQUIRE(aws.ok());
  CHECK(aws->scheme == "https");
  CHECK(aws->host == "s3.us-west-2.amazonaws.com");
  CHECK_FALSE(aws->path_style);
}

TEST_CASE("OpenObjectStore takes an S3 URL without connecting, and refuses a bad one") {
  CHECK(OpenObjectStore("s3://b?endpoint=http://127.0.0.1:1&access_key=a&secret_key=b").ok());
  CHECK(OpenObjectStore("s3://?endpoint=http://x").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("a bad S3 URL is refused with the reason and without its secret") {
  for (const char* url : {"s3://?endpoint=http://x&access_key=a&secret_key=hunter2",
                          "s3://b/key?access_key=a&secret_key=hunter2",
                          "s3://b?endpoint=ftp://x&access_key=a&secret_key=hunter2",
                          "s3://b?endpoint=x.example&access_key=a&secret_key=hunter2",
                          "s3://b?endpont=http://x&access_key=a&secret_key=hunter2",
                          "s3://b?endpoint=http://u:p@x&access_key=a&secret_key=hunter2",
                          "s3://b?endpoint=http://x:70000&access_key=a&secret_key=hunter2"}) {
    CAPTURE(std::string(url));
    Result<S3Config> c = ParseS3Url(url);
    REQUIRE_FALSE(c.ok());
    CHECK(c.status().code() == StatusCode::kInvalidArgument);
    CHECK(c.status().message().find("hunter2") == std::string::npos);
  }
}

}  // namespace
}  // namespace incuera::internal
