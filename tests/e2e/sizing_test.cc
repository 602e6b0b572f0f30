// What the trader meant (issue 8) end to end, through `omsctl plan submit` and `plan validate`:
// a USDC size is money traded, LIMIT orders included (walk to the limit, rest the rest as
// left / limit shares, FOK kills, FAK drops); float noise in sizes is rounded down to 2 decimals
// and prices off the tick move onto it in the trader's favour, each adjustment a warning that
// validate, submit, `-o json` and `runs show` all give.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/omsctl_fixture.h"
#include "tests/support/plans.h"
#include "tests/support/stack.h"

namespace betteroms::test {
namespace {

using ::testing::HasSubstr;

const std::string kYes =
    "71321045679252212594626385532706912750332728571942532289631379312455583992563";
const std::string kCent = "1000000000000000000000000000000000000000000000000000000000000000000001";
const std::string kMilli = "1000000000000000000000000000000000000000000000000000000000000000000002";
const std::string kNoise = "0.31654999999999994";

class SizingTest : public OmsctlTest {
 protected:
  void SetUp() override {
    OmsctlTest::SetUp();
    if (HasFatalFailure()) return;
    // Levels best first; the venue's JSON lists them worst first.
    // kYes: bids 0.50 × 100 then 0.40 × 1000; a deep ask of 0.52 × 1000 ($520).
    stack_->clob().SetBook(
        kYes, VenueBookJson(kYes, {{"0.50", "100"}, {"0.40", "1000"}}, {{"0.52", "1000"}}));
    // Spreads around 0.3165 on a 0.01 and a 0.001 tick, for prices that rest.
    stack_->clob().SetBook(kCent, VenueBookJson(kCent, {{"0.30", "100"}}, {{"0.33", "100"}}));
    stack_->clob().SetBook(kMilli,
                           VenueBookJson(kMilli, {{"0.300", "100"}}, {{"0.330", "100"}}, "0.001"));
    // As on the venue, each token belongs to a market that names its outcome.
    for (const std::string* token : {&kYes, &kCent, &kMilli}) {
      ASSERT_TRUE(stack_->clob().SetMarket(
          VenueClobMarketJson("0x" + std::string(63, 'b') + token->back(), {{*token, "Yes"}})));
    }
  }

  // kYes asks at 0.52 × 100 ($52) then 0.70 × 1000: a USDC order at a 0.60 limit takes $52.
  void ThinTheAsks() {
    stack_->clob().SetBook(
        kYes, VenueBookJson(kYes, {{"0.50", "100"}}, {{"0.52", "100"}, {"0.70", "1000"}}));
  }
  // 100 shares of kYes at 0.52, so that SELLs have shares.
  void Hold100() {
    CommandResult r = Submit(
        PlanJson("hold", {TradeJson(kYes, "BUY", "MARKET", "100", R"(, "sizeUnit": "SHARES")")}));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  nlohmann::json OnlyOrderOfPlan(const std::string& plan_id) {
    CommandResult r = stack_->Omsctl({"-o", "json", "orders", "list", "--plan", plan_id});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    nlohmann::json orders = Json(r).value("orders", nlohmann::json::array());
    EXPECT_EQ(orders.size(), 1U) << r.out;
    return orders.empty() ? nlohmann::json::object() : orders[0];
  }
  std::string NetShares(const std::string& token) {
    return PositionOf(token).value("netShares", "no position");
  }
  nlohmann::json RunSummary(const std::string& plan_id) {
    return Run(plan_id).value("summary", nlohmann::json::object());
  }
};

TEST_F(SizingTest, ALimitSellAtOneCentSellsTwentyDollarsWorth) {
  Hold100();
  CommandResult r = SubmitJson(
      PlanJson("sell-20", {TradeJson(kYes, "SELL", "LIMIT", "20", R"(, "price": 0.01)")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json order = OrderOf(Json(r), 0);
  EXPECT_EQ(order["status"], "filled");
  EXPECT_EQ(order["sizeShares"], "40");  // $20 / 0.50 (the best bid), not $20 / 0.01 = 2,000
  EXPECT_EQ(order["filledShares"], "40");
  EXPECT_EQ(order["notional"], "20");
  EXPECT_EQ(order["avgFillPrice"], "0.5");
  EXPECT_EQ(NetShares(kYes), "60");  // 100 − 40
  EXPECT_EQ(Count("SELECT count(*) FROM executions WHERE side = 'SELL' AND shares = 40000000 "
                  "AND price = 500000"),
            1);
}

TEST_F(SizingTest, ACrossingUsdcLimitBuySpendsItsWholeSize) {
  CommandResult r = SubmitJson(
      PlanJson("buy-100", {TradeJson(kYes, "BUY", "LIMIT", "100", R"(, "price": 0.95)")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json order = OrderOf(Json(r), 0);
  EXPECT_EQ(order["status"], "filled");
  // $100 / 0.52 = 192.307… shares, rounded down to 192.30; sized at the limit it would be
  // $100 / 0.95 = 105.26 shares, $54.74 spent.
  EXPECT_EQ(order["sizeShares"], "192.3");
  EXPECT_EQ(order["filledShares"], "192.3");
  EXPECT_EQ(order["notional"], "99.996");  // 192.30 × 0.52
  EXPECT_EQ(order["avgFillPrice"], "0.52");
  EXPECT_GT(std::stod(order.value("notional", "0")), 99.99);
}

TEST_F(SizingTest, AUsdcLimitBuyRestsWhatIsLeftAsLeftOverLimitSharesAndATickFillsIt) {
  ThinTheAsks();
  CommandResult r = SubmitJson(
      PlanJson("rest-100", {TradeJson(kYes, "BUY", "LIMIT", "100", R"(, "price": 0.60)")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json summary = Json(r);
  EXPECT_EQ(summary["ordersPartiallyFilled"], 1);
  nlohmann::json order = OrderOf(summary, 0);
  EXPECT_EQ(order["status"], "partially_filled");
  EXPECT_EQ(order["filledShares"], "100");  // the 0.52 level: 100 shares for $52
  EXPECT_EQ(order["notional"], "52");
  EXPECT_EQ(order["sizeShares"], "180");  // 100 + ($100 − $52) / 0.60 = 100 + 80
  EXPECT_EQ(order["limitPrice"], "0.6");

  // The asks come down to 0.58: the tick fills the 80 left, at the order's own 0.60.
  stack_->clob().SetBook(kYes, VenueBookJson(kYes, {{"0.50", "100"}}, {{"0.58", "500"}}));
  CommandResult tick = stack_->Omsctl({"tick"});
  ASSERT_EQ(tick.exit_code, 0) << tick.err;
  EXPECT_THAT(tick.out, HasSubstr("1 filled"));
  nlohmann::json after = OnlyOrderOfPlan("rest-100");
  EXPECT_EQ(after["status"], "filled");
  EXPECT_EQ(after["filledShares"], "180");
  EXPECT_EQ(after["notional"], "100");  // $52 + 80 × 0.60
  EXPECT_EQ(Count("SELECT count(*) FROM executions WHERE price = 600000 AND shares = 80000000"), 1);
  EXPECT_EQ(NetShares(kYes), "180");
}

TEST_F(SizingTest, AUsdcLimitSellRestsWhatIsLeftAsLeftOverLimitShares) {
  Hold100();
  // Bids: 10 shares at 0.50 ($5), nothing else at or above the 0.45 limit.
  stack_->clob().SetBook(kYes, VenueBookJson(kYes, {{"0.50", "10"}}, {{"0.52", "1000"}}));
  CommandResult r = SubmitJson(
      PlanJson("sell-rest", {TradeJson(kYes, "SELL", "LIMIT", "20", R"(, "price": 0.45)")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json order = OrderOf(Json(r), 0);
  EXPECT_EQ(order["status"], "partially_filled");
  EXPECT_EQ(order["filledShares"], "10");
  EXPECT_EQ(order["notional"], "5");
  EXPECT_EQ(order["sizeShares"], "43.33");  // 10 + ($20 − $5) / 0.45 = 10 + 33.33
  EXPECT_EQ(NetShares(kYes), "90");
}

TEST_F(SizingTest, AFokLimitSizedInUsdcIsKilledOnAThinBook) {
  ThinTheAsks();
  CommandResult r = SubmitJson(PlanJson(
      "fok-thin",
      {TradeJson(kYes, "BUY", "LIMIT", "100", R"(, "price": 0.60, "timeInForce": "FOK")")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json summary = Json(r);
  EXPECT_EQ(summary["ordersRejected"], 1);
  nlohmann::json order = OrderOf(summary, 0);
  EXPECT_EQ(order["status"], "rejected");  // only $52 of asks at or under 0.60
  EXPECT_THAT(order.value("reason", ""), HasSubstr("FOK orders are fully filled/killed"));
  EXPECT_EQ(Count("SELECT count(*) FROM executions"), 0);
}

TEST_F(SizingTest, AFokLimitSizedInUsdcFillsOnADeepBook) {
  CommandResult r = SubmitJson(PlanJson(
      "fok-deep",
      {TradeJson(kYes, "BUY", "LIMIT", "100", R"(, "price": 0.60, "timeInForce": "FOK")")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json order = OrderOf(Json(r), 0);
  EXPECT_EQ(order["status"], "filled");
  EXPECT_EQ(order["filledShares"], "192.3");  // $100 / 0.52, rounded down to 0.01 share
  EXPECT_EQ(order["notional"], "99.996");     // 192.30 × 0.52
}

TEST_F(SizingTest, AFakLimitSizedInUsdcTakesWhatIsThereAndDropsTheRest) {
  ThinTheAsks();
  CommandResult r = SubmitJson(PlanJson(
      "fak-thin",
      {TradeJson(kYes, "BUY", "LIMIT", "100", R"(, "price": 0.60, "timeInForce": "FAK")")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json summary = Json(r);
  EXPECT_EQ(summary["ordersOpen"], 0);
  nlohmann::json order = OrderOf(summary, 0);
  EXPECT_EQ(order["filledShares"], "100");  // all of the 0.52 level; the 0.70 one is over
  EXPECT_EQ(order["notional"], "52");       // 100 × 0.52; the other $48 is dropped
  EXPECT_THAT(order.value("reason", ""), HasSubstr("dropped"));
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE status IN ('open', 'partially_filled')"), 0);
  EXPECT_EQ(NetShares(kYes), "100");
}

TEST_F(SizingTest, AFloatNoiseSizeRunsRoundedDownWithAWarningThatIsKept) {
  std::string plan =
      PlanJson("noisy-size", {TradeJson(kYes, "BUY", "LIMIT", "33.300000000000004",
                                        R"(, "price": 0.60, "sizeUnit": "SHARES")")});
  CommandResult v = Validate(plan);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_THAT(v.out,
              HasSubstr("warning: trades[0].size: size 33.300000000000004 rounded down to 33.3"));

  CommandResult r = SubmitJson(plan);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json summary = Json(r);
  ASSERT_EQ(summary["warnings"].size(), 1U) << r.out;
  EXPECT_EQ(summary["warnings"][0]["path"], "trades[0].size");
  nlohmann::json order = OrderOf(summary, 0);
  EXPECT_EQ(order["sizeShares"], "33.3");
  EXPECT_EQ(order["filledShares"], "33.3");
  EXPECT_EQ(order["notional"], "17.316");  // 33.30 × 0.52

  nlohmann::json kept = RunSummary("noisy-size");
  ASSERT_EQ(kept["warnings"].size(), 1U) << kept.dump();
  EXPECT_EQ(kept["warnings"][0]["path"], "trades[0].size");
  EXPECT_THAT(kept["warnings"][0].value("message", ""), HasSubstr("rounded down to 33.3"));
  CommandResult shown = stack_->Omsctl({"runs", "show", "noisy-size"});
  EXPECT_THAT(shown.out, HasSubstr("warning: trades[0].size:"));
}

TEST_F(SizingTest, ANoisyPriceMovesOntoTheCentTickInTheTradersFavour) {
  CommandResult buy = Validate(
      PlanJson("v-buy", {TradeJson(kCent, "BUY", "LIMIT", "10",
                                   ", \"price\": " + kNoise + R"(, "sizeUnit": "SHARES")")}));
  EXPECT_EQ(buy.exit_code, 0) << buy.out << buy.err;
  EXPECT_THAT(buy.out, HasSubstr("warning: trades[0].price: price " + kNoise + " moved to 0.31"));
  CommandResult sell = Validate(
      PlanJson("v-sell", {TradeJson(kCent, "SELL", "LIMIT", "10",
                                    ", \"price\": " + kNoise + R"(, "sizeUnit": "SHARES")")}));
  EXPECT_EQ(sell.exit_code, 0) << sell.out << sell.err;
  EXPECT_THAT(sell.out, HasSubstr("warning: trades[0].price: price " + kNoise + " moved to 0.32"));

  CommandResult r =
      Submit(PlanJson("cent", {TradeJson(kCent, "BUY", "MARKET", "20", R"(, "sizeUnit": "SHARES")"),
                               TradeJson(kCent, "BUY", "LIMIT", "10",
                                         ", \"price\": " + kNoise + R"(, "sizeUnit": "SHARES")"),
                               TradeJson(kCent, "SELL", "LIMIT", "10",
                                         ", \"price\": " + kNoise + R"(, "sizeUnit": "SHARES")")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("warning: trades[1].price: price " + kNoise + " moved to 0.31"));
  EXPECT_THAT(r.out, HasSubstr("warning: trades[2].price: price " + kNoise + " moved to 0.32"));
  EXPECT_EQ(RunSummary("cent")["warnings"].size(), 2U);
  // The stored run keeps counts and warnings; its orders are listed by plan.
  CommandResult listed = stack_->Omsctl({"-o", "json", "orders", "list", "--plan", "cent"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  nlohmann::json orders = Json(listed);
  EXPECT_EQ(OrderOf(orders, 1)["limitPrice"], "0.31");  // BUY: down, never above the limit
  EXPECT_EQ(OrderOf(orders, 1)["status"], "open");      // 0.31 < ask 0.33
  EXPECT_EQ(OrderOf(orders, 2)["limitPrice"], "0.32");  // SELL: up, never below the limit
  EXPECT_EQ(OrderOf(orders, 2)["status"], "open");      // 0.32 > bid 0.30
}

TEST_F(SizingTest, ANoisyPriceMovesOntoTheMilliTickInTheTradersFavour) {
  CommandResult buy = Validate(
      PlanJson("v-buy", {TradeJson(kMilli, "BUY", "LIMIT", "10",
                                   ", \"price\": " + kNoise + R"(, "sizeUnit": "SHARES")")}));
  EXPECT_EQ(buy.exit_code, 0) << buy.out << buy.err;
  EXPECT_THAT(buy.out, HasSubstr("warning: trades[0].price: price " + kNoise + " moved to 0.316"));
  CommandResult sell = Validate(
      PlanJson("v-sell", {TradeJson(kMilli, "SELL", "LIMIT", "10",
                                    ", \"price\": " + kNoise + R"(, "sizeUnit": "SHARES")")}));
  EXPECT_EQ(sell.exit_code, 0) << sell.out << sell.err;
  EXPECT_THAT(sell.out, HasSubstr("warning: trades[0].price: price " + kNoise + " moved to 0.317"));

  CommandResult r = SubmitJson(
      PlanJson("milli", {TradeJson(kMilli, "BUY", "MARKET", "20", R"(, "sizeUnit": "SHARES")"),
                         TradeJson(kMilli, "BUY", "LIMIT", "10",
                                   ", \"price\": " + kNoise + R"(, "sizeUnit": "SHARES")"),
                         TradeJson(kMilli, "SELL", "LIMIT", "10",
                                   ", \"price\": " + kNoise + R"(, "sizeUnit": "SHARES")")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json summary = Json(r);
  ASSERT_EQ(summary["warnings"].size(), 2U) << r.out;
  EXPECT_EQ(summary["warnings"][0]["path"], "trades[1].price");
  EXPECT_THAT(summary["warnings"][0].value("message", ""), HasSubstr("moved to 0.316"));
  EXPECT_EQ(summary["warnings"][1]["path"], "trades[2].price");
  EXPECT_THAT(summary["warnings"][1].value("message", ""), HasSubstr("moved to 0.317"));
  EXPECT_EQ(OrderOf(summary, 1)["limitPrice"], "0.316");
  EXPECT_EQ(OrderOf(summary, 2)["limitPrice"], "0.317");
  EXPECT_EQ(RunSummary("milli")["warnings"], summary["warnings"]);
}

// Every adjustment is a warning (DESIGN §3), including float noise that lands on the tick once
// the double's noise is dropped: 0.31000000000000005 runs at 0.31.
TEST_F(SizingTest, ANoisyPriceThatRoundsOntoTheTickStillWarns) {
  std::string plan =
      PlanJson("on-tick", {TradeJson(kCent, "BUY", "LIMIT", "10",
                                     R"(, "price": 0.31000000000000005, "sizeUnit": "SHARES")")});
  CommandResult v = Validate(plan);
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_THAT(v.out, HasSubstr("warning: trades[0].price:"));
  CommandResult r = SubmitJson(plan);
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json summary = Json(r);
  EXPECT_EQ(OrderOf(summary, 0)["limitPrice"], "0.31");
  EXPECT_FALSE(summary.value("warnings", nlohmann::json::array()).empty()) << r.out;
}

TEST_F(SizingTest, ASizeThatRoundsToNothingIsStillRefused) {
  std::string plan = PlanJson("dust", {TradeJson(kYes, "BUY", "MARKET", "0.004")});
  CommandResult v = Validate(plan);
  EXPECT_EQ(v.exit_code, 2) << v.out << v.err;
  EXPECT_THAT(v.out + v.err, HasSubstr("trades[0].size: must be at least 0.01"));
  CommandResult r = Submit(plan);
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("trades[0].size: must be at least 0.01"));
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM execution_history"), 0);
}

}  // namespace
}  // namespace betteroms::test
