// After the POST, through the real binaries: each tick reconciles live orders with the verifying
// fake venue. Fills come from the venue's trades (as taker, and as maker when a later taker hits a
// resting order), keyed by trade so nothing counts twice; settlement moves them from pending to
// confirmed, or voids them; cancels never hide a fill; and live positions end equal to what the
// venue says the account holds.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/live_fixture.h"

namespace betteroms::test {
namespace {

using ::testing::HasSubstr;

class LiveReconcileTest : public LiveFixture {
 protected:
  // A resting BUY of 10 shares of A at 0.40 (below the book's 0.50 ask); its order id and hash.
  static nlohmann::json RestingBuy(LiveStack& s, const std::string& plan_id) {
    CommandResult r =
        s.Omsctl({"plan", "submit", "-"}, Plan(plan_id, {LimitBuy(kTokenA, "4", "0.40")}));
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    nlohmann::json orders = Orders(s, plan_id);
    EXPECT_EQ(orders.size(), 1u);
    EXPECT_EQ(orders[0].value("status", ""), "open") << orders.dump(1);
    return orders.empty() ? nlohmann::json::object() : orders[0];
  }

  // An external taker sells `shares` of A into our resting bids; the trade's id.
  static std::string TakeSell(LiveStack& s, int64_t shares_micros) {
    absl::StatusOr<TakeResult> taken =
        s.venue().Take(kTokenA, /*buy=*/false, shares_micros, std::nullopt);
    EXPECT_TRUE(taken.ok()) << taken.status();
    if (!taken.ok()) return "";
    EXPECT_EQ(taken->matched, shares_micros);
    return taken->trade_id;
  }

  static std::string Tick(LiveStack& s) {
    CommandResult r = s.Omsctl({"tick"});
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    return r.out;
  }

  // The live position in `token` as the OMS shows it, or an empty object.
  static nlohmann::json LivePosition(LiveStack& s, const std::string& token,
                                     const std::vector<std::string>& extra = {}) {
    std::vector<std::string> args = {"-o", "json", "positions", "--mode", "live"};
    args.insert(args.end(), extra.begin(), extra.end());
    CommandResult r = s.Omsctl(args);
    nlohmann::json doc = nlohmann::json::parse(r.out, nullptr, false);
    if (doc.is_discarded()) return nlohmann::json::object();
    for (const auto& p : doc.value("positions", nlohmann::json::array())) {
      if (p.value("marketTokenId", "") == token) return p;
    }
    return nlohmann::json::object();
  }

  // The account's shares of `token` at the venue, as a decimal like the API's.
  static double VenueShares(LiveStack& s, const std::string& token) {
    VenueAccount account = s.venue().Account(kLiveAddress);
    auto it = account.conditional.find(token);
    return it == account.conditional.end() ? 0.0 : static_cast<double>(it->second) / 1e6;
  }
  static double Num(const nlohmann::json& j, const char* key) {
    return std::stod(j.value(key, std::string("0")));
  }
};

TEST_F(LiveReconcileTest, ARestingOrderFillsAsMakerPartlyThenCompletely) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  nlohmann::json order = RestingBuy(*s, "rc-maker");
  std::string first = TakeSell(*s, 4'000'000);
  EXPECT_THAT(Tick(*s), HasSubstr("1 new live fill(s)"));
  nlohmann::json o = Orders(*s, "rc-maker")[0];
  EXPECT_EQ(o.value("status", ""), "partially_filled") << o.dump(1);
  EXPECT_EQ(o.value("filledShares", ""), "4");
  ASSERT_EQ(o["fills"].size(), 1u) << o.dump(1);
  EXPECT_EQ(o["fills"][0].value("tradeId", ""), first);
  EXPECT_EQ(o["fills"][0].value("liquidity", ""), "maker");
  EXPECT_EQ(o["fills"][0].value("price", ""), "0.4");
  EXPECT_EQ(o["fills"][0].value("settlement", ""), "MATCHED");

  // A second tick with nothing new changes nothing: the trade is not counted twice.
  EXPECT_THAT(Tick(*s), ::testing::Not(HasSubstr("new live fill")));
  EXPECT_EQ(Orders(*s, "rc-maker")[0]["fills"].size(), 1u);

  TakeSell(*s, 6'000'000);
  Tick(*s);
  o = Orders(*s, "rc-maker")[0];
  EXPECT_EQ(o.value("status", ""), "filled") << o.dump(1);
  EXPECT_EQ(o.value("filledShares", ""), "10");
  EXPECT_EQ(o["fills"].size(), 2u);
  nlohmann::json p = LivePosition(*s, kTokenA);
  EXPECT_EQ(p.value("netShares", ""), "10") << p.dump(1);
  EXPECT_EQ(p.value("pendingShares", ""), "10") << p.dump(1);  // nothing confirmed yet
  EXPECT_DOUBLE_EQ(Num(p, "netShares"), VenueShares(*s, kTokenA));
}

TEST_F(LiveReconcileTest, SettlementMovesFromPendingToConfirmed) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  s->venue().SetStatusPrefix(true);  // ORDER_STATUS_LIVE, TRADE_STATUS_MINED, ... on REST
  RestingBuy(*s, "rc-settle");
  std::string trade = TakeSell(*s, 10'000'000);
  Tick(*s);
  ASSERT_TRUE(s->venue().SetTradeStatus(trade, TradeStatus::kMined, "0xabc1").ok());
  Tick(*s);
  nlohmann::json fill = Orders(*s, "rc-settle")[0]["fills"][0];
  EXPECT_EQ(fill.value("settlement", ""), "MINED") << fill.dump(1);
  EXPECT_EQ(fill.value("transactionHash", ""), "0xabc1");
  EXPECT_EQ(LivePosition(*s, kTokenA).value("pendingShares", ""), "10");

  ASSERT_TRUE(s->venue().SetTradeStatus(trade, TradeStatus::kConfirmed, "0xabc1").ok());
  EXPECT_THAT(Tick(*s), HasSubstr("1 confirmed"));
  fill = Orders(*s, "rc-settle")[0]["fills"][0];
  EXPECT_EQ(fill.value("settlement", ""), "CONFIRMED");
  nlohmann::json p = LivePosition(*s, kTokenA);
  EXPECT_EQ(p.value("confirmedShares", ""), "10") << p.dump(1);
  EXPECT_EQ(p.value("pendingShares", ""), "0") << p.dump(1);
}

TEST_F(LiveReconcileTest, AFailedTradeIsVoidedAndThePositionCorrected) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  RestingBuy(*s, "rc-failed");
  TakeSell(*s, 4'000'000);
  std::string second = TakeSell(*s, 6'000'000);
  Tick(*s);
  EXPECT_EQ(LivePosition(*s, kTokenA).value("netShares", ""), "10");

  ASSERT_TRUE(s->venue().SetTradeStatus(second, TradeStatus::kRetrying, "0xdead01").ok());
  Tick(*s);
  ASSERT_TRUE(s->venue().SetTradeStatus(second, TradeStatus::kRetrying, "0xdead02").ok());
  Tick(*s);
  nlohmann::json o = Orders(*s, "rc-failed")[0];
  bool saw_new_hash = false;
  for (const auto& f : o["fills"]) {
    if (f.value("tradeId", "") == second) {
      EXPECT_EQ(f.value("settlement", ""), "RETRYING");
      saw_new_hash = f.value("transactionHash", "") == "0xdead02";
    }
  }
  EXPECT_TRUE(saw_new_hash) << o.dump(1);

  ASSERT_TRUE(s->venue().SetTradeStatus(second, TradeStatus::kFailed).ok());
  EXPECT_THAT(Tick(*s), HasSubstr("1 FAILED on chain"));
  o = Orders(*s, "rc-failed")[0];
  EXPECT_EQ(o.value("filledShares", ""), "4") << o.dump(1);
  EXPECT_THAT(o.value("reason", ""), HasSubstr("6 shares voided"));
  nlohmann::json p = LivePosition(*s, kTokenA, {"--check"});
  EXPECT_EQ(p.value("netShares", ""), "4") << p.dump(1);
  EXPECT_DOUBLE_EQ(Num(p, "netShares"), VenueShares(*s, kTokenA));
  EXPECT_EQ(p.value("drift", ""), "0") << p.dump(1);
}

TEST_F(LiveReconcileTest, ACancelAfterAFillNeverHidesIt) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  // Fully filled before the cancel arrives: the venue does not cancel it, and the OMS says so.
  nlohmann::json full = RestingBuy(*s, "rc-cancel-full");
  TakeSell(*s, 10'000'000);
  CommandResult r = s->Omsctl({"orders", "cancel", full.value("id", "")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("was not cancelled: it is filled")) << r.out;
  EXPECT_EQ(Orders(*s, "rc-cancel-full")[0].value("status", ""), "filled");

  // Partly filled: cancelled, and the fill before the cancel stands once its trade is read.
  nlohmann::json part = RestingBuy(*s, "rc-cancel-part");
  TakeSell(*s, 3'000'000);
  r = s->Omsctl({"orders", "cancel", part.value("id", "")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  Tick(*s);
  nlohmann::json o = Orders(*s, "rc-cancel-part")[0];
  EXPECT_EQ(o.value("status", ""), "cancelled") << o.dump(1);
  EXPECT_EQ(o.value("filledShares", ""), "3") << o.dump(1);
  EXPECT_EQ(o["fills"].size(), 1u);
  EXPECT_DOUBLE_EQ(Num(LivePosition(*s, kTokenA), "netShares"), VenueShares(*s, kTokenA));
}

TEST_F(LiveReconcileTest, CancelByPlanAndAllAtTheVenue) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  CommandResult r =
      s->Omsctl({"plan", "submit", "-"},
                Plan("rc-plan", {LimitBuy(kTokenA, "4", "0.40"), LimitBuy(kTokenA, "4", "0.41")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  RestingBuy(*s, "rc-other");
  r = s->Omsctl({"orders", "cancel", "--plan", "rc-plan"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("2 order(s) cancelled")) << r.out;
  for (const auto& o : Orders(*s, "rc-plan")) EXPECT_EQ(o.value("status", ""), "cancelled");
  EXPECT_EQ(Orders(*s, "rc-other")[0].value("status", ""), "open");
  // Cancelled at the venue too: it holds only the other plan's order open.
  int open = 0;
  nlohmann::json venue = VenueState(*s);
  for (const auto& o : venue["orders"]) open += o.value("status", "") == "LIVE";
  EXPECT_EQ(open, 1) << venue.dump(1);

  r = s->Omsctl({"orders", "cancel", "--all"});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Orders(*s, "rc-other")[0].value("status", ""), "cancelled");
  r = s->Omsctl({"orders", "cancel", "--plan", "rc-plan", "--all"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  r = s->Omsctl({"orders", "cancel", "--plan", "no-such-plan"});
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
}

TEST_F(LiveReconcileTest, CancelAfterIsEnforcedAtTheVenueByTheTick) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  CommandResult r =
      s->Omsctl({"plan", "submit", "-"},
                Plan("rc-after", {LimitBuy(kTokenA, "4", "0.40", R"(, "cancelAfter": "1s")")}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  EXPECT_THAT(Tick(*s), HasSubstr("1 cancelled as cancelAfter elapsed"));
  nlohmann::json o = Orders(*s, "rc-after")[0];
  EXPECT_EQ(o.value("status", ""), "expired") << o.dump(1);
  EXPECT_THAT(o.value("reason", ""), HasSubstr("cancelAfter"));
  EXPECT_EQ(VenueState(*s)["orders"][0].value("status", ""), "CANCELED");
}

TEST_F(LiveReconcileTest, FillsWhileTheServerWasDownArePickedUpAfterRestart) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  RestingBuy(*s, "rc-down");
  Tick(*s);  // a watermark from before the outage
  s->server().Stop();
  TakeSell(*s, 5'000'000);
  TakeSell(*s, 5'000'000);
  // The server reconciles as it starts, and every tick after.
  ASSERT_TRUE(s->RestartServer()) << s->error();
  Tick(*s);
  nlohmann::json o = Orders(*s, "rc-down")[0];
  EXPECT_EQ(o.value("status", ""), "filled") << o.dump(1);
  EXPECT_EQ(o["fills"].size(), 2u);
  EXPECT_DOUBLE_EQ(Num(LivePosition(*s, kTokenA), "netShares"), VenueShares(*s, kTokenA));
}

TEST_F(LiveReconcileTest, OpenOrdersAndTradesAreReadOverThreePages) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  ASSERT_TRUE(s->venue().SetPageSize(2));
  std::vector<std::string> trades(5, LimitBuy(kTokenA, "4", "0.40"));
  CommandResult r = s->Omsctl({"plan", "submit", "-"}, Plan("rc-pages", trades));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // Five takes of one share all hit the oldest order (time priority): five trades, and five
  // orders still open. Both lists span three pages of two.
  for (int i = 0; i < 5; ++i) TakeSell(*s, 1'000'000);
  EXPECT_THAT(Tick(*s), HasSubstr("5 new live fill(s)"));
  nlohmann::json orders = Orders(*s, "rc-pages");
  ASSERT_EQ(orders.size(), 5u);
  double filled = 0;
  int partly = 0;
  for (const auto& o : orders) {
    filled += Num(o, "filledShares");
    partly += o.value("status", "") == "partially_filled";
  }
  EXPECT_DOUBLE_EQ(filled, 5.0);
  EXPECT_EQ(partly, 1);
  EXPECT_EQ(orders[0].value("filledShares", ""), "5") << orders.dump(1);
  EXPECT_EQ(orders[0]["fills"].size(), 5u);
  EXPECT_DOUBLE_EQ(Num(LivePosition(*s, kTokenA), "netShares"), VenueShares(*s, kTokenA));
}

TEST_F(LiveReconcileTest, ATakerFillIsBookedOnceFromItsTradeWithTheFee) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  s->venue().SetFeeRateBps(kTokenA, 100);
  CommandResult r =
      s->Omsctl({"plan", "submit", "-"}, Plan("rc-taker", {MarketBuy(kTokenA, "25")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json o = Orders(*s, "rc-taker")[0];
  ASSERT_EQ(o["fills"].size(), 1u) << o.dump(1);
  EXPECT_EQ(o["fills"][0].value("tradeId", ""), "");  // provisional, from the POST's answer
  Tick(*s);
  Tick(*s);
  o = Orders(*s, "rc-taker")[0];
  ASSERT_EQ(o["fills"].size(), 1u) << o.dump(1);  // replaced by its trade, not added to it
  EXPECT_NE(o["fills"][0].value("tradeId", ""), "");
  EXPECT_EQ(o["fills"][0].value("liquidity", ""), "taker");
  EXPECT_EQ(o.value("filledShares", ""), "50") << o.dump(1);
  // 50 shares at 0.50 with 100 bps: 50 × 0.01 × 0.5 × 0.5 = 0.125 USDC, in the average cost.
  EXPECT_EQ(o["fills"][0].value("fee", ""), "0.125");
  nlohmann::json p = LivePosition(*s, kTokenA);
  EXPECT_EQ(p.value("costBasis", ""), "25.125") << p.dump(1);
  EXPECT_DOUBLE_EQ(Num(p, "netShares"), VenueShares(*s, kTokenA));
}

TEST_F(LiveReconcileTest, AFillFoundByHashIsReplacedByItsTradeInTheSameTick) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  s->venue().ScheduleFault(VenueFault::kDrop, 1);  // the FOK fills; its answer is lost
  CommandResult r = s->Omsctl({"plan", "submit", "-"}, Plan("rc-lost", {MarketBuy(kTokenA, "25")}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Orders(*s, "rc-lost")[0].value("status", ""), "unknown");
  Tick(*s);  // resolves it by hash (matched), then reads its trade
  nlohmann::json o = Orders(*s, "rc-lost")[0];
  EXPECT_EQ(o.value("status", ""), "filled") << o.dump(1);
  ASSERT_EQ(o["fills"].size(), 1u) << o.dump(1);
  EXPECT_NE(o["fills"][0].value("tradeId", ""), "") << o.dump(1);
  EXPECT_DOUBLE_EQ(Num(LivePosition(*s, kTokenA), "netShares"), VenueShares(*s, kTokenA));
}

TEST_F(LiveReconcileTest, PositionsCheckReportsDriftFromTheVenue) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  RestingBuy(*s, "rc-check");
  TakeSell(*s, 10'000'000);
  Tick(*s);
  CommandResult r = s->Omsctl({"positions", "--mode", "live", "--check"});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("DRIFT"));
  // Shares moved at the venue behind the OMS's back: the check says so and fails.
  s->venue().SetConditional(kLiveAddress, kTokenA, 7'000'000);
  r = s->Omsctl({"positions", "--mode", "live", "--check"});
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("drift"));
  nlohmann::json p = LivePosition(*s, kTokenA, {"--check"});
  EXPECT_EQ(p.value("venueShares", ""), "7");
  EXPECT_EQ(p.value("drift", ""), "-3");
}

TEST_F(LiveReconcileTest, AResolvedMarketCancelsAndMarksInsteadOfFailing) {
  auto s = Start();
  ASSERT_TRUE(s->ok());
  RestingBuy(*s, "rc-resolved");
  TakeSell(*s, 4'000'000);
  Tick(*s);
  ASSERT_TRUE(s->venue().Resolve("0xa1", kTokenA).ok());
  std::string tick = Tick(*s);
  EXPECT_THAT(tick, HasSubstr("1 cancelled by the venue")) << tick;
  EXPECT_THAT(tick, HasSubstr("1 market(s) newly resolved")) << tick;
  nlohmann::json o = Orders(*s, "rc-resolved")[0];
  EXPECT_EQ(o.value("status", ""), "cancelled") << o.dump(1);
  EXPECT_THAT(o.value("reason", ""), HasSubstr("market resolved"));
  EXPECT_EQ(o.value("filledShares", ""), "4");  // the fills before it stand

  // The position is marked at the winner's payout, not failed for want of a book.
  CommandResult r = s->Omsctl({"-o", "json", "positions", "--mode", "live"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json p = LivePosition(*s, kTokenA);
  EXPECT_TRUE(p.value("resolved", false)) << p.dump(1);
  EXPECT_EQ(p.value("payout", ""), "1");
  EXPECT_EQ(p.value("unrealizedPnl", ""), "2.4") << p.dump(1);  // 4 × (1 − 0.40)
  // Later ticks go on without error or a second count.
  EXPECT_THAT(Tick(*s), ::testing::Not(HasSubstr("newly resolved")));
}

}  // namespace
}  // namespace betteroms::test
