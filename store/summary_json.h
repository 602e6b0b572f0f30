// The JSON the store keeps of run summaries and tick reports (jsonb columns, readable in psql):
// the API's field names, money as decimal strings, times as RFC 3339.
#pragma once

#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "oms-server/domain/run.h"

namespace betteroms::store {

// The summary without its per-order list (orders live in their own table).
std::string RunSummaryJson(const domain::RunSummary& summary);
// Internal when the stored text is not a summary this binary can read.
absl::StatusOr<domain::RunSummary> ParseRunSummaryJson(std::string_view text);

std::string TickReportJson(const domain::TickReport& report);

}  // namespace betteroms::store
