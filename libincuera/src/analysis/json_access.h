// Forgiving accessors over boost::json values of rrweb events: a missing
// field or a field of another type reads as empty/zero.
#pragma once

#include <boost/json/value.hpp>
#include <cmath>
#include <cstdint>
#include <string_view>

namespace incuera::internal {

inline const boost::json::value* Field(const boost::json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->value();
}

inline const boost::json::object* AsObject(const boost::json::value* v) {
  return v && v->is_object() ? &v->get_object() : nullptr;
}

inline const boost::json::array* AsArray(const boost::json::value* v) {
  return v && v->is_array() ? &v->get_array() : nullptr;
}

inline std::string_view AsString(const boost::json::value* v) {
  return v && v->is_string() ? std::string_view(v->get_string()) : std::string_view();
}

inline double AsNumber(const boost::json::value* v, double fallback = 0) {
  if (!v) return fallback;
  if (v->is_int64()) return static_cast<double>(v->get_int64());
  if (v->is_uint64()) return static_cast<double>(v->get_uint64());
  if (v->is_double()) return v->get_double();
  return fallback;
}

inline std::int64_t AsInt(const boost::json::value* v, std::int64_t fallback = 0) {
  if (v && v->is_int64()) return v->get_int64();
  return std::llround(AsNumber(v, static_cast<double>(fallback)));
}

}  // namespace incuera::internal
