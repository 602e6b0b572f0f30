// Records a tick in the metrics: its duration by result, and what it changed by kind. Both ways
// a tick starts (the RunTick RPC and the server's own --tick-interval timer) call it.
#pragma once

#include "absl/status/statusor.h"
#include "oms-server/domain/run.h"

namespace betteroms::service {

void RecordTick(const absl::StatusOr<domain::TickReport>& report, double seconds);

}  // namespace betteroms::service
