#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "store/migrations.h"
#include "store/orders_repo.h"
#include "store/runs_repo.h"
#include "tests/support/pg_harness.h"
#include "tests/support/status_matchers.h"

namespace betteroms::store {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::HasSubstr;

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::HaveTestPostgres())
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
  }
};

TEST_F(StoreTest, MigrationsApplyToAnEmptyDatabaseAndAgainAsANoOp) {
  auto db = test::TestDatabase::Create(/*migrate=*/false);
  auto conn = db->Connect();
  auto first = ApplyMigrations(*conn, EmbeddedMigrations());
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(*first, static_cast<int>(EmbeddedMigrations().size()));
  auto second = ApplyMigrations(*conn, EmbeddedMigrations());
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(*second, 0);
  auto rows = conn->Exec("count", "SELECT count(*) FROM schema_migrations");
  EXPECT_EQ(rows->Int(0, 0), static_cast<int64_t>(EmbeddedMigrations().size()));
  for (const char* table :
       {"execution_history", "orders", "executions", "book_snapshots", "ticks"}) {
    auto t = conn->Exec("table", "SELECT to_regclass($1) IS NOT NULL", Params().Add(table));
    EXPECT_TRUE(t->Bool(0, 0)) << table;
  }
}

TEST_F(StoreTest, AChangedMigrationIsRefused) {
  auto db = test::TestDatabase::Create(/*migrate=*/true);
  auto conn = db->Connect();
  std::vector<Migration> edited = EmbeddedMigrations();
  edited[0].sql += "\n-- an innocent-looking edit\n";
  auto result = ApplyMigrations(*conn, edited);
  ASSERT_THAT(result, StatusIs(absl::StatusCode::kFailedPrecondition,
                               HasSubstr("0001_init.sql changed after it was applied")));
}

TEST_F(StoreTest, AFailingMigrationLeavesNothingBehind) {
  auto db = test::TestDatabase::Create(/*migrate=*/true);
  auto conn = db->Connect();
  std::vector<Migration> more = EmbeddedMigrations();
  more.push_back({9999, "9999_broken.sql", "CREATE TABLE half_done (id int); SELECT 1/0;"});
  EXPECT_FALSE(ApplyMigrations(*conn, more).ok());
  auto t = conn->Exec("table", "SELECT to_regclass('half_done') IS NULL");
  EXPECT_TRUE(t->Bool(0, 0));
  auto v = conn->Exec("version", "SELECT count(*) FROM schema_migrations WHERE version = 9999");
  EXPECT_EQ(v->Int(0, 0), 0);
}

TEST_F(StoreTest, ASecondRunOfAPlanIdIsNotInserted) {
  auto db = test::TestDatabase::Create();
  auto conn = db->Connect();
  RunRow run{"plan-1", "{}", "h", "paper", "running", 1};
  ASSERT_TRUE(*InsertRunningRun(*conn, run));
  EXPECT_FALSE(*InsertRunningRun(*conn, run));
  auto got = GetRun(*conn, "plan-1");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->status, "running");
  EXPECT_EQ(GetRun(*conn, "nope").status().code(), absl::StatusCode::kNotFound);
}

TEST_F(StoreTest, OrdersAndFillsAreWrittenInBatches) {
  auto db = test::TestDatabase::Create();
  auto conn = db->Connect();
  ASSERT_TRUE(*InsertRunningRun(*conn, {"p", "{}", "h", "paper", "running", 3}));
  std::vector<OrderRow> rows;
  for (int i = 0; i < 3; ++i) {
    OrderRow o;
    o.plan_id = "p";
    o.trade_index = i;
    o.mode = "paper";
    o.token_id = "tok\"with,odd{chars}";
    o.outcome = i == 1 ? std::string("NO \\ \"quoted\"") : "YES";
    o.side = "BUY";
    o.order_type = "LIMIT";
    o.time_in_force = "GTC";
    o.limit_price = 500'000;
    o.size_shares = 10'000'000;
    o.maker_amount = 5'000'000;
    o.taker_amount = 10'000'000;
    o.status = "open";
    if (i == 2) o.expires_at = "2030-01-01T00:00:00.000Z";
    rows.push_back(o);
  }
  auto ids = InsertOrders(*conn, rows);
  ASSERT_THAT(ids, IsOk());
  ASSERT_EQ(ids->size(), 3u);
  auto snaps = InsertSnapshots(*conn, {{rows[0].token_id, "hash1", R"({"bids":[]})"}});
  ASSERT_THAT(snaps, IsOk());
  auto again = InsertSnapshots(*conn, {{rows[0].token_id, "hash1", R"({"bids":[]})"}});
  EXPECT_EQ((*again)[rows[0].token_id], (*snaps)[rows[0].token_id]);  // stored once
  ASSERT_TRUE(
      InsertExecutions(*conn, {{(*ids)[0], "paper", rows[0].token_id, "BUY", 4'000'000, 500'000,
                                2'000'000, 0, "taker", (*snaps)[rows[0].token_id]}})
          .ok());
  auto listed = ListOrders(*conn, {"p", "", "", {}, 10});
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->size(), 3u);
  bool saw_quoted = false;
  for (const auto& o : *listed) saw_quoted |= o.outcome == "NO \\ \"quoted\"";
  EXPECT_TRUE(saw_quoted);
  auto fills = ListExecutionsForOrders(*conn, {(*ids)[0]});
  ASSERT_EQ(fills->size(), 1u);
  EXPECT_EQ((*fills)[0].book_hash, "hash1");
  auto avail = SharesAvailable(*conn, "paper", {rows[0].token_id, "other"});
  EXPECT_EQ((*avail)[rows[0].token_id], 4'000'000);
  EXPECT_EQ((*avail)["other"], 0);
}

}  // namespace
}  // namespace betteroms::store
