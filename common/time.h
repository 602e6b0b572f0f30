// RFC 3339 times and plan durations ("6h", "90m").
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace betteroms {

// "2026-11-26T06:01:09.123Z" (UTC, milliseconds).
std::string FormatRfc3339(absl::Time t);

// Parses an RFC 3339 time with a zone ("Z" or "+02:00").
absl::StatusOr<absl::Time> ParseTime(std::string_view text);

// Parses a duration such as "90s", "15m", "6h", "1h30m", "2d". Must be positive.
absl::StatusOr<absl::Duration> ParsePlanDuration(std::string_view text);

// Abstract clock so tests can control time.
class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

class SystemClock : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

}  // namespace betteroms
