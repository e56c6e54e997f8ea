// Python classes for the incuera model and Options.
#pragma once

#include <pybind11/pybind11.h>

#include <string>
#include <utility>
#include <vector>

namespace incuera::python {

// Adds Options, User, Project, ApiKey, Session, SessionFilter, Note and
// SavedFilter to `m`.
void RegisterModel(pybind11::module_& m);

// Session filter parameters (GET /api/sessions names) from a dict of str,
// int or bool values (bools as "true"/"false"); TypeError for other types.
std::vector<std::pair<std::string, std::string>> FilterParams(const pybind11::dict& params);

// json.loads(text).
pybind11::object LoadsJson(const std::string& text);

// json.dumps(value), compact.
std::string DumpsJson(const pybind11::handle& value);

}  // namespace incuera::python
