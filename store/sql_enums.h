// The SQL text of each domain enum, as the tables' CHECK constraints spell it, and back. The
// store's own table, so a renamed enumerator cannot silently change what is stored
// (tests/pg/store_test.cc holds every value against the constraints).
#pragma once

#include <string_view>

#include "absl/status/statusor.h"
#include "oms-server/domain/plan.h"
#include "oms-server/domain/trigger_record.h"
#include "oms-server/domain/types.h"

namespace betteroms::store {

std::string_view SqlText(domain::Mode v);
std::string_view SqlText(domain::Side v);
std::string_view SqlText(domain::OrderType v);
std::string_view SqlText(domain::TimeInForce v);
std::string_view SqlText(domain::Liquidity v);
std::string_view SqlText(domain::OrderStatus v);
std::string_view SqlText(domain::RunStatus v);
std::string_view SqlText(domain::TriggerStatus v);
std::string_view SqlText(domain::TriggerPrice v);

// Internal when the database holds a value this binary does not know.
absl::StatusOr<domain::Mode> ParseModeSql(std::string_view text);
absl::StatusOr<domain::Side> ParseSideSql(std::string_view text);
absl::StatusOr<domain::OrderType> ParseOrderTypeSql(std::string_view text);
absl::StatusOr<domain::TimeInForce> ParseTimeInForceSql(std::string_view text);
absl::StatusOr<domain::Liquidity> ParseLiquiditySql(std::string_view text);
absl::StatusOr<domain::OrderStatus> ParseOrderStatusSql(std::string_view text);
absl::StatusOr<domain::RunStatus> ParseRunStatusSql(std::string_view text);
absl::StatusOr<domain::TriggerStatus> ParseTriggerStatusSql(std::string_view text);
absl::StatusOr<domain::TriggerPrice> ParseTriggerPriceSql(std::string_view text);

}  // namespace betteroms::store
