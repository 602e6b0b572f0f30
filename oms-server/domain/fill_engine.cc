#include "oms-server/domain/fill_engine.h"

#include <algorithm>
#include <limits>

#include "common/decimal.h"

namespace betteroms::domain {

int64_t CostOf(int64_t shares, int64_t price) { return MulDivCeil(shares, price, kMicro); }
int64_t ProceedsOf(int64_t shares, int64_t price) { return MulDivFloor(shares, price, kMicro); }

WalkResult WalkBook(const WalkSpec& spec, const Book& book, FillModel model) {
  const std::vector<Level>& side = spec.side == Side::kBuy ? book.asks : book.bids;
  WalkResult out;
  int64_t remaining = spec.budget;
  for (size_t i = 0; i < side.size() && remaining > 0; ++i) {
    const Level& level = side[i];
    bool acceptable =
        spec.side == Side::kBuy ? level.price <= spec.limit : level.price >= spec.limit;
    if (!acceptable) break;
    int64_t price = spec.fill_at_limit ? spec.limit : level.price;
    // The top model treats the best level as bottomless, as the earlier implementation did.
    int64_t available =
        model == FillModel::kTop ? std::numeric_limits<int64_t>::max() / 4 : level.size;
    int64_t shares = 0;
    int64_t notional = 0;
    if (spec.budget_in_collateral) {
      // The shares the collateral left buys (BUY) or must fetch (SELL) at this level.
      int64_t affordable = MulDivFloor(remaining, kMicro, price);
      shares = std::min(available, affordable);
      if (shares <= 0) {
        remaining = 0;  // less than one micro-share of collateral left
        break;
      }
      notional = spec.side == Side::kBuy ? std::min(CostOf(shares, price), remaining)
                                         : ProceedsOf(shares, price);
      remaining = shares == affordable ? 0 : remaining - notional;
    } else {
      shares = std::min(available, remaining);
      notional = spec.side == Side::kBuy ? CostOf(shares, price) : ProceedsOf(shares, price);
      remaining -= shares;
    }
    out.fills.push_back({shares, price, notional});
    out.shares += shares;
    out.notional += notional;
    if (model == FillModel::kTop) break;
  }
  out.complete = remaining == 0;
  return out;
}

void ConsumeLiquidity(Book& book, Side side, const std::vector<Fill>& fills) {
  // A walk always takes the best levels first, so consuming the total from the top is exact.
  int64_t total = 0;
  for (const Fill& f : fills) total += f.shares;
  std::vector<Level>& levels = side == Side::kBuy ? book.asks : book.bids;
  for (Level& l : levels) {
    int64_t take = std::min(l.size, total);
    l.size -= take;
    total -= take;
    if (total == 0) break;
  }
  std::erase_if(levels, [](const Level& l) { return l.size <= 0; });
}

}  // namespace betteroms::domain
