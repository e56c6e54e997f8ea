// Status -> Python exception, for the incuera module.
#pragma once

#include <incuera/status.h>
#include <pybind11/pybind11.h>

#include <utility>

namespace incuera::python {

// Adds `Error` and one subclass per StatusCode to `m`.
void RegisterErrors(pybind11::module_& m);

// Raises the incuera exception for `status` (which must not be ok). Needs
// the GIL.
[[noreturn]] void Raise(const Status& status);

inline void Check(const Status& status) {
  if (!status.ok()) Raise(status);
}

template <typename T>
T Unwrap(Result<T> result) {
  if (!result.ok()) Raise(result.status());
  return std::move(result).value();
}

}  // namespace incuera::python
