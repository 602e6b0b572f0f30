// The equity curve: realized P&L by the positions' own average-cost rule, open positions marked
// at the last known price of their token, one point per instant, and a last point that agrees
// with the positions as they stand.
#include "oms-server/domain/equity.h"

#include <gtest/gtest.h>

namespace betteroms::domain {
namespace {

constexpr int64_t M = 1'000'000;
const absl::Time kT0 = absl::FromUnixSeconds(1'800'000'000);

Execution Fill(Side side, int64_t shares, int64_t price, absl::Time at,
               const std::string& book = "", const std::string& token = "tok") {
  Execution e;
  e.mode = Mode::kPaper;
  e.token_id = token;
  e.side = side;
  e.shares = shares;
  e.price = price;
  e.notional = shares / M * price;  // whole shares in these tests
  e.executed_at = at;
  e.book_hash = book;
  return e;
}

TEST(EquityCurve, RealizedFollowsTheAverageCostOfPositions) {
  std::vector<Execution> fills = {Fill(Side::kBuy, 10 * M, 400'000, kT0),
                                  Fill(Side::kBuy, 10 * M, 600'000, kT0 + absl::Seconds(1)),
                                  Fill(Side::kSell, 5 * M, 700'000, kT0 + absl::Seconds(2))};
  EquityCurve curve = FoldEquity(fills, {}, absl::InfinitePast());
  ASSERT_EQ(curve.points.size(), 3u);
  // Average cost 0.50: selling 5 at 0.70 realizes 1.00.
  EXPECT_EQ(curve.points[2].realized, 1 * M);
  EXPECT_EQ(curve.points[2].realized, FoldPositions(fills).begin()->second.state.realized);
  // 15 shares left at cost 7.50, marked at the last fill's price 0.70: 10.50 - 7.50.
  EXPECT_EQ(curve.points[2].unrealized, 3 * M);
}

TEST(EquityCurve, MarksAtTheStoredSnapshotMidWhenTheFillHasOne) {
  std::vector<Execution> fills = {Fill(Side::kBuy, 10 * M, 500'000, kT0, "h1")};
  SnapshotMids mids = {{{"tok", "h1"}, 480'000}};
  EquityCurve curve = FoldEquity(fills, mids, absl::InfinitePast());
  ASSERT_EQ(curve.points.size(), 1u);
  EXPECT_EQ(curve.points[0].unrealized, 4'800'000 - 5 * M);  // 10 × 0.48 − 5.00
  // Another token's snapshot of the same hash is not this one's.
  EquityCurve other = FoldEquity(fills, {{{"other", "h1"}, 100'000}}, absl::InfinitePast());
  EXPECT_EQ(other.points[0].unrealized, 0);  // marked at its own fill price
}

TEST(EquityCurve, FillsOfOneInstantMakeOnePoint) {
  std::vector<Execution> fills = {Fill(Side::kBuy, 1 * M, 500'000, kT0),
                                  Fill(Side::kBuy, 1 * M, 520'000, kT0),
                                  Fill(Side::kSell, 2 * M, 600'000, kT0 + absl::Minutes(1))};
  EquityCurve curve = FoldEquity(fills, {}, absl::InfinitePast());
  ASSERT_EQ(curve.points.size(), 2u);
  EXPECT_EQ(curve.points[0].at, kT0);
  EXPECT_EQ(curve.points[1].realized, 180'000);  // 1.20 − 1.02
  EXPECT_EQ(curve.points[1].unrealized, 0);
}

TEST(EquityCurve, FillsBeforeSinceCountAndOpenTheWindow) {
  std::vector<Execution> fills = {Fill(Side::kBuy, 10 * M, 400'000, kT0),
                                  Fill(Side::kSell, 10 * M, 500'000, kT0 + absl::Hours(2))};
  absl::Time since = kT0 + absl::Hours(1);
  EquityCurve curve = FoldEquity(fills, {}, since);
  ASSERT_EQ(curve.points.size(), 2u);
  EXPECT_EQ(curve.points[0].at, since);
  EXPECT_EQ(curve.points[0].realized, 0);
  EXPECT_EQ(curve.points[1].realized, 1 * M);
  // Nothing inside the window: the carried state alone.
  EquityCurve later = FoldEquity(fills, {}, kT0 + absl::Hours(3));
  ASSERT_EQ(later.points.size(), 1u);
  EXPECT_EQ(later.points[0].realized, 1 * M);
}

TEST(EquityCurve, VoidedFillsCountNowhere) {
  Execution failed = Fill(Side::kBuy, 10 * M, 400'000, kT0);
  failed.settlement = "FAILED";
  EquityCurve curve = FoldEquity({failed}, {}, absl::InfinitePast());
  ASSERT_EQ(curve.points.size(), 1u);
  EXPECT_EQ(curve.points[0].unrealized, 0);
  EXPECT_TRUE(curve.last_marks.empty());
}

TEST(EquityCurve, TheCurrentPointIsThePositionsOwnPnl) {
  std::vector<Execution> fills = {
      Fill(Side::kBuy, 10 * M, 400'000, kT0, "", "a"),
      Fill(Side::kBuy, 10 * M, 300'000, kT0, "", "b"),
      Fill(Side::kBuy, 10 * M, 400'000, kT0 + absl::Seconds(1), "", "b"),
      Fill(Side::kSell, 4 * M, 500'000, kT0 + absl::Seconds(5), "", "a")};
  EquityCurve curve = FoldEquity(fills, {}, absl::InfinitePast());
  PositionBook book = FoldPositions(fills);
  std::vector<Position> current;
  for (const auto& [key, held] : book) {
    Position p{key.mode, key.token_id, held.outcome, held.state};
    if (key.token_id == "a") {
      p.marks.unrealized = 123'456;  // marked now against a live book
    }
    current.push_back(p);
  }
  absl::Time now = kT0 + absl::Hours(1);
  EquityPoint point = CurrentPoint(curve, current, now);
  EXPECT_EQ(point.at, now);
  EXPECT_EQ(point.realized, 400'000);  // 4 × (0.50 − 0.40)
  // "a" as positions mark it; "b", with no mark now, at its last mark (its last fill's price):
  // 20 × 0.40 − 7.00.
  EXPECT_EQ(point.unrealized, 123'456 + 1 * M);
}

}  // namespace
}  // namespace betteroms::domain
