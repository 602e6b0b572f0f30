// Scheduled plans in PostgreSQL: the claim that turns a due scheduled run into a running one is
// taken once, however many ticks race for it; due and listed runs come soonest first.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "absl/time/clock.h"
#include "store/runs_repo.h"
#include "tests/support/pg_harness.h"
#include "tests/support/status_matchers.h"

namespace betteroms::store {
namespace {

using test::IsOk;

class ScheduleStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::HaveTestPostgres()) {
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
    }
    db_ = test::TestDatabase::Create();
  }

  // Stores a scheduled paper run due at `run_at`.
  void Schedule(const std::string& plan_id, absl::Time run_at) {
    domain::Run run;
    run.plan_id = plan_id;
    run.plan_json = "{}";
    run.plan_hash = "h-" + plan_id;
    run.trade_count = 1;
    run.started_at = absl::Now();
    run.run_at = run_at;
    auto conn = db_->Connect();
    absl::StatusOr<bool> inserted = InsertScheduledRun(*conn, run);
    ASSERT_THAT(inserted, IsOk());
    ASSERT_TRUE(*inserted);
  }

  std::unique_ptr<test::TestDatabase> db_;
};

TEST_F(ScheduleStoreTest, TwoConcurrentClaimsOfADuePlanRunItOnce) {
  absl::Time now = absl::Now();
  Schedule("due-1", now - absl::Seconds(1));
  // Both claimants are inside their transactions before either claims; the first holds its
  // claim uncommitted for a while, so the second's UPDATE must wait on the row and then see it
  // running.
  constexpr int kClaimants = 2;
  std::atomic<int> ready{0};
  std::atomic<int> won{0};
  std::atomic<int> lost{0};
  std::vector<std::thread> threads;
  threads.reserve(kClaimants);
  for (int i = 0; i < kClaimants; ++i) {
    threads.emplace_back([&, i] {
      auto conn = db_->Connect();
      absl::Status st = InTransaction(*conn, [&](Connection& tx) -> absl::Status {
        ++ready;
        while (ready.load() < kClaimants) absl::SleepFor(absl::Milliseconds(1));
        if (i == 1) absl::SleepFor(absl::Milliseconds(50));  // the other usually claims first
        absl::StatusOr<bool> claimed = ClaimScheduledRun(tx, "due-1", absl::Now());
        if (!claimed.ok()) return claimed.status();
        if (*claimed) {
          ++won;
          absl::SleepFor(absl::Milliseconds(300));  // the run's work, uncommitted
        } else {
          ++lost;
        }
        return absl::OkStatus();
      });
      EXPECT_THAT(st, IsOk());
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(won.load(), 1);
  EXPECT_EQ(lost.load(), 1);
  auto conn = db_->Connect();
  absl::StatusOr<domain::Run> run = GetRun(*conn, "due-1");
  ASSERT_THAT(run, IsOk());
  EXPECT_EQ(run->status, domain::RunStatus::kRunning);
}

TEST_F(ScheduleStoreTest, ARolledBackClaimLeavesThePlanScheduledForTheNextTick) {
  Schedule("due-2", absl::Now() - absl::Seconds(1));
  auto conn = db_->Connect();
  absl::Status st = InTransaction(*conn, [&](Connection& tx) -> absl::Status {
    absl::StatusOr<bool> claimed = ClaimScheduledRun(tx, "due-2", absl::Now());
    EXPECT_THAT(claimed, IsOk());
    EXPECT_TRUE(claimed.value_or(false));
    return absl::FailedPreconditionError("the run failed");
  });
  EXPECT_FALSE(st.ok());
  absl::StatusOr<domain::Run> run = GetRun(*conn, "due-2");
  ASSERT_THAT(run, IsOk());
  EXPECT_EQ(run->status, domain::RunStatus::kScheduled);
  // Recording the failure is conditional too: once, and only while still scheduled.
  absl::StatusOr<bool> failed = FailScheduledRun(*conn, "due-2", absl::Now(), "no shares");
  ASSERT_THAT(failed, IsOk());
  EXPECT_TRUE(*failed);
  failed = FailScheduledRun(*conn, "due-2", absl::Now(), "again");
  ASSERT_THAT(failed, IsOk());
  EXPECT_FALSE(*failed);
  run = GetRun(*conn, "due-2");
  ASSERT_THAT(run, IsOk());
  EXPECT_EQ(run->status, domain::RunStatus::kFailed);
  EXPECT_EQ(run->error_message, "no shares");
}

TEST_F(ScheduleStoreTest, APlanNotYetDueIsNeitherListedDueNorClaimed) {
  absl::Time now = absl::Now();
  Schedule("later", now + absl::Hours(1));
  Schedule("soon", now - absl::Seconds(5));
  Schedule("sooner", now - absl::Seconds(10));
  auto conn = db_->Connect();
  absl::StatusOr<std::vector<domain::Run>> due = ListDueRuns(*conn, now, 100);
  ASSERT_THAT(due, IsOk());
  ASSERT_EQ(due->size(), 2u);
  EXPECT_EQ((*due)[0].plan_id, "sooner");
  EXPECT_EQ((*due)[1].plan_id, "soon");
  EXPECT_EQ((*due)[0].plan_json, "{}");
  absl::StatusOr<bool> claimed = ClaimScheduledRun(*conn, "later", now);
  ASSERT_THAT(claimed, IsOk());
  EXPECT_FALSE(*claimed);

  RunFilter filter;
  filter.scheduled = true;
  absl::StatusOr<std::vector<domain::Run>> listed = ListRuns(*conn, filter);
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ((*listed)[0].plan_id, "sooner");
  EXPECT_EQ((*listed)[2].plan_id, "later");
  ASSERT_TRUE((*listed)[2].run_at.has_value());
  EXPECT_LT(absl::AbsDuration(*(*listed)[2].run_at - (now + absl::Hours(1))),
            absl::Milliseconds(2));

  absl::StatusOr<bool> deleted = DeleteScheduledRun(*conn, "later");
  ASSERT_THAT(deleted, IsOk());
  EXPECT_TRUE(*deleted);
  EXPECT_EQ(GetRun(*conn, "later").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace betteroms::store
