// Scheduled plans and omsctl's everyday comforts, end to end: omsctl → oms-server → PostgreSQL and
// the fake CLOB. A plan with a runAt waits, holds its planId, and runs once at the first tick at or
// after its time; `plan submit --dir` is safe to rerun; `runs list --since/--limit`; --version on
// every binary; bash completion.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/time/clock.h"
#include "common/time.h"
#include "tests/support/omsctl_fixture.h"
#include "tests/support/plans.h"
#include "tests/support/stack.h"

namespace betteroms::test {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Not;

const std::string kYes =
    "71321045679252212594626385532706912750332728571942532289631379312455583992563";

constexpr int kRunFailed = 1;
constexpr int kUsage = 2;
constexpr int kConflict = 4;

// A paper plan buying $4 of YES, to run at `run_at` (RFC 3339) when given.
std::string BuyPlan(const std::string& id, const std::string& run_at = "") {
  std::string plan = PlanJson(id, {TradeJson(kYes, "BUY", "MARKET", "4")});
  if (run_at.empty()) return plan;
  return absl::StrReplaceAll(
      plan, {{R"("mode": "paper",)", R"("mode": "paper", "runAt": ")" + run_at + R"(",)"}});
}

// A paper plan selling more shares than anyone holds: valid, but its run fails.
std::string NakedSellPlan(const std::string& id, const std::string& run_at = "") {
  std::string plan =
      PlanJson(id, {TradeJson(kYes, "SELL", "MARKET", "500", R"(, "sizeUnit": "SHARES")")});
  if (run_at.empty()) return plan;
  return absl::StrReplaceAll(
      plan, {{R"("mode": "paper",)", R"("mode": "paper", "runAt": ")" + run_at + R"(",)"}});
}

class ScheduleTest : public OmsctlTest {
 protected:
  void SetUp() override {
    OmsctlTest::SetUp();
    if (HasFatalFailure()) return;
    stack_->clob().SetBook(kYes, VenueBookJson(kYes, {{"0.48", "100"}}, {{"0.50", "1000"}}));
  }
  CommandResult Omsctl(const std::vector<std::string>& args, const std::string& input = "") {
    return stack_->Omsctl(args, input);
  }
  std::string Status(const std::string& plan_id) {
    auto res = stack_->db().Connect()->Exec(
        "s", "SELECT status FROM execution_history WHERE plan_id = '" + plan_id + "'");
    return res->rows() == 0 ? "" : res->Row(0).Text("status");
  }
  int64_t Orders(const std::string& plan_id) {
    return Count("SELECT count(*) FROM orders WHERE plan_id = '" + plan_id + "'");
  }
};

TEST_F(ScheduleTest, APlanWithRunAtWaitsThenTheFirstTickAfterItRunsItOnce) {
  absl::Time run_at = absl::Now() + absl::Seconds(3);
  CommandResult r = Submit(BuyPlan("at-1", FormatRfc3339(run_at)));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out,
              HasSubstr("scheduled: runs at the first tick at or after " + FormatRfc3339(run_at)));
  EXPECT_EQ(Status("at-1"), "scheduled");
  EXPECT_EQ(Orders("at-1"), 0);

  r = Omsctl({"-o", "json", "plan", "list", "--scheduled"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  nlohmann::json listed = Json(r);
  ASSERT_EQ(listed["runs"].size(), 1u) << r.out;
  EXPECT_EQ(listed["runs"][0]["planId"], "at-1");
  EXPECT_EQ(listed["runs"][0]["status"], "scheduled");
  EXPECT_EQ(listed["runs"][0]["runAt"], FormatRfc3339(run_at));

  // A scheduled planId is claimed: a second submit is a conflict.
  r = Submit(BuyPlan("at-1", FormatRfc3339(run_at)));
  EXPECT_EQ(r.exit_code, kConflict) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("already scheduled"));

  // Before its time a tick leaves it alone.
  r = Omsctl({"tick"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, Not(HasSubstr("scheduled plan")));
  EXPECT_EQ(Status("at-1"), "scheduled");
  EXPECT_EQ(Orders("at-1"), 0);

  absl::SleepFor(run_at - absl::Now() + absl::Milliseconds(200));
  r = Omsctl({"tick"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("scheduled plan at-1: completed, 1 orders (1 filled"));
  EXPECT_THAT(r.out, HasSubstr("1 scheduled plan(s) ran (0 failed)"));
  EXPECT_EQ(Status("at-1"), "completed");
  EXPECT_EQ(Orders("at-1"), 1);

  // Once.
  r = Omsctl({"-o", "json", "tick"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_TRUE(Json(r).value("scheduledRuns", nlohmann::json::array()).empty()) << r.out;
  EXPECT_EQ(Orders("at-1"), 1);
  r = Omsctl({"-o", "json", "plan", "list", "--scheduled"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(Json(r).value("runs", nlohmann::json::array()).empty()) << r.out;
}

TEST_F(ScheduleTest, SubmitAtSchedulesAndUnscheduleFreesThePlanId) {
  absl::Time before = absl::Now();
  CommandResult r = stack_->Omsctl({"plan", "submit", "--at", "1h", "-"}, BuyPlan("later-1"));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  nlohmann::json run = Run("later-1");
  EXPECT_EQ(run["status"], "scheduled");
  absl::StatusOr<absl::Time> at = ParseTime(run.value("runAt", ""));
  ASSERT_TRUE(at.ok()) << run.dump();
  EXPECT_GE(*at, before + absl::Hours(1) - absl::Seconds(1));
  EXPECT_LE(*at, absl::Now() + absl::Hours(1));

  r = Omsctl({"plan", "unschedule", "later-1"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("unscheduled plan later-1"));
  EXPECT_EQ(Status("later-1"), "");
  r = Omsctl({"plan", "unschedule", "later-1"});
  EXPECT_EQ(r.exit_code, kUsage) << r.out << r.err;  // NOT_FOUND

  // The planId is free again: it runs now.
  r = Submit(BuyPlan("later-1"));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Status("later-1"), "completed");
  r = Omsctl({"plan", "unschedule", "later-1"});
  EXPECT_EQ(r.exit_code, kRunFailed) << r.out << r.err;  // FAILED_PRECONDITION
  EXPECT_THAT(r.err, HasSubstr("not scheduled"));
}

TEST_F(ScheduleTest, RunAtIsCheckedWhenSubmitted) {
  absl::Time now = absl::Now();
  // The plan's time and --at disagree.
  CommandResult r = stack_->Omsctl({"plan", "submit", "--at", "2h", "-"},
                                   BuyPlan("two-times", FormatRfc3339(now + absl::Hours(1))));
  EXPECT_EQ(r.exit_code, kUsage) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("give one time"));
  // Long past: refused, nothing stored.
  r = Submit(BuyPlan("stale", FormatRfc3339(now - absl::Hours(2))));
  EXPECT_EQ(r.exit_code, kUsage) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("in the past"));
  EXPECT_EQ(Status("stale"), "");
  // Not a time.
  r = Submit(BuyPlan("garbled", "tomorrow at nine"));
  EXPECT_EQ(r.exit_code, kUsage) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("runAt"));
  // A little late: runs at once.
  r = Submit(BuyPlan("late", FormatRfc3339(now - absl::Minutes(5))));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Status("late"), "completed");
  // Validated in full now: a market the venue does not know refuses the plan, nothing stored.
  r = Submit(absl::StrReplaceAll(BuyPlan("no-book", FormatRfc3339(now + absl::Hours(1))),
                                 {{kYes, "123456789"}}));
  EXPECT_NE(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Status("no-book"), "");
}

TEST_F(ScheduleTest, AScheduledRunThatFailsWhenDueIsRecordedAndReported) {
  absl::Time run_at = absl::Now() + absl::Seconds(2);
  CommandResult r = Submit(NakedSellPlan("sell-at", FormatRfc3339(run_at)));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(Status("sell-at"), "scheduled");
  absl::SleepFor(run_at - absl::Now() + absl::Milliseconds(200));
  r = Omsctl({"tick"});
  EXPECT_EQ(r.exit_code, kRunFailed) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("scheduled plan sell-at: failed: "));
  EXPECT_THAT(r.out, HasSubstr("SELL of 500 shares"));
  // Maintenance still ran and recorded the tick.
  EXPECT_THAT(r.out, MatchesRegex("(.|\n)*tick [0-9]+: 1 scheduled plan\\(s\\) ran \\(1 failed\\)"
                                  "(.|\n)*"));
  nlohmann::json run = Run("sell-at");
  EXPECT_EQ(run["status"], "failed");
  EXPECT_THAT(run.value("errorMessage", ""), HasSubstr("SELL of 500 shares"));
  EXPECT_EQ(Orders("sell-at"), 0);
}

// An outage when a plan comes due is not the plan's failure: it stays scheduled, the tick says so,
// and the first tick that can read the market runs it.
TEST_F(ScheduleTest, AScheduledRunThatMeetsAnOutageWaitsForTheNextTick) {
  absl::Time run_at = absl::Now() + absl::Seconds(2);
  CommandResult r = Submit(BuyPlan("outage-at", FormatRfc3339(run_at)));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  absl::SleepFor(run_at - absl::Now() + absl::Milliseconds(200));
  stack_->clob().FailNext(503, 1000);
  r = Omsctl({"-o", "json", "tick"});
  stack_->clob().FailNext(503, 0);
  EXPECT_EQ(Status("outage-at"), "scheduled") << r.out << r.err;
  EXPECT_EQ(Orders("outage-at"), 0);
  nlohmann::json report = Json(r);
  EXPECT_EQ(report.value("scheduledDeferred", 0), 1) << r.out;
  EXPECT_THAT(report.value("message", ""), HasSubstr("deferred to the next tick")) << r.out;

  r = Omsctl({"tick"});
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("scheduled plan outage-at: completed"));
  EXPECT_EQ(Status("outage-at"), "completed");
  EXPECT_EQ(Orders("outage-at"), 1);
}

TEST_F(ScheduleTest, SubmitDirRunsEachPlanOnceAndARerunSucceeds) {
  TempDir plans;
  std::string later = FormatRfc3339(absl::Now() + absl::Hours(1));
  plans.Write("10-buy.json", BuyPlan("dir-buy"));
  plans.Write("20-invalid.json", absl::StrReplaceAll(BuyPlan("dir-bad"), {{"BUY", "HOLD"}}));
  plans.Write("30-later.json", BuyPlan("dir-later", later));
  plans.Write("40-sell.json", NakedSellPlan("dir-sell"));
  plans.Write("notes.txt", "not a plan");

  CommandResult r = Omsctl({"plan", "submit", "--dir", plans.path()});
  EXPECT_EQ(r.exit_code, kUsage) << r.out << r.err;  // the worst: an invalid plan
  EXPECT_THAT(r.out, HasSubstr("10-buy.json: dir-buy ran: completed, 1 orders"));
  EXPECT_THAT(r.out, HasSubstr("20-invalid.json: failed: the plan is invalid"));
  EXPECT_THAT(r.out, HasSubstr("30-later.json: dir-later scheduled: runs at the first tick at or "
                               "after " +
                               later));
  EXPECT_THAT(r.out, HasSubstr("40-sell.json: failed: "));
  EXPECT_THAT(r.out, HasSubstr("4 plan(s): 1 ran, 1 scheduled, 0 already done, 2 failed"));
  EXPECT_THAT(r.out, Not(HasSubstr("notes.txt")));
  // The invalid plan did not stop the ones after it.
  EXPECT_EQ(Status("dir-sell"), "failed");

  // The trader removes the invalid plan; the hourly job runs the folder again: everything is
  // done already, so it succeeds, and nothing ran twice.
  ASSERT_EQ(std::remove(plans.File("20-invalid.json").c_str()), 0);
  r = Omsctl({"plan", "submit", "--dir", plans.path()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_THAT(r.out, HasSubstr("10-buy.json: already done: plan \"dir-buy\" already ran"));
  EXPECT_THAT(r.out, HasSubstr("30-later.json: already done: plan \"dir-later\" is already "
                               "scheduled"));
  EXPECT_THAT(r.out, HasSubstr("40-sell.json: already done: "));
  EXPECT_THAT(r.out, HasSubstr("3 plan(s): 0 ran, 0 scheduled, 3 already done, 0 failed"));
  EXPECT_EQ(Orders("dir-buy"), 1);
}

TEST_F(ScheduleTest, RunsListSinceAndLimit) {
  for (const char* id : {"old-1", "new-1", "new-2"}) {
    ASSERT_EQ(Submit(BuyPlan(id)).exit_code, 0) << id;
  }
  ASSERT_TRUE(stack_->db()
                  .Connect()
                  ->Exec("age",
                         "UPDATE execution_history SET started_at = now() - "
                         "interval '3 days' WHERE plan_id = 'old-1'")
                  .ok());
  auto ids = [&](const std::vector<std::string>& flags) {
    std::vector<std::string> args = {"-o", "json", "runs", "list"};
    args.insert(args.end(), flags.begin(), flags.end());
    CommandResult r = Omsctl(args);
    EXPECT_EQ(r.exit_code, 0) << r.err;
    std::vector<std::string> out;
    for (const auto& run : Json(r).value("runs", nlohmann::json::array())) {
      out.push_back(run.value("planId", ""));
    }
    return out;
  };
  EXPECT_THAT(ids({"--since", "24h"}), ::testing::ElementsAre("new-2", "new-1"));
  EXPECT_THAT(ids({"--since", "7d"}), ::testing::ElementsAre("new-2", "new-1", "old-1"));
  EXPECT_THAT(ids({"--since", "7d", "--limit", "1"}), ::testing::ElementsAre("new-2"));
  EXPECT_THAT(ids({"--since", FormatRfc3339(absl::Now() - absl::Hours(1))}),
              ::testing::ElementsAre("new-2", "new-1"));
  CommandResult r = Omsctl({"runs", "list", "--since", "yesterday"});
  EXPECT_EQ(r.exit_code, kUsage) << r.out << r.err;
  EXPECT_THAT(r.err, HasSubstr("--since"));
}

TEST_F(ScheduleTest, TwoConcurrentTicksRunEachDuePlanOnce) {
  absl::Time run_at = absl::Now() + absl::Seconds(2);
  for (const char* id : {"race-1", "race-2", "race-3"}) {
    ASSERT_EQ(Submit(BuyPlan(id, FormatRfc3339(run_at))).exit_code, 0) << id;
  }
  absl::SleepFor(run_at - absl::Now() + absl::Milliseconds(200));
  CommandResult results[2];
  std::thread other([&] { results[1] = Omsctl({"tick"}); });
  results[0] = Omsctl({"tick"});
  other.join();
  int reported = 0;
  for (const CommandResult& r : results) {
    EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
    for (size_t at = r.out.find("scheduled plan race-"); at != std::string::npos;
         at = r.out.find("scheduled plan race-", at + 1)) {
      ++reported;
    }
  }
  EXPECT_EQ(reported, 3) << results[0].out << results[1].out;
  for (const char* id : {"race-1", "race-2", "race-3"}) {
    EXPECT_EQ(Status(id), "completed") << id;
    EXPECT_EQ(Orders(id), 1) << id;
  }
}

TEST(ScheduleTickLoopTest, TheServersOwnTickLoopRunsDuePlans) {
  if (!HaveTestPostgres()) GTEST_SKIP() << "BETTEROMS_TEST_PG is not set";
  Stack stack({"--tick-interval", "5s"});
  ASSERT_TRUE(stack.ok()) << stack.error();
  stack.clob().SetBook(kYes, VenueBookJson(kYes, {{"0.48", "100"}}, {{"0.50", "1000"}}));
  absl::Time run_at = absl::Now() + absl::Seconds(1);
  CommandResult r = stack.Omsctl({"plan", "submit", "-"}, BuyPlan("loop-1", FormatRfc3339(run_at)));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  auto status = [&] {
    auto res = stack.db().Connect()->Exec(
        "s", "SELECT status FROM execution_history WHERE plan_id = 'loop-1'");
    return res->Row(0).Text("status");
  };
  EXPECT_EQ(status(), "scheduled");
  // The first loop tick comes 5 s after the start; allow a second one.
  absl::Time give_up = absl::Now() + absl::Seconds(15);
  while (status() == "scheduled" && absl::Now() < give_up) absl::SleepFor(absl::Milliseconds(200));
  EXPECT_EQ(status(), "completed");
}

// The revision the binaries were built from, as git names it now (without --dirty: the tree may
// have changed since the build).
std::string SourceRevision() {
  CommandResult r = RunCommand({"/usr/bin/git", "-C", OMS_SOURCE_DIR, "describe", "--always"});
  if (r.exit_code != 0) return "";
  return std::string(absl::StripTrailingAsciiWhitespace(r.out));
}

TEST(VersionTest, EveryBinaryPrintsTheGitRevision) {
  std::string revision = SourceRevision();
  for (const auto& [bin, name] :
       std::vector<std::pair<std::string, std::string>>{{OmsServerBin(), "oms-server"},
                                                        {OmsSignerBin(), "oms-signer"},
                                                        {OmsctlBin(), "omsctl"}}) {
    CommandResult r = RunCommand({bin, "--version"});
    EXPECT_EQ(r.exit_code, 0) << name << ": " << r.out << r.err;
    EXPECT_THAT(r.out, MatchesRegex(name + " [A-Za-z0-9._+-]+\n")) << name;
    if (!revision.empty()) {
      EXPECT_THAT(r.out, ::testing::StartsWith(absl::StrCat(name, " ", revision))) << name;
    } else {
      EXPECT_EQ(r.out, name + " unknown\n");
    }
  }
}

// What bash completes for the words typed so far (the last one being completed).
std::string Complete(const std::string& words) {
  std::string script = absl::StrCat("source <(\"", OmsctlBin(),
                                    "\" completion bash) || exit 9\n"
                                    "COMP_WORDS=(",
                                    words,
                                    ")\n"
                                    "COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
                                    "_omsctl\n"
                                    "echo \"${COMPREPLY[*]}\"\n");
  CommandResult r = RunCommand({"/bin/bash", "-c", script});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  return std::string(absl::StripTrailingAsciiWhitespace(r.out));
}

TEST(CompletionTest, BashCompletesCommandsSubcommandsAndFlags) {
  EXPECT_EQ(Complete("omsctl pl"), "plan");
  EXPECT_EQ(Complete("omsctl plan ''"), "submit validate list unschedule");
  EXPECT_EQ(Complete("omsctl ru"), "runs");
  std::string flags = Complete("omsctl plan submit --");
  EXPECT_THAT(flags, HasSubstr("--at"));
  EXPECT_THAT(flags, HasSubstr("--dir"));
  EXPECT_THAT(flags, HasSubstr("--retry"));
  EXPECT_THAT(flags, HasSubstr("--server"));  // global flags too
  EXPECT_THAT(Complete("omsctl runs list --s"), HasSubstr("--since"));
  EXPECT_EQ(Complete("omsctl --output json plan li"), "list");
}

}  // namespace
}  // namespace betteroms::test
