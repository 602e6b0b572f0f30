#include "common/plan_text.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace betteroms {

std::optional<size_t> FirstInvalidUtf8(std::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  while (i < n) {
    uint8_t b = s[i];
    if (b < 0x80) {
      ++i;
      continue;
    }
    // The sequence's length and the range its second byte must fall in (RFC 3629, table 3-7 of
    // the Unicode standard): this excludes overlong forms, surrogates and code points past
    // U+10FFFF.
    size_t len = 0;
    uint8_t lo = 0x80, hi = 0xBF;
    if (b >= 0xC2 && b <= 0xDF) {
      len = 2;
    } else if (b == 0xE0) {
      len = 3, lo = 0xA0;
    } else if ((b >= 0xE1 && b <= 0xEC) || b == 0xEE || b == 0xEF) {
      len = 3;
    } else if (b == 0xED) {
      len = 3, hi = 0x9F;
    } else if (b == 0xF0) {
      len = 4, lo = 0x90;
    } else if (b >= 0xF1 && b <= 0xF3) {
      len = 4;
    } else if (b == 0xF4) {
      len = 4, hi = 0x8F;
    } else {
      return i;  // a continuation byte without a lead, or a byte UTF-8 never uses
    }
    if (i + len > n) return i;  // cut short by the end of the text
    if (s[i + 1] < lo || s[i + 1] > hi) return i;
    for (size_t k = 2; k < len; ++k) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF) return i;
    }
    i += len;
  }
  return std::nullopt;
}

absl::Status CheckPlanText(std::string_view text) {
  if (text.size() > kMaxPlanBytes) {
    return absl::InvalidArgumentError(absl::StrCat("the plan is ", text.size(),
                                                   " bytes; the limit is ", kMaxPlanBytes,
                                                   " bytes (", kMaxPlanBytes >> 20, " MiB)"));
  }
  if (std::optional<size_t> bad = FirstInvalidUtf8(text)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("the plan is not valid UTF-8: byte 0x%02x at offset %d",
                        static_cast<uint8_t>(text[*bad]), *bad));
  }
  return absl::OkStatus();
}

}  // namespace betteroms
