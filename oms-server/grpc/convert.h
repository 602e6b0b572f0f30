// Proto ↔ domain conversion for the OrderManager API. Decimals become strings, times RFC 3339,
// enums their API names; request fields that do not parse are InvalidArgument naming the field.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "betteroms/v1/oms.pb.h"
#include "oms-server/domain/book.h"
#include "oms-server/domain/order.h"
#include "oms-server/domain/positions.h"
#include "oms-server/domain/run.h"
#include "oms-server/domain/trigger_record.h"
#include "oms-server/service/oms_service.h"

namespace betteroms::grpc_api {

v1::Violation ToApi(const domain::Violation& violation);
v1::Order ToApi(const domain::Order& order);
v1::Position ToApi(const domain::Position& position);
v1::RunSummary ToApi(const domain::RunSummary& summary);
v1::Run ToApi(const domain::Run& run);
v1::TickReport ToApi(const domain::TickReport& report);
v1::Book ToApi(const domain::Book& book);
v1::Trigger ToApi(const domain::TriggerRecord& trigger);
v1::Account ToApi(const service::Account& account);
v1::TradingState ToApi(const service::TradingState& state);
v1::ValidatePlanResponse ToApi(const service::PlanValidation& validation);
v1::Report ToApi(const service::Report& report);

// An optional mode filter: "" is none, else "paper" or "live".
absl::StatusOr<std::optional<domain::Mode>> ModeFilter(const std::string& mode);
absl::StatusOr<service::RunQuery> FromApi(const v1::ListRunsRequest& req);
absl::StatusOr<service::OrderQuery> FromApi(const v1::ListOrdersRequest& req);
absl::StatusOr<service::TriggerQuery> FromApi(const v1::ListTriggersRequest& req);
absl::StatusOr<service::ReportQuery> FromApi(const v1::GetReportRequest& req);

}  // namespace betteroms::grpc_api
