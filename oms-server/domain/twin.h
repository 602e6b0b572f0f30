// The paper twin of a live order against what the venue did: per order, the two average prices,
// their difference in basis points and the difference in shares; per run, the totals and a
// notional-weighted slippage. Orders (with their twins) come in, figures come out. Pure; integer
// arithmetic only, money and prices in int64 micro-units, basis points in hundredths.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "oms-server/domain/order.h"

namespace betteroms::domain {

// One live order beside its twin.
struct TwinComparison {
  // filled_notional / filled_shares, rounded down to a micro-unit; empty without a fill.
  std::optional<int64_t> twin_avg_price;
  std::optional<int64_t> live_avg_price;
  // (live avg - twin avg) / twin avg in hundredths of a basis point, from the exact totals (not
  // the rounded averages), rounded half away from zero; positive when live was worse for the
  // trader (BUY: paid more per share, SELL: received less). Empty unless both sides filled.
  std::optional<int64_t> price_diff_centibps;
  int64_t size_diff = 0;  // live - twin filled shares
};

// `live`'s figures beside `twin`'s (the twin usually being `*live.twin`).
TwinComparison CompareWithTwin(const Order& live, const PaperTwin& twin);

// The twins of a run's live orders that reached the venue (orders never sent, or still awaiting
// the venue's answer, say nothing of the market and are left out) against their live fills.
struct TwinTotals {
  int orders = 0;  // orders counted below
  int64_t twin_filled_shares = 0;
  int64_t twin_filled_notional = 0;
  int64_t live_filled_shares = 0;
  int64_t live_filled_notional = 0;
  // Over the orders filled on both sides: the live shares valued at their twin's average price
  // (rounded to a micro-unit), and what the live fills cost beyond that (BUY: paid more, SELL:
  // received less; negative when live did better).
  int orders_compared = 0;
  int64_t compared_notional = 0;
  int64_t slippage_cost = 0;

  // slippage_cost / compared_notional in hundredths of a basis point, rounded half away from
  // zero: the mean of the orders' price differences weighted by compared notional. Empty when
  // no order filled on both sides.
  std::optional<int64_t> SlippageCentibps() const;
};

// Sums the live orders of `orders` that have a twin; empty when none has one (a paper run, or a
// live run from before twins were kept).
std::optional<TwinTotals> SumTwins(const std::vector<Order>& orders);

// Hundredths of a basis point as a decimal with two places: 4878 -> "48.78", -50 -> "-0.50".
std::string FormatCentibps(int64_t centibps);

}  // namespace betteroms::domain
