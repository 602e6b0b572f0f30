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

// USDC-sized LIMIT orders trade their size's worth (DESIGN §3).

Trade UsdcLimit(const std::string& token, Side side, int64_t price, int64_t usdc,
                TimeInForce tif = TimeInForce::kGtc) {
  Trade t = Limit(token, side, price, usdc);
  t.unit = SizeUnit::kUsdc;
  t.tif = tif;
  return t;
}

TEST(UsdcLimit, ASellAtOneCentSellsTheSizesWorthAndNoMore) {
  BookMap books{{"t", MakeBook("t", {{500'000, 100 * M}, {400'000, 1000 * M}}, {{520'000, M}})}};
  auto orders = SimulatePaperPlan(PlanOf({UsdcLimit("t", Side::kSell, 10'000, 20 * M)}), books,
                                  {{"t", 1000 * M}}, FillModel::kBook, kNow);
  ASSERT_THAT(orders, IsOk());
  const PaperOrder& o = (*orders)[0];
  EXPECT_EQ(o.status, OrderStatus::kFilled);
  EXPECT_EQ(o.size_shares, 40 * M);  // $20 at the best bid, 0.50; not 2,000 shares at 0.01
  EXPECT_EQ(o.filled_notional, 20 * M);
  ASSERT_EQ(o.fills.size(), 1u);
  EXPECT_EQ(o.fills[0].price, 500'000);  // each level at its own price, not the limit
}

TEST(UsdcLimit, ACrossingBuySpendsItsSizeAtTheBooksPrices) {
  BookMap books{{"t", MakeBook("t", {{500'000, M}}, {{520'000, 1000 * M}})}};
  auto orders = SimulatePaperPlan(PlanOf({UsdcLimit("t", Side::kBuy, 950'000, 100 * M)}), books, {},
                                  FillModel::kBook, kNow);
  ASSERT_THAT(orders, IsOk());
  const PaperOrder& o = (*orders)[0];
  EXPECT_EQ(o.status, OrderStatus::kFilled);
  EXPECT_EQ(o.size_shares, 192'300'000);     // $100 / 0.52 = 192.3077, to the venue's 2 decimals
  EXPECT_EQ(o.filled_notional, 99'996'000);  // $100 less the rounding, not $55 at the limit
  EXPECT_EQ(o.amounts.taker, 192'300'000);
}

TEST(UsdcLimit, WhatTheBookCannotTakeRestsAtTheLimit) {
  BookMap books{{"t", MakeBook("t", {{400'000, M}}, {{480'000, 50 * M}, {550'000, 100 * M}})}};
  auto orders = SimulatePaperPlan(PlanOf({UsdcLimit("t", Side::kBuy, 500'000, 100 * M)}), books, {},
                                  FillModel::kBook, kNow);
  ASSERT_THAT(orders, IsOk());
  const PaperOrder& o = (*orders)[0];
  // 50 shares for $24 at 0.48; the $76 left rests as 152 shares at 0.50.
  EXPECT_EQ(o.status, OrderStatus::kPartiallyFilled);
  EXPECT_EQ(o.size_shares, 202 * M);
  EXPECT_EQ(o.filled_shares, 50 * M);
  EXPECT_EQ(o.filled_notional, 24 * M);
  EXPECT_TRUE(o.resting());
  EXPECT_EQ(o.amounts.maker, 101 * M);  // 202 shares at the 0.50 limit, as the venue sees it
}

TEST(UsdcLimit, AFokIsKilledUnlessTheBookTakesTheWholeSize) {
  BookMap thin{{"t", MakeBook("t", {{400'000, M}}, {{480'000, 50 * M}, {550'000, 100 * M}})}};
  auto killed =
      SimulatePaperPlan(PlanOf({UsdcLimit("t", Side::kBuy, 500'000, 100 * M, TimeInForce::kFok)}),
                        thin, {}, FillModel::kBook, kNow);
  ASSERT_THAT(killed, IsOk());
  EXPECT_EQ((*killed)[0].status, OrderStatus::kRejected);
  EXPECT_THAT((*killed)[0].reason, HasSubstr("FOK"));
  EXPECT_TRUE((*killed)[0].fills.empty());

  BookMap deep{{"t", MakeBook("t", {{400'000, M}}, {{480'000, 1000 * M}})}};
  auto filled =
      SimulatePaperPlan(PlanOf({UsdcLimit("t", Side::kBuy, 500'000, 100 * M, TimeInForce::kFok)}),
                        deep, {}, FillModel::kBook, kNow);
  ASSERT_THAT(filled, IsOk());
  EXPECT_EQ((*filled)[0].status, OrderStatus::kFilled);
  EXPECT_EQ((*filled)[0].size_shares, 208'330'000);  // $100 / 0.48, to 2 decimals
}

TEST(UsdcLimit, AFakTakesWhatTheBookHasAndDropsTheRest) {
  BookMap books{{"t", MakeBook("t", {{400'000, M}}, {{480'000, 50 * M}, {550'000, 100 * M}})}};
  auto orders =
      SimulatePaperPlan(PlanOf({UsdcLimit("t", Side::kBuy, 500'000, 100 * M, TimeInForce::kFak)}),
                        books, {}, FillModel::kBook, kNow);
  ASSERT_THAT(orders, IsOk());
  const PaperOrder& o = (*orders)[0];
  EXPECT_EQ(o.size_shares, 50 * M);
  EXPECT_EQ(o.filled_notional, 24 * M);
  EXPECT_FALSE(o.resting());
  EXPECT_THAT(o.reason, HasSubstr("dropped"));

  BookMap away{{"t", MakeBook("t", {{400'000, M}}, {{550'000, 100 * M}})}};
  auto none =
      SimulatePaperPlan(PlanOf({UsdcLimit("t", Side::kBuy, 500'000, 100 * M, TimeInForce::kFak)}),
                        away, {}, FillModel::kBook, kNow);
  ASSERT_THAT(none, IsOk());
  EXPECT_EQ((*none)[0].status, OrderStatus::kRejected);
  EXPECT_THAT((*none)[0].reason, HasSubstr("no liquidity within the limit"));
}

TEST(UsdcLimit, TheCheckBeforeRunningLeavesWhatTheBookDecidesToTheOrder) {
  BookMap books{{"t", MakeBook("t", {{200'000, M}}, {{300'000, 100 * M}})}};
  // GTC: what the size would rest as at its limit ($1 at 0.50 = 2 shares) is checked up front.
  auto v = ValidateAgainstMarket(PlanOf({UsdcLimit("t", Side::kBuy, 500'000, 1 * M)}), books, kNow);
  ASSERT_EQ(v.size(), 1u);
  EXPECT_THAT(v[0].message, HasSubstr("order of 2 shares is below the market's minimum of 5"));
  // FOK: the book decides (3.33 shares at 0.30); that one order is refused, not the plan.
  Plan plan = PlanOf(
      {UsdcLimit("t", Side::kBuy, 500'000, 1 * M, TimeInForce::kFok), MarketBuy("t", 3 * M)});
  EXPECT_TRUE(ValidateAgainstMarket(plan, books, kNow).empty());
  auto orders = SimulatePaperPlan(plan, books, {}, FillModel::kBook, kNow);
  ASSERT_THAT(orders, IsOk());
  EXPECT_EQ((*orders)[0].status, OrderStatus::kRejected);
  EXPECT_THAT((*orders)[0].reason, HasSubstr("order of 3.33 shares is below the market's minimum"));
  EXPECT_EQ((*orders)[1].status, OrderStatus::kFilled);
}

TEST(UsdcLimit, AFokIsCompleteWhenWhatIsLeftBuysLessThanTheVenuesSmallestSize) {
  // $10 at 0.30 against 33.33 shares: $0.001 is left, less than 0.01 share's worth.
  BookMap books{{"t", MakeBook("t", {{200'000, M}}, {{300'000, 33'330'000}})}};
  auto orders =
      SimulatePaperPlan(PlanOf({UsdcLimit("t", Side::kBuy, 300'000, 10 * M, TimeInForce::kFok)}),
                        books, {}, FillModel::kBook, kNow);
  ASSERT_THAT(orders, IsOk());
  EXPECT_EQ((*orders)[0].status, OrderStatus::kFilled);
  EXPECT_EQ((*orders)[0].size_shares, 33'330'000);
}

TEST(UsdcLimit, TheShareCountIsTheDepthWalksWhateverThePaperFillModel) {
  BookMap books{{"t", MakeBook("t", {{300'000, M}}, {{400'000, 10 * M}, {550'000, 1000 * M}})}};
  Plan plan = PlanOf({UsdcLimit("t", Side::kBuy, 600'000, 100 * M)});
  auto book_model = SimulatePaperPlan(plan, books, {}, FillModel::kBook, kNow);
  auto top_model = SimulatePaperPlan(plan, books, {}, FillModel::kTop, kNow);
  ASSERT_THAT(book_model, IsOk());
  ASSERT_THAT(top_model, IsOk());
  // $4 buys 10 at 0.40, $96 buys 174.54 at 0.55: 184.54 shares, as the live order will carry.
  EXPECT_EQ((*book_model)[0].size_shares, 184'540'000);
  EXPECT_EQ((*top_model)[0].size_shares, 184'540'000);
}

TEST(AlignToTicks, PricesOffTheTickMoveInTheTradersFavour) {
  BookMap books{{"t", MakeBook("t", {{500'000, M}}, {{510'000, M}})},
                {"f", MakeBook("f", {{500'000, M}}, {{510'000, M}}, /*tick=*/1'000)}};
  Trade buy = Limit("t", Side::kBuy, 555'000, 10 * M);
  buy.price_text = "0.555";
  Trade sell = Limit("t", Side::kSell, 555'000, 10 * M);
  Trade fine_buy = Limit("f", Side::kBuy, 316'549, 10 * M);  // read from 0.31654999999999994
  Trade fine_sell = Limit("f", Side::kSell, 316'550, 10 * M);
  Trade on_tick = Limit("t", Side::kBuy, 550'000, 10 * M);
  Trade market = MarketBuy("t", 5 * M);
  market.worst_price = 505'000;
  Plan plan = PlanOf({buy, sell, fine_buy, fine_sell, on_tick, market});
  std::vector<Violation> warnings = AlignToTicks(plan, books);
  EXPECT_EQ(*plan.trades[0].price, 550'000);
  EXPECT_EQ(*plan.trades[1].price, 560'000);
  EXPECT_EQ(*plan.trades[2].price, 316'000);
  EXPECT_EQ(*plan.trades[3].price, 317'000);
  EXPECT_EQ(*plan.trades[4].price, 550'000);
  EXPECT_EQ(*plan.trades[5].worst_price, 500'000);
  ASSERT_EQ(warnings.size(), 5u);  // the price already on its tick is left alone
  EXPECT_EQ(warnings[0].path, "trades[0].price");
  EXPECT_THAT(warnings[0].message, HasSubstr("price 0.555 moved to 0.55"));
  EXPECT_EQ(warnings[4].path, "trades[5].worstPrice");
  EXPECT_TRUE(ValidateAgainstMarket(plan, books, kNow).empty());
}

TEST(AlignToTicks, NoiseThatReadsOntoTheTickIsStillAWarning) {
  BookMap books{{"t", MakeBook("t", {{500'000, M}}, {{510'000, M}})}};
  Trade t = Limit("t", Side::kSell, 300'000, 10 * M);  // read from 0.30000000000000004
  t.price_text = "0.30000000000000004";
  t.price_exact = false;
  Plan plan = PlanOf({t});
  std::vector<Violation> warnings = AlignToTicks(plan, books);
  EXPECT_EQ(*plan.trades[0].price, 300'000);  // not pushed up to 0.31 by the noise
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0].message, HasSubstr("read as 0.3"));
}

TEST(AlignToTicks, TheRangeIsCheckedAfterTheMove) {
  BookMap books{{"t", MakeBook("t", {{500'000, M}}, {{510'000, M}})}};
  Plan plan =
      PlanOf({Limit("t", Side::kBuy, 5'000, 10 * M), Limit("t", Side::kSell, 995'000, 10 * M)});
  EXPECT_EQ(AlignToTicks(plan, books).size(), 2u);
  auto v = ValidateAgainstMarket(plan, books, kNow);
  ASSERT_EQ(v.size(), 2u);
  EXPECT_THAT(v[0].message, HasSubstr("invalid price (0)"));
  EXPECT_THAT(v[1].message, HasSubstr("invalid price (1)"));
}

}  // namespace
}  // namespace betteroms::domain
