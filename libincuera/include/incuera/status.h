// Status and Result<T>: how every fallible call in libincuera reports failure.
//
// No exception crosses the public API. A function that can fail returns a
// Status (no value) or a Result<T> (a value or a Status). Both are
// [[nodiscard]]; propagate them with INCUERA_RETURN_IF_ERROR and
// INCUERA_ASSIGN_OR_RETURN.
#pragma once

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace incuera {

// The small, closed set of error kinds. The HTTP layer maps each to one HTTP
// status in a single table (see http.h).
enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller sent something malformed (HTTP 400)
  kNotFound,            // no such row/object, or the caller may not see it (404)
  kAlreadyExists,       // a uniqueness rule would be broken (409)
  kPermissionDenied,    // authenticated, but not allowed (403)
  kUnauthenticated,     // missing or invalid credentials (401)
  kResourceExhausted,   // a limit or rate was exceeded (413/429)
  kFailedPrecondition,  // the system is not in a state that allows it (409)
  kUnavailable,         // a dependency is down; usually worth retrying (503)
  kUnimplemented,       // compiled out or not supported by this backend (501)
  kInternal,            // a bug or an unexpected failure (500)
};

// Returns the stable snake_case name of a code ("not_found", ...), used in
// JSON error bodies and logs.
std::string_view StatusCodeName(StatusCode code);

// The outcome of an operation. Cheap to copy when ok. `retryable()` tells a
// caller (queue, SDK-facing handler) whether trying again may succeed.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message, bool retryable = false)
      : code_(code), message_(std::move(message)), retryable_(retryable) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  bool retryable() const { return retryable_; }
  // Seconds after which trying again may succeed (0: no hint). The HTTP
  // layer sends it as Retry-After; WithContext keeps it.
  int retry_after_seconds() const { return retry_after_seconds_; }

  // Returns a copy that tells callers to wait `seconds` before trying again.
  Status WithRetryAfter(int seconds) const;

  // "not_found: session abc" — for logs and CLI output.
  std::string ToString() const;

  // Returns a copy whose message is "<context>: <message>".
  Status WithContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  bool retryable_ = false;
  int retry_after_seconds_ = 0;
};

inline Status OkStatus() { return Status(); }
inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) {
  return {StatusCode::kNotFound, std::move(m)};
}
inline Status AlreadyExists(std::string m) {
  return {StatusCode::kAlreadyExists, std::move(m)};
}
inline Status PermissionDenied(std::string m) {
  return {StatusCode::kPermissionDenied, std::move(m)};
}
inline Status Unauthenticated(std::string m) {
  return {StatusCode::kUnauthenticated, std::move(m)};
}
inline Status ResourceExhausted(std::string m) {
  return {StatusCode::kResourceExhausted, std::move(m), true};
}
inline Status FailedPrecondition(std::string m) {
  return {StatusCode::kFailedPrecondition, std::move(m)};
}
inline Status Unavailable(std::string m) {
  return {StatusCode::kUnavailable, std::move(m), true};
}
inline Status Unimplemented(std::string m) {
  return {StatusCode::kUnimplemented, std::move(m)};
}
inline Status Internal(std::string m) {
  return {StatusCode::kInternal, std::move(m)};
}

// A value of type T or a non-ok Status. Accessing the value of an error
// Result is a programming error (asserted in debug builds).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : data_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : data_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(data_).ok() && "Result from an ok Status");
  }

  bool ok() const { return std::holds_alternative<T>(data_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(data_);
  }

  T& value() & { assert(ok()); return std::get<T>(data_); }
  const T& value() const& { assert(ok()); return std::get<T>(data_); }
  T&& value() && { assert(ok()); return std::get<T>(std::move(data_)); }

  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<T, Status> data_;
};

}  // namespace incuera

#define INCUERA_STATUS_CONCAT_INNER_(a, b) a##b
#define INCUERA_STATUS_CONCAT_(a, b) INCUERA_STATUS_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function when it is not ok.
#define INCUERA_RETURN_IF_ERROR(expr)                   \
  do {                                                  \
    ::incuera::Status incuera_status_ = (expr);         \
    if (!incuera_status_.ok()) return incuera_status_;  \
  } while (0)

// `INCUERA_ASSIGN_OR_RETURN(auto x, Foo());` declares/assigns x from the value
// of a Result, or returns its Status from the enclosing function.
#define INCUERA_ASSIGN_OR_RETURN(lhs, expr)                                \
  INCUERA_ASSIGN_OR_RETURN_IMPL_(                                          \
      INCUERA_STATUS_CONCAT_(incuera_result_, __LINE__), lhs, expr)
#define INCUERA_ASSIGN_OR_RETURN_IMPL_(result, lhs, expr) \
  auto result = (expr);                                   \
  if (!result.ok()) return result.status();               \
  lhs = std::move(result).value()
