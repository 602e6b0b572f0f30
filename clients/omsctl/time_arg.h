// Times on omsctl's command line: an RFC 3339 time, or a duration counted from now.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace betteroms::omsctl {

// `text` as RFC 3339 for the API: a time as given ("2026-12-01T09:00:00Z", any zone), or a
// duration ("90s", "30m", "24h", "7d", "1h30m") from `now`, ahead (`future`) or back.
// InvalidArgument naming `flag` otherwise.
absl::StatusOr<std::string> TimeArg(const std::string& flag, const std::string& text, bool future,
                                    absl::Time now);

}  // namespace betteroms::omsctl
