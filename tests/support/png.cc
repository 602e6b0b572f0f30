#include "tests/support/png.h"

#include <zlib.h>

#include <cstdlib>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace betteroms::test {
namespace {

uint32_t BigEndian32(const std::string& s, size_t at) {
  return (static_cast<uint32_t>(static_cast<uint8_t>(s[at])) << 24) |
         (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 1])) << 16) |
         (static_cast<uint32_t>(static_cast<uint8_t>(s[at + 2])) << 8) |
         static_cast<uint32_t>(static_cast<uint8_t>(s[at + 3]));
}

int Paeth(int a, int b, int c) {
  int p = a + b - c;
  int pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
  if (pa <= pb && pa <= pc) return a;
  return pb <= pc ? b : c;
}

}  // namespace

absl::StatusOr<Image> DecodePng(const std::string& bytes) {
  static const char kSignature[] = "\x89PNG\r\n\x1a\n";
  if (bytes.size() < 8 || std::memcmp(bytes.data(), kSignature, 8) != 0) {
    return absl::InvalidArgumentError("png: no PNG signature");
  }
  Image image;
  int channels = 0;
  std::string compressed;
  for (size_t at = 8; at + 12 <= bytes.size();) {
    uint32_t length = BigEndian32(bytes, at);
    std::string type = bytes.substr(at + 4, 4);
    if (at + 12 + length > bytes.size()) return absl::InvalidArgumentError("png: truncated chunk");
    size_t data = at + 8;
    if (type == "IHDR") {
      image.width = static_cast<int>(BigEndian32(bytes, data));
      image.height = static_cast<int>(BigEndian32(bytes, data + 4));
      int depth = static_cast<uint8_t>(bytes[data + 8]);
      int colour = static_cast<uint8_t>(bytes[data + 9]);
      int interlace = static_cast<uint8_t>(bytes[data + 12]);
      channels = colour == 6 ? 4 : colour == 2 ? 3 : 0;
      if (depth != 8 || channels == 0 || interlace != 0) {
        return absl::InvalidArgumentError(absl::StrCat(
            "png: unsupported depth ", depth, ", colour type ", colour, ", interlace ", interlace));
      }
    } else if (type == "IDAT") {
      compressed.append(bytes, data, length);
    } else if (type == "IEND") {
      break;
    }
    at += 12 + length;
  }
  if (channels == 0 || image.width <= 0 || image.height <= 0) {
    return absl::InvalidArgumentError("png: no image header");
  }
  size_t stride = static_cast<size_t>(image.width) * channels;
  std::string raw((stride + 1) * image.height, '\0');
  uLongf raw_size = raw.size();
  if (uncompress(reinterpret_cast<Bytef*>(raw.data()), &raw_size,
                 reinterpret_cast<const Bytef*>(compressed.data()), compressed.size()) != Z_OK ||
      raw_size != raw.size()) {
    return absl::InvalidArgumentError("png: image data does not inflate to its size");
  }
  std::vector<uint8_t> prev(stride, 0), row(stride);
  image.pixels.reserve(static_cast<size_t>(image.width) * image.height);
  for (int y = 0; y < image.height; ++y) {
    const uint8_t* line = reinterpret_cast<const uint8_t*>(raw.data()) + y * (stride + 1);
    int filter = line[0];
    for (size_t i = 0; i < stride; ++i) {
      int x = line[1 + i];
      int a = i >= static_cast<size_t>(channels) ? row[i - channels] : 0;
      int b = prev[i];
      int c = i >= static_cast<size_t>(channels) ? prev[i - channels] : 0;
      switch (filter) {
        case 0:
          break;
        case 1:
          x += a;
          break;
        case 2:
          x += b;
          break;
        case 3:
          x += (a + b) / 2;
          break;
        case 4:
          x += Paeth(a, b, c);
          break;
        default:
          return absl::InvalidArgumentError(absl::StrCat("png: unknown filter ", filter));
      }
      row[i] = static_cast<uint8_t>(x & 0xff);
    }
    for (int px = 0; px < image.width; ++px) {
      const uint8_t* p = &row[static_cast<size_t>(px) * channels];
      uint32_t alpha = channels == 4 ? p[3] : 0xff;
      image.pixels.push_back((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                             (uint32_t{p[2]} << 8) | alpha);
    }
    prev.swap(row);
  }
  return image;
}

}  // namespace betteroms::test
