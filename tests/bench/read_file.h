// The whole of a file as bytes, for the benchmarks (recordings, /proc files);
// empty when it cannot be read.
#pragma once

#include <fstream>
#include <sstream>
#include <string>

namespace incuera::bench {

inline std::string ReadAll(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace incuera::bench
