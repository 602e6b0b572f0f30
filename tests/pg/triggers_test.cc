// The triggers repository against real PostgreSQL: rows stored and read back, every change out of
// `armed` conditional on it (two connections firing one trigger at once: one wins), OCO partners,
// expiry in batches, and a failed run's triggers disarmed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "store/orders_repo.h"
#include "store/runs_repo.h"
#include "store/triggers_repo.h"
#include "tests/support/pg_harness.h"
#include "tests/support/status_matchers.h"

namespace betteroms::store {
namespace {

using domain::TriggerRecord;
using domain::TriggerStatus;
using test::IsOk;
using ::testing::HasSubstr;

class TriggersRepoTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::HaveTestPostgres()) {
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
    }
    db_ = test::TestDatabase::Create();
    conn_ = db_->Connect();
  }

  // A run of `plan_id`, completed unless `status` says otherwise.
  void AddRun(const std::string& plan_id,
              domain::RunStatus status = domain::RunStatus::kCompleted) {
    domain::Run run;
    run.plan_id = plan_id;
    run.plan_json = "{}";
    run.plan_hash = "h";
    run.trade_count = 3;
    run.started_at = absl::FromUnixSeconds(1'800'000'000);
    ASSERT_TRUE(*InsertRunningRun(*conn_, run));
    if (status == domain::RunStatus::kRunning) return;
    domain::RunSummary summary;
    summary.plan_id = plan_id;
    summary.status = status;
    summary.started_at = run.started_at;
    ASSERT_THAT(FinishRun(*conn_, summary), IsOk());
  }

  static TriggerRecord Armed(const std::string& plan_id, int index, const std::string& oco = "",
                             bool below = true) {
    TriggerRecord t;
    t.plan_id = plan_id;
    t.trade_index = index;
    t.token_id = "1001";
    t.outcome = "Yes";
    t.side = domain::Side::kSell;
    t.description = "SELL 10 shares MARKET when bestBid ≤ 0.40";
    t.trigger.price = domain::TriggerPrice::kBestBid;
    t.trigger.below = below;
    t.trigger.level = below ? 400'000 : 600'000;
    t.oco = oco;
    return t;
  }

  std::vector<TriggerRecord> ByPlan(const std::string& plan_id) {
    TriggerFilter f;
    f.plan_id = plan_id;
    auto rows = ListTriggers(*conn_, f);
    EXPECT_THAT(rows, IsOk());
    return rows.ok() ? *rows : std::vector<TriggerRecord>();
  }

  Firing FiringAt(int64_t price) {
    return {absl::FromUnixSeconds(1'800'000'100), price, "1001", "book-1", "fired: test"};
  }

  std::unique_ptr<test::TestDatabase> db_;
  std::unique_ptr<Connection> conn_;
};

TEST_F(TriggersRepoTest, ArmedTriggersAreStoredAndReadBackAsWritten) {
  AddRun("p");
  std::vector<TriggerRecord> rows = {Armed("p", 1, "exit"), Armed("p", 2, "exit", false)};
  rows[1].trigger.until = absl::FromUnixSeconds(1'900'000'000);
  ASSERT_THAT(InsertTriggers(*conn_, rows), IsOk());
  EXPECT_GT(rows[0].id, 0);
  EXPECT_NE(rows[0].id, rows[1].id);

  auto armed = ListArmedTriggers(*conn_);
  ASSERT_THAT(armed, IsOk());
  ASSERT_EQ(armed->size(), 2u);
  const TriggerRecord& second = (*armed)[1];
  EXPECT_EQ(second.plan_id, "p");
  EXPECT_EQ(second.trade_index, 2);
  EXPECT_EQ(second.trigger.price, domain::TriggerPrice::kBestBid);
  EXPECT_FALSE(second.trigger.below);
  EXPECT_EQ(second.trigger.level, 600'000);
  EXPECT_EQ(second.trigger.level_text, "0.6");
  EXPECT_EQ(second.trigger.until, absl::FromUnixSeconds(1'900'000'000));
  EXPECT_EQ(second.oco, "exit");
  EXPECT_EQ(second.status, TriggerStatus::kArmed);
  EXPECT_EQ(second.side, domain::Side::kSell);
  EXPECT_FALSE(second.order_id.has_value());

  // One trigger per trade of a plan.
  std::vector<TriggerRecord> again = {Armed("p", 1)};
  EXPECT_EQ(InsertTriggers(*conn_, again).code(), absl::StatusCode::kAlreadyExists);
}

TEST_F(TriggersRepoTest, OnlyTriggersOfCompletedRunsAreWatched) {
  AddRun("running", domain::RunStatus::kRunning);
  AddRun("done");
  std::vector<TriggerRecord> rows = {Armed("running", 0), Armed("done", 0)};
  ASSERT_THAT(InsertTriggers(*conn_, rows), IsOk());
  auto armed = ListArmedTriggers(*conn_);
  ASSERT_THAT(armed, IsOk());
  ASSERT_EQ(armed->size(), 1u);
  EXPECT_EQ((*armed)[0].plan_id, "done");
}

TEST_F(TriggersRepoTest, ATriggerFiresOnceAndCancelsItsOcoPartner) {
  AddRun("p");
  std::vector<TriggerRecord> rows = {Armed("p", 1, "exit"), Armed("p", 2, "exit", false),
                                     Armed("p", 3)};
  ASSERT_THAT(InsertTriggers(*conn_, rows), IsOk());
  domain::Book book;
  book.token_id = "1001";
  book.hash = "book-1";
  book.raw_json = "{}";
  ASSERT_THAT(InsertSnapshots(*conn_, {&book}), IsOk());

  auto fired = FireTrigger(*conn_, rows[0].id, FiringAt(380'000));
  ASSERT_THAT(fired, IsOk());
  EXPECT_TRUE(*fired);
  auto again = FireTrigger(*conn_, rows[0].id, FiringAt(370'000));
  ASSERT_THAT(again, IsOk());
  EXPECT_FALSE(*again);
  auto partners = CancelOcoPartners(*conn_, rows[0], "cancelled: its OCO partner fired");
  ASSERT_THAT(partners, IsOk());
  EXPECT_EQ(*partners, 1);
  EXPECT_FALSE(*FireTrigger(*conn_, rows[1].id, FiringAt(610'000)));

  std::vector<TriggerRecord> now = ByPlan("p");
  ASSERT_EQ(now.size(), 3u);
  EXPECT_EQ(now[0].status, TriggerStatus::kFired);
  EXPECT_EQ(now[0].fired_price, 380'000);  // the first firing's, not the second attempt's
  EXPECT_EQ(now[0].fired_book_hash, "book-1");
  EXPECT_EQ(now[0].fired_at, absl::FromUnixSeconds(1'800'000'100));
  EXPECT_EQ(now[1].status, TriggerStatus::kCancelled);
  EXPECT_THAT(now[1].reason, HasSubstr("OCO"));
  EXPECT_EQ(now[2].status, TriggerStatus::kArmed);  // not of the group
}

TEST_F(TriggersRepoTest, TwoConnectionsFiringOneTriggerAtOnceHaveOneWinner) {
  AddRun("p");
  std::vector<TriggerRecord> rows = {Armed("p", 1)};
  ASSERT_THAT(InsertTriggers(*conn_, rows), IsOk());
  constexpr int kRacers = 6;
  std::atomic<int> ready{0};
  std::atomic<int> winners{0};
  std::atomic<int> errors{0};
  std::vector<std::thread> racers;
  racers.reserve(kRacers);
  for (int i = 0; i < kRacers; ++i) {
    racers.emplace_back([&, i] {
      auto conn = db_->Connect();
      ++ready;
      while (ready.load() < kRacers) std::this_thread::yield();
      bool won = false;
      absl::Status done = InTransaction(*conn, [&](Connection& tx) -> absl::Status {
        absl::StatusOr<bool> fired = FireTrigger(tx, rows[0].id, FiringAt(300'000 + i));
        if (!fired.ok()) return fired.status();
        won = *fired;
        // Hold the row a while, so the others wait on it and then see it fired.
        absl::SleepFor(absl::Milliseconds(50));
        return absl::OkStatus();
      });
      if (!done.ok()) ++errors;
      if (done.ok() && won) ++winners;
    });
  }
  for (auto& t : racers) t.join();
  EXPECT_EQ(errors.load(), 0);
  EXPECT_EQ(winners.load(), 1);
  std::vector<TriggerRecord> now = ByPlan("p");
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0].status, TriggerStatus::kFired);
}

TEST_F(TriggersRepoTest, EndingTriggersChangesOnlyThoseStillArmed) {
  AddRun("p");
  std::vector<TriggerRecord> rows = {Armed("p", 0), Armed("p", 1), Armed("p", 2)};
  ASSERT_THAT(InsertTriggers(*conn_, rows), IsOk());
  ASSERT_TRUE(*FireTrigger(*conn_, rows[0].id, FiringAt(390'000)));
  auto ended = EndTriggers(*conn_, TriggerStatus::kExpired, {rows[0].id, rows[1].id},
                           {"expired: a", "expired: b"});
  ASSERT_THAT(ended, IsOk());
  EXPECT_THAT(*ended, ::testing::ElementsAre(rows[1].id));
  std::vector<TriggerRecord> now = ByPlan("p");
  EXPECT_EQ(now[0].status, TriggerStatus::kFired);
  EXPECT_EQ(now[1].status, TriggerStatus::kExpired);
  EXPECT_EQ(now[1].reason, "expired: b");
  EXPECT_EQ(now[2].status, TriggerStatus::kArmed);
  // Never to armed or fired this way.
  EXPECT_FALSE(EndTriggers(*conn_, TriggerStatus::kFired, {rows[2].id}, {"x"}).ok());

  TriggerFilter expired;
  expired.status = TriggerStatus::kExpired;
  auto listed = ListTriggers(*conn_, expired);
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->size(), 1u);
  EXPECT_EQ((*listed)[0].id, rows[1].id);
}

TEST_F(TriggersRepoTest, AFiredTriggerKeepsTheOrderItsTradePlaced) {
  AddRun("p");
  std::vector<TriggerRecord> rows = {Armed("p", 1)};
  ASSERT_THAT(InsertTriggers(*conn_, rows), IsOk());
  ASSERT_TRUE(*FireTrigger(*conn_, rows[0].id, FiringAt(390'000)));
  domain::Order order;
  order.plan_id = "p";
  order.trade_index = 1;
  order.token_id = "1001";
  order.outcome = "Yes";
  order.side = domain::Side::kSell;
  order.status = domain::OrderStatus::kFilled;
  std::vector<domain::Order> orders = {order};
  ASSERT_THAT(InsertOrders(*conn_, orders), IsOk());
  ASSERT_THAT(RecordTriggerOutcome(*conn_, rows[0].id, orders[0].id, "fired: sold"), IsOk());
  auto got = GetTrigger(*conn_, rows[0].id);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->order_id, orders[0].id);
  EXPECT_EQ(got->reason, "fired: sold");
  auto placed = TriggeredOrderIds(*conn_, {orders[0].id, orders[0].id + 1000});
  ASSERT_THAT(placed, IsOk());
  EXPECT_THAT(*placed, ::testing::ElementsAre(orders[0].id));
  EXPECT_EQ(GetTrigger(*conn_, 424242).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(TriggersRepoTest, AFailedRunLeavesNoArmedTriggerAndItsRetryArmsAnew) {
  AddRun("p", domain::RunStatus::kRunning);
  std::vector<TriggerRecord> rows = {Armed("p", 1)};
  ASSERT_THAT(InsertTriggers(*conn_, rows), IsOk());
  domain::RunSummary failed;
  failed.plan_id = "p";
  failed.status = domain::RunStatus::kFailed;
  failed.error_message = "nothing was placed";
  failed.started_at = absl::FromUnixSeconds(1'800'000'000);
  ASSERT_THAT(FinishRun(*conn_, failed), IsOk());
  std::vector<TriggerRecord> now = ByPlan("p");
  ASSERT_EQ(now.size(), 1u);
  EXPECT_EQ(now[0].status, TriggerStatus::kCancelled);

  domain::Run retry;
  retry.plan_id = "p";
  retry.plan_json = "{}";
  retry.plan_hash = "h";
  retry.started_at = absl::FromUnixSeconds(1'800'000'500);
  auto restarted = RestartFailedRun(*conn_, retry);
  ASSERT_THAT(restarted, IsOk());
  EXPECT_TRUE(*restarted);
  std::vector<TriggerRecord> rearmed = {Armed("p", 1)};
  EXPECT_THAT(InsertTriggers(*conn_, rearmed), IsOk());
}

}  // namespace
}  // namespace betteroms::store
