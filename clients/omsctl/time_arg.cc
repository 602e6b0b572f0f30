#include "clients/omsctl/time_arg.h"

#include "absl/strings/str_cat.h"
#include "common/time.h"

namespace betteroms::omsctl {

absl::StatusOr<std::string> TimeArg(const std::string& flag, const std::string& text, bool future,
                                    absl::Time now) {
  if (absl::StatusOr<absl::Time> at = ParseTime(text); at.ok()) return FormatRfc3339(*at);
  if (absl::StatusOr<absl::Duration> d = ParsePlanDuration(text); d.ok()) {
    return FormatRfc3339(future ? now + *d : now - *d);
  }
  return absl::InvalidArgumentError(
      absl::StrCat(flag, ": \"", text, "\" is neither an RFC 3339 time (2026-12-01T09:00:00Z) nor ",
                   "a duration (30m, 24h, 7d)"));
}

}  // namespace betteroms::omsctl
