#include "oms-server/domain/twin.h"

#include "absl/strings/str_cat.h"
#include "common/decimal.h"
#include "common/int128.h"

namespace betteroms::domain {
namespace {

constexpr int64_t kMicro = 1'000'000;
// A ratio of 1 in hundredths of a basis point.
constexpr int64_t kCentibpsPerUnit = 1'000'000;

// num / den rounded half away from zero; den > 0.
Int128 DivRound(Int128 num, Int128 den) {
  Int128 magnitude = num < 0 ? -num : num;
  Int128 q = (magnitude * 2 + den) / (den * 2);
  return num < 0 ? -q : q;
}

std::optional<int64_t> AvgPrice(int64_t notional, int64_t shares) {
  if (shares <= 0) return std::nullopt;
  return MulDivFloor(notional, kMicro, shares);
}

// The orders whose live fill the venue decided: sent and answered.
bool Answered(const Order& o) { return o.status != OrderStatus::kNotSent && !InJournal(o.status); }

}  // namespace

TwinComparison CompareWithTwin(const Order& live, const PaperTwin& twin) {
  TwinComparison c;
  c.twin_avg_price = AvgPrice(twin.filled_notional, twin.filled_shares);
  c.live_avg_price = AvgPrice(live.filled_notional, live.filled_shares);
  c.size_diff = live.filled_shares - twin.filled_shares;
  if (live.filled_shares > 0 && twin.filled_shares > 0 && twin.filled_notional > 0) {
    // live avg / twin avg - 1 = (Ln * Ts - Ls * Tn) / (Ls * Tn), exact in 128 bits.
    Int128 num = Int128{live.filled_notional} * twin.filled_shares -
                 Int128{live.filled_shares} * twin.filled_notional;
    Int128 den = Int128{live.filled_shares} * twin.filled_notional;
    Int128 diff = DivRound(num * kCentibpsPerUnit, den);
    c.price_diff_centibps = static_cast<int64_t>(live.side == Side::kBuy ? diff : -diff);
  }
  return c;
}

std::optional<int64_t> TwinTotals::SlippageCentibps() const {
  if (orders_compared == 0 || compared_notional <= 0) return std::nullopt;
  return static_cast<int64_t>(
      DivRound(Int128{slippage_cost} * kCentibpsPerUnit, Int128{compared_notional}));
}

std::optional<TwinTotals> SumTwins(const std::vector<Order>& orders) {
  std::optional<TwinTotals> totals;
  for (const Order& o : orders) {
    if (o.mode != Mode::kLive || !o.twin) continue;
    if (!totals) totals.emplace();
    if (!Answered(o)) continue;
    const PaperTwin& twin = *o.twin;
    ++totals->orders;
    totals->twin_filled_shares += twin.filled_shares;
    totals->twin_filled_notional += twin.filled_notional;
    totals->live_filled_shares += o.filled_shares;
    totals->live_filled_notional += o.filled_notional;
    if (o.filled_shares <= 0 || twin.filled_shares <= 0 || twin.filled_notional <= 0) continue;
    // The live shares at the twin's average price: Ls * Tn / Ts, to the nearest micro-unit.
    auto at_twin = static_cast<int64_t>(
        DivRound(Int128{o.filled_shares} * twin.filled_notional, Int128{twin.filled_shares}));
    ++totals->orders_compared;
    totals->compared_notional += at_twin;
    totals->slippage_cost +=
        o.side == Side::kBuy ? o.filled_notional - at_twin : at_twin - o.filled_notional;
  }
  return totals;
}

std::string FormatCentibps(int64_t centibps) {
  uint64_t magnitude =
      centibps < 0 ? 0 - static_cast<uint64_t>(centibps) : static_cast<uint64_t>(centibps);
  uint64_t cents = magnitude % 100;
  return absl::StrCat(centibps < 0 ? "-" : "", magnitude / 100, cents < 10 ? ".0" : ".", cents);
}

}  // namespace betteroms::domain
