// market_resolutions: the tokens whose markets the venue reports closed, and what each share pays
// out once the venue names a winner. A closed market does not reopen: a row is never deleted, and
// a payout once known is never changed.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/db.h"

namespace betteroms::store {

struct Resolution {
  std::string token_id;
  std::string condition_id;       // "" when the source did not say
  std::optional<int64_t> payout;  // micro-units: 1000000 (the winner) or 0; nullopt: unknown
};

// Records closed tokens in one statement. A token not recorded yet is inserted; one recorded with
// an unknown payout (or condition) takes a known one; a known payout is never replaced or unset.
// Returns the tokens newly inserted, for a report of what changed. FailedPrecondition for a
// payout other than 0 or 1000000.
absl::StatusOr<std::vector<std::string>> RecordResolutions(
    Connection& conn, const std::vector<Resolution>& resolutions);

// The recorded resolutions of `tokens`, by token; tokens not recorded are absent.
absl::StatusOr<std::map<std::string, Resolution>> ListResolutions(
    Connection& conn, const std::vector<std::string>& tokens);

}  // namespace betteroms::store
