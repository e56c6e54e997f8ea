// RGBA pixels of a PNG (decoded with libavcodec), for tests that check
// images the library draws.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace incuera::test {

struct Rgba {
  int width = 0, height = 0;
  std::vector<std::uint8_t> pixels;  // row-major, 4 bytes per pixel
  const std::uint8_t* At(int x, int y) const { return &pixels[(y * width + x) * 4]; }
};

// Decodes an RGBA PNG; fails the current test when it cannot.
Rgba DecodePng(const std::string& png);

}  // namespace incuera::test
