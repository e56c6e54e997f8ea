// Request, Response and Router: the types the routes are written against.
#include <strings.h>

#include "incuera/http.h"

namespace incuera::http {
namespace {

std::string Find(const Headers& headers, const std::string& name, const std::string& fallback) {
  auto it = headers.find(name);
  return it == headers.end() ? fallback : it->second;
}

}  // namespace

bool HeaderNameLess::operator()(const std::string& a, const std::string& b) const {
  return strcasecmp(a.c_str(), b.c_str()) < 0;
}

bool Request::has_header(const std::string& name) const { return headers.count(name) > 0; }

std::string Request::get_header_value(const std::string& name, const std::string& fallback) const {
  return Find(headers, name, fallback);
}

bool Request::has_param(const std::string& name) const { return params.count(name) > 0; }

std::string Request::get_param_value(const std::string& name) const {
  auto it = params.find(name);
  return it == params.end() ? "" : it->second;
}

bool Response::has_header(const std::string& name) const { return headers.count(name) > 0; }

std::string Response::get_header_value(const std::string& name, const std::string& fallback) const {
  return Find(headers, name, fallback);
}

void Response::set_header(const std::string& name, const std::string& value) {
  if (strcasecmp(name.c_str(), "Set-Cookie") != 0) headers.erase(name);
  headers.emplace(name, value);
}

void Response::set_content(std::string content, const std::string& type) {
  body = std::move(content);
  content_type = type;
}

void Response::set_content(const char* data, std::size_t size, const std::string& type) {
  set_content(std::string(data, size), type);
}

void Response::set_chunked_content_provider(const std::string& type, ChunkedProvider provider) {
  content_type = type;
  chunked_provider = std::move(provider);
}

void Response::set_content_provider(std::size_t length, const std::string& type,
                                    SizedProvider provider) {
  content_type = type;
  content_length = length;
  sized_provider = std::move(provider);
}

void Router::Add(const std::string& method, const std::string& pattern, Route route) {
  routes_.push_back({method, std::regex(pattern), std::move(route)});
}

const Route* Router::Find(Request& req) const {
  const std::string method = req.method == "HEAD" ? std::string("GET") : req.method;
  for (const Entry& e : routes_) {
    if (e.method != method) continue;
    std::smatch m;
    if (!std::regex_match(req.path, m, e.pattern)) continue;
    req.matches = std::move(m);
    return &e.route;
  }
  return nullptr;
}

}  // namespace incuera::http
