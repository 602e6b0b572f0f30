// ticks: the record of each maintenance pass, and the session lock that keeps passes apart.
#pragma once

#include <cstdint>

#include "absl/status/statusor.h"
#include "oms-server/domain/run.h"
#include "store/db.h"

namespace betteroms::store {

// Takes the tick lock for this connection's session; false when another session holds it.
absl::StatusOr<bool> TryLockTicks(Connection& conn);
// Releases the tick lock taken by TryLockTicks on the same connection.
absl::Status UnlockTicks(Connection& conn);

// Records a tick's report; returns its id.
absl::StatusOr<int64_t> InsertTick(Connection& conn, const domain::TickReport& report);

}  // namespace betteroms::store
