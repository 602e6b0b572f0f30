#include "oms-server/domain/equity.h"

#include <optional>

#include "oms-server/domain/fill_engine.h"

namespace betteroms::domain {
namespace {

// net × mark − cost, as MarkPosition values a position.
int64_t Unrealized(const PositionState& state, int64_t mark) {
  return ProceedsOf(state.net_shares, mark) - state.cost;
}

EquityPoint PointAt(absl::Time at, const PositionBook& positions,
                    const std::map<std::string, int64_t>& marks) {
  EquityPoint p;
  p.at = at;
  for (const auto& [key, held] : positions) {
    p.realized += held.state.realized;
    if (held.state.net_shares <= 0) continue;
    auto mark = marks.find(key.token_id);
    if (mark != marks.end()) p.unrealized += Unrealized(held.state, mark->second);
  }
  return p;
}

}  // namespace

EquityCurve FoldEquity(const std::vector<Execution>& fills, const SnapshotMids& mids,
                       absl::Time since) {
  EquityCurve curve;
  std::optional<EquityPoint> carried;  // the state at `since` of the fills before it
  for (size_t i = 0; i < fills.size(); ++i) {
    const Execution& e = fills[i];
    if (!e.Voided()) {
      ApplyFills(curve.positions, {e});
      auto mid = mids.find({e.token_id, e.book_hash});
      curve.last_marks[e.token_id] = mid != mids.end() ? mid->second : e.price;
    }
    // A point once every fill of this instant is in.
    bool last_of_instant = i + 1 == fills.size() || fills[i + 1].executed_at != e.executed_at;
    if (!last_of_instant) continue;
    EquityPoint point = PointAt(e.executed_at, curve.positions, curve.last_marks);
    if (e.executed_at < since) {
      point.at = since;
      carried = point;
      continue;
    }
    if (carried && curve.points.empty()) curve.points.push_back(*carried);
    curve.points.push_back(point);
  }
  if (carried && curve.points.empty()) curve.points.push_back(*carried);
  return curve;
}

EquityPoint CurrentPoint(const EquityCurve& curve, const std::vector<Position>& current,
                         absl::Time now) {
  EquityPoint p;
  p.at = now;
  for (const Position& pos : current) {
    p.realized += pos.state.realized;
    if (pos.state.net_shares <= 0) continue;
    if (pos.marks.unrealized) {
      p.unrealized += *pos.marks.unrealized;
    } else if (auto mark = curve.last_marks.find(pos.token_id); mark != curve.last_marks.end()) {
      p.unrealized += Unrealized(pos.state, mark->second);
    }
  }
  return p;
}

}  // namespace betteroms::domain
