// The equity curve: realized and unrealized P&L over time, folded from fills in the order they
// happened by the average-cost rules of positions.h, so that its last point is the positions'
// own P&L. Pure: fills and stored book midpoints come in, points come out.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/time.h"
#include "oms-server/domain/order.h"
#include "oms-server/domain/positions.h"

namespace betteroms::domain {

// How the curve marks open positions, in words for the report that shows it.
inline constexpr char kEquityMarkingRule[] =
    "Realized P&L is average-cost, fees included, as in positions. At each point every open "
    "position is marked at the last price known for its token at that time: the midpoint of the "
    "stored book snapshot its latest fill was priced on, or that fill's own price when the fill "
    "has no snapshot with a midpoint. The last point (now) is marked as positions are: at the "
    "book's midpoint now, or at the payout of a closed market; a position with no current mark "
    "keeps its last mark from the curve.";

struct EquityPoint {
  absl::Time at = absl::InfinitePast();
  int64_t realized = 0;    // collateral micro-units, summed over tokens
  int64_t unrealized = 0;  // net × mark − cost, summed over open positions
};

// Stored snapshot midpoints by (token, book hash).
using SnapshotMids = std::map<std::pair<std::string, std::string>, int64_t>;

struct EquityCurve {
  std::vector<EquityPoint> points;
  PositionBook positions;                     // after every fill
  std::map<std::string, int64_t> last_marks;  // by token: the mark of the curve's last point
};

// Folds the fills of one mode, oldest first. One point per distinct execution time (a paper run's
// fills share theirs), with the state after every fill of that time. Points before `since` are
// folded but not kept: when fills came before it, the state at `since` opens the curve. Voided
// (FAILED) fills count nowhere.
EquityCurve FoldEquity(const std::vector<Execution>& fills, const SnapshotMids& mids,
                       absl::Time since);

// The point `now` as positions stand: `current` are the positions of the curve's mode with their
// current marks (as GetPositions gives them); realized is theirs, and each open position's
// unrealized is its own, or, without a current mark, its value at the curve's last mark.
EquityPoint CurrentPoint(const EquityCurve& curve, const std::vector<Position>& current,
                         absl::Time now);

}  // namespace betteroms::domain
