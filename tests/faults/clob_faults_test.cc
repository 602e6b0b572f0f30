// The CLOB slow, failing with 500s, and resetting connections mid-response, under paper runs:
// each run completes (the market-data client retries what it may) or fails cleanly, recorded as
// failed with nothing else written, and runs again with --retry once the venue is back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/faults/fault_checks.h"
#include "tests/support/plans.h"
#include "tests/support/stack.h"

namespace betteroms::test {
namespace {

using ::testing::HasSubstr;

const std::string kToken = "7171717171717171717171";

constexpr int kUnavailable = 3;
constexpr int kConflict = 4;

class ClobFaultsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!HaveTestPostgres()) {
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
    }
    stack_ = std::make_unique<Stack>();
    ASSERT_TRUE(stack_->ok()) << stack_->error();
    stack_->clob().SetBook(kToken, VenueBookJson(kToken, {{"0.48", "1000"}}, {{"0.50", "1000"}}));
  }

  CommandResult Submit(const std::string& id, const std::vector<std::string>& flags = {},
                       const std::string& timeout = "20") {
    std::vector<std::string> args = {"--timeout", timeout, "plan", "submit", "-"};
    args.insert(args.end(), flags.begin(), flags.end());
    return stack_->Omsctl(args,
                          PlanJson(id, {TradeJson(kToken, "BUY", "MARKET", "10"),
                                        TradeJson(kToken, "BUY", "LIMIT", "10",
                                                  R"(, "price": 0.45, "sizeUnit": "SHARES")")}));
  }
  int64_t Count(const std::string& sql) { return CountRows(stack_->db().url(), sql); }
  std::string Status(const std::string& id) {
    CommandResult r = stack_->Omsctl({"-o", "json", "runs", "show", id});
    return r.exit_code == 0 ? r.out : "";
  }

  // A plan whose market data kept failing: refused as unavailable, recorded failed with no
  // orders, refused again without --retry, and run with it once the venue answers.
  void ExpectCleanFailureThenRetry(const std::string& id, const CommandResult& r) {
    EXPECT_EQ(r.exit_code, kUnavailable) << r.err;
    EXPECT_THAT(r.err, HasSubstr("unavailable"));
    EXPECT_THAT(Status(id), HasSubstr("\"failed\""));
    EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE plan_id = '" + id + "'"), 0);
    ExpectNothingHalfWritten(stack_->db().url());
    CommandResult again = Submit(id);
    EXPECT_EQ(again.exit_code, kConflict) << again.err;
    EXPECT_THAT(again.err, HasSubstr("--retry"));
    CommandResult retried = Submit(id, {"--retry"});
    EXPECT_EQ(retried.exit_code, 0) << retried.err;
    EXPECT_THAT(Status(id), HasSubstr("\"completed\""));
    EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE plan_id = '" + id + "'"), 2);
  }

  std::unique_ptr<Stack> stack_;
};

TEST_F(ClobFaultsTest, ASlowVenueSlowsTheRunDown) {
  stack_->clob().SetDelayMs(300);
  auto start = std::chrono::steady_clock::now();
  CommandResult r = Submit("slow");
  auto took = std::chrono::steady_clock::now() - start;
  stack_->clob().SetDelayMs(0);
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_GE(took, std::chrono::milliseconds(300));  // the delay was met
  EXPECT_THAT(Status("slow"), HasSubstr("\"completed\""));
  ExpectNothingHalfWritten(stack_->db().url());
}

TEST_F(ClobFaultsTest, AVenueSlowerThanTheCallersDeadlineCommitsNothing) {
  stack_->clob().SetDelayMs(1500);
  CommandResult r = Submit("too-slow", {}, "0.5");
  EXPECT_NE(r.exit_code, 0);
  stack_->clob().SetDelayMs(0);
  // The server finishes reading, sees that the caller gave up and commits nothing, not even a
  // failure record: the plan runs later as if it never had.
  std::this_thread::sleep_for(std::chrono::milliseconds(2500));
  EXPECT_EQ(Status("too-slow"), "");
  ExpectNothingHalfWritten(stack_->db().url());
  CommandResult again = Submit("too-slow");
  EXPECT_EQ(again.exit_code, 0) << again.err;
  EXPECT_THAT(Status("too-slow"), HasSubstr("\"completed\""));
}

TEST_F(ClobFaultsTest, AFewServerErrorsAreRetriedAndTheRunCompletes) {
  stack_->clob().FailNext(500, 2);
  CommandResult r = Submit("blip");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(Status("blip"), HasSubstr("\"completed\""));
  ExpectNothingHalfWritten(stack_->db().url());
}

TEST_F(ClobFaultsTest, AVenueFailingWithServerErrorsFailsTheRunCleanly) {
  stack_->clob().FailNext(500, 1000);
  CommandResult r = Submit("down");
  stack_->clob().FailNext(500, 0);
  ExpectCleanFailureThenRetry("down", r);
}

TEST_F(ClobFaultsTest, AConnectionResetMidResponseIsRetried) {
  stack_->clob().CutNext(1);
  CommandResult r = Submit("reset-once");
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(Status("reset-once"), HasSubstr("\"completed\""));
  ExpectNothingHalfWritten(stack_->db().url());
}

TEST_F(ClobFaultsTest, ConnectionsResetEveryTimeFailTheRunCleanly) {
  stack_->clob().CutNext(1000);
  CommandResult r = Submit("resets");
  stack_->clob().CutNext(0);
  ExpectCleanFailureThenRetry("resets", r);
  EXPECT_TRUE(stack_->server().Running());
}

}  // namespace
}  // namespace betteroms::test
