// The paper tick against changes made while it works, and against venue data it cannot use, over
// a real PostgreSQL with in-memory books and a controlled clock: its writes are conditional on the
// state it read, and one token's book (or the whole venue) failing does not stop the rest.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "absl/strings/str_cat.h"
#include "oms-server/domain/tick.h"
#include "oms-server/service/oms_service.h"
#include "store/orders_repo.h"
#include "tests/support/pg_harness.h"
#include "tests/support/plans.h"
#include "tests/support/static_market.h"
#include "tests/support/status_matchers.h"

namespace betteroms::service {
namespace {

using domain::OrderStatus;
using test::IsOk;
using test::PlanJson;
using test::TradeJson;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

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

class TickGuardTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::HaveTestPostgres()) {
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
    }
    db_ = test::TestDatabase::Create();
    pool_ = std::make_unique<store::Pool>(db_->url(), 4);
    market_.Set(BookOf("1001", {{400'000, 100 * M}}, {{500'000, 100 * M}}));
    market_.Set(BookOf("1002", {{200'000, 100 * M}}, {{300'000, 100 * M}}));
    service_ = std::make_unique<OmsService>(*pool_, market_, clock_);
  }

  // Places a resting BUY of 10 shares at `price` on `token`; its order id.
  int64_t Rest(const std::string& plan, const std::string& token, const std::string& price,
               const std::string& extra = "") {
    auto s = service_->SubmitPlan(
        PlanJson(plan, {TradeJson(token, "BUY", "LIMIT", "10",
                                  absl::StrCat(R"(, "price": )", price, R"(, "sizeUnit": "SHARES")",
                                               extra))}),
        false);
    EXPECT_THAT(s, IsOk());
    return s.ok() ? s->orders.at(0).id : 0;
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

// The race made deterministic: the tick's steps run by hand, with a cancel between its read and
// its write. On main the write was unconditional and turned the cancelled order back to filled.
TEST_F(TickGuardTest, ATickWriteComputedBeforeACancelDoesNotOverwriteIt) {
  int64_t id = Rest("race", "1001", "0.45");
  auto conn = pool_->Acquire();
  ASSERT_THAT(conn, IsOk());
  store::OrderFilter filter;
  filter.ids = {id};
  auto read = store::ListOrders(**conn, filter);  // what the tick read
  ASSERT_THAT(read, IsOk());
  ASSERT_EQ(read->size(), 1u);
  // The book crosses the order: the tick computes a fill.
  domain::BookMap books;
  books["1001"] = BookOf("1001", {{400'000, 100 * M}}, {{440'000, 100 * M}});
  domain::TickOutcome outcome = domain::ApplyTick(*read, books, clock_.Now());
  ASSERT_EQ(outcome.orders_filled, 1);
  // The trader cancels before the tick writes.
  ASSERT_THAT(service_->CancelOrder(id), IsOk());
  std::vector<store::OrderChange> changes;
  for (const domain::Order& next : outcome.changed) {
    changes.push_back(store::ChangeOf(read->at(0), next));
  }
  auto stale = store::UpdateOrderStates(**conn, changes);
  ASSERT_THAT(stale, IsOk());
  EXPECT_THAT(*stale, ElementsAre(id));
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE status = 'cancelled' AND filled_shares = 0"),
            1);

  // Written against the state as it now stands, the same change goes through.
  auto now = store::ListOrders(**conn, filter);
  ASSERT_THAT(now, IsOk());
  domain::Order reopened = now->at(0);
  reopened.reason = "reopened by the test";
  auto fresh = store::UpdateOrderStates(**conn, {store::ChangeOf(now->at(0), reopened)});
  ASSERT_THAT(fresh, IsOk());
  EXPECT_TRUE(fresh->empty());
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE reason = 'reopened by the test'"), 1);
}

TEST_F(TickGuardTest, ATickWriteComputedBeforeAnotherFillDoesNotOverwriteIt) {
  int64_t id = Rest("race-fill", "1001", "0.45");
  auto conn = pool_->Acquire();
  ASSERT_THAT(conn, IsOk());
  store::OrderFilter filter;
  filter.ids = {id};
  auto read = store::ListOrders(**conn, filter);
  ASSERT_THAT(read, IsOk());
  domain::Order expired = read->at(0);
  expired.status = OrderStatus::kExpired;
  // Meanwhile the order filled in part (same status family, other filled shares).
  ASSERT_TRUE((*conn)
                  ->Exec("fill",
                         "UPDATE orders SET filled_shares = 4000000, status = 'open' "
                         "WHERE id = " +
                             std::to_string(id))
                  .ok());
  auto stale = store::UpdateOrderStates(**conn, {store::ChangeOf(read->at(0), expired)});
  ASSERT_THAT(stale, IsOk());
  EXPECT_THAT(*stale, ElementsAre(id));
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE status = 'open' AND filled_shares = 4000000"),
            1);
}

TEST_F(TickGuardTest, OrdersExpireWhileTheVenueIsDown) {
  Rest("gtd", "1001", "0.30", R"(, "timeInForce": "GTD", "expiresAt": "2099-01-01T00:00:00Z")");
  Rest("gtc", "1002", "0.25");
  ASSERT_TRUE(db_->Connect()
                  ->Exec("age",
                         "UPDATE orders SET expires_at = now() - interval '1 minute' "
                         "WHERE time_in_force = 'GTD'")
                  .ok());
  market_.FailBooks(absl::UnavailableError("the Polymarket CLOB at http://clob.test is down"));
  auto report = service_->RunTick();
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->orders_expired, 1);
  EXPECT_EQ(report->orders_filled, 0);
  EXPECT_THAT(report->message, HasSubstr("books not read: the Polymarket CLOB at"));
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE status = 'expired'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE status = 'open'"), 1);

  // Back up: the other order is priced again.
  market_.FailBooks(absl::OkStatus());
  market_.Set(BookOf("1002", {{200'000, 100 * M}}, {{240'000, 100 * M}}));
  auto later = service_->RunTick();
  ASSERT_THAT(later, IsOk());
  EXPECT_EQ(later->orders_filled, 1);
}

TEST_F(TickGuardTest, ARefusedBookLeavesItsTokenOutAndTheOthersFillAndExpire) {
  Rest("bad", "1001", "0.45");
  Rest("good", "1002", "0.25");
  Rest("due", "1002", "0.10", R"(, "cancelAfter": "1h")");
  market_.Set(BookOf("1002", {{200'000, 100 * M}}, {{240'000, 100 * M}}));
  market_.FailBook("1001", absl::UnknownError("market data: refused the book for token 1001 "
                                              "from http://clob.test: book: asks level at "
                                              "price 0 size 10 is not a market"));
  clock_.Advance(absl::Hours(2));
  auto report = service_->RunTick();
  ASSERT_THAT(report, IsOk());
  EXPECT_EQ(report->orders_filled, 1);
  EXPECT_EQ(report->orders_expired, 1);
  EXPECT_THAT(report->message, HasSubstr("refused the book for token 1001"));
  EXPECT_EQ(Count("SELECT count(*) FROM orders WHERE token_id = '1001' AND status = 'open'"), 1);
  EXPECT_EQ(Count("SELECT count(*) FROM executions WHERE token_id = '1001'"), 0);
  EXPECT_EQ(Count("SELECT count(*) FROM executions WHERE token_id = '1002'"), 1);
}

}  // namespace
}  // namespace betteroms::service
