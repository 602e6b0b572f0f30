// Fixed-point decimals: money, prices and shares as integer micro-units (1e-6), never doubles.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"

namespace betteroms {

// One unit in micro-units.
inline constexpr int64_t kMicro = 1'000'000;

// Parses a plain decimal ("12", "0.55", "-3.25", "1e-2" is refused) into micro-units.
// InvalidArgument when the text is not a decimal, has more than `max_decimals` fractional digits
// (at most 6), or does not fit.
absl::StatusOr<int64_t> ParseMicros(std::string_view text, int max_decimals = 6);

// Parses a JSON number's text (exponents allowed, e.g. "5e-1") exactly into micro-units.
// InvalidArgument when it has more than `max_decimals` fractional digits after expansion.
absl::StatusOr<int64_t> ParseJsonNumberMicros(std::string_view text, int max_decimals = 6);

enum class Rounding { kTowardZero, kAwayFromZero };

struct RoundedMicros {
  int64_t micros = 0;
  bool exact = true;  // false when rounding changed the value
};

// Parses a JSON number's text exactly, then rounds it to `decimals` fractional digits (at most 6)
// in the given direction: how float noise such as 0.31654999999999994 is read. With
// `noise_decimals` >= 0, digits beyond that many decimals are first taken as a double's noise and
// rounded half-up away (0.30000000000000004 is 0.3). InvalidArgument when the text is not a
// number or does not fit.
absl::StatusOr<RoundedMicros> ParseJsonNumberRounded(std::string_view text, int decimals,
                                                     Rounding rounding, int noise_decimals = -1);

// Formats micro-units as the shortest exact decimal: 550000 -> "0.55", 2000000 -> "2".
std::string FormatMicros(int64_t micros);

// Formats with exactly `decimals` fractional digits (truncating is never done: callers round).
std::string FormatMicrosFixed(int64_t micros, int decimals);

// Number of significant fractional digits of a micro-unit value (0..6).
int MicroDecimals(int64_t micros);

// a * b / c with a 128-bit intermediate, rounded toward zero / up (for non-negative values).
int64_t MulDivFloor(int64_t a, int64_t b, int64_t c);
int64_t MulDivCeil(int64_t a, int64_t b, int64_t c);

// Rounds a non-negative micro value down/up to `decimals` fractional digits.
int64_t RoundDownMicros(int64_t micros, int decimals);
int64_t RoundUpMicros(int64_t micros, int decimals);

}  // namespace betteroms
