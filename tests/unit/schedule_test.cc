// Scheduled plans, the pure rules: a plan's runAt, when a submitted plan runs, and the refusal of
// a planId that is scheduled already.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/time.h"
#include "oms-server/domain/plan.h"
#include "oms-server/domain/run.h"

namespace betteroms::domain {
namespace {

using ::testing::HasSubstr;

const absl::Time kNow = absl::FromUnixSeconds(1'800'000'000);

std::string PlanWith(const std::string& extra) {
  return R"({"planId": "p", "mode": "paper", )" + extra +
         R"("trades": [{"marketTokenId": "1", "outcome": "YES", "side": "BUY",
            "orderType": "MARKET", "size": 10}]})";
}

TEST(RunAtTest, APlansRunAtIsReadAsATimeWithItsZone) {
  PlanParseResult parsed = ParsePlan(PlanWith(R"("runAt": "2026-12-01T10:00:00+01:00", )"));
  ASSERT_TRUE(parsed.ok()) << ViolationsText("plan", parsed.violations);
  ASSERT_TRUE(parsed.plan.run_at.has_value());
  EXPECT_EQ(FormatRfc3339(*parsed.plan.run_at), "2026-12-01T09:00:00.000Z");
  EXPECT_FALSE(ParsePlan(PlanWith("")).plan.run_at.has_value());
}

TEST(RunAtTest, ARunAtThatIsNotATimeIsAViolationAtItsPath) {
  PlanParseResult parsed = ParsePlan(PlanWith(R"("runAt": "tomorrow", )"));
  ASSERT_EQ(parsed.violations.size(), 1u);
  EXPECT_EQ(parsed.violations[0].path, "runAt");
}

TEST(RunAtTest, WhenIsNotPartOfWhatAPlanDoes) {
  PlanParseResult a = ParsePlan(PlanWith(R"("runAt": "2026-12-01T09:00:00Z", )"));
  PlanParseResult b = ParsePlan(PlanWith(""));
  EXPECT_EQ(CanonicalPlanText(a.plan), CanonicalPlanText(b.plan));
}

TEST(ResolveRunAtTest, AFutureTimeIsScheduledAndNoneOrADueOneRunsNow) {
  auto later = ResolveRunAt(kNow + absl::Minutes(5), "", kNow);
  ASSERT_TRUE(later.ok());
  EXPECT_EQ(*later, kNow + absl::Minutes(5));
  auto none = ResolveRunAt(std::nullopt, "", kNow);
  ASSERT_TRUE(none.ok());
  EXPECT_FALSE(none->has_value());
  auto due = ResolveRunAt(kNow, "", kNow);
  ASSERT_TRUE(due.ok());
  EXPECT_FALSE(due->has_value());
  auto late = ResolveRunAt(kNow - kRunAtGrace, "", kNow);
  ASSERT_TRUE(late.ok());
  EXPECT_FALSE(late->has_value());
}

TEST(ResolveRunAtTest, AStaleTimeIsRefused) {
  auto stale = ResolveRunAt(kNow - kRunAtGrace - absl::Seconds(1), "", kNow);
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(stale.status().message(), HasSubstr("in the past"));
}

TEST(ResolveRunAtTest, TheSubmittersTimeSetsItAndMustAgreeWithThePlans) {
  std::string at = FormatRfc3339(kNow + absl::Hours(2));
  auto set = ResolveRunAt(std::nullopt, at, kNow);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(*set, kNow + absl::Hours(2));
  // The same instant written in another zone agrees.
  auto same = ResolveRunAt(kNow + absl::Hours(2), at, kNow);
  ASSERT_TRUE(same.ok());
  auto differ = ResolveRunAt(kNow + absl::Hours(1), at, kNow);
  EXPECT_EQ(differ.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(differ.status().message(), HasSubstr("give one time"));
  EXPECT_EQ(ResolveRunAt(std::nullopt, "soon", kNow).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(CheckRerunTest, AScheduledPlanIdIsTakenAndSaysWhen) {
  domain::Run earlier;
  earlier.plan_id = "p";
  earlier.plan_hash = "h";
  earlier.status = RunStatus::kScheduled;
  earlier.run_at = kNow + absl::Hours(1);
  for (bool retry : {false, true}) {
    absl::Status st = CheckRerun(earlier, "h", retry);
    EXPECT_EQ(st.code(), absl::StatusCode::kAlreadyExists);
    EXPECT_THAT(st.message(),
                HasSubstr("already scheduled to run at " + FormatRfc3339(kNow + absl::Hours(1))));
  }
}

}  // namespace
}  // namespace betteroms::domain
