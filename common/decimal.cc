#include "common/decimal.h"

#include <cstdlib>

#include "absl/strings/str_cat.h"
#include "common/int128.h"
#include "common/status_macros.h"

namespace betteroms {
namespace {

constexpr int64_t kPow10[] = {1, 10, 100, 1000, 10000, 100000, 1000000};
constexpr int64_t kMaxWhole = 9'000'000'000'000;  // keeps whole * 1e6 inside int64

}  // namespace

absl::StatusOr<int64_t> ParseMicros(std::string_view text, int max_decimals) {
  if (text.find_first_of("eE") != text.npos) {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", std::string(text), "\" is not a decimal number"));
  }
  return ParseJsonNumberMicros(text, max_decimals);
}

namespace {

// A JSON number's text as sign, significant digits and the count of fractional digits among them
// (trailing fractional zeros dropped): "-12.50e1" is {true, "125", 0}.
struct DecimalText {
  bool negative = false;
  std::string digits;
  int scale = 0;
};

absl::StatusOr<DecimalText> SplitDecimal(std::string_view text) {
  auto bad = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat("\"", std::string(text), "\" is not a decimal number"));
  };
  DecimalText out;
  std::string_view s = text;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    out.negative = s[0] == '-';
    s.remove_prefix(1);
  }
  // Split mantissa and exponent.
  int exponent = 0;
  if (size_t e = s.find_first_of("eE"); e != s.npos) {
    std::string_view exp = s.substr(e + 1);
    s = s.substr(0, e);
    bool exp_negative = false;
    if (!exp.empty() && (exp[0] == '-' || exp[0] == '+')) {
      exp_negative = exp[0] == '-';
      exp.remove_prefix(1);
    }
    if (exp.empty() || exp.size() > 4) return bad();
    for (char c : exp) {
      if (c < '0' || c > '9') return bad();
      exponent = exponent * 10 + (c - '0');
    }
    if (exp_negative) exponent = -exponent;
  }
  int frac_digits = 0;
  bool seen_point = false;
  for (char c : s) {
    if (c == '.') {
      if (seen_point) return bad();
      seen_point = true;
    } else if (c >= '0' && c <= '9') {
      out.digits.push_back(c);
      if (seen_point) ++frac_digits;
    } else {
      return bad();
    }
  }
  if (out.digits.empty() || (seen_point && (s.front() == '.' || s.back() == '.'))) return bad();
  // Value = digits * 10^(exponent - frac_digits). Strip trailing zeros of the fraction.
  out.scale = frac_digits - exponent;
  while (out.scale > 0 && out.digits.size() > 1 && out.digits.back() == '0') {
    out.digits.pop_back();
    --out.scale;
  }
  return out;
}

// Drops the last `count` digits ("0" remains when that is all of them or more, as with 5e-13)
// and returns the first digit dropped: '0' when the drop reaches past the digits written.
char DropDigits(std::string& digits, size_t count) {
  if (count == 0) return '0';
  if (count > digits.size()) {
    digits = "0";
    return '0';
  }
  char first = digits[digits.size() - count];
  digits.resize(digits.size() - count);
  if (digits.empty()) digits = "0";
  return first;
}

// Adds one unit in the last place of a digit string, carrying ("199" becomes "200").
void CarryOne(std::string& digits) {
  int i = static_cast<int>(digits.size()) - 1;
  while (i >= 0 && digits[i] == '9') digits[i--] = '0';
  if (i < 0) {
    digits.insert(digits.begin(), '1');
  } else {
    ++digits[i];
  }
}

// digits * 10^(6 - scale) as micro-units, for scale <= 6.
absl::StatusOr<int64_t> ToMicros(std::string_view text, bool negative, std::string digits,
                                 int scale) {
  if (digits.find_first_not_of('0') == std::string::npos) return int64_t{0};
  int shift = 6 - scale;
  digits = digits.substr(digits.find_first_not_of('0'));
  if (static_cast<int>(digits.size()) + shift > 18) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(text), " is too large"));
  }
  Int128 value = 0;
  for (char c : digits) value = value * 10 + (c - '0');
  for (int i = 0; i < shift; ++i) value *= 10;
  if (value / kMicro > kMaxWhole) {
    return absl::InvalidArgumentError(absl::StrCat(std::string(text), " is too large"));
  }
  auto v = static_cast<int64_t>(value);
  return negative ? -v : v;
}

}  // namespace

absl::StatusOr<int64_t> ParseJsonNumberMicros(std::string_view text, int max_decimals) {
  OMS_ASSIGN_OR_RETURN(DecimalText d, SplitDecimal(text));
  if (d.digits.find_first_not_of('0') == std::string::npos) return int64_t{0};
  if (d.scale > max_decimals) {
    return absl::InvalidArgumentError(
        absl::StrCat(std::string(text), " has more than ", max_decimals, " decimal places"));
  }
  return ToMicros(text, d.negative, std::move(d.digits), d.scale);
}

absl::StatusOr<RoundedMicros> ParseJsonNumberRounded(std::string_view text, int decimals,
                                                     Rounding rounding, int noise_decimals) {
  OMS_ASSIGN_OR_RETURN(DecimalText d, SplitDecimal(text));
  RoundedMicros out;
  if (d.digits.find_first_not_of('0') == std::string::npos) return out;  // zero, exactly
  if (noise_decimals >= decimals && d.scale > noise_decimals) {
    // Half-up at `noise_decimals`: drop the tail, then carry one when its first digit is >= 5.
    bool up = DropDigits(d.digits, static_cast<size_t>(d.scale - noise_decimals)) >= '5';
    d.scale = noise_decimals;
    out.exact = false;
    if (up) CarryOne(d.digits);
    while (d.scale > 0 && d.digits.size() > 1 && d.digits.back() == '0') {
      d.digits.pop_back();
      --d.scale;
    }
    if (d.digits.find_first_not_of('0') == std::string::npos) return out;  // all noise: zero
  }
  if (d.scale > decimals) {
    // The dropped digits end in a non-zero one (trailing zeros are gone): the value changes.
    DropDigits(d.digits, static_cast<size_t>(d.scale - decimals));
    d.scale = decimals;
    out.exact = false;
    if (rounding == Rounding::kAwayFromZero) CarryOne(d.digits);
  }
  OMS_ASSIGN_OR_RETURN(out.micros, ToMicros(text, d.negative, std::move(d.digits), d.scale));
  return out;
}

std::string FormatMicros(int64_t micros) {
  std::string out = FormatMicrosFixed(micros, 6);
  while (out.back() == '0') out.pop_back();
  if (out.back() == '.') out.pop_back();
  return out;
}

std::string FormatMicrosFixed(int64_t micros, int decimals) {
  bool negative = micros < 0;
  uint64_t abs =
      negative ? static_cast<uint64_t>(-(micros + 1)) + 1 : static_cast<uint64_t>(micros);
  uint64_t whole = abs / kMicro;
  uint64_t frac = abs % kMicro;
  std::string out = absl::StrCat(negative ? "-" : "", whole);
  if (decimals > 0) {
    std::string f = std::to_string(frac);
    f.insert(0, 6 - f.size(), '0');
    out += "." + f.substr(0, decimals);
  }
  return out;
}

int MicroDecimals(int64_t micros) {
  int64_t frac = std::llabs(micros) % kMicro;
  if (frac == 0) return 0;
  int d = 6;
  while (frac % 10 == 0) {
    frac /= 10;
    --d;
  }
  return d;
}

int64_t MulDivFloor(int64_t a, int64_t b, int64_t c) {
  return static_cast<int64_t>(static_cast<Int128>(a) * b / c);
}

int64_t MulDivCeil(int64_t a, int64_t b, int64_t c) {
  Int128 n = static_cast<Int128>(a) * b;
  return static_cast<int64_t>((n + c - 1) / c);
}

int64_t RoundDownMicros(int64_t micros, int decimals) {
  int64_t unit = kPow10[6 - decimals];
  return micros / unit * unit;
}

int64_t RoundUpMicros(int64_t micros, int decimals) {
  int64_t unit = kPow10[6 - decimals];
  return (micros + unit - 1) / unit * unit;
}

}  // namespace betteroms
