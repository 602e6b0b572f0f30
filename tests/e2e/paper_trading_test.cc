// Paper trading end to end: omsctl → oms-server → fake CLOB (venue JSON, worst-first) and
// PostgreSQL, every case of the paper-trading issue.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/plans.h"
#include "tests/support/stack.h"

namespace betteroms::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

const std::string kYes =
    "71321045679252212594626385532706912750332728571942532289631379312455583992563";
const std::string kNo =
    "52114319501245915516055106046884209969926127482827954674443846427813813222426";

class PaperTradingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveTestPostgres()) {
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
    }
    stack_ = std::make_unique<Stack>();
    ASSERT_TRUE(stack_->ok()) << stack_->error();
    // Venue order: the best ask (0.50) is the LAST element of asks; the worst (0.99) is first.
    stack_->clob().SetBook(kYes, VenueBookJson(kYes, {{"0.48", "100"}, {"0.47", "500"}},
                                               {{"0.50", "10"}, {"0.52", "20"}, {"0.99", "1000"}}));
    stack_->clob().SetBook(kNo, VenueBookJson(kNo, {{"0.49", "100"}}, {{"0.51", "100"}}));
  }

  CommandResult Submit(const std::string& plan, const std::vector<std::string>& flags = {}) {
    std::vector<std::string> args = {"plan", "submit", "-"};
    args.insert(args.end(), flags.begin(), flags.end());
    return stack_->Omsctl(args, plan);
  }
  CommandResult SubmitJson(const std::string& plan) {
    return stack_->Omsctl({"-o", "json", "plan", "submit", "-"}, plan);
  }
  int64_t Count(const std::string& sql) {
    return stack_->db().Connect()->Exec("c", sql)->Row(0).Int(0);
  }

  std::unique_ptr<Stack> stack_;
};

TEST_F(PaperTradingTest, MarketBuyFillsAtTheTrueBestAsk) {
  CommandResult r = SubmitJson(PlanJson("best-ask", {TradeJson(kYes, "BUY", "MARKET", "4")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"price\": \"0.5\""));
  EXPECT_THAT(r.out, HasSubstr("\"filledShares\": \"8\""));
  EXPECT_THAT(r.out, Not(HasSubstr("\"price\": \"0.99\"")));
}

TEST_F(PaperTradingTest, MarketBuyWalksTheDepthAcrossLevels) {
  // $10 = 10 shares at 0.50 ($5) + $5 at 0.52 (9.615384 shares).
  CommandResult r = SubmitJson(PlanJson("depth", {TradeJson(kYes, "BUY", "MARKET", "10")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"filledShares\": \"19.615384\""));
  EXPECT_THAT(r.out, HasSubstr("\"price\": \"0.52\""));
  EXPECT_EQ(Count("SELECT count(*) FROM executions"), 2);
}

TEST_F(PaperTradingTest, FokIsRefusedOnAThinBook) {
  CommandResult r = SubmitJson(
      PlanJson("thin", {TradeJson(kYes, "BUY", "MARKET", "100", R"(, "worstPrice": 0.52)")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"ordersRejected\": 1"));
  EXPECT_THAT(r.out, HasSubstr("FOK orders are fully filled/killed"));
  EXPECT_EQ(Count("SELECT count(*) FROM executions"), 0);
}

TEST_F(PaperTradingTest, SellWithoutSharesIsRefusedAndNothingPersisted) {
  CommandResult r = Submit(PlanJson(
      "naked-sell", {TradeJson(kYes, "SELL", "MARKET", "5", R"(, "sizeUnit": "SHARES")")}));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_THAT(r.err, HasSubstr("SELL of 5 shares"));
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM executions"), 0);
}

TEST_F(PaperTradingTest, BuyThenSellRealizesPnl) {
  ASSERT_EQ(Submit(PlanJson("bts",
                            {TradeJson(kYes, "BUY", "MARKET", "5"),
                             TradeJson(kYes, "SELL", "MARKET", "10", R"(, "sizeUnit": "SHARES")")}))
                .exit_code,
            0);
  CommandResult pos = stack_->Omsctl({"-o", "json", "positions", "--mode", "paper"});
  ASSERT_EQ(pos.exit_code, 0) << pos.err;
  // Bought 10 @ 0.50, sold 10 @ 0.48: realized -0.20.
  EXPECT_THAT(pos.out, HasSubstr("\"realizedPnl\": \"-0.2\""));
  EXPECT_THAT(pos.out, HasSubstr("\"netShares\": \"0\""));
  CommandResult run = stack_->Omsctl({"runs", "show", "bts"});
  EXPECT_THAT(run.out, HasSubstr("Realized P&L -$0.20"));
}

TEST_F(PaperTradingTest, LimitOrderFillsOrRests) {
  CommandResult r = SubmitJson(
      PlanJson("limits",
               {TradeJson(kYes, "BUY", "LIMIT", "5", R"(, "price": 0.5, "sizeUnit": "SHARES")"),
                TradeJson(kYes, "BUY", "LIMIT", "5", R"(, "price": 0.45, "sizeUnit": "SHARES")")}));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"ordersFilled\": 1"));
  EXPECT_THAT(r.out, HasSubstr("\"ordersOpen\": 1"));
  CommandResult open = stack_->Omsctl({"orders", "list", "--status", "open"});
  EXPECT_EQ(open.exit_code, 0);
  EXPECT_THAT(open.out, HasSubstr("0.45"));
}

TEST_F(PaperTradingTest, ARestingOrderFillsOnALaterTickAfterTheBookMoves) {
  ASSERT_EQ(Submit(PlanJson("rest", {TradeJson(kYes, "BUY", "LIMIT", "10",
                                               R"(, "price": 0.45, "sizeUnit": "SHARES")")}))
                .exit_code,
            0);
  CommandResult quiet = stack_->Omsctl({"tick"});
  EXPECT_EQ(quiet.exit_code, 0) << quiet.err;
  EXPECT_THAT(quiet.out, HasSubstr("0 filled"));
  stack_->clob().SetBook(kYes, VenueBookJson(kYes, {{"0.40", "100"}}, {{"0.44", "50"}}));
  CommandResult tick = stack_->Omsctl({"tick"});
  EXPECT_THAT(tick.out, HasSubstr("1 filled"));
  EXPECT_EQ(Count("SELECT count(*) FROM executions WHERE price = 450000 AND shares = 10000000 "
                  "AND book_snapshot_id IS NOT NULL"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE status = 'filled'"), 1);
}

TEST_F(PaperTradingTest, GtdOrdersExpireOnTheTickAfterTheirTime) {
  ASSERT_EQ(
      Submit(
          PlanJson(
              "gtd",
              {TradeJson(
                  kYes, "BUY", "LIMIT", "10",
                  R"(, "price": 0.30, "sizeUnit": "SHARES", "timeInForce": "GTD", "expiresAt": "2099-01-01T00:00:00Z")")}))
          .exit_code,
      0);
  // Time passes: the order's expiry is moved into the past rather than the test waiting for it.
  ASSERT_TRUE(stack_->db()
                  .Connect()
                  ->Exec("age", "UPDATE orders SET expires_at = now() - interval '1 minute'")
                  .ok());
  CommandResult tick = stack_->Omsctl({"tick"});
  EXPECT_THAT(tick.out, HasSubstr("1 expired"));
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE status = 'expired'"), 1);
}

TEST_F(PaperTradingTest, CancelARestingOrder) {
  ASSERT_EQ(Submit(PlanJson("cxl", {TradeJson(kYes, "BUY", "LIMIT", "10",
                                              R"(, "price": 0.30, "sizeUnit": "SHARES")")}))
                .exit_code,
            0);
  int64_t id = Count("SELECT id FROM orders LIMIT 1");
  CommandResult r = stack_->Omsctl({"orders", "cancel", std::to_string(id)});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("cancelled"));
  CommandResult again = stack_->Omsctl({"orders", "cancel", std::to_string(id)});
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_THAT(again.err,
              HasSubstr("is cancelled (GTC); only resting GTC/GTD orders can be cancelled"));
}

TEST_F(PaperTradingTest, ADuplicatePlanIdIsAConflict) {
  std::string plan = PlanJson("dup", {TradeJson(kYes, "BUY", "MARKET", "2")});
  ASSERT_EQ(Submit(plan).exit_code, 0);
  CommandResult again = Submit(plan);
  EXPECT_EQ(again.exit_code, 4);
  EXPECT_THAT(again.err, HasSubstr("already ran: completed"));
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 1);
}

TEST_F(PaperTradingTest, AnUnknownTokenIsNamed) {
  CommandResult r = Submit(PlanJson("unknown", {TradeJson("123456789", "BUY", "MARKET", "2")}));
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("no order book for token 123456789"));
}

TEST_F(PaperTradingTest, ClobDownIsUnavailableNamingTheVenue) {
  stack_->clob().FailNext(503, 100);
  CommandResult r = Submit(PlanJson("down", {TradeJson(kYes, "BUY", "MARKET", "2")}));
  EXPECT_EQ(r.exit_code, 3);
  EXPECT_THAT(r.err, HasSubstr("the Polymarket CLOB at"));
  EXPECT_THAT(r.err, HasSubstr("unavailable"));
  stack_->clob().FailNext(503, 0);
  CommandResult retry =
      Submit(PlanJson("down", {TradeJson(kYes, "BUY", "MARKET", "2")}), {"--retry"});
  EXPECT_EQ(retry.exit_code, 0) << retry.err;
}

TEST_F(PaperTradingTest, AnInvalidPlanListsEveryProblem) {
  CommandResult r = Submit(R"({"planId": "x", "mode": "paper", "trades": [
      {"marketTokenId": "1", "outcome": "YES", "side": "BUY", "orderType": "LIMIT", "size": 5},
      {"marketTokenId": "1", "outcome": "YES", "side": "BUY", "orderType": "MARKET", "size": 0}]})");
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.err, HasSubstr("trades[0].price: is required for a LIMIT order"));
  EXPECT_THAT(r.err, HasSubstr("trades[1].size: must be greater than 0"));
  CommandResult v =
      stack_->Omsctl({"plan", "validate", "-"},
                     PlanJson("v", {TradeJson(kYes, "BUY", "LIMIT", "10",
                                              R"(, "price": 0.505, "sizeUnit": "SHARES")")}));
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_THAT(v.out, HasSubstr("warning: trades[0].price: price 0.505 moved to 0.5"));
}

TEST_F(PaperTradingTest, BookShowsBestPricesFirst) {
  CommandResult r = stack_->Omsctl({"-o", "json", "book", kYes});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("\"bestAsk\": \"0.5\""));
  EXPECT_THAT(r.out, HasSubstr("\"bestBid\": \"0.48\""));
}

TEST_F(PaperTradingTest, ADirectoryOfPlansRunsOnceEach) {
  TempDir dir;
  dir.Write("a.json", PlanJson("dir-a", {TradeJson(kNo, "BUY", "MARKET", "3")}));
  dir.Write("b.json", PlanJson("dir-b", {TradeJson(kNo, "BUY", "MARKET", "4")}));
  CommandResult first = stack_->Omsctl({"plan", "submit", "--dir", dir.path()});
  EXPECT_EQ(first.exit_code, 0) << first.out << first.err;
  EXPECT_THAT(first.out, HasSubstr("dir-a ran: completed, 1 orders"));
  CommandResult again = stack_->Omsctl({"plan", "submit", "--dir", dir.path()});
  EXPECT_EQ(again.exit_code, 0) << again.out;
  EXPECT_EQ(std::count(again.out.begin(), again.out.end(), '\n'), 3);  // a plan a line, a total
  EXPECT_THAT(again.out, HasSubstr("2 plan(s): 0 ran, 0 scheduled, 2 already done, 0 failed"));
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 2);
}

TEST_F(PaperTradingTest, TheOriginalCommandNameStillWorks) {
  TempDir dir;
  dir.Write("plan.json", PlanJson("alias", {TradeJson(kNo, "BUY", "MARKET", "3")}));
  CommandResult r = stack_->Omsctl({"execute:trade-plan", dir.File("plan.json")});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.out, HasSubstr("Run alias"));
}

TEST_F(PaperTradingTest, AnOutcomeLabelThatContradictsTheVenueIsRefused) {
  ASSERT_TRUE(stack_->clob().SetMarket(
      VenueClobMarketJson("0x" + std::string(64, 'a'), {{kYes, "Yes"}, {kNo, "No"}})));
  // The plan says YES on the NO token: refused, naming the token and both labels.
  CommandResult r = Submit(PlanJson("wrong-label", {TradeJson(kNo, "BUY", "MARKET", "5")}));
  EXPECT_EQ(r.exit_code, 2) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("trades[0].outcome"));
  EXPECT_THAT(r.err, HasSubstr(kNo));
  EXPECT_THAT(r.err, HasSubstr("\"YES\""));
  EXPECT_THAT(r.err, HasSubstr("\"No\""));
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 0);
  CommandResult v = stack_->Omsctl(
      {"plan", "validate", "-"}, PlanJson("wrong-label-v", {TradeJson(kNo, "BUY", "MARKET", "5")}));
  EXPECT_EQ(v.exit_code, 2);
  EXPECT_THAT(v.out, HasSubstr("trades[0].outcome: outcome \"YES\" does not match"));

  // "YES" is "Yes": case aside the label agrees, and positions show the venue's name.
  CommandResult ok = Submit(PlanJson("right-label", {TradeJson(kYes, "BUY", "MARKET", "5")}));
  ASSERT_EQ(ok.exit_code, 0) << ok.err;
  CommandResult positions = stack_->Omsctl({"-o", "json", "positions"});
  EXPECT_THAT(positions.out, HasSubstr("\"outcome\": \"Yes\""));
}

TEST_F(PaperTradingTest, ATokenWithoutMarketMetadataIsNotCheckedAndValidateSaysSo) {
  CommandResult v = stack_->Omsctl({"plan", "validate", "-"},
                                   PlanJson("unchecked", {TradeJson(kNo, "BUY", "MARKET", "5")}));
  EXPECT_EQ(v.exit_code, 0) << v.out << v.err;
  EXPECT_THAT(v.out, HasSubstr("warning: trades[0].outcome: not checked"));
}

}  // namespace
}  // namespace betteroms::test
