#include "common/time.h"

#include "absl/strings/str_cat.h"

namespace betteroms {

std::string FormatRfc3339(absl::Time t) {
  return absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", t, absl::UTCTimeZone());
}

absl::StatusOr<absl::Time> ParseTime(std::string_view text) {
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, std::string(text), &t, &err)) {
    return absl::InvalidArgumentError(absl::StrCat(
        "\"", std::string(text), "\" is not an RFC 3339 time such as 2026-12-01T18:00:00Z"));
  }
  return t;
}

absl::StatusOr<absl::Duration> ParsePlanDuration(std::string_view text) {
  auto bad = absl::InvalidArgumentError(absl::StrCat(
      "\"", std::string(text), "\" is not a duration such as \"90m\", \"6h\" or \"2d\""));
  if (text.empty() || text.size() > 32) return bad;
  absl::Duration total = absl::ZeroDuration();
  int64_t number = -1;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      number = (number < 0 ? 0 : number) * 10 + (c - '0');
      if (number > 1'000'000) return bad;
      continue;
    }
    if (number < 0) return bad;
    switch (c) {
      case 's':
        total += absl::Seconds(number);
        break;
      case 'm':
        total += absl::Minutes(number);
        break;
      case 'h':
        total += absl::Hours(number);
        break;
      case 'd':
        total += absl::Hours(24 * number);
        break;
      default:
        return bad;
    }
    number = -1;
  }
  if (number >= 0 || total <= absl::ZeroDuration()) return bad;
  return total;
}

}  // namespace betteroms
