// Live order rules without a venue: the order a trade becomes, what cannot be sent, the
// pre-trade risk checks, and how the venue's answers move an order.
#include "oms-server/domain/live_order.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "oms-server/domain/paper_engine.h"

namespace betteroms::domain {
namespace {

using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr int64_t M = 1'000'000;
const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);
const char kToken[] = "123";

Book TestBook(bool neg_risk = false) {
  Book b;
  b.token_id = kToken;
  b.bids = {{480'000, 100 * M}};
  b.asks = {{520'000, 100 * M}, {530'000, 100 * M}};
  b.tick = 10'000;
  b.min_order_size = 5 * M;
  b.neg_risk = neg_risk;
  b.hash = "h";
  return b;
}

Plan OneTrade(Trade t) {
  Plan p;
  p.plan_id = "live-1";
  p.mode = Mode::kLive;
  t.token_id = kToken;
  t.outcome = "Yes";
  p.trades.push_back(t);
  return p;
}

Trade LimitBuy(int64_t price, int64_t usdc) {
  Trade t;
  t.side = Side::kBuy;
  t.type = OrderType::kLimit;
  t.tif = TimeInForce::kGtc;
  t.price = price;
  t.size = usdc;
  return t;
}

PaperOrder Simulate(const Plan& plan, const Book& book) {
  auto orders =
      SimulatePaperPlan(plan, {{kToken, book}}, {{kToken, 1000 * M}}, FillModel::kBook, kNow);
  EXPECT_TRUE(orders.ok()) << orders.status();
  return orders->at(0);
}

LiveAccount Account() {
  LiveAccount a;
  a.maker = "0x1111111111111111111111111111111111111111";
  a.signer = "0x2222222222222222222222222222222222222222";
  a.signature_type = 2;
  return a;
}

TEST(LiveOrder, CarriesThePaperAmountsAndTheAccountsFields) {
  Plan plan = OneTrade(LimitBuy(500'000, 10 * M));  // rests: asks start at 0.52
  Book book = TestBook(/*neg_risk=*/true);
  PaperOrder sim = Simulate(plan, book);
  Order o = ToLiveOrder(sim, plan, book, nullptr, Account(), "intent-1", "12345", kNow);
  EXPECT_EQ(o.status, OrderStatus::kNew);
  EXPECT_EQ(o.mode, Mode::kLive);
  EXPECT_EQ(o.maker_amount, sim.amounts.maker);
  EXPECT_EQ(o.taker_amount, sim.amounts.taker);
  EXPECT_EQ(o.taker_amount, 20 * M);  // $10 at 0.50
  EXPECT_EQ(o.filled_shares, 0);
  EXPECT_THAT(o.fills, IsEmpty());
  EXPECT_EQ(o.live.exchange, "neg-risk-v2");
  EXPECT_EQ(o.live.maker, Account().maker);
  EXPECT_EQ(o.live.signer, Account().signer);
  EXPECT_EQ(o.live.signature_type, 2);
  EXPECT_EQ(o.live.order_time_ms, absl::ToUnixMillis(kNow));
  EXPECT_EQ(o.live.expiration, 0);
  EXPECT_EQ(o.live.builder, kZeroBytes32);
}

TEST(LiveOrder, ADepositWalletSignsAsTheMakerAndTheMarketDecidesTheExchange) {
  Plan plan = OneTrade(LimitBuy(500'000, 10 * M));
  PaperOrder sim = Simulate(plan, TestBook());
  LiveAccount wallet = Account();
  wallet.signature_type = 3;
  MarketInfo market;
  market.neg_risk = true;
  Order o = ToLiveOrder(sim, plan, TestBook(), &market, wallet, "i", "1", kNow);
  EXPECT_EQ(o.live.signer, wallet.maker);
  EXPECT_EQ(o.live.exchange, "neg-risk-v2");
  market.accepting_orders = false;
  EXPECT_THAT(CannotSend(sim, TestBook(), &market, kNow), HasSubstr("not accepting orders"));
  market.accepting_orders = true;
  EXPECT_EQ(CannotSend(sim, TestBook(), &market, kNow), "");
}

TEST(LiveOrder, GtdExpirationCarriesTheVenuesMinute) {
  Trade t = LimitBuy(500'000, 10 * M);
  t.tif = TimeInForce::kGtd;
  t.expires_at = kNow + absl::Minutes(10);
  Plan plan = OneTrade(t);
  PaperOrder sim = Simulate(plan, TestBook());
  Order o = ToLiveOrder(sim, plan, TestBook(), nullptr, Account(), "i", "1", kNow);
  EXPECT_EQ(o.live.expiration, absl::ToUnixSeconds(kNow + absl::Minutes(11)));
  EXPECT_EQ(CannotSend(sim, TestBook(), nullptr, kNow), "");
  EXPECT_THAT(CannotSend(sim, TestBook(), nullptr, kNow + absl::Minutes(9) + absl::Seconds(30)),
              HasSubstr("GTD order must expire at least"));
}

TEST(LiveOrder, WithoutAmountsOrBelowTheMinimumCannotBeSent) {
  PaperOrder sim;
  sim.trade = LimitBuy(500'000, 2 * M);
  sim.amounts = {2 * M, 4 * M};
  sim.size_shares = 4 * M;  // < 5
  EXPECT_THAT(CannotSend(sim, TestBook(), nullptr, kNow), HasSubstr("below the market's minimum"));
  sim.amounts = {};
  sim.reason = "no asks in the book";
  EXPECT_EQ(CannotSend(sim, TestBook(), nullptr, kNow), "no asks in the book");
}

Order SentOrder(Side side, TimeInForce tif, int64_t shares) {
  Order o;
  o.id = 7;
  o.mode = Mode::kLive;
  o.token_id = kToken;
  o.side = side;
  o.tif = tif;
  o.size_shares = shares;
  o.limit_price = 500'000;
  o.status = OrderStatus::kSubmitting;
  return o;
}

TEST(PostAnswer, MatchedBuyRecordsItsFillAtTheAveragePrice) {
  Order o = SentOrder(Side::kBuy, TimeInForce::kFok, 20 * M);
  PostAnswer a{PostAnswer::Kind::kAccepted, "matched", 10'400'000, 20 * M, "", ""};
  std::optional<Execution> fill = ApplyPostAnswer(o, a, kNow);
  ASSERT_TRUE(fill.has_value());
  EXPECT_EQ(o.status, OrderStatus::kFilled);
  EXPECT_EQ(fill->shares, 20 * M);
  EXPECT_EQ(fill->notional, 10'400'000);
  EXPECT_EQ(fill->price, 520'000);
  EXPECT_EQ(o.live.venue_status, "matched");
}

TEST(PostAnswer, GtcPartlyMatchedRestsTheRemainder) {
  Order o = SentOrder(Side::kBuy, TimeInForce::kGtc, 20 * M);
  PostAnswer a{PostAnswer::Kind::kAccepted, "matched", 5 * M, 10 * M, "", ""};
  ASSERT_TRUE(ApplyPostAnswer(o, a, kNow).has_value());
  EXPECT_EQ(o.status, OrderStatus::kPartiallyFilled);
  EXPECT_TRUE(o.Resting());
}

TEST(PostAnswer, LiveDelayedRejectedNotAcceptedAndLost) {
  Order live = SentOrder(Side::kSell, TimeInForce::kGtc, 10 * M);
  EXPECT_FALSE(ApplyPostAnswer(live, {PostAnswer::Kind::kAccepted, "live"}, kNow).has_value());
  EXPECT_EQ(live.status, OrderStatus::kOpen);

  Order delayed = SentOrder(Side::kBuy, TimeInForce::kFok, 10 * M);
  ApplyPostAnswer(delayed, {PostAnswer::Kind::kAccepted, "delayed"}, kNow);
  EXPECT_EQ(delayed.status, OrderStatus::kDelayed);
  EXPECT_TRUE(InJournal(delayed.status));

  Order refused = SentOrder(Side::kBuy, TimeInForce::kGtc, 10 * M);
  ApplyPostAnswer(refused,
                  {PostAnswer::Kind::kRejected, "", 0, 0,
                   "invalid post-only order: order crosses book", "post-only order would take"},
                  kNow);
  EXPECT_EQ(refused.status, OrderStatus::kRejected);
  EXPECT_EQ(refused.reason, "post-only order would take");
  EXPECT_EQ(refused.live.venue_error, "invalid post-only order: order crosses book");

  Order later = SentOrder(Side::kBuy, TimeInForce::kGtc, 10 * M);
  ApplyPostAnswer(later, {PostAnswer::Kind::kNotAccepted, "", 0, 0, "425", "engine restarting"},
                  kNow);
  EXPECT_EQ(later.status, OrderStatus::kSigned);
  EXPECT_THAT(later.reason, HasSubstr("engine restarting"));

  Order lost = SentOrder(Side::kBuy, TimeInForce::kGtc, 10 * M);
  ApplyPostAnswer(lost, {PostAnswer::Kind::kAmbiguous, "", 0, 0, "timeout", "timed out"}, kNow);
  EXPECT_EQ(lost.status, OrderStatus::kUnknown);
  EXPECT_THAT(lost.reason, HasSubstr("by its hash"));
}

TEST(VenueOrder, ReadBackAddsOnlyNewlyMatchedShares) {
  Order o = SentOrder(Side::kBuy, TimeInForce::kGtc, 20 * M);
  o.status = OrderStatus::kUnknown;
  auto first = ApplyVenueOrder(o, {"LIVE", "", 5 * M, 500'000}, kNow);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->shares, 5 * M);
  EXPECT_EQ(first->notional, 2'500'000);
  EXPECT_EQ(o.status, OrderStatus::kPartiallyFilled);
  EXPECT_FALSE(ApplyVenueOrder(o, {"LIVE", "", 5 * M, 500'000}, kNow).has_value());
  auto rest = ApplyVenueOrder(o, {"MATCHED", "", 20 * M, 500'000}, kNow);
  ASSERT_TRUE(rest.has_value());
  EXPECT_EQ(rest->shares, 15 * M);
  EXPECT_EQ(o.status, OrderStatus::kFilled);
}

TEST(VenueOrder, AGtdCancelledPastItsExpiryExpired) {
  Order o = SentOrder(Side::kBuy, TimeInForce::kGtd, 20 * M);
  o.expires_at = kNow;
  ApplyVenueOrder(o, {"CANCELED", "", 0, 500'000}, kNow - absl::Seconds(1));
  EXPECT_EQ(o.status, OrderStatus::kCancelled);
  ApplyVenueOrder(o, {"CANCELED", "", 0, 500'000}, kNow);
  EXPECT_EQ(o.status, OrderStatus::kExpired);
  EXPECT_EQ(o.reason, "expired at the venue (GTD)");
}

TEST(VenueOrder, CancellationsKeepTheirReason) {
  Order o = SentOrder(Side::kBuy, TimeInForce::kGtc, 20 * M);
  ApplyVenueOrder(o, {"CANCELED_MARKET_RESOLVED", "", 0, 500'000}, kNow);
  EXPECT_EQ(o.status, OrderStatus::kCancelled);
  EXPECT_THAT(o.reason, HasSubstr("market resolved"));
  Order u = SentOrder(Side::kBuy, TimeInForce::kFok, 20 * M);
  ApplyVenueOrder(u, {"UNMATCHED", "", 0, 500'000}, kNow);
  EXPECT_EQ(u.status, OrderStatus::kRejected);
}

Order Committed(Side side, int64_t notional, const std::string& exchange = "ctf-v2") {
  Order o;
  o.trade_index = 0;
  o.token_id = kToken;
  o.side = side;
  (side == Side::kBuy ? o.maker_amount : o.taker_amount) = notional;
  o.live.exchange = exchange;
  return o;
}

Balances Plenty() {
  Balances b;
  b.collateral = 1000 * M;
  b.allowances[ExchangeContract("ctf-v2", 137)] = 1000 * M;
  b.allowances[ExchangeContract("neg-risk-v2", 137)] = 1000 * M;
  return b;
}

TEST(LiveRisk, PassesWithinEveryLimit) {
  RiskLimits limits{100 * M, 200 * M, 500 * M, {kToken}};
  EXPECT_THAT(CheckLiveRisk({Committed(Side::kBuy, 50 * M), Committed(Side::kSell, 60 * M)}, limits,
                            100 * M, Plenty(), 137),
              IsEmpty());
}

TEST(LiveRisk, NamesEachRuleAndItsNumbers) {
  RiskLimits limits{40 * M, 80 * M, 150 * M, {"999"}};
  auto v = CheckLiveRisk({Committed(Side::kBuy, 50 * M), Committed(Side::kSell, 60 * M)}, limits,
                         100 * M, Plenty(), 137);
  std::string all;
  for (const auto& x : v) all += x.path + ": " + x.message + "\n";
  EXPECT_THAT(all, HasSubstr("max_order_notional: the order's notional 50.00 USDC is above the "
                             "limit of 40.00 USDC"));
  EXPECT_THAT(all, HasSubstr("max_plan_notional"));
  EXPECT_THAT(all, HasSubstr("max_daily_notional: 100.00 USDC already traded"));
  EXPECT_THAT(all, HasSubstr("allowed_tokens"));
}

TEST(LiveRisk, BuysNeedBalanceAndTheExchangesAllowance) {
  Balances b;
  b.collateral = 30 * M;
  b.allowances[ExchangeContract("ctf-v2", 137)] = 20 * M;
  auto v = CheckLiveRisk(
      {Committed(Side::kBuy, 25 * M), Committed(Side::kBuy, 5 * M, "neg-risk-v2")}, {}, 0, b, 137);
  ASSERT_THAT(v, SizeIs(2));
  EXPECT_THAT(v[0].message, HasSubstr("allowance: the plan's BUY orders on the ctf-v2"));
  EXPECT_THAT(v[1].message, HasSubstr("neg-risk-v2"));
  b.collateral = 10 * M;
  auto poor = CheckLiveRisk({Committed(Side::kBuy, 25 * M)}, {}, 0, b, 137);
  EXPECT_THAT(poor[0].message,
              HasSubstr("need 25.00 USDC and the collateral balance is 10.00 USDC"));
}

}  // namespace
}  // namespace betteroms::domain
