// The cancel rule: which orders a trader may cancel, and what a cancelled order looks like. Pure.
#pragma once

#include "absl/status/statusor.h"
#include "oms-server/domain/order.h"

namespace betteroms::domain {

// Whether a live order may be cancelled at the venue: resting there (open, partially filled),
// delayed, or unknown (a cancel by hash is harmless). FailedPrecondition otherwise, saying why.
absl::Status CheckLiveCancel(const Order& order);

// The paper order once cancelled. FailedPrecondition when it is not resting (filled, expired,
// a FOK/FAK, ...).
absl::StatusOr<Order> RequestCancel(Order order);

}  // namespace betteroms::domain
