// rrweb events as JSON: the one nesting limit every reader of events applies
// (ingest refuses deeper batches, so whatever it stored the render and the
// analysis can parse), the parse functions that apply it, and forgiving
// accessors over parsed events.
#pragma once

#include <boost/json/storage_ptr.hpp>
#include <boost/json/value.hpp>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "incuera/status.h"

namespace incuera::internal {

// Deepest JSON nesting of an ingest body, and so of anything parsed out of
// one. An rrweb full snapshot nests two levels per DOM level (the node
// object and its childNodes array); Chromium's HTML parser caps the DOM at
// 512 levels, so 1100 admits any parsed page plus the event wrapper, while
// still bounding the parsers' stacks. Boost.JSON's own default (32) refuses
// a DOM only ~12 elements deep under <body>.
inline constexpr std::size_t kMaxJsonDepth = 1100;

// Deepest DOM level of a snapshot within kMaxJsonDepth: tree walks (the
// analysis' node map) go this deep, so they see every node of any event
// ingest accepted.
inline constexpr int kMaxDomDepth = static_cast<int>(kMaxJsonDepth / 2);

// "JSON nested deeper than 1100 levels": the message of every refusal.
std::string NestingMessage();

// Parses JSON text holding rrweb events (an array of events or one event)
// with the nesting limit. InvalidArgument "<what> is not valid JSON: …"
// (NestingMessage() for too deep). Values are allocated from `storage`
// (default: the heap); a monotonic resource makes large recordings cheaper
// to build and to free.
Result<boost::json::value> ParseEventJson(std::string_view text, std::string_view what,
                                          boost::json::storage_ptr storage = {});

// Forgiving accessors over rrweb events: a missing field or a field of
// another type reads as null/empty/zero (the fallback).
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

// Whether `v` is a number; AsNumber reads it.
inline bool IsNumber(const boost::json::value* v) { return v && v->is_number(); }

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

// The page URL of a page load: a Meta event's data.href.
inline std::string_view MetaHref(const boost::json::object& data) {
  return AsString(Field(data, "href"));
}

// The URL of an in-app navigation: a custom event's payload.href, or
// payload.url as older SDKs wrote it.
inline std::string_view NavigationHref(const boost::json::object& payload) {
  std::string_view href = AsString(Field(payload, "href"));
  return href.empty() ? AsString(Field(payload, "url")) : href;
}

}  // namespace incuera::internal
