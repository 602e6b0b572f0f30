// The public system-test scenarios of the original TypeScript BetterOMS (better-labs/betteroms,
// system-test/README.md and system-test/trade-plans/README-PHASE-7.md: tests 1-5, 6-1..6-4,
// 7-1..7-6), run end to end through omsctl → oms-server → fake CLOB and PostgreSQL, with the
// outcomes our fill model gives: a depth walk from the best level, USDC sizes as money traded,
// sizes rounded down to 2 decimals, prices moved onto the tick in the trader's favour. Two cases
// the original left to later phases (a resting order filled by a tick, a cancel) complete the set.
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

const std::string kToken =
    "1848970600573335108085877783719034971837863729226932893148573876733882101789";
const std::string kOther =
    "52114319501245915516055106046884209969926127482827954674443846427813813222426";

class OriginalScenariosTest : public OmsctlTest {
 protected:
  void SetUp() override {
    OmsctlTest::SetUp();
    if (HasFatalFailure()) return;
    // Best first here; VenueBookJson writes them worst first, as the venue does.
    // kToken: asks 0.50 × 100 ($50) then 0.60 × 1000; bids 0.40 × 100 ($40) then 0.30 × 1000.
    stack_->clob().SetBook(kToken, VenueBookJson(kToken, {{"0.40", "100"}, {"0.30", "1000"}},
                                                 {{"0.50", "100"}, {"0.60", "1000"}}));
    stack_->clob().SetBook(kOther, VenueBookJson(kOther, {{"0.20", "100"}}, {{"0.25", "100"}}));
    // As on the venue, each token belongs to a market that names its outcome.
    ASSERT_TRUE(stack_->clob().SetMarket(
        VenueClobMarketJson("0x" + std::string(64, 'c'), {{kToken, "Yes"}})));
    ASSERT_TRUE(stack_->clob().SetMarket(
        VenueClobMarketJson("0x" + std::string(64, 'd'), {{kOther, "Yes"}})));
  }
};

// Test 1: simple BUY.
TEST_F(OriginalScenariosTest, ASimpleMarketBuyFillsAtTheBestAsk) {
  CommandResult r = SubmitJson(PlanJson("test-1", {TradeJson(kToken, "BUY", "MARKET", "20")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json summary = Json(r);
  EXPECT_EQ(summary["status"], "completed");
  EXPECT_EQ(summary["ordersPlaced"], 1);
  EXPECT_EQ(summary["ordersFilled"], 1);
  EXPECT_EQ(summary["notionalBought"], "20");
  nlohmann::json order = OrderOf(summary, 0);
  EXPECT_EQ(order["status"], "filled");
  EXPECT_EQ(order["filledShares"], "40");  // $20 / 0.50 = 40 shares, all at the best ask
  EXPECT_EQ(order["avgFillPrice"], "0.5");
  EXPECT_EQ(order["notional"], "20");
  EXPECT_EQ(Count("SELECT count(*) FROM executions WHERE price = 500000 AND shares = 40000000"), 1);
}

// Test 2: BUY then SELL in one plan.
TEST_F(OriginalScenariosTest, ABuyThenASellKeepsTheDifference) {
  CommandResult r = Submit(PlanJson("test-2", {TradeJson(kToken, "BUY", "MARKET", "20"),
                                               TradeJson(kToken, "SELL", "MARKET", "6")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json position = PositionOf(kToken);
  EXPECT_EQ(position["netShares"], "25");      // 40 bought ($20 / 0.50) − 15 sold ($6 / 0.40)
  EXPECT_EQ(position["avgPrice"], "0.5");      // the remaining shares keep their cost
  EXPECT_EQ(position["realizedPnl"], "-1.5");  // 15 × (0.40 − 0.50)
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE status = 'filled'"), 2);
}

// Test 3: SELL without a position.
TEST_F(OriginalScenariosTest, ASellWithoutAPositionIsRefusedAndNothingIsStored) {
  CommandResult r = Submit(PlanJson("test-3", {TradeJson(kToken, "SELL", "MARKET", "10")}));
  EXPECT_EQ(r.exit_code, 1);
  // $10 into bids at 0.40 would need 25 shares; the position holds none.
  EXPECT_THAT(r.err, HasSubstr("SELL of 25 shares of token " + kToken));
  EXPECT_THAT(r.err, HasSubstr("0 available"));
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM executions"), 0);
  nlohmann::json run = Run("test-3");
  EXPECT_EQ(run["status"], "failed");
  EXPECT_THAT(run.value("errorMessage", ""), HasSubstr("SELL of 25 shares"));
}

// Test 4: a market token the venue has no book for.
TEST_F(OriginalScenariosTest, AnUnknownMarketIsRefusedNamingTheTokenAndTheRunFails) {
  CommandResult r = Submit(PlanJson("test-4", {TradeJson("123456789", "BUY", "MARKET", "10")}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no order book for token 123456789"));
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 0);
  nlohmann::json run = Run("test-4");
  EXPECT_EQ(run["status"], "failed");
  EXPECT_THAT(run.value("errorMessage", ""), HasSubstr("123456789"));
}

// Test 6-1: the first run of a planId completes and keeps its summary.
TEST_F(OriginalScenariosTest, TheFirstRunOfAPlanIdCompletesWithItsSummary) {
  CommandResult r = SubmitJson(PlanJson("test-6-1", {TradeJson(kToken, "BUY", "MARKET", "25")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json summary = Json(r);
  EXPECT_EQ(summary["planId"], "test-6-1");
  EXPECT_EQ(summary["mode"], "paper");
  EXPECT_EQ(summary["ordersPlaced"], 1);
  EXPECT_EQ(summary["ordersFilled"], 1);
  ASSERT_EQ(summary["positions"].size(), 1U) << r.out;
  EXPECT_EQ(summary["positions"][0]["netShares"], "50");  // $25 / 0.50
  EXPECT_EQ(summary["positions"][0]["avgPrice"], "0.5");
  EXPECT_EQ(summary["positions"][0]["costBasis"], "25");
  nlohmann::json run = Run("test-6-1");
  EXPECT_EQ(run["status"], "completed");
  EXPECT_EQ(run["summary"]["ordersFilled"], 1);
}

// Test 6-2: the same planId again.
TEST_F(OriginalScenariosTest, ThePlanIdRunsOnceAndADifferentPlanUnderItIsAConflict) {
  std::string plan = PlanJson("test-6-2", {TradeJson(kToken, "BUY", "MARKET", "10")});
  ASSERT_EQ(Submit(plan).exit_code, 0);
  CommandResult again = Submit(plan);
  EXPECT_EQ(again.exit_code, 4);
  EXPECT_THAT(again.err, HasSubstr("already ran: completed"));
  CommandResult other = Submit(PlanJson("test-6-2", {TradeJson(kToken, "BUY", "MARKET", "11")}));
  EXPECT_EQ(other.exit_code, 4);
  EXPECT_THAT(other.err, HasSubstr("different plan"));
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM execution_history"), 1);
  EXPECT_EQ(Run("test-6-2")["status"], "completed");
}

// Test 6-3: BUY $50 then SELL $30 realizes P&L on the shares sold.
TEST_F(OriginalScenariosTest, BuyingThenSellingPartRealizesPnlOnTheSharesSold) {
  CommandResult r = SubmitJson(PlanJson("test-6-3", {TradeJson(kToken, "BUY", "MARKET", "50"),
                                                     TradeJson(kToken, "SELL", "MARKET", "30")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json summary = Json(r);
  EXPECT_EQ(summary["ordersPlaced"], 2);
  EXPECT_EQ(summary["ordersFilled"], 2);
  EXPECT_EQ(summary["notionalBought"], "50");
  EXPECT_EQ(summary["notionalSold"], "30");
  EXPECT_EQ(OrderOf(summary, 0)["filledShares"], "100");  // $50 / 0.50
  EXPECT_EQ(OrderOf(summary, 1)["filledShares"], "75");   // $30 / 0.40
  EXPECT_EQ(summary["realizedPnl"], "-7.5");              // 75 × (0.40 − 0.50)
  nlohmann::json position = PositionOf(kToken);
  EXPECT_EQ(position["netShares"], "25");
  EXPECT_EQ(position["avgPrice"], "0.5");
}

// Test 6-4: a complete close. The original sold "$20 worth" and got ≈ 0 shares left; selling the
// shares held is the exact close.
TEST_F(OriginalScenariosTest, SellingEveryShareHeldLeavesThePositionFlat) {
  CommandResult r = Submit(PlanJson(
      "test-6-4", {TradeJson(kToken, "BUY", "MARKET", "20"),
                   TradeJson(kToken, "SELL", "MARKET", "40", R"(, "sizeUnit": "SHARES")")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Realized P&L -$4.00"));  // 40 × (0.40 − 0.50)
  nlohmann::json position = PositionOf(kToken);
  EXPECT_EQ(position["netShares"], "0");
  EXPECT_EQ(position["realizedPnl"], "-4");
  EXPECT_EQ(Run("test-6-4")["summary"]["notionalSold"], "16");  // 40 × 0.40
}

// Test 7-1: LIMIT BUY above the market fills at once, at the book's prices, not at the limit.
TEST_F(OriginalScenariosTest, ALimitBuyAboveTheAskFillsAtTheBooksPrices) {
  CommandResult r = SubmitJson(
      PlanJson("test-7-1", {TradeJson(kToken, "BUY", "LIMIT", "110", R"(, "price": 0.95)")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json order = OrderOf(Json(r), 0);
  EXPECT_EQ(order["status"], "filled");
  EXPECT_EQ(order["limitPrice"], "0.95");
  EXPECT_EQ(order["filledShares"], "200");  // 100 at 0.50 ($50) + $60 / 0.60 = 100 at 0.60
  EXPECT_EQ(order["notional"], "110");
  EXPECT_EQ(order["avgFillPrice"], "0.55");  // 110 / 200
  EXPECT_EQ(Count("SELECT count(*) FROM executions"), 2);
}

// Test 7-2: LIMIT BUY below the market rests.
TEST_F(OriginalScenariosTest, ALimitBuyBelowTheAskRestsAtItsLimit) {
  CommandResult r = SubmitJson(
      PlanJson("test-7-2", {TradeJson(kToken, "BUY", "LIMIT", "10", R"(, "price": 0.01)")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json summary = Json(r);
  EXPECT_EQ(summary["ordersOpen"], 1);
  nlohmann::json order = OrderOf(summary, 0);
  EXPECT_EQ(order["status"], "open");
  EXPECT_EQ(order["sizeShares"], "1000");  // $10 / 0.01, all of it resting
  EXPECT_EQ(order["filledShares"], "0");
  EXPECT_EQ(Count("SELECT count(*) FROM executions"), 0);
  CommandResult open = stack_->Omsctl({"-o", "json", "orders", "list", "--status", "open"});
  ASSERT_EQ(open.exit_code, 0) << open.err;
  ASSERT_EQ(Json(open)["orders"].size(), 1U) << open.out;
  EXPECT_EQ(Json(open)["orders"][0]["limitPrice"], "0.01");
}

// Test 7-3: LIMIT SELL below the market sells its size's worth at the bid.
TEST_F(OriginalScenariosTest, ALimitSellBelowTheBidFillsAtTheBid) {
  ASSERT_EQ(Submit(PlanJson("test-7-1b", {TradeJson(kToken, "BUY", "MARKET", "50")})).exit_code,
            0);  // 100 shares at 0.50
  CommandResult r = SubmitJson(
      PlanJson("test-7-3", {TradeJson(kToken, "SELL", "LIMIT", "20", R"(, "price": 0.01)")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json order = OrderOf(Json(r), 0);
  EXPECT_EQ(order["status"], "filled");
  EXPECT_EQ(order["filledShares"], "50");  // $20 / 0.40, never $20 / 0.01 = 2,000 shares
  EXPECT_EQ(order["avgFillPrice"], "0.4");
  EXPECT_EQ(order["notional"], "20");
  EXPECT_EQ(PositionOf(kToken)["netShares"], "50");  // 100 − 50
}

// Test 7-4: LIMIT SELL above the market rests.
TEST_F(OriginalScenariosTest, ALimitSellAboveTheBidRestsAtItsLimit) {
  ASSERT_EQ(Submit(PlanJson("test-7-1c", {TradeJson(kToken, "BUY", "MARKET", "50")})).exit_code,
            0);  // 100 shares at 0.50
  CommandResult r = SubmitJson(
      PlanJson("test-7-4", {TradeJson(kToken, "SELL", "LIMIT", "49.5", R"(, "price": 0.99)")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json order = OrderOf(Json(r), 0);
  EXPECT_EQ(order["status"], "open");
  EXPECT_EQ(order["limitPrice"], "0.99");
  EXPECT_EQ(order["sizeShares"], "50");  // $49.50 / 0.99
  EXPECT_EQ(order["filledShares"], "0");
  EXPECT_EQ(PositionOf(kToken)["netShares"], "100");  // nothing sold yet
  EXPECT_EQ(Count("SELECT count(*) FROM executions WHERE side = 'SELL'"), 0);
}

// Tests 5 and 7-5: MARKET and LIMIT, BUY and SELL, USDC and SHARES in one plan. (The original's
// test 5 expected the LIMIT to be refused, a phase-1 limit; here it is an order like any other.)
TEST_F(OriginalScenariosTest, MixedOrderTypesRunTogetherInOnePlan) {
  CommandResult r = SubmitJson(PlanJson(
      "test-7-5",
      {TradeJson(kToken, "BUY", "MARKET", "50"),
       TradeJson(kToken, "SELL", "LIMIT", "40", R"(, "price": 0.99, "sizeUnit": "SHARES")"),
       TradeJson(kOther, "BUY", "LIMIT", "40", R"(, "price": 0.30, "sizeUnit": "SHARES")"),
       TradeJson(kToken, "SELL", "MARKET", "20", R"(, "sizeUnit": "SHARES")")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json summary = Json(r);
  EXPECT_EQ(summary["ordersPlaced"], 4);
  EXPECT_EQ(summary["ordersFilled"], 3);
  EXPECT_EQ(summary["ordersOpen"], 1);
  EXPECT_EQ(OrderOf(summary, 0)["filledShares"], "100");  // $50 / 0.50
  EXPECT_EQ(OrderOf(summary, 1)["status"], "open");       // 40 shares at 0.99 > bid 0.40
  EXPECT_EQ(OrderOf(summary, 1)["sizeShares"], "40");
  EXPECT_EQ(OrderOf(summary, 2)["notional"], "10");  // 40 × 0.25, the ask under the 0.30 limit
  EXPECT_EQ(OrderOf(summary, 3)["notional"], "8");   // 20 × 0.40
  EXPECT_EQ(summary["notionalBought"], "60");        // 50 + 10
  EXPECT_EQ(summary["notionalSold"], "8");
  EXPECT_EQ(summary["realizedPnl"], "-2");  // 20 × (0.40 − 0.50)
  EXPECT_EQ(PositionOf(kToken)["netShares"], "80");
  EXPECT_EQ(PositionOf(kOther)["netShares"], "40");
}

// Test 7-6: a LIMIT BUY at 0.999 on a 0.01 tick runs at 0.99 (down, for a BUY) and crosses.
TEST_F(OriginalScenariosTest, ALimitBuyOffTheTickMovesDownOntoItAndCrosses) {
  CommandResult r = SubmitJson(
      PlanJson("test-7-6", {TradeJson(kToken, "BUY", "LIMIT", "10", R"(, "price": 0.999)")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json summary = Json(r);
  ASSERT_EQ(summary["warnings"].size(), 1U) << r.out;
  EXPECT_EQ(summary["warnings"][0]["path"], "trades[0].price");
  EXPECT_THAT(summary["warnings"][0].value("message", ""), HasSubstr("0.999 moved to 0.99"));
  nlohmann::json order = OrderOf(summary, 0);
  EXPECT_EQ(order["limitPrice"], "0.99");
  EXPECT_EQ(order["status"], "filled");
  EXPECT_EQ(order["filledShares"], "20");  // $10 / 0.50
  EXPECT_EQ(order["avgFillPrice"], "0.5");
}

// A resting order (the original's phase 8: checking open orders later) fills on a tick once the
// book crosses it, at its own limit.
TEST_F(OriginalScenariosTest, ARestingLimitBuyFillsOnATickAfterTheBookMoves) {
  CommandResult r =
      SubmitJson(PlanJson("rest", {TradeJson(kToken, "BUY", "LIMIT", "9", R"(, "price": 0.45)")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(OrderOf(Json(r), 0)["sizeShares"], "20");  // $9 / 0.45
  CommandResult quiet = stack_->Omsctl({"tick"});
  ASSERT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_THAT(quiet.out, HasSubstr("0 filled"));
  // The venue's book moves: asks at 0.44, under the order's 0.45.
  stack_->clob().SetBook(kToken, VenueBookJson(kToken, {{"0.40", "100"}}, {{"0.44", "50"}}));
  CommandResult tick = stack_->Omsctl({"tick"});
  ASSERT_EQ(tick.exit_code, 0) << tick.err;
  EXPECT_THAT(tick.out, HasSubstr("1 filled"));
  CommandResult orders = stack_->Omsctl({"-o", "json", "orders", "list", "--plan", "rest"});
  ASSERT_EQ(orders.exit_code, 0) << orders.err;
  nlohmann::json order = Json(orders)["orders"][0];
  EXPECT_EQ(order["status"], "filled");
  EXPECT_EQ(order["filledShares"], "20");
  EXPECT_EQ(order["avgFillPrice"], "0.45");  // its own limit, not the 0.44 ask
  EXPECT_EQ(order["notional"], "9");         // 20 × 0.45
  EXPECT_EQ(PositionOf(kToken)["netShares"], "20");
}

// A resting order (the original's phase 10) is cancelled and stays so when the book comes to it.
TEST_F(OriginalScenariosTest, ACancelledRestingOrderNeverFills) {
  ASSERT_EQ(Submit(PlanJson("cxl", {TradeJson(kToken, "BUY", "LIMIT", "10", R"(, "price": 0.05)")}))
                .exit_code,
            0);
  int64_t id = Count("SELECT id FROM orders WHERE plan_id = 'cxl'");
  CommandResult cancel = stack_->Omsctl({"orders", "cancel", std::to_string(id)});
  EXPECT_EQ(cancel.exit_code, 0) << cancel.err;
  EXPECT_THAT(cancel.out, HasSubstr("cancelled"));
  stack_->clob().SetBook(kToken, VenueBookJson(kToken, {{"0.01", "100"}}, {{"0.02", "5000"}}));
  CommandResult tick = stack_->Omsctl({"tick"});
  ASSERT_EQ(tick.exit_code, 0) << tick.err;
  EXPECT_THAT(tick.out, HasSubstr("0 filled"));
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE status = 'cancelled'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM executions"), 0);
}

}  // namespace
}  // namespace betteroms::test
