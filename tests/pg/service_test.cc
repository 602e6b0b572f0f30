// The OMS service over a real PostgreSQL, with in-memory books and a controlled clock.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "oms-server/service/oms_service.h"
#include "store/runs_repo.h"
#include "tests/fakes/fake_signer.h"
#include "tests/support/call_context.h"
#include "tests/support/pg_harness.h"
#include "tests/support/plans.h"
#include "tests/support/static_market.h"
#include "tests/support/status_matchers.h"

namespace betteroms::service {
namespace {

using domain::Mode;
using domain::OrderStatus;
using domain::RunStatus;
using test::IsOk;
using test::PlanJson;
using test::StatusIs;
using test::TradeJson;
using ::testing::HasSubstr;
using ::testing::Not;

constexpr int64_t M = 1'000'000;

domain::Book BookOf(const std::string& token, std::vector<domain::Level> bids,
                    std::vector<domain::Level> asks) {
  domain::Book b;
  b.token_id = token;
  b.bids = std::move(bids);
  b.asks = std::move(asks);
  b.tick = 10'000;
  b.min_order_size = 5 * M;
  return b;
}

class ServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::HaveTestPostgres()) {
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
    }
    db_ = test::TestDatabase::Create();
    pool_ = std::make_unique<store::Pool>(db_->url(), 4);
    market_.Set(BookOf("1001", {{480'000, 100 * M}}, {{500'000, 100 * M}, {520'000, 100 * M}}));
    market_.Set(BookOf("1002", {{300'000, 100 * M}}, {{320'000, 100 * M}}));
    service_ = std::make_unique<OmsService>(*pool_, market_, clock_);
  }

  int64_t Count(const std::string& sql) {
    auto conn = db_->Connect();
    return conn->Exec("count", sql)->Row(0).Int(0);
  }

  std::unique_ptr<test::TestDatabase> db_;
  std::unique_ptr<store::Pool> pool_;
  test::StaticMarketData market_;
  test::ManualClock clock_;
  std::unique_ptr<OmsService> service_;
};

TEST_F(ServiceTest, APaperPlanIsStoredWithItsSummary) {
  auto summary =
      service_->SubmitPlan(PlanJson("p1", {TradeJson("1001", "BUY", "MARKET", "10"),
                                           TradeJson("1001", "BUY", "LIMIT", "10",
                                                     R"(, "price": 0.4, "sizeUnit": "SHARES")")}),
                           false);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->orders_placed, 2);
  EXPECT_EQ(summary->orders_filled, 1);
  EXPECT_EQ(summary->orders_open, 1);
  EXPECT_EQ(summary->notional_bought, 10 * M);
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE plan_id = 'p1'"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM executions e JOIN book_snapshots s "
                  "ON s.id = e.book_snapshot_id"),
            1);
  auto run = service_->GetRun("p1");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, RunStatus::kCompleted);
  EXPECT_EQ(run->summary->orders_placed, 2);  // read back from summary_json
  EXPECT_EQ(market_.requests, 1);             // one book read for the run
}

TEST_F(ServiceTest, AFailedWriteLeavesNoOrdersAndRecordsTheFailure) {
  {
    auto conn = db_->Connect();
    ASSERT_TRUE(conn->ExecScript("trap",
                                 "CREATE FUNCTION boom() RETURNS trigger LANGUAGE plpgsql AS "
                                 "$$ BEGIN RAISE EXCEPTION 'disk on fire'; END $$;"
                                 "CREATE TRIGGER boom BEFORE INSERT ON executions "
                                 "FOR EACH ROW EXECUTE FUNCTION boom();")
                    .ok());
  }
  auto summary =
      service_->SubmitPlan(PlanJson("p2", {TradeJson("1001", "BUY", "MARKET", "10")}), false);
  ASSERT_FALSE(summary.ok());
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM book_snapshots"), 0);
  auto run = service_->GetRun("p2");
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->status, RunStatus::kFailed);
  EXPECT_THAT(run->error_message, HasSubstr("disk on fire"));

  // A failed run without orders may run again, but only when asked to.
  auto conn = db_->Connect();
  ASSERT_TRUE(conn->ExecScript("untrap", "DROP TRIGGER boom ON executions").ok());
  auto again =
      service_->SubmitPlan(PlanJson("p2", {TradeJson("1001", "BUY", "MARKET", "10")}), false);
  EXPECT_THAT(again, StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("--retry")));
  auto retried =
      service_->SubmitPlan(PlanJson("p2", {TradeJson("1001", "BUY", "MARKET", "10")}), true);
  ASSERT_TRUE(retried.ok()) << retried.status();
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 1);
}

TEST_F(ServiceTest, ASellWithoutSharesPersistsNothing) {
  auto summary =
      service_->SubmitPlan(PlanJson("p3", {TradeJson("1002", "SELL", "LIMIT", "10",
                                                     R"(, "price": 0.3, "sizeUnit": "SHARES")")}),
                           false);
  ASSERT_EQ(summary.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM execution_history WHERE status = 'failed'"), 1);
}

TEST_F(ServiceTest, DuplicatesAndReusedPlanIdsAreRefusedWithReasons) {
  std::string plan = PlanJson("p4", {TradeJson("1001", "BUY", "MARKET", "5")});
  ASSERT_TRUE(service_->SubmitPlan(plan, false).ok());
  auto dup = service_->SubmitPlan(plan, false);
  EXPECT_THAT(dup, StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("already ran: completed")));
  auto other =
      service_->SubmitPlan(PlanJson("p4", {TradeJson("1001", "BUY", "MARKET", "6")}), false);
  EXPECT_THAT(other, StatusIs(absl::StatusCode::kAlreadyExists, HasSubstr("different plan")));
}

TEST_F(ServiceTest, SimultaneousSubmissionsOfOnePlanRunExactlyOnce) {
  for (int round = 0; round < 5; ++round) {
    std::string plan =
        PlanJson("race-" + std::to_string(round), {TradeJson("1001", "BUY", "MARKET", "1")});
    std::atomic<int> ok{0}, dup{0};
    std::vector<std::thread> threads;
    threads.reserve(4);
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([&] {
        auto r = service_->SubmitPlan(plan, false);
        if (r.ok()) ++ok;
        if (r.status().code() == absl::StatusCode::kAlreadyExists) ++dup;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok, 1) << "round " << round;
    EXPECT_EQ(dup, 3) << "round " << round;
  }
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 5);
}

TEST_F(ServiceTest, TwoPlansCannotSellTheSameSharesAtOnce) {
  ASSERT_TRUE(
      service_->SubmitPlan(PlanJson("own", {TradeJson("1002", "BUY", "MARKET", "3.2")}),
                           false)
          .ok());  // 10 shares at 0.32
  {
    // Writing an order takes a while: both runs have read the position before either commits.
    auto conn = db_->Connect();
    ASSERT_TRUE(conn->ExecScript("slow orders",
                                 "CREATE FUNCTION slow() RETURNS trigger LANGUAGE plpgsql AS "
                                 "$$ BEGIN PERFORM pg_sleep(0.05); RETURN NEW; END $$;"
                                 "CREATE TRIGGER slow BEFORE INSERT ON orders "
                                 "FOR EACH ROW EXECUTE FUNCTION slow();")
                    .ok());
  }
  for (int round = 0; round < 3; ++round) {
    std::atomic<int> ok{0}, refused{0};
    std::vector<std::thread> threads;
    threads.reserve(2);
    for (int i = 0; i < 2; ++i) {
      threads.emplace_back([&, i] {
        auto r =
            service_->SubmitPlan(PlanJson("sell-" + std::to_string(round) + "-" + std::to_string(i),
                                          {TradeJson("1002", "SELL", "LIMIT", "10",
                                                     R"(, "price": 0.9, "sizeUnit": "SHARES")")}),
                                 false);
        if (r.ok()) ++ok;
        if (r.status().code() == absl::StatusCode::kFailedPrecondition) ++refused;
      });
    }
    for (auto& t : threads) t.join();
    EXPECT_EQ(ok, round == 0 ? 1 : 0) << "round " << round;  // the resting SELL holds the shares
    EXPECT_EQ(refused, round == 0 ? 1 : 2) << "round " << round;
  }
}

TEST_F(ServiceTest, PositionsDoNotDependOnTheOrderOfUnrelatedTrades) {
  // Same trades in A and B, interleaved differently in two databases' worth of plans.
  ASSERT_TRUE(service_
                  ->SubmitPlan(PlanJson("x1", {TradeJson("1001", "BUY", "MARKET", "10"),
                                               TradeJson("1002", "BUY", "MARKET", "6")}),
                               false)
                  .ok());
  ASSERT_TRUE(service_
                  ->SubmitPlan(PlanJson("x2", {TradeJson("1001", "SELL", "MARKET", "5",
                                                         R"(, "sizeUnit": "SHARES")")}),
                               false)
                  .ok());
  auto first = service_->GetPositions(Mode::kPaper);
  ASSERT_TRUE(first.ok());

  auto db2 = test::TestDatabase::Create();
  store::Pool pool2(db2->url(), 2);
  OmsService other(pool2, market_, clock_);
  ASSERT_TRUE(
      other.SubmitPlan(PlanJson("y1", {TradeJson("1002", "BUY", "MARKET", "6")}), false).ok());
  ASSERT_TRUE(
      other.SubmitPlan(PlanJson("y2", {TradeJson("1001", "BUY", "MARKET", "10")}), false).ok());
  ASSERT_TRUE(other
                  .SubmitPlan(PlanJson("y3", {TradeJson("1001", "SELL", "MARKET", "5",
                                                        R"(, "sizeUnit": "SHARES")")}),
                              false)
                  .ok());
  auto second = other.GetPositions(Mode::kPaper);
  ASSERT_TRUE(second.ok());
  ASSERT_EQ(first->size(), 2u);
  ASSERT_EQ(second->size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ((*first)[i].token_id, (*second)[i].token_id);
    EXPECT_EQ((*first)[i].state.net_shares, (*second)[i].state.net_shares);
    EXPECT_EQ((*first)[i].state.cost, (*second)[i].state.cost);
    EXPECT_EQ((*first)[i].state.realized, (*second)[i].state.realized);
    EXPECT_EQ((*first)[i].marks.mark_price, (*second)[i].marks.mark_price);
  }
  EXPECT_EQ((*first)[0].token_id, "1001");
  EXPECT_EQ((*first)[0].state.net_shares, 15 * M);
  EXPECT_EQ((*first)[0].state.realized, -100'000);  // bought at 0.50, sold into 0.48
}

TEST_F(ServiceTest, TickFillsCrossedOrdersAndExpiresDueOnes) {
  ASSERT_TRUE(
      service_
          ->SubmitPlan(
              PlanJson(
                  "t1",
                  {TradeJson("1001", "BUY", "LIMIT", "10",
                             R"(, "price": 0.45, "sizeUnit": "SHARES")"),
                   TradeJson("1001", "BUY", "LIMIT", "10",
                             R"(, "price": 0.40, "sizeUnit": "SHARES", "cancelAfter": "1h")")}),
              false)
          .ok());
  auto quiet = service_->RunTick();
  ASSERT_TRUE(quiet.ok()) << quiet.status();
  EXPECT_EQ(quiet->orders_filled, 0);
  market_.Set(BookOf("1001", {{400'000, 100 * M}}, {{440'000, 6 * M}, {470'000, 100 * M}}));
  clock_.Advance(absl::Hours(2));
  auto report = service_->RunTick();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->orders_partially_filled, 1);
  EXPECT_EQ(report->orders_expired, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM executions WHERE price = 450000 AND shares = 6000000"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE status = 'expired'"), 1);
}

TEST_F(ServiceTest, ATickCancelsOrdersOnAResolvedMarketWhileOtherTokensFillAndExpire) {
  ASSERT_THAT(
      service_->SubmitPlan(
          PlanJson(
              "r1",
              {TradeJson("1001", "BUY", "LIMIT", "10", R"(, "price": 0.45, "sizeUnit": "SHARES")"),
               TradeJson("1002", "BUY", "LIMIT", "10", R"(, "price": 0.25, "sizeUnit": "SHARES")"),
               TradeJson("1002", "BUY", "LIMIT", "10",
                         R"(, "price": 0.20, "sizeUnit": "SHARES", "cancelAfter": "1h")")}),
          false),
      IsOk());
  // 1001's market closes (its book is gone, 1001 won) while 1002's book comes down to the order.
  // While the tick reads the books, one more order rests on 1001 just before it closes: it is
  // not the tick's to price, and waits for the next one.
  market_.Set(BookOf("1002", {{200'000, 100 * M}}, {{240'000, 100 * M}}));
  market_.SetResolution("1001", {true, std::string("1001"), "0xm1"});
  market_.on_read = [&] {
    market_.on_read = nullptr;  // once
    ASSERT_THAT(service_->SubmitPlan(
                    PlanJson("r1-late", {TradeJson("1001", "BUY", "LIMIT", "10",
                                                   R"(, "price": 0.40, "sizeUnit": "SHARES")")}),
                    false),
                IsOk());
    market_.Remove("1001");
  };
  clock_.Advance(absl::Hours(2));
  auto report = service_->RunTick();
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->orders_examined, 3);
  EXPECT_EQ(report->orders_cancelled_by_venue, 1);
  EXPECT_EQ(report->orders_filled, 1);
  EXPECT_EQ(report->orders_expired, 1);
  EXPECT_EQ(report->markets_resolved, 1);
  EXPECT_THAT(report->message, HasSubstr("1 market(s) newly resolved, 1 resting paper order(s) "
                                         "cancelled by the venue"));
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE plan_id = 'r1' AND token_id = '1001' AND "
                  "status = 'cancelled' AND reason = 'cancelled by the venue: the market "
                  "resolved'"),
            1);
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE plan_id = 'r1-late' AND status = 'open'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM executions WHERE token_id = '1002' AND price = 250000"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM market_resolutions WHERE token_id = '1001' AND "
                  "payout = 1000000 AND condition_id = '0xm1'"),
            1);

  // The next tick cancels the late order on the market it already knows closed: no book read,
  // no question to the venue, and the market is not counted again.
  int books_read = market_.requests;
  int asked = market_.resolution_requests;
  auto next = service_->RunTick();
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(next->orders_cancelled_by_venue, 1);
  EXPECT_EQ(next->markets_resolved, 0);
  EXPECT_EQ(market_.requests, books_read);
  EXPECT_EQ(market_.resolution_requests, asked);
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE status = 'cancelled'"), 2);
  EXPECT_EQ(Count("SELECT count(*) FROM market_resolutions"), 1);
}

TEST_F(ServiceTest, ABookGoneWithoutAKnownResolutionIsSkippedWithANoteAndOthersProceed) {
  ASSERT_THAT(
      service_->SubmitPlan(PlanJson("r2", {TradeJson("1001", "BUY", "LIMIT", "10",
                                                     R"(, "price": 0.45, "sizeUnit": "SHARES")"),
                                           TradeJson("1002", "BUY", "LIMIT", "10",
                                                     R"(, "price": 0.25, "sizeUnit": "SHARES")")}),
                           false),
      IsOk());
  market_.Remove("1001");  // the venue knows nothing of its market (yet)
  market_.Set(BookOf("1002", {{200'000, 100 * M}}, {{240'000, 100 * M}}));
  auto report = service_->RunTick();
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->orders_filled, 1);
  EXPECT_EQ(report->orders_cancelled_by_venue, 0);
  EXPECT_EQ(report->markets_resolved, 0);
  EXPECT_THAT(report->message, HasSubstr("no order book for token(s) 1001"));
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE token_id = '1001' AND status = 'open'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM market_resolutions"), 0);

  // Later the venue says the market closed and another outcome won: the order is cancelled and
  // the token recorded at 0.
  market_.SetResolution("1001", {true, std::string("1009"), ""});
  auto later = service_->RunTick();
  ASSERT_THAT(later, IsOk());
  EXPECT_EQ(later->orders_cancelled_by_venue, 1);
  EXPECT_EQ(later->markets_resolved, 1);
  EXPECT_THAT(later->message, Not(HasSubstr("no order book")));
  EXPECT_EQ(Count("SELECT count(*) FROM market_resolutions WHERE token_id = '1001' AND "
                  "payout = 0"),
            1);
}

TEST_F(ServiceTest, PositionsOnClosedMarketsAreMarkedAtTheirPayoutOrFlagged) {
  market_.Set(BookOf("1003", {{480'000, 100 * M}}, {{500'000, 100 * M}}));
  market_.Set(BookOf("1004", {{480'000, 100 * M}}, {{500'000, 100 * M}}));
  // 10 shares of each at 0.50 (5 dollars), 12 of 1002 at 0.32 (3.84 dollars).
  ASSERT_THAT(service_->SubmitPlan(PlanJson("r3", {TradeJson("1001", "BUY", "MARKET", "5"),
                                                   TradeJson("1002", "BUY", "MARKET", "3.84"),
                                                   TradeJson("1003", "BUY", "MARKET", "5"),
                                                   TradeJson("1004", "BUY", "MARKET", "5")}),
                                   false),
              IsOk());
  for (const char* token : {"1001", "1002", "1003"}) market_.Remove(token);
  market_.SetResolution("1001", {true, std::string("1001"), "0xa"});  // won
  market_.SetResolution("1002", {true, std::string("1012"), "0xb"});  // the other outcome won
  market_.SetResolution("1003", {true, std::nullopt, "0xc"});         // no winner named yet

  auto positions = service_->GetPositions(Mode::kPaper);
  ASSERT_THAT(positions, IsOk());
  ASSERT_EQ(positions->size(), 4u);
  const domain::Position& won = (*positions)[0];
  EXPECT_EQ(won.token_id, "1001");
  EXPECT_TRUE(won.resolved);
  EXPECT_EQ(won.payout, M);
  EXPECT_EQ(won.marks.mark_price, M);
  EXPECT_EQ(won.marks.liquidation_value, 10 * M);
  EXPECT_EQ(won.marks.unrealized, 10 * M - won.state.cost);
  EXPECT_EQ(won.state.cost, 5 * M);
  const domain::Position& lost = (*positions)[1];
  EXPECT_EQ(lost.token_id, "1002");
  EXPECT_TRUE(lost.resolved);
  EXPECT_EQ(lost.payout, 0);
  EXPECT_EQ(lost.marks.mark_price, 0);
  EXPECT_EQ(lost.marks.liquidation_value, 0);
  EXPECT_EQ(lost.marks.unrealized, -lost.state.cost);
  EXPECT_GT(lost.state.cost, 0);
  const domain::Position& unknown = (*positions)[2];
  EXPECT_TRUE(unknown.resolved);
  EXPECT_FALSE(unknown.payout.has_value());
  EXPECT_FALSE(unknown.marks.mark_price.has_value());
  EXPECT_FALSE(unknown.marks.unrealized.has_value());
  const domain::Position& open = (*positions)[3];
  EXPECT_EQ(open.token_id, "1004");
  EXPECT_FALSE(open.resolved);
  EXPECT_EQ(open.marks.mark_price, 490'000);  // the midpoint, as before
  EXPECT_EQ(Count("SELECT count(*) FROM market_resolutions"), 3);

  // The venue names 1003's winner later: the recorded unknown payout is filled in.
  market_.SetResolution("1003", {true, std::string("1003"), "0xc"});
  auto again = service_->GetPositions(Mode::kPaper);
  ASSERT_THAT(again, IsOk());
  EXPECT_EQ((*again)[2].payout, M);
  EXPECT_EQ((*again)[2].marks.liquidation_value, 10 * M);
  EXPECT_EQ((*again)[0].payout, M);  // from the record: its book is not asked for
  EXPECT_EQ(Count("SELECT count(*) FROM market_resolutions WHERE payout IS NULL"), 0);
}

TEST_F(ServiceTest, ASecondTickAtTheSameTimeReturnsAtOnceSayingSo) {
  auto other = db_->Connect();
  ASSERT_TRUE(other->Exec("lock", "SELECT pg_advisory_lock(8029200564483613547)").ok());
  auto report = service_->RunTick();
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_TRUE(report->skipped);
  EXPECT_THAT(report->message, HasSubstr("another tick is running"));
  ASSERT_TRUE(other->Exec("unlock", "SELECT pg_advisory_unlock(8029200564483613547)").ok());
  auto next = service_->RunTick();
  ASSERT_TRUE(next.ok());
  EXPECT_FALSE(next->skipped);
}

TEST_F(ServiceTest, CancelOnlyTouchesRestingOrders) {
  auto s = service_->SubmitPlan(
      PlanJson("c1",
               {TradeJson("1001", "BUY", "LIMIT", "10", R"(, "price": 0.3, "sizeUnit": "SHARES")"),
                TradeJson("1001", "BUY", "MARKET", "5")}),
      false);
  ASSERT_TRUE(s.ok());
  auto cancelled = service_->CancelOrder(s->orders[0].id);
  ASSERT_THAT(cancelled, IsOk());
  EXPECT_EQ(cancelled->status, OrderStatus::kCancelled);
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE status = 'cancelled'"), 1);
  EXPECT_THAT(service_->CancelOrder(s->orders[1].id),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("only resting")));
  EXPECT_THAT(service_->CancelOrder(999999), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(ServiceTest, ACancelThatLandsWhileATickReadsTheBooksIsNotOverwritten) {
  auto s = service_->SubmitPlan(
      PlanJson("race-cancel", {TradeJson("1001", "BUY", "LIMIT", "10",
                                         R"(, "price": 0.45, "sizeUnit": "SHARES")")}),
      false);
  ASSERT_THAT(s, IsOk());
  int64_t id = s->orders[0].id;
  // The book now crosses the order; while the tick reads it, the trader cancels the order.
  market_.Set(BookOf("1001", {{400'000, 100 * M}}, {{440'000, 100 * M}}));
  market_.on_read = [&] {
    market_.on_read = nullptr;  // once
    ASSERT_THAT(service_->CancelOrder(id), IsOk());
  };
  auto report = service_->RunTick();
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->orders_filled, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE status = 'cancelled'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM executions"), 0);
}

TEST_F(ServiceTest, AnOrderPlacedWhileATickReadsTheBooksWaitsForTheNextTick) {
  market_.Set(BookOf("1001", {{400'000, 100 * M}}, {{440'000, 100 * M}}));
  // While the tick reads the books, a plan rests a SELL the new book would fill.
  ASSERT_THAT(
      service_->SubmitPlan(PlanJson("own2", {TradeJson("1001", "BUY", "MARKET", "5"),
                                             TradeJson("1001", "BUY", "LIMIT", "5",
                                                       R"(, "price": 0.1, "sizeUnit": "SHARES")")}),
                           false),
      IsOk());  // the resting BUY far below makes the tick read the book
  market_.on_read = [&] {
    market_.on_read = nullptr;  // once
    ASSERT_THAT(service_->SubmitPlan(
                    PlanJson("late-sell", {TradeJson("1001", "SELL", "LIMIT", "5",
                                                     R"(, "price": 0.47, "sizeUnit": "SHARES")")}),
                    false),
                IsOk());
    market_.Set(BookOf("1001", {{480'000, 100 * M}}, {{490'000, 100 * M}}));  // crosses it
  };
  auto report = service_->RunTick();
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->orders_examined, 1);
  EXPECT_EQ(Count("SELECT count(*) FROM executions WHERE liquidity = 'maker'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE plan_id = 'late-sell'"), 1);
  auto next = service_->RunTick();
  ASSERT_THAT(next, IsOk());
  EXPECT_EQ(next->orders_examined, 2);
  EXPECT_EQ(next->orders_filled, 1);
}

TEST_F(ServiceTest, ARequestWhoseClientGaveUpWhileTheBooksWereReadCommitsNothing) {
  test::ManualCallContext call;
  market_.on_read = [&] { call.Cancel(); };
  auto summary = service_->SubmitPlan(
      PlanJson("gave-up", {TradeJson("1001", "BUY", "MARKET", "10")}), false, call);
  EXPECT_THAT(summary, StatusIs(absl::StatusCode::kCancelled, HasSubstr("cancelled")));
  EXPECT_EQ(Count("SELECT count(*) FROM execution_history"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM book_snapshots"), 0);
  // Nothing was recorded, so the same plan runs normally once asked again.
  market_.on_read = nullptr;
  EXPECT_THAT(
      service_->SubmitPlan(PlanJson("gave-up", {TradeJson("1001", "BUY", "MARKET", "10")}), false),
      IsOk());
}

TEST_F(ServiceTest, APassedDeadlineStopsARequestBeforeItStarts) {
  test::ManualCallContext call;
  call.SetDeadline(absl::Now() - absl::Seconds(1));
  EXPECT_THAT(service_->SubmitPlan(PlanJson("late", {TradeJson("1001", "BUY", "MARKET", "10")}),
                                   false, call),
              StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_THAT(service_->RunTick(call), StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_THAT(service_->ListOrders({}, call), StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_EQ(market_.requests, 0);
  EXPECT_EQ(Count("SELECT count(*) FROM execution_history"), 0);
}

TEST_F(ServiceTest, ACancelledTickWritesNoFillsAndReleasesItsLock) {
  ASSERT_THAT(
      service_->SubmitPlan(PlanJson("tc", {TradeJson("1001", "BUY", "LIMIT", "10",
                                                     R"(, "price": 0.45, "sizeUnit": "SHARES")")}),
                           false),
      IsOk());
  market_.Set(BookOf("1001", {{400'000, 100 * M}}, {{440'000, 100 * M}}));
  test::ManualCallContext call;
  market_.on_read = [&] { call.Cancel(); };
  EXPECT_THAT(service_->RunTick(call), StatusIs(absl::StatusCode::kCancelled));
  EXPECT_EQ(Count("SELECT count(*) FROM executions WHERE liquidity = 'maker'"), 0);
  market_.on_read = nullptr;
  auto next = service_->RunTick();
  ASSERT_THAT(next, IsOk());
  EXPECT_FALSE(next->skipped);
  EXPECT_EQ(next->orders_filled, 1);
}

TEST_F(ServiceTest, TheAccountComesFromTheSigner) {
  EXPECT_THAT(service_->GetAccount(),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("--signer-addr")));
  test::FakeSigner signer;
  OmsService with_signer(*pool_, market_, clock_, {domain::FillModel::kBook, &signer});
  auto account = with_signer.GetAccount();
  ASSERT_THAT(account, IsOk());
  EXPECT_EQ(account->signer_address, signer.identity.address);
  EXPECT_EQ(account->chain_id, 137u);
  EXPECT_EQ(account->signer_endpoint, "fake-signer");
  signer.fail_with = absl::UnavailableError("signer: connection refused");
  EXPECT_THAT(with_signer.GetAccount(), StatusIs(absl::StatusCode::kUnavailable));
}

TEST_F(ServiceTest, OutcomeMetadataThatCannotBeReadLeavesTheLabelsUncheckedAndSaysSo) {
  market_.FailMarkets(absl::UnavailableError("market data: /markets-by-token answered 503"));
  auto summary =
      service_->SubmitPlan(PlanJson("no-meta", {TradeJson("1001", "BUY", "MARKET", "5")}), false);
  ASSERT_THAT(summary, IsOk());
  ASSERT_EQ(summary->warnings.size(), 1u);
  EXPECT_THAT(summary->warnings[0].message, HasSubstr("outcome labels not checked"));
  market_.FailMarkets(absl::OkStatus());
  // A token the venue does not describe is noted in the run as well.
  auto noted =
      service_->SubmitPlan(PlanJson("no-market", {TradeJson("1002", "BUY", "MARKET", "5")}), false);
  ASSERT_THAT(noted, IsOk());
  ASSERT_EQ(noted->warnings.size(), 1u);
  EXPECT_EQ(noted->warnings[0].path, "trades[0].outcome");
  EXPECT_THAT(noted->warnings[0].message, HasSubstr("not checked"));
  auto run = service_->GetRun("no-market");
  ASSERT_THAT(run, IsOk());
  ASSERT_TRUE(run->summary.has_value());
  EXPECT_EQ(run->summary->warnings.size(), 1u);  // stored with the run
}

TEST_F(ServiceTest, AWrongOutcomeLabelIsRefusedAndRecorded) {
  market_.SetMarket("1001", {"0x01", {{"1001", "No"}}});
  auto summary =
      service_->SubmitPlan(PlanJson("label", {TradeJson("1001", "BUY", "MARKET", "5")}), false);
  EXPECT_THAT(summary, StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("outcome \"YES\" does not match token 1001")));
  EXPECT_EQ(Count("SELECT count(*) FROM orders"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM execution_history WHERE status = 'failed'"), 1);
}

TEST_F(ServiceTest, ARefusalOfAnAdjustedPlanSaysWhatWasAdjusted) {
  // SELL at 0.995 moves up onto the tick, to 1, which the venue's range refuses.
  auto summary = service_->SubmitPlan(
      PlanJson("edge", {TradeJson("1002", "SELL", "LIMIT", "5",
                                  R"(, "price": 0.995, "sizeUnit": "SHARES")")}),
      false);
  EXPECT_THAT(summary,
              StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("invalid price (1)")));
  EXPECT_THAT(summary, StatusIs(absl::StatusCode::kInvalidArgument,
                                HasSubstr("trades[0].price: price 0.995 moved to 1")));
  auto run = service_->GetRun("edge");
  ASSERT_THAT(run, IsOk());
  EXPECT_THAT(run->error_message, HasSubstr("moved to 1"));  // the recorded failure says so too
}

}  // namespace
}  // namespace betteroms::service
