// How many orders there are by mode and status: the orders gauge the metrics endpoint serves.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "store/db.h"

namespace betteroms::store {

struct OrderStatusCount {
  std::string mode;    // "paper" or "live" (a CHECK constraint bounds both columns)
  std::string status;  // the orders table's status
  int64_t count = 0;
};

// One GROUP BY over the orders table (served by orders_status_idx). Errors as Exec.
absl::StatusOr<std::vector<OrderStatusCount>> CountOrdersByStatus(Connection& conn);

}  // namespace betteroms::store
