// Reads a PNG into RGBA pixels with zlib alone, for tests that look at a browser's screenshot:
// 8-bit RGB or RGBA, not interlaced (what Chromium writes).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace betteroms::test {

struct Image {
  int width = 0;
  int height = 0;
  std::vector<uint32_t> pixels;  // 0xRRGGBBAA, row by row
};

// InvalidArgument for a file that is not such a PNG, naming what is wrong.
absl::StatusOr<Image> DecodePng(const std::string& bytes);

}  // namespace betteroms::test
