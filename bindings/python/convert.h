// Python classes for the incuera model and Options.
#pragma once

#include <pybind11/pybind11.h>

#include <string>

namespace incuera::python {

// Adds Options, User, Project, ApiKey, Session and SessionFilter to `m`.
void RegisterModel(pybind11::module_& m);

// json.loads(text).
pybind11::object LoadsJson(const std::string& text);

// json.dumps(value), compact.
std::string DumpsJson(const pybind11::handle& value);

}  // namespace incuera::python
