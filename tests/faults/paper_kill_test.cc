// kill -9 of oms-server at each step of a paper run and of a tick (test-only fault points,
// common/fault_point.h), then a restart: nothing is half-written, and the plan's resubmission
// and --retry follow the idempotency rules (DESIGN §8).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>

#include "tests/faults/fault_checks.h"
#include "tests/support/plans.h"
#include "tests/support/stack.h"

namespace betteroms::test {
namespace {

using ::testing::HasSubstr;

const std::string kTokenA = "4242424242424242424242";
const std::string kTokenB = "5353535353535353535353";

constexpr int kConflict = 4;  // omsctl's exit code for a planId that ran already

class PaperKillTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveTestPostgres()) {
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
    }
    stack_ = std::make_unique<Stack>();
    ASSERT_TRUE(stack_->ok()) << stack_->error();
    stack_->clob().SetBook(kTokenA, VenueBookJson(kTokenA, {{"0.48", "1000"}, {"0.47", "5000"}},
                                                  {{"0.50", "10"}, {"0.52", "20000"}}));
    stack_->clob().SetBook(kTokenB, VenueBookJson(kTokenB, {{"0.44", "1000"}}, {{"0.51", "1000"}}));
    // Shares to sell in the plans below.
    CommandResult seed = Submit(PlanJson(
        "seed", {TradeJson(kTokenA, "BUY", "MARKET", "200", R"(, "sizeUnit": "SHARES")")}));
    ASSERT_EQ(seed.exit_code, 0) << seed.err;
  }

  // Mixed trades: a MARKET BUY walking two levels, a resting LIMIT BUY, a SELL of held shares
  // and a LIMIT SELL sized in USDC.
  static std::string MixedPlan(const std::string& id) {
    return PlanJson(id, {TradeJson(kTokenA, "BUY", "MARKET", "10"),
                         TradeJson(kTokenB, "BUY", "LIMIT", "20", R"(, "price": 0.40)"),
                         TradeJson(kTokenA, "SELL", "MARKET", "5", R"(, "sizeUnit": "SHARES")"),
                         TradeJson(kTokenA, "SELL", "LIMIT", "3", R"(, "price": 0.47)")});
  }

  CommandResult Submit(const std::string& plan, const std::vector<std::string>& flags = {}) {
    std::vector<std::string> args = {"--timeout", "20", "plan", "submit", "-"};
    args.insert(args.end(), flags.begin(), flags.end());
    return stack_->Omsctl(args, plan);
  }
  std::string Positions() {
    return stack_->Omsctl({"-o", "json", "positions", "--mode", "paper"}).out;
  }
  int64_t Count(const std::string& sql) { return CountRows(stack_->db().url(), sql); }
  int64_t OrdersOf(const std::string& plan_id) {
    return Count("SELECT count(*) FROM orders WHERE plan_id = '" + plan_id + "'");
  }

  // Starts the server armed at `point`, runs `action` (which must lose its connection) and
  // checks that the server died by SIGKILL; then starts it again, unarmed.
  void KillAt(const std::string& point, const std::function<CommandResult()>& action) {
    ASSERT_TRUE(stack_->RestartServer({{"BETTEROMS_FAULT_POINT", point}})) << stack_->error();
    CommandResult r = action();
    EXPECT_NE(r.exit_code, 0) << "the server should have died at " << point << ": " << r.out;
    EXPECT_EQ(stack_->server().Wait(10'000), -9) << stack_->server().Log();
    ASSERT_TRUE(stack_->RestartServer()) << stack_->error();
  }

  std::unique_ptr<Stack> stack_;
};

TEST_F(PaperKillTest, KilledAtEachStepOfARunLeavesItWhollyAbsentOrWhollyDone) {
  // Inside the run's one transaction: a crash rolls everything back, the claim included.
  for (const std::string point :
       {"paper.after_claim", "paper.after_orders", "paper.after_fills", "paper.before_commit"}) {
    SCOPED_TRACE(point);
    std::string id = "kill-" + point.substr(point.find('.') + 1);
    std::string positions = Positions();
    int64_t executions = Count("SELECT count(*) FROM executions");
    int64_t snapshots = Count("SELECT count(*) FROM book_snapshots");
    KillAt(point, [&] { return Submit(MixedPlan(id)); });
    ExpectNothingHalfWritten(stack_->db().url());
    EXPECT_EQ(Count("SELECT count(*) FROM execution_history WHERE plan_id = '" + id + "'"), 0);
    EXPECT_EQ(OrdersOf(id), 0);
    EXPECT_EQ(Count("SELECT count(*) FROM executions"), executions);
    EXPECT_EQ(Count("SELECT count(*) FROM book_snapshots"), snapshots);
    EXPECT_EQ(Positions(), positions);

    // The planId never ran: it runs now, once, without --retry.
    CommandResult again = Submit(MixedPlan(id));
    ASSERT_EQ(again.exit_code, 0) << again.err;
    EXPECT_EQ(OrdersOf(id), 4);
    ExpectNothingHalfWritten(stack_->db().url());
    CommandResult twice = Submit(MixedPlan(id));
    EXPECT_EQ(twice.exit_code, kConflict) << twice.err;
    EXPECT_EQ(OrdersOf(id), 4);
  }
}

TEST_F(PaperKillTest, KilledAfterCommitBeforeAnsweringKeepsTheRunAndRefusesItAgain) {
  std::string positions = Positions();
  KillAt("paper.after_commit", [&] { return Submit(MixedPlan("kill-after-commit")); });
  ExpectNothingHalfWritten(stack_->db().url());
  CommandResult run = stack_->Omsctl({"-o", "json", "runs", "show", "kill-after-commit"});
  ASSERT_EQ(run.exit_code, 0) << run.err;
  EXPECT_THAT(run.out, HasSubstr("\"completed\""));
  EXPECT_EQ(OrdersOf("kill-after-commit"), 4);
  std::string after = Positions();
  EXPECT_NE(after, positions);

  // The caller never heard: its resubmission, with or without --retry, is refused, naming the
  // earlier run, and changes nothing.
  for (const std::vector<std::string>& flags :
       {std::vector<std::string>{}, std::vector<std::string>{"--retry"}}) {
    CommandResult again = Submit(MixedPlan("kill-after-commit"), flags);
    EXPECT_EQ(again.exit_code, kConflict) << again.err;
    EXPECT_THAT(again.err, HasSubstr("kill-after-commit"));
  }
  EXPECT_EQ(OrdersOf("kill-after-commit"), 4);
  EXPECT_EQ(Positions(), after);
}

TEST_F(PaperKillTest, KilledMidTickFillsTheRestingOrderOnceAfterRestart) {
  CommandResult placed = Submit(PlanJson(
      "resting",
      {TradeJson(kTokenB, "BUY", "LIMIT", "10", R"(, "price": 0.45, "sizeUnit": "SHARES")")}));
  ASSERT_EQ(placed.exit_code, 0) << placed.err;
  std::string resting_fills =
      "SELECT count(*) FROM executions e JOIN orders o ON o.id = e.order_id "
      "WHERE o.plan_id = 'resting'";
  ASSERT_EQ(Count(resting_fills), 0);
  // The book now crosses the order.
  stack_->clob().SetBook(kTokenB, VenueBookJson(kTokenB, {{"0.40", "1000"}}, {{"0.43", "1000"}}));
  int64_t ticks = Count("SELECT count(*) FROM ticks");

  KillAt("tick.after_fills", [&] { return stack_->Omsctl({"--timeout", "20", "tick"}); });
  ExpectNothingHalfWritten(stack_->db().url());
  EXPECT_EQ(Count(resting_fills), 0) << "the dead tick's fills were kept";
  EXPECT_EQ(Count("SELECT count(*) FROM ticks"), ticks);
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE plan_id = 'resting' AND status = 'open'"), 1);

  CommandResult tick = stack_->Omsctl({"tick"});
  ASSERT_EQ(tick.exit_code, 0) << tick.err;
  CommandResult again = stack_->Omsctl({"tick"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(Count(resting_fills), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE plan_id = 'resting' AND status = 'filled'"),
            1);
  ExpectNothingHalfWritten(stack_->db().url());
}

}  // namespace
}  // namespace betteroms::test
