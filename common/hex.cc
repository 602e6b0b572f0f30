#include "common/hex.h"

namespace betteroms {
namespace {

int Nibble(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

std::string ToHex(std::span<const uint8_t> bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (uint8_t b : bytes) {
    out.push_back(kDigits[b >> 4]);
    out.push_back(kDigits[b & 0xf]);
  }
  return out;
}

std::string BigEndianToDecimal(std::span<const uint8_t> bytes) {
  std::string digits = "0";
  for (uint8_t byte : bytes) {
    int carry = byte;  // digits = digits * 256 + byte
    // Least significant digit first. (No std::views::reverse: clang 14 cannot compile
    // libstdc++ 12's ranges, and the fuzz build and clang-tidy use clang 14.)
    for (size_t i = digits.size(); i-- > 0;) {
      char& digit = digits[i];
      int v = (digit - '0') * 256 + carry;
      digit = static_cast<char>('0' + v % 10);
      carry = v / 10;
    }
    while (carry > 0) {
      digits.insert(digits.begin(), static_cast<char>('0' + carry % 10));
      carry /= 10;
    }
  }
  size_t first = digits.find_first_not_of('0');
  return first == std::string::npos ? "0" : digits.substr(first);
}

std::optional<std::vector<uint8_t>> FromHex(std::string_view text) {
  if (text.size() >= 2 && text[0] == '0' && (text[1] == 'x' || text[1] == 'X')) {
    text.remove_prefix(2);
  }
  if (text.size() % 2 != 0) return std::nullopt;
  std::vector<uint8_t> out(text.size() / 2);
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = Nibble(text[2 * i]);
    int lo = Nibble(text[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<uint8_t>(hi << 4 | lo);
  }
  return out;
}

}  // namespace betteroms
