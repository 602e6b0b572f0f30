#include "oms-server/domain/trigger.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "oms-server/domain/paper_engine.h"
#include "tests/support/status_matchers.h"

namespace betteroms::domain {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::HasSubstr;

constexpr int64_t M = 1'000'000;
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

// Best-first levels in micro-units.
Book MakeBook(std::vector<Level> bids, std::vector<Level> asks, const std::string& token = "t") {
  Book b;
  b.token_id = token;
  b.bids = std::move(bids);
  b.asks = std::move(asks);
  b.tick = 10'000;
  b.min_order_size = 1 * M;
  b.hash = "h-" + token;
  return b;
}

Trigger Below(TriggerPrice price, int64_t level) {
  Trigger t;
  t.price = price;
  t.below = true;
  t.level = level;
  return t;
}

Trigger Above(TriggerPrice price, int64_t level) {
  Trigger t = Below(price, level);
  t.below = false;
  return t;
}

TEST(TriggerPriceOf, ReadsEachPriceFromTheBestLevels) {
  Book book = MakeBook({{400'000, M}, {390'000, M}}, {{450'000, M}, {500'000, M}});
  EXPECT_EQ(TriggerPriceOf(book, TriggerPrice::kBestBid), 400'000);
  EXPECT_EQ(TriggerPriceOf(book, TriggerPrice::kBestAsk), 450'000);
  EXPECT_EQ(TriggerPriceOf(book, TriggerPrice::kMid), 425'000);
  // A midpoint between micro-units is rounded down.
  Book odd = MakeBook({{400'000, M}}, {{400'001, M}});
  EXPECT_EQ(TriggerPriceOf(odd, TriggerPrice::kMid), 400'000);
}

TEST(TriggerPriceOf, AnEmptySideHasNoPriceAndTheMidpointNeedsBothSides) {
  Book no_bids = MakeBook({}, {{450'000, M}});
  EXPECT_EQ(TriggerPriceOf(no_bids, TriggerPrice::kBestBid), std::nullopt);
  EXPECT_EQ(TriggerPriceOf(no_bids, TriggerPrice::kBestAsk), 450'000);
  EXPECT_EQ(TriggerPriceOf(no_bids, TriggerPrice::kMid), std::nullopt);
  // Book::Midpoint falls back to the one side; a trigger must not.
  EXPECT_EQ(no_bids.Midpoint(), 450'000);
  Book no_asks = MakeBook({{400'000, M}}, {});
  EXPECT_EQ(TriggerPriceOf(no_asks, TriggerPrice::kBestBid), 400'000);
  EXPECT_EQ(TriggerPriceOf(no_asks, TriggerPrice::kBestAsk), std::nullopt);
  EXPECT_EQ(TriggerPriceOf(no_asks, TriggerPrice::kMid), std::nullopt);
  Book empty = MakeBook({}, {});
  EXPECT_EQ(TriggerPriceOf(empty, TriggerPrice::kBestBid), std::nullopt);
}

TEST(Crosses, BelowFiresAtOrUnderTheLevelAndAboveAtOrOverIt) {
  Trigger below = Below(TriggerPrice::kBestBid, 300'000);
  EXPECT_TRUE(Crosses(below, 290'000));
  EXPECT_TRUE(Crosses(below, 300'000));  // a tie fires
  EXPECT_FALSE(Crosses(below, 300'001));
  Trigger above = Above(TriggerPrice::kBestBid, 600'000);
  EXPECT_TRUE(Crosses(above, 610'000));
  EXPECT_TRUE(Crosses(above, 600'000));  // a tie fires
  EXPECT_FALSE(Crosses(above, 599'999));
}

TEST(EvaluateTrigger, FiresOnTheWatchedPriceOnly) {
  // Bid 0.29 (crosses below 0.30), ask 0.35 (does not), mid 0.32.
  Book book = MakeBook({{290'000, M}}, {{350'000, M}});
  TriggerVerdict bid = EvaluateTrigger(Below(TriggerPrice::kBestBid, 300'000), &book, kNow);
  EXPECT_EQ(bid.kind, TriggerVerdict::kFire);
  EXPECT_EQ(bid.price, 290'000);
  TriggerVerdict ask = EvaluateTrigger(Below(TriggerPrice::kBestAsk, 300'000), &book, kNow);
  EXPECT_EQ(ask.kind, TriggerVerdict::kWait);
  EXPECT_EQ(ask.price, 350'000);
  EXPECT_EQ(EvaluateTrigger(Below(TriggerPrice::kMid, 320'000), &book, kNow).kind,
            TriggerVerdict::kFire);
  EXPECT_EQ(EvaluateTrigger(Below(TriggerPrice::kMid, 319'999), &book, kNow).kind,
            TriggerVerdict::kWait);
  EXPECT_EQ(EvaluateTrigger(Above(TriggerPrice::kBestAsk, 350'000), &book, kNow).kind,
            TriggerVerdict::kFire);
  EXPECT_EQ(EvaluateTrigger(Above(TriggerPrice::kBestBid, 350'000), &book, kNow).kind,
            TriggerVerdict::kWait);
}

TEST(EvaluateTrigger, WaitsWithoutABookOrWithoutThePriceItWatches) {
  Trigger t = Below(TriggerPrice::kMid, 900'000);
  TriggerVerdict none = EvaluateTrigger(t, nullptr, kNow);
  EXPECT_EQ(none.kind, TriggerVerdict::kWait);
  EXPECT_EQ(none.price, std::nullopt);
  Book one_sided = MakeBook({{100'000, M}}, {});  // a midpoint would have crossed: 0.10 <= 0.90
  TriggerVerdict v = EvaluateTrigger(t, &one_sided, kNow);
  EXPECT_EQ(v.kind, TriggerVerdict::kWait);
  EXPECT_EQ(v.price, std::nullopt);
  EXPECT_THAT(v.reason, HasSubstr("empty"));
}

TEST(EvaluateTrigger, ExpiresAtItsUntilEvenOnACrossingPrice) {
  Book crossing = MakeBook({{290'000, M}}, {{350'000, M}});
  Trigger t = Below(TriggerPrice::kBestBid, 300'000);
  t.until = kNow;
  TriggerVerdict before = EvaluateTrigger(t, &crossing, kNow - absl::Milliseconds(1));
  EXPECT_EQ(before.kind, TriggerVerdict::kFire);
  TriggerVerdict at = EvaluateTrigger(t, &crossing, kNow);
  EXPECT_EQ(at.kind, TriggerVerdict::kExpire);
  EXPECT_EQ(at.price, 290'000);  // read all the same, for the record
  EXPECT_EQ(EvaluateTrigger(t, &crossing, kNow + absl::Hours(1)).kind, TriggerVerdict::kExpire);
  // No book is no reason to stay armed past until.
  EXPECT_EQ(EvaluateTrigger(t, nullptr, kNow).kind, TriggerVerdict::kExpire);
  EXPECT_EQ(EvaluateTrigger(t, nullptr, kNow - absl::Seconds(1)).kind, TriggerVerdict::kWait);
}

TEST(Trigger, NamesRoundTripAndDescriptionsReadAsTheRule) {
  for (TriggerPrice p : {TriggerPrice::kBestBid, TriggerPrice::kBestAsk, TriggerPrice::kMid}) {
    EXPECT_EQ(ParseTriggerPrice(Name(p)), p);
  }
  EXPECT_EQ(ParseTriggerPrice("bestbid"), std::nullopt);
  EXPECT_EQ(ParseTriggerPrice("last"), std::nullopt);

  Trigger stop = Below(TriggerPrice::kBestBid, 300'000);
  stop.until = absl::FromCivil(absl::CivilSecond(2026, 12, 1, 0, 0, 0), absl::UTCTimeZone());
  EXPECT_EQ(DescribeTrigger(stop), "bestBid \u2264 0.30 until 2026-12-01T00:00:00Z");
  EXPECT_EQ(DescribeTrigger(Above(TriggerPrice::kMid, 655'000)), "mid \u2265 0.655");
  EXPECT_EQ(DescribeTrigger(Above(TriggerPrice::kBestAsk, 500'000)), "bestAsk \u2265 0.50");
}

// A plan of a BUY that runs now and two triggered SELLs (an OCO pair) of token "t".
Plan StopAndTake() {
  Plan p;
  p.plan_id = "p";
  Trade buy;
  buy.token_id = "t";
  buy.outcome = "YES";
  buy.side = Side::kBuy;
  buy.type = OrderType::kMarket;
  buy.size = 5 * M;
  buy.tif = TimeInForce::kFok;
  Trade stop = buy;
  stop.side = Side::kSell;
  stop.unit = SizeUnit::kShares;
  stop.size = 10 * M;
  stop.trigger = Below(TriggerPrice::kBestBid, 300'000);
  stop.oco = "exit";
  Trade take = stop;
  take.trigger = Above(TriggerPrice::kBestBid, 600'000);
  Trade later_buy = buy;
  later_buy.size = 2 * M;
  p.trades = {stop, buy, take, later_buy};
  return p;
}

TEST(SimulatePaperPlan, ArmsTriggeredTradesAndRunsTheOthersWithTheirIndices) {
  BookMap books{{"t", MakeBook({{290'000, 100 * M}}, {{500'000, 100 * M}})}};
  // Nothing is held: the SELLs would fail for want of shares if they ran now.
  auto orders = SimulatePaperPlan(StopAndTake(), books, {}, FillModel::kBook, kNow);
  ASSERT_THAT(orders, IsOk());
  ASSERT_EQ(orders->size(), 2u);
  EXPECT_EQ((*orders)[0].trade_index, 1);
  EXPECT_EQ((*orders)[0].trade.side, Side::kBuy);
  EXPECT_EQ((*orders)[0].filled_shares, 10 * M);  // $5 at 0.50
  EXPECT_EQ((*orders)[1].trade_index, 3);
  EXPECT_EQ((*orders)[1].filled_shares, 4 * M);  // $2 at 0.50
}

TEST(SimulatePaperPlan, StillHoldsTriggeredTradesToTheMarketsStaticRules) {
  BookMap books{{"t", MakeBook({{290'000, 100 * M}}, {{500'000, 100 * M}})}};
  Plan p = StopAndTake();
  p.trades[0].size = 500'000;  // 0.5 shares, under the market's minimum of 1
  p.trades[2].trigger->until = kNow;
  auto orders = SimulatePaperPlan(p, books, {}, FillModel::kBook, kNow);
  EXPECT_THAT(orders, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("trades[0].size")));
  EXPECT_THAT(orders, StatusIs(absl::StatusCode::kInvalidArgument,
                               HasSubstr("trades[2].trigger.until: must be in the future")));
}

TEST(ValidateAgainstMarket, IgnoresTheDepthForATriggeredMarketTrade) {
  // A FOK BUY of $50 that the book could not fill now: armed, it waits for the book at firing.
  BookMap books{{"t", MakeBook({{290'000, M}}, {{500'000, M}})}};
  Plan p = StopAndTake();
  p.trades[1].size = 50 * M;
  p.trades[1].trigger = Below(TriggerPrice::kBestAsk, 400'000);
  p.trades[3].trigger = Below(TriggerPrice::kBestAsk, 400'000);
  EXPECT_TRUE(ValidateAgainstMarket(p, books, kNow).empty());
  auto orders = SimulatePaperPlan(p, books, {}, FillModel::kBook, kNow);
  ASSERT_THAT(orders, IsOk());
  EXPECT_TRUE(orders->empty());
}

TEST(SimulateTriggeredTrade, ASharesSellNeedingMoreThanIsHeldSellsWhatIsHeldAndSaysSo) {
  Book book = MakeBook({{290'000, 100 * M}}, {{500'000, 100 * M}});
  std::string note = "stale";
  auto o = SimulateTriggeredTrade(StopAndTake(), 0, book, 4'509'999, FillModel::kBook, kNow, &note);
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->trade_index, 0);
  EXPECT_EQ(o->trade.size, 4'500'000);  // rounded down to the venue's 2 decimals
  EXPECT_EQ(o->status, OrderStatus::kFilled);
  EXPECT_EQ(o->filled_shares, 4'500'000);
  EXPECT_EQ(o->filled_notional, 1'305'000);  // 4.5 at 0.29
  EXPECT_EQ(note, "sold the 4.5 shares held of the 10 the trigger asked for");
}

TEST(SimulateTriggeredTrade, ASellThatFindsNothingHeldIsRefused) {
  Book book = MakeBook({{290'000, 100 * M}}, {{500'000, 100 * M}});
  std::string note;
  for (int64_t held : {int64_t{0}, int64_t{9'999}, int64_t{-5}}) {
    auto o = SimulateTriggeredTrade(StopAndTake(), 2, book, held, FillModel::kBook, kNow, &note);
    EXPECT_THAT(o, StatusIs(absl::StatusCode::kFailedPrecondition,
                            HasSubstr("trades[2]: the trigger's SELL of 10 shares of token t "
                                      "finds none held in the paper position")))
        << held;
  }
}

TEST(SimulateTriggeredTrade, ASellWithEnoughSharesRunsWithoutANote) {
  Book book = MakeBook({{610'000, 100 * M}}, {{650'000, 100 * M}});
  std::string note = "stale";
  auto o = SimulateTriggeredTrade(StopAndTake(), 2, book, 25 * M, FillModel::kBook, kNow, &note);
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->trade_index, 2);
  EXPECT_EQ(o->filled_shares, 10 * M);
  EXPECT_EQ(o->filled_notional, 6'100'000);
  EXPECT_EQ(note, "");
}

TEST(SimulateTriggeredTrade, AUsdcBuyFillsOnTheBookAtFiring) {
  Plan p = StopAndTake();
  p.trades[3].trigger = Below(TriggerPrice::kBestAsk, 400'000);
  // $2 buys 5 shares at 0.20 ($1), then $1 / 0.25 = 4 shares at 0.25.
  Book book = MakeBook({{190'000, 100 * M}}, {{200'000, 5 * M}, {250'000, 100 * M}});
  auto o = SimulateTriggeredTrade(p, 3, book, 0, FillModel::kBook, kNow, nullptr);
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->trade_index, 3);
  EXPECT_EQ(o->status, OrderStatus::kFilled);
  ASSERT_EQ(o->fills.size(), 2u);
  EXPECT_EQ(o->fills[0].price, 200'000);
  EXPECT_EQ(o->fills[0].shares, 5 * M);
  EXPECT_EQ(o->fills[1].price, 250'000);
  EXPECT_EQ(o->fills[1].shares, 4 * M);
  EXPECT_EQ(o->filled_notional, 2 * M);
  // The book passed in is the caller's: the simulation consumed a copy.
  EXPECT_EQ(book.asks[0].size, 5 * M);
}

TEST(SimulateTriggeredTrade, AFokTheBookCannotFillIsARejectedOrderAsWhenSubmitted) {
  Plan p = StopAndTake();
  p.trades[3].trigger = Below(TriggerPrice::kBestAsk, 400'000);
  p.trades[3].worst_price = 200'000;
  Book book = MakeBook({{190'000, 100 * M}}, {{200'000, 5 * M}, {250'000, 100 * M}});
  auto o = SimulateTriggeredTrade(p, 3, book, 0, FillModel::kBook, kNow, nullptr);
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->status, OrderStatus::kRejected);
  EXPECT_THAT(o->reason, HasSubstr("FOK"));
  EXPECT_TRUE(o->fills.empty());
}

TEST(SimulateTriggeredTrade, RefusesAnUntriggeredTradeAnotherTokensBookAndAnIndexOutOfRange) {
  Book book = MakeBook({{290'000, 100 * M}}, {{500'000, 100 * M}});
  EXPECT_THAT(SimulateTriggeredTrade(StopAndTake(), 1, book, 0, FillModel::kBook, kNow, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no trigger")));
  EXPECT_THAT(SimulateTriggeredTrade(StopAndTake(), 4, book, 0, FillModel::kBook, kNow, nullptr),
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("no such trade")));
  Book other = MakeBook({{290'000, 100 * M}}, {{500'000, 100 * M}}, "u");
  EXPECT_THAT(
      SimulateTriggeredTrade(StopAndTake(), 0, other, 20 * M, FillModel::kBook, kNow, nullptr),
      StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("token u")));
}

TEST(SimulateTriggeredTrade, MovesALimitOntoATickThatChangedSinceSubmission) {
  Plan p = StopAndTake();
  Trade& take = p.trades[2];
  take.type = OrderType::kLimit;
  take.tif = TimeInForce::kGtc;
  take.price = 965'000;  // on the 0.001 tick it was submitted with
  take.price_text = "0.965";
  Book book = MakeBook({{900'000, 100 * M}}, {{990'000, 100 * M}});  // the tick is now 0.01
  std::string note;
  auto o = SimulateTriggeredTrade(p, 2, book, 20 * M, FillModel::kBook, kNow, &note);
  ASSERT_THAT(o, IsOk());
  EXPECT_EQ(o->limit_price, 970'000);  // up for a SELL: never worse than the limit
  EXPECT_EQ(o->status, OrderStatus::kOpen);
  EXPECT_THAT(note, HasSubstr("moved to 0.97"));
}

TEST(SimulateTriggeredTrade, AClampedSellBelowTheMinimumSizeIsRefusedSayingWhy) {
  Book book = MakeBook({{290'000, 100 * M}}, {{500'000, 100 * M}});
  book.min_order_size = 5 * M;
  std::string note;
  auto o = SimulateTriggeredTrade(StopAndTake(), 0, book, 2 * M, FillModel::kBook, kNow, &note);
  EXPECT_THAT(o, StatusIs(absl::StatusCode::kInvalidArgument,
                          HasSubstr("cut to the 2 shares held of the 10 the trigger asked for")));
  EXPECT_THAT(o, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("trades[0].size")));
}

}  // namespace
}  // namespace betteroms::domain
