#include "oms-server/domain/positions.h"

#include <algorithm>

#include "common/decimal.h"
#include "oms-server/domain/fill_engine.h"

namespace betteroms::domain {

void PositionState::Apply(Side side, int64_t shares, int64_t notional, int64_t fee) {
  if (side == Side::kBuy) {
    net_shares += shares;
    cost += notional + fee;
    return;
  }
  int64_t sold = std::min(shares, net_shares);
  if (sold <= 0) return;
  int64_t released = MulDivFloor(cost, sold, net_shares);
  if (sold == net_shares) released = cost;  // no rounding dust left on a flat position
  realized += notional - fee - released;
  cost -= released;
  net_shares -= sold;
}

int64_t PositionState::AvgPrice() const {
  return net_shares > 0 ? MulDivFloor(cost, kMicro, net_shares) : 0;
}

Marks MarkPosition(const PositionState& pos, const Book* book) {
  Marks m;
  if (book == nullptr) return m;
  m.mark_price = book->Midpoint();
  if (m.mark_price) m.unrealized = ProceedsOf(pos.net_shares, *m.mark_price) - pos.cost;
  WalkSpec spec{Side::kSell, /*limit=*/1, /*budget_in_collateral=*/false, pos.net_shares};
  m.liquidation_value = pos.net_shares > 0 ? WalkBook(spec, *book).notional : 0;
  return m;
}

Marks MarkResolved(const PositionState& pos, std::optional<int64_t> payout) {
  Marks m;
  if (!payout) return m;
  m.mark_price = *payout;
  m.liquidation_value = ProceedsOf(pos.net_shares, *payout);
  m.unrealized = *m.liquidation_value - pos.cost;
  return m;
}

PositionBook FoldPositions(const std::vector<Execution>& fills) {
  PositionBook out;
  ApplyFills(out, fills);
  return out;
}

void ApplyFills(PositionBook& positions, const std::vector<Execution>& fills) {
  for (const Execution& e : fills) {
    if (e.Voided()) continue;
    HeldPosition& held = positions[{e.mode, e.token_id}];
    if (held.outcome.empty()) held.outcome = e.outcome;
    held.state.Apply(e.side, e.shares, e.notional, e.fee);
    if (e.Pending()) held.pending_shares += e.side == Side::kBuy ? e.shares : -e.shares;
  }
}

}  // namespace betteroms::domain
