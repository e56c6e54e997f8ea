// PSNR of two 8-bit pictures of the same size: how alike two rendered frames
// are (the render test and render_bench compare play-forward and seek frames).
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

namespace incuera::testing {

// In dB over every byte; identical pictures score 100.
inline double Psnr(const std::vector<uint8_t>& a, const std::vector<uint8_t>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = static_cast<double>(a[i]) - b[i];
    sum += d * d;
  }
  if (sum == 0) return 100;
  return std::min(100.0, 10 * std::log10(255.0 * 255.0 * a.size() / sum));
}

}  // namespace incuera::testing
