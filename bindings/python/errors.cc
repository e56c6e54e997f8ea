#include "errors.h"

#include <string>

namespace incuera::python {
namespace py = pybind11;

namespace {

struct ErrorClass {
  StatusCode code;
  const char* name;
};

constexpr ErrorClass kErrorClasses[] = {
    {StatusCode::kInvalidArgument, "InvalidArgument"},
    {StatusCode::kNotFound, "NotFound"},
    {StatusCode::kAlreadyExists, "AlreadyExists"},
    {StatusCode::kPermissionDenied, "PermissionDenied"},
    {StatusCode::kUnauthenticated, "Unauthenticated"},
    {StatusCode::kResourceExhausted, "ResourceExhausted"},
    {StatusCode::kFailedPrecondition, "FailedPrecondition"},
    {StatusCode::kUnavailable, "Unavailable"},
    {StatusCode::kUnimplemented, "Unimplemented"},
    {StatusCode::kInternal, "Internal"},
};

const char* ClassName(StatusCode code) {
  for (const ErrorClass& c : kErrorClasses) {
    if (c.code == code) return c.name;
  }
  return "Internal";
}

}  // namespace

void RegisterErrors(py::module_& m) {
  py::exception<std::exception> base(m, "Error", PyExc_RuntimeError);
  base.doc() =
      "Base of every incuera error. `code` is the status code name "
      "(\"not_found\", ...), `retryable` whether retrying may help.";
  for (const ErrorClass& c : kErrorClasses) {
    py::exception<std::exception> sub(m, c.name, base.ptr());
    sub.doc() = std::string("incuera status ") + std::string(StatusCodeName(c.code)) + ".";
  }
}

void Raise(const Status& status) {
  py::object cls = py::module_::import("incuera._incuera").attr(ClassName(status.code()));
  py::object error = cls(status.message());
  error.attr("code") = std::string(StatusCodeName(status.code()));
  error.attr("retryable") = status.retryable();
  PyErr_SetObject(cls.ptr(), error.ptr());
  throw py::error_already_set();
}

}  // namespace incuera::python
