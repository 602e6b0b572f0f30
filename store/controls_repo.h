// trading_controls: the persisted kill switch for live trading.
#pragma once

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "store/db.h"

namespace betteroms::store {

struct TradingControls {
  bool halted = false;
  std::string reason;
  absl::Time changed_at = absl::InfinitePast();
};

// `for_update` locks the row until the transaction ends: live journal claims take turns on it.
absl::StatusOr<TradingControls> GetTradingControls(Connection& conn, bool for_update = false);

// Halts or resumes live trading; returns the new state.
absl::StatusOr<TradingControls> SetTradingHalted(Connection& conn, bool halted,
                                                 const std::string& reason);

}  // namespace betteroms::store
