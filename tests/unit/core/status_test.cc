#include "incuera/status.h"

#include <doctest/doctest.h>

namespace incuera {
namespace {

Result<int> Half(int n) {
  if (n % 2) return InvalidArgument("odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  INCUERA_ASSIGN_OR_RETURN(int h, Half(n));
  INCUERA_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}

Status CheckEven(int n) {
  INCUERA_RETURN_IF_ERROR(Half(n).status());
  return OkStatus();
}

TEST_CASE("an ok Status has no message and the code name ok") {
  Status s;
  CHECK(s.ok());
  CHECK(s.ToString() == "ok");
}

TEST_CASE("error helpers set the code, message and retryable bit") {
  CHECK(NotFound("x").code() == StatusCode::kNotFound);
  CHECK_FALSE(NotFound("x").retryable());
  CHECK(Unavailable("db down").retryable());
  CHECK(ResourceExhausted("slow down").retryable());
  CHECK(NotFound("session 1").ToString() == "not_found: session 1");
  CHECK(Internal("boom").WithContext("render").message() == "render: boom");
}

TEST_CASE("a retry hint travels with the status through WithContext and never marks success") {
  Status full = Unavailable("database: no space left on device").WithRetryAfter(30);
  CHECK(full.retry_after_seconds() == 30);
  CHECK(full.WithContext("ingest").retry_after_seconds() == 30);
  CHECK(full.WithContext("ingest").message() == "ingest: database: no space left on device");
  CHECK(Unavailable("x").retry_after_seconds() == 0);
  CHECK(OkStatus().WithRetryAfter(5).retry_after_seconds() == 0);
  CHECK(Unavailable("x").WithRetryAfter(-3).retry_after_seconds() == 0);
}

TEST_CASE("the macros propagate the first error and pass values through") {
  CHECK(Quarter(8).value() == 2);
  CHECK(Quarter(6).status().code() == StatusCode::kInvalidArgument);
  CHECK(CheckEven(4).ok());
  CHECK(CheckEven(3).message() == "odd");
}

}  // namespace
}  // namespace incuera
