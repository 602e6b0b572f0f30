// A plan's bytes before any parsing: the size limit and UTF-8, checked alike by omsctl before it
// sends a plan and by oms-server before it reads one, so a hostile document costs a length check
// and one pass over its bytes.
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "absl/status/status.h"

namespace betteroms {

// The largest plan accepted, in bytes: a 10,000-trade plan written out in full is about 3 MiB.
inline constexpr size_t kMaxPlanBytes = size_t{8} << 20;

// The offset of the first byte that does not belong to a well-formed UTF-8 sequence (RFC 3629:
// no overlong forms, no surrogates, nothing above U+10FFFF), or nullopt when `text` is UTF-8.
std::optional<size_t> FirstInvalidUtf8(std::string_view text);

// InvalidArgument when `text` is larger than kMaxPlanBytes ("the plan is 9000000 bytes; the limit
// is 8388608 bytes (8 MiB)") or is not UTF-8 ("the plan is not valid UTF-8: byte 0xff at offset
// 12"); OK otherwise. Nothing is parsed.
absl::Status CheckPlanText(std::string_view text);

}  // namespace betteroms
