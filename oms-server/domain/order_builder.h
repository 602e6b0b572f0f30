// Venue amounts (makerAmount / takerAmount) for limit and market orders, exactly as Polymarket's
// clob-client-v2 computes them (PROTOCOL §5.2) but in exact decimals instead of doubles.
#pragma once

#include <cstdint>
#include <optional>

#include "oms-server/domain/plan.h"

namespace betteroms::domain {

struct RoundConfig {
  int64_t tick = 0;  // micro-units
  int price_decimals = 0;
  int size_decimals = 2;
  int amount_decimals = 0;
};

// The rounding of one of the six tick sizes (0.1, 0.01, 0.005, 0.0025, 0.001, 0.0001).
std::optional<RoundConfig> RoundingForTick(int64_t tick_micros);

struct Amounts {
  int64_t maker = 0;  // base units (1e-6): BUY pays collateral, SELL gives shares
  int64_t taker = 0;  // BUY receives shares, SELL receives collateral
};

// GTC/GTD: `size` in shares, `price` the limit.
Amounts LimitOrderAmounts(Side side, int64_t price, int64_t size, const RoundConfig& rc);

// FOK/FAK: BUY `amount` is collateral to spend, SELL `amount` is shares; `price` is the worst
// acceptable price.
Amounts MarketOrderAmounts(Side side, int64_t price, int64_t amount, const RoundConfig& rc);

}  // namespace betteroms::domain
