// Reconciliation rules without a venue: trades applied once by id, settlement moves, FAILED voids,
// provisional fills replaced, the venue's status words, cancelAfter, fees, and positions that
// keep pending fills apart.
#include "oms-server/domain/reconcile.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "oms-server/domain/positions.h"

namespace betteroms::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr int64_t M = 1'000'000;
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

Order RestingBuy(int64_t id, const std::string& hash) {
  Order o;
  o.id = id;
  o.mode = Mode::kLive;
  o.token_id = "7";
  o.outcome = "Yes";
  o.side = Side::kBuy;
  o.type = OrderType::kLimit;
  o.tif = TimeInForce::kGtc;
  o.limit_price = 400'000;
  o.size_shares = 10 * M;
  o.maker_amount = 4 * M;  // 10 shares at 0.40
  o.taker_amount = 10 * M;
  o.status = OrderStatus::kOpen;
  o.live.order_hash = hash;
  o.live.stored_status = OrderStatus::kOpen;
  return o;
}

TradeFill Fill(const std::string& trade, const std::string& hash, int64_t shares,
               const std::string& settlement = "MATCHED") {
  TradeFill f;
  f.trade_id = trade;
  f.order_hash = hash;
  f.token_id = "7";
  f.side = Side::kBuy;
  f.shares = shares;
  f.price = 400'000;
  f.maker = true;
  f.settlement = settlement;
  f.matched_at = kNow - absl::Minutes(1);
  return f;
}

VenueOrderState View(const std::string& status, int64_t matched) {
  return {status, "", matched, 400'000};
}

TEST(Reconcile, ATradeIsAppliedOnceWhateverHowOftenItIsRead) {
  std::vector<Order> orders = {RestingBuy(1, "0xa")};
  std::vector<TradeFill> fills = {Fill("t1", "0xa", 4 * M)};
  Reconciliation first = Reconcile(orders, {{"0xa", View("LIVE", 4 * M)}}, fills, kNow);
  EXPECT_EQ(first.fills_new, 1);
  ASSERT_EQ(first.fills.size(), 1u);
  EXPECT_EQ(first.fills[0].liquidity, Liquidity::kMaker);
  EXPECT_EQ(first.fills[0].notional, 1'600'000);
  EXPECT_EQ(orders[0].status, OrderStatus::kPartiallyFilled);
  EXPECT_EQ(orders[0].filled_shares, 4 * M);

  // The same trade again (the store gave the fill back with the order): nothing new.
  Reconciliation again = Reconcile(orders, {{"0xa", View("LIVE", 4 * M)}}, fills, kNow);
  EXPECT_EQ(again.fills_new, 0);
  EXPECT_THAT(again.fills, IsEmpty());
  EXPECT_EQ(orders[0].filled_shares, 4 * M);
}

TEST(Reconcile, SettlementMovesAndFailedVoids) {
  std::vector<Order> orders = {RestingBuy(1, "0xa")};
  Reconcile(orders, {}, {Fill("t1", "0xa", 4 * M), Fill("t2", "0xa", 6 * M)}, kNow);
  EXPECT_EQ(orders[0].filled_shares, 10 * M);
  EXPECT_EQ(orders[0].status, OrderStatus::kFilled);  // its own fills, not read back

  TradeFill confirmed = Fill("t1", "0xa", 4 * M, "CONFIRMED");
  confirmed.transaction_hash = "0x1";
  TradeFill failed = Fill("t2", "0xa", 6 * M, "FAILED");
  Reconciliation r = Reconcile(orders, {}, {confirmed, failed}, kNow);
  EXPECT_EQ(r.fills_new, 0);
  EXPECT_EQ(r.fills_confirmed, 1);
  EXPECT_EQ(r.fills_failed, 1);
  ASSERT_EQ(r.fills.size(), 2u);  // both rows move
  EXPECT_EQ(orders[0].filled_shares, 4 * M);
  EXPECT_EQ(orders[0].filled_notional, 1'600'000);
  EXPECT_THAT(orders[0].reason, HasSubstr("6 shares voided"));

  // Positions: the voided fill counts nowhere; the confirmed one is not pending.
  PositionBook book = FoldPositions(orders[0].fills);
  const HeldPosition& held = book.at({Mode::kLive, "7"});
  EXPECT_EQ(held.state.net_shares, 4 * M);
  EXPECT_EQ(held.pending_shares, 0);
}

TEST(Reconcile, TradesReplaceTheProvisionalFillOfThePostsAnswer) {
  std::vector<Order> orders = {RestingBuy(1, "0xa")};
  Execution provisional;
  provisional.id = 9;
  provisional.order_id = 1;
  provisional.mode = Mode::kLive;
  provisional.token_id = "7";
  provisional.shares = 10 * M;
  provisional.notional = 4 * M;
  provisional.price = 400'000;
  provisional.settlement = "MATCHED";
  orders[0].fills = {provisional};
  orders[0].filled_shares = 10 * M;
  orders[0].filled_notional = 4 * M;
  orders[0].status = OrderStatus::kFilled;

  // No trade yet: the provisional fill stands.
  Reconciliation none = Reconcile(orders, {}, {}, kNow);
  EXPECT_THAT(none.replaced, IsEmpty());
  EXPECT_EQ(orders[0].filled_shares, 10 * M);

  // Only part of it listed so far: the provisional fill stands, the trade waits for the rest.
  Reconciliation part = Reconcile(orders, {}, {Fill("t1", "0xa", 7 * M)}, kNow);
  EXPECT_THAT(part.replaced, IsEmpty());
  EXPECT_THAT(part.fills, IsEmpty());
  EXPECT_EQ(orders[0].fills.size(), 1u);
  EXPECT_EQ(orders[0].filled_shares, 10 * M);

  Reconciliation r =
      Reconcile(orders, {}, {Fill("t1", "0xa", 7 * M), Fill("t2", "0xa", 3 * M)}, kNow);
  EXPECT_EQ(r.replaced, std::vector<int64_t>{9});
  EXPECT_EQ(r.fills_new, 2);
  ASSERT_EQ(orders[0].fills.size(), 2u);
  for (const Execution& e : orders[0].fills) EXPECT_FALSE(e.trade_id.empty());
  EXPECT_EQ(orders[0].filled_shares, 10 * M);
}

TEST(Reconcile, AMakerFillThroughTheComplementFillsOurOrdersToken) {
  std::vector<Order> orders = {RestingBuy(1, "0xa")};
  TradeFill f = Fill("t1", "0xa", 5 * M);
  f.token_id = "8";  // the complement's asset, as a maker_orders entry may name it
  f.side = Side::kSell;
  Reconciliation r = Reconcile(orders, {}, {f}, kNow);
  ASSERT_EQ(r.fills.size(), 1u);
  EXPECT_EQ(r.fills[0].token_id, "7");
  EXPECT_EQ(r.fills[0].side, Side::kBuy);
}

TEST(Reconcile, AFillLargerThanTheOrderIsRefusedNotCounted) {
  std::vector<Order> orders = {RestingBuy(1, "0xa")};
  Reconciliation r = Reconcile(orders, {}, {Fill("t1", "0xa", 11 * M)}, kNow);
  EXPECT_THAT(r.fills, IsEmpty());
  ASSERT_EQ(r.skipped.size(), 1u);
  EXPECT_THAT(r.skipped[0], HasSubstr("t1"));
  EXPECT_EQ(orders[0].filled_shares, 0);
}

TEST(Reconcile, ACancelledOrderThatFilledWholeIsFilled) {
  std::vector<Order> orders = {RestingBuy(1, "0xa")};
  orders[0].status = OrderStatus::kCancelled;
  orders[0].reason = "cancelled by request";
  Reconcile(orders, {}, {Fill("t1", "0xa", 10 * M)}, kNow);
  EXPECT_EQ(orders[0].status, OrderStatus::kFilled);
  EXPECT_THAT(orders[0].reason, HasSubstr("before the cancel"));
  // Partly filled before the cancel: cancelled, its fill standing.
  std::vector<Order> part = {RestingBuy(2, "0xb")};
  part[0].status = OrderStatus::kCancelled;
  Reconcile(part, {}, {Fill("t2", "0xb", 4 * M)}, kNow);
  EXPECT_EQ(part[0].status, OrderStatus::kCancelled);
  EXPECT_EQ(part[0].filled_shares, 4 * M);
}

TEST(Reconcile, ManyNewFillsOfOneOrderKeepTheirOwnSettlement) {
  std::vector<Order> orders = {RestingBuy(1, "0xa")};
  std::vector<TradeFill> fills;
  fills.reserve(11);
  for (int i = 0; i < 10; ++i) fills.push_back(Fill("t" + std::to_string(i), "0xa", M));
  fills.push_back(Fill("t3", "0xa", M, "CONFIRMED"));  // listed twice, settled the second time
  Reconciliation r = Reconcile(orders, {}, fills, kNow);
  EXPECT_EQ(r.fills_new, 10);
  EXPECT_EQ(r.fills.size(), 10u);  // each (trade, order) once: one upsert may not write a row twice
  EXPECT_EQ(orders[0].filled_shares, 10 * M);
  int confirmed = 0;
  for (const Execution& e : orders[0].fills) confirmed += e.settlement == "CONFIRMED";
  EXPECT_EQ(confirmed, 1);
}

TEST(Reconcile, AMarketBuyMayReceiveMoreSharesThanItsMinimum) {
  std::vector<Order> orders = {RestingBuy(1, "0xa")};
  orders[0].type = OrderType::kMarket;
  orders[0].tif = TimeInForce::kFok;
  TradeFill f = Fill("t1", "0xa", 12 * M);  // $4 at 0.3333 buys 12 shares, not 10
  f.price = 333'333;
  Reconciliation r = Reconcile(orders, {}, {f}, kNow);
  EXPECT_THAT(r.skipped, IsEmpty());
  EXPECT_EQ(orders[0].filled_shares, 12 * M);
}

TEST(Reconcile, FillsOfOtherOrdersAreLeftAlone) {
  std::vector<Order> orders = {RestingBuy(1, "0xa"), RestingBuy(2, "0xb")};
  Reconciliation r = Reconcile(orders, {}, {Fill("t1", "0xb", 2 * M)}, kNow);
  EXPECT_EQ(orders[0].filled_shares, 0);
  EXPECT_EQ(orders[0].status, OrderStatus::kOpen);
  EXPECT_EQ(orders[1].filled_shares, 2 * M);
  EXPECT_EQ(r.fills[0].order_id, 2);
}

TEST(Reconcile, VenueCancellationsAreRecordedWithTheirReason) {
  std::vector<Order> orders = {RestingBuy(1, "0xa"), RestingBuy(2, "0xb"), RestingBuy(3, "0xc")};
  VenueOrderState self_trade = View("CANCELED", 0);
  self_trade.status_reason = "SELF_TRADE";
  Reconciliation r = Reconcile(
      orders,
      {{"0xa", View("CANCELED_MARKET_RESOLVED", 0)}, {"0xb", self_trade}, {"0xc", View("LIVE", 0)}},
      {}, kNow);
  EXPECT_EQ(r.cancelled_by_venue, 2);
  EXPECT_EQ(r.resolved, std::set<std::string>{"7"});
  EXPECT_EQ(orders[0].status, OrderStatus::kCancelled);
  EXPECT_THAT(orders[0].reason, HasSubstr("market resolved"));
  EXPECT_THAT(orders[1].reason, HasSubstr("SELF_TRADE"));
  EXPECT_EQ(orders[2].status, OrderStatus::kOpen);
}

TEST(Reconcile, CancelAfterIsDueForRestingGtcOrdersOnly) {
  std::vector<Order> orders = {RestingBuy(1, "0xa"), RestingBuy(2, "0xb"), RestingBuy(3, "0xc")};
  orders[0].expires_at = kNow - absl::Seconds(1);
  orders[1].expires_at = kNow + absl::Minutes(1);
  orders[2].expires_at = kNow - absl::Seconds(1);
  orders[2].tif = TimeInForce::kGtd;  // the venue expires GTD orders itself
  std::vector<Order*> due = DueForCancelAfter(orders, kNow);
  ASSERT_EQ(due.size(), 1u);
  EXPECT_EQ(due[0]->id, 1);
  MarkCancelledAfter(*due[0]);
  EXPECT_EQ(orders[0].status, OrderStatus::kExpired);
  EXPECT_TRUE(JournalDiffers(orders[0], RestingBuy(1, "0xa")));
  EXPECT_FALSE(JournalDiffers(orders[1], RestingBuy(2, "0xb")));
}

TEST(TradeFee, IsSharesTimesRateTimesPTimesOneMinusP) {
  // 50 shares at 0.50 and 100 bps: 50 × 0.01 × 0.25 = 0.125.
  EXPECT_EQ(TradeFee(50 * M, 500'000, 100), 125'000);
  // Cheaper towards the extremes: at 0.10, 100 × 0.02 × 0.09 = 0.18.
  EXPECT_EQ(TradeFee(100 * M, 100'000, 200), 180'000);
  EXPECT_EQ(TradeFee(100 * M, 500'000, 0), 0);
  EXPECT_EQ(TradeFee(100 * M, 0, 100), 0);
  EXPECT_EQ(TradeFee(100 * M, 1'000'000, 100), 0);
  // No overflow at the largest sizes.
  EXPECT_GT(TradeFee(INT64_MAX / 2, 500'000, 10'000), 0);
}

TEST(Reconcile, TheFeeIsInTheFillAndThePositionsCost) {
  std::vector<Order> orders = {RestingBuy(1, "0xa")};
  TradeFill f = Fill("t1", "0xa", 10 * M);
  f.fee_rate_bps = 100;
  f.maker = false;
  Reconciliation r = Reconcile(orders, {}, {f}, kNow);
  ASSERT_EQ(r.fills.size(), 1u);
  EXPECT_EQ(r.fills[0].fee, TradeFee(10 * M, 400'000, 100));
  PositionBook book = FoldPositions(orders[0].fills);
  EXPECT_EQ(book.at({Mode::kLive, "7"}).state.cost, 4 * M + r.fills[0].fee);
  EXPECT_EQ(book.at({Mode::kLive, "7"}).pending_shares, 10 * M);
}

}  // namespace
}  // namespace betteroms::domain
