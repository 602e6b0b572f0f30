// Venue data is untrusted input, end to end: omsctl → oms-server → fake CLOB serving books that
// are not books. Each is refused naming the venue and the token, exits 1 (the venue's fault, never
// 2, which tells the trader the plan is wrong), fills nothing, and the server stays up.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/support/plans.h"
#include "tests/support/stack.h"

namespace betteroms::test {
namespace {

using ::testing::AllOf;
using ::testing::HasSubstr;

const std::string kYes =
    "71321045679252212594626385532706912750332728571942532289631379312455583992563";
const std::string kNo =
    "52114319501245915516055106046884209969926127482827954674443846427813813222426";

class VenueDataTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveTestPostgres()) {
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
    }
    stack_ = std::make_unique<Stack>();
    ASSERT_TRUE(stack_->ok()) << stack_->error();
    stack_->clob().SetBook(kYes, VenueBookJson(kYes, {{"0.48", "100"}}, {{"0.50", "100"}}));
    stack_->clob().SetBook(kNo, VenueBookJson(kNo, {{"0.49", "100"}}, {{"0.51", "100"}}));
  }

  CommandResult Submit(const std::string& plan) {
    return stack_->Omsctl({"plan", "submit", "-"}, plan);
  }
  CommandResult BuyYes(const std::string& id) {
    return Submit(PlanJson(id, {TradeJson(kYes, "BUY", "MARKET", "5")}));
  }
  int64_t Count(const std::string& sql) {
    return stack_->db().Connect()->Exec("c", sql)->Row(0).Int(0);
  }
  // The server still serves: a plan on the good token fills.
  void ExpectServerStillTrades(const std::string& id) {
    CommandResult ok = Submit(PlanJson(id, {TradeJson(kNo, "BUY", "MARKET", "5")}));
    EXPECT_EQ(ok.exit_code, 0) << ok.err;
    EXPECT_TRUE(stack_->server().Running());
  }
  // A refusal of kYes's book: exit 1 naming the venue and the token, nothing stored.
  void ExpectRefused(const CommandResult& r, const std::string& why) {
    EXPECT_EQ(r.exit_code, 1) << r.err;
    EXPECT_THAT(r.err, AllOf(HasSubstr("refused"), HasSubstr("token " + kYes),
                             HasSubstr(stack_->clob().url()), HasSubstr(why)));
    EXPECT_EQ(Count("SELECT count(*) FROM executions"), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM orders"), 0);
  }

  std::unique_ptr<Stack> stack_;
};

TEST_F(VenueDataTest, ABookPricedAtZeroIsRefusedAndTheServerStaysUp) {
  stack_->clob().SetBook(kYes, VenueBookJson(kYes, {{"0.48", "100"}}, {{"0", "100"}}));
  ExpectRefused(BuyYes("zero"), "is not a market");
  ExpectServerStillTrades("zero-after");
}

TEST_F(VenueDataTest, ABookWithATickOfZeroIsRefusedAndTheServerStaysUp) {
  stack_->clob().SetBook(kYes, VenueBookJson(kYes, {{"0.48", "100"}}, {{"0.50", "100"}}, "0"));
  ExpectRefused(BuyYes("tick0"), "tick_size 0");
  ExpectServerStillTrades("tick0-after");
}

TEST_F(VenueDataTest, ABookOfAnotherTokenIsNeverTradedOn) {
  // The venue answers kYes's request with kNo's book, which would fill at kNo's prices.
  stack_->clob().SetBook(kYes, VenueBookJson(kNo, {{"0.01", "100"}}, {{"0.02", "1000"}}));
  ExpectRefused(BuyYes("foreign"), "asset_id " + kNo);
}

TEST_F(VenueDataTest, ABookWithoutASideIsRefused) {
  stack_->clob().SetBook(kYes, R"({"asset_id": ")" + kYes + R"(", "bids": []})");
  ExpectRefused(BuyYes("one-sided"), "asks is missing");
}

TEST_F(VenueDataTest, AnAnswerThatIsNotJsonIsRefused) {
  stack_->clob().SetBook(kYes, "<html>oops</html>");
  ExpectRefused(BuyYes("html"), "book for token");
}

TEST_F(VenueDataTest, AnOversizedBookIsRefused) {
  std::string book = VenueBookJson(kYes, {{"0.48", "100"}}, {{"0.50", "100"}});
  book.insert(1, 9 << 20, ' ');  // valid JSON, 9 MiB
  stack_->clob().SetBook(kYes, book);
  ExpectRefused(BuyYes("huge"), "larger than");
  EXPECT_EQ(stack_->clob().Count("book"), 1);  // refused once, not fetched again
  ExpectServerStillTrades("huge-after");
}

TEST_F(VenueDataTest, ValidationSaysTheVenueIsAtFaultNotThePlan) {
  stack_->clob().SetBook(kYes, VenueBookJson(kYes, {{"0.48", "100"}}, {{"-1", "100"}}));
  CommandResult r = stack_->Omsctl({"plan", "validate", "-"},
                                   PlanJson("v", {TradeJson(kYes, "BUY", "MARKET", "5")}));
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("refused the book for token " + kYes));
}

TEST_F(VenueDataTest, TheTickLeavesOutARefusedBookAndFillsTheOthers) {
  ASSERT_EQ(Submit(PlanJson("rest", {TradeJson(kYes, "BUY", "LIMIT", "10",
                                               R"(, "price": 0.45, "sizeUnit": "SHARES")"),
                                     TradeJson(kNo, "BUY", "LIMIT", "10",
                                               R"(, "price": 0.45, "sizeUnit": "SHARES")")}))
                .exit_code,
            0);
  // kYes's book turns to garbage that would fill at 0; kNo's comes down to the order.
  stack_->clob().SetBook(kYes, VenueBookJson(kYes, {{"0.40", "100"}}, {{"0", "100"}}));
  stack_->clob().SetBook(kNo, VenueBookJson(kNo, {{"0.40", "100"}}, {{"0.44", "100"}}));
  CommandResult tick = stack_->Omsctl({"tick"});
  EXPECT_EQ(tick.exit_code, 0) << tick.err;
  EXPECT_THAT(tick.out, HasSubstr("1 filled"));
  EXPECT_THAT(tick.out, HasSubstr("refused the book for token " + kYes));
  EXPECT_EQ(Count("SELECT count(*) FROM executions WHERE token_id = '" + kNo + "'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM executions WHERE token_id = '" + kYes + "'"), 0);
  EXPECT_EQ(
      Count("SELECT count(*) FROM orders WHERE token_id = '" + kYes + "' AND status = 'open'"), 1);
  EXPECT_TRUE(stack_->server().Running());
}

}  // namespace
}  // namespace betteroms::test
