#include "oms-server/domain/paper_engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "oms-server/domain/positions.h"
#include "tests/support/status_matchers.h"

namespace betteroms::domain {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::HasSubstr;

constexpr int64_t M = 1'000'000;

// Best-first levels in micro-units.
Book MakeBook(const std::string& token, std::vector<Level> bids, std::vector<Level> asks,
              int64_t tick = 10'000, int64_t min_size = 5 * M) {
  Book b;
  b.token_id = token;
  b.bids = std::move(bids);
  b.asks = std::move(asks);
  b.tick = tick;
  b.min_order_size = min_size;
  b.hash = "h-" + token;
  return b;
}

Trade MarketBuy(const std::string& token, int64_t usdc) {
  Trade t;
  t.token_id = token;
  t.outcome = "YES";
  t.side = Side::kBuy;
  t.type = OrderType::kMarket;
  t.size = usdc;
  t.tif = TimeInForce::kFok;
  return t;
}

Trade Limit(const std::string& token, Side side, int64_t price, int64_t shares) {
  Trade t;
  t.token_id = token;
  t.outcome = "YES";
  t.side = side;
  t.type = OrderType::kLimit;
  t.price = price;
  t.size = shares;
  t.unit = SizeUnit::kShares;
  t.tif = TimeInForce::kGtc;
  return t;
}

Plan PlanOf(std::vector<Trade> trades) {
  Plan p;
  p.plan_id = "p";
  p.trades = std::move(trades);
  return p;
}

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

TEST(NormaliseBook, PutsTheBestLevelFirstWhateverTheVenueOrder) {
  Book b = MakeBook("t", {{400'000, M}, {500'000, M}, {450'000, M}},
                    {{700'000, M}, {550'000, M}, {600'000, M}});
  NormaliseBook(b);
  EXPECT_EQ(*b.BestBid(), 500'000);
  EXPECT_EQ(*b.BestAsk(), 550'000);
  EXPECT_EQ(*b.Midpoint(), 525'000);
}

TEST(PaperEngine, MarketBuyWalksAsksFromTheLowestPrice) {
  BookMap books{
      {"t", MakeBook("t", {{490'000, 100 * M}}, {{500'000, 10 * M}, {520'000, 100 * M}})}};
  // $10 buys 10 shares at 0.50 ($5) and $5 / 0.52 = 9.615384 shares at 0.52.
  auto orders =
      SimulatePaperPlan(PlanOf({MarketBuy("t", 10 * M)}), books, {}, FillModel::kBook, kNow);
  ASSERT_THAT(orders, IsOk());
  const PaperOrder& o = (*orders)[0];
  EXPECT_EQ(o.status, OrderStatus::kFilled);
  ASSERT_EQ(o.fills.size(), 2u);
  EXPECT_EQ(o.fills[0].price, 500'000);
  EXPECT_EQ(o.fills[0].shares, 10 * M);
  EXPECT_EQ(o.fills[1].price, 520'000);
  EXPECT_EQ(o.fills[1].shares, 9'615'384);
  EXPECT_EQ(o.filled_notional, 10 * M);
  EXPECT_EQ(o.limit_price, 520'000);  // the worst level the order had to reach
}

TEST(PaperEngine, TopModelFillsEverythingAtTheBestPrice) {
  BookMap books{{"t", MakeBook("t", {}, {{500'000, 1 * M}, {900'000, 100 * M}})}};
  auto orders =
      SimulatePaperPlan(PlanOf({MarketBuy("t", 10 * M)}), books, {}, FillModel::kTop, kNow);
  ASSERT_THAT(orders, IsOk());
  EXPECT_EQ((*orders)[0].filled_shares, 20 * M);
}

TEST(PaperEngine, FokIsRefusedWhenTheBookIsThin) {
  Trade t = MarketBuy("t", 100 * M);
  t.worst_price = 550'000;
  BookMap books{{"t", MakeBook("t", {}, {{500'000, 10 * M}, {600'000, 1000 * M}})}};
  auto orders = SimulatePaperPlan(PlanOf({t}), books, {}, FillModel::kBook, kNow);
  ASSERT_THAT(orders, IsOk());
  EXPECT_EQ((*orders)[0].status, OrderStatus::kRejected);
  EXPECT_TRUE((*orders)[0].fills.empty());
  EXPECT_THAT((*orders)[0].reason, HasSubstr("FOK"));

  t.tif = TimeInForce::kFak;
  orders = SimulatePaperPlan(PlanOf({t}), books, {}, FillModel::kBook, kNow);
  ASSERT_THAT(orders, IsOk());
  EXPECT_EQ((*orders)[0].status, OrderStatus::kPartiallyFilled);
  EXPECT_EQ((*orders)[0].filled_shares, 10 * M);
  EXPECT_FALSE((*orders)[0].resting());  // a FAK's remainder is cancelled, not left on the book
}

TEST(PaperEngine, LimitOrderFillsWhatCrossesAndRestsTheRest) {
  BookMap books{{"t", MakeBook("t", {{400'000, 50 * M}}, {{450'000, 4 * M}, {500'000, 50 * M}})}};
  auto orders = SimulatePaperPlan(
      PlanOf({Limit("t", Side::kBuy, 460'000, 10 * M), Limit("t", Side::kBuy, 300'000, 10 * M)}),
      books, {}, FillModel::kBook, kNow);
  ASSERT_THAT(orders, IsOk());
  EXPECT_EQ((*orders)[0].status, OrderStatus::kPartiallyFilled);
  EXPECT_EQ((*orders)[0].filled_shares, 4 * M);
  EXPECT_EQ((*orders)[0].fills[0].price, 450'000);
  EXPECT_EQ((*orders)[1].status, OrderStatus::kOpen);
  EXPECT_EQ((*orders)[1].amounts.maker, 3 * M);
  EXPECT_EQ((*orders)[1].amounts.taker, 10 * M);
}

TEST(PaperEngine, LaterOrdersSeeTheDepthEarlierOnesLeft) {
  BookMap books{{"t", MakeBook("t", {}, {{500'000, 10 * M}, {600'000, 100 * M}})}};
  auto orders = SimulatePaperPlan(PlanOf({MarketBuy("t", 5 * M), MarketBuy("t", 3 * M)}), books, {},
                                  FillModel::kBook, kNow);
  ASSERT_THAT(orders, IsOk());
  EXPECT_EQ((*orders)[1].fills[0].price, 600'000);
}

TEST(PaperEngine, SellNeedsTheSharesHeldAfterEarlierTrades) {
  BookMap books{{"t", MakeBook("t", {{500'000, 100 * M}}, {{510'000, 100 * M}})}};
  Trade sell = Limit("t", Side::kSell, 500'000, 10 * M);
  auto refused = SimulatePaperPlan(PlanOf({sell}), books, {}, FillModel::kBook, kNow);
  ASSERT_THAT(refused, StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("trades[0]")));

  auto ok =
      SimulatePaperPlan(PlanOf({MarketBuy("t", 6 * M), sell}), books, {}, FillModel::kBook, kNow);
  ASSERT_THAT(ok, IsOk());
  EXPECT_EQ((*ok)[1].status, OrderStatus::kFilled);
  EXPECT_EQ((*ok)[1].filled_notional, 5 * M);
}

TEST(PaperEngine, VenueRulesAreCheckedAgainstTheMarket) {
  BookMap books{{"t", MakeBook("t", {{500'000, M}}, {{510'000, M}})}};
  Trade off_tick = Limit("t", Side::kBuy, 505'000, 10 * M);
  Trade too_small = Limit("t", Side::kBuy, 500'000, 2 * M);
  Trade edge = Limit("t", Side::kBuy, 995'000, 10 * M);
  auto v = ValidateAgainstMarket(PlanOf({off_tick, too_small, edge}), books, kNow);
  ASSERT_EQ(v.size(), 3u);
  EXPECT_EQ(v[0].path, "trades[0].price");
  EXPECT_EQ(v[1].path, "trades[1].size");
  EXPECT_EQ(v[2].path, "trades[2].price");
  EXPECT_EQ(ValidateAgainstMarket(PlanOf({MarketBuy("x", M)}), books, kNow)[0].message,
            "no order book for token x");
}

TEST(PaperEngine, PostOnlyThatWouldCrossIsRejected) {
  BookMap books{{"t", MakeBook("t", {{500'000, 100 * M}}, {{510'000, 100 * M}})}};
  Trade t = Limit("t", Side::kBuy, 520'000, 10 * M);
  t.post_only = true;
  auto orders = SimulatePaperPlan(PlanOf({t}), books, {}, FillModel::kBook, kNow);
  ASSERT_THAT(orders, IsOk());
  EXPECT_EQ((*orders)[0].status, OrderStatus::kRejected);
}

TEST(PaperEngine, RestingOrderFillsAtItsOwnLimitWhenTheBookCrosses) {
  Order o;
  o.side = Side::kBuy;
  o.type = OrderType::kLimit;
  o.tif = TimeInForce::kGtc;
  o.limit_price = 450'000;
  o.size_shares = 10 * M;
  o.filled_shares = 4 * M;
  Book moved = MakeBook("t", {}, {{440'000, 3 * M}, {450'000, 10 * M}, {460'000, 10 * M}});
  std::vector<Fill> fills = FillRestingOrder(o, moved);
  int64_t shares = 0;
  for (const auto& f : fills) {
    EXPECT_EQ(f.price, 450'000);
    shares += f.shares;
  }
  EXPECT_EQ(shares, 6 * M);
  Book away = MakeBook("t", {}, {{460'000, 10 * M}});
  EXPECT_TRUE(FillRestingOrder(o, away).empty());
}

TEST(Positions, AverageCostAndRealizedPnl) {
  PositionState p;
  p.Apply(Side::kBuy, 10 * M, 4 * M, 0);  // 10 @ 0.40
  p.Apply(Side::kBuy, 10 * M, 6 * M, 0);  // 10 @ 0.60 → avg 0.50
  EXPECT_EQ(p.AvgPrice(), 500'000);
  p.Apply(Side::kSell, 5 * M, 3'500'000, 0);  // 5 @ 0.70 → +1.00
  EXPECT_EQ(p.realized, 1 * M);
  EXPECT_EQ(p.net_shares, 15 * M);
  EXPECT_EQ(p.AvgPrice(), 500'000);
  p.Apply(Side::kSell, 15 * M, 6 * M, 100'000);  // 15 @ 0.40, fee 0.10 → -1.60
  EXPECT_EQ(p.realized, -600'000);
  EXPECT_EQ(p.cost, 0);
}

TEST(Positions, MarksAtTheMidpointAndLiquidatesIntoTheBids) {
  PositionState p;
  p.Apply(Side::kBuy, 10 * M, 4 * M, 0);
  Book b = MakeBook("t", {{500'000, 4 * M}, {450'000, 100 * M}}, {{600'000, M}});
  Marks m = MarkPosition(p, &b);
  EXPECT_EQ(*m.mark_price, 550'000);
  EXPECT_EQ(*m.unrealized, 1'500'000);
  EXPECT_EQ(*m.liquidation_value, 2 * M + 2'700'000);
  EXPECT_FALSE(MarkPosition(p, nullptr).mark_price.has_value());
}

}  // namespace
}  // namespace betteroms::domain
