#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <thread>

#include "store/migrations.h"
#include "store/orders_repo.h"
#include "store/resolutions_repo.h"
#include "store/runs_repo.h"
#include "store/sql_enums.h"
#include "tests/support/pg_harness.h"
#include "tests/support/status_matchers.h"

namespace betteroms::store {
namespace {

using test::IsOk;
using test::StatusIs;
using ::testing::HasSubstr;

int64_t Count(Connection& conn, const std::string& sql) {
  return conn.Exec("count", sql)->Row(0).Int(0);
}

class StoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!test::HaveTestPostgres()) {
      GTEST_FAIL()
          << "BETTEROMS_TEST_PG is not set: run scripts/test, which starts a private PostgreSQL";
    }
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
  EXPECT_EQ(rows->Row(0).Int(0), static_cast<int64_t>(EmbeddedMigrations().size()));
  for (const char* table :
       {"execution_history", "orders", "executions", "book_snapshots", "ticks"}) {
    auto t = conn->Exec("table", "SELECT to_regclass($1) IS NOT NULL", Params().Add(table));
    EXPECT_TRUE(t->Row(0).Bool(0)) << table;
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
  EXPECT_TRUE(t->Row(0).Bool(0));
  auto v = conn->Exec("version", "SELECT count(*) FROM schema_migrations WHERE version = 9999");
  EXPECT_EQ(v->Row(0).Int(0), 0);
}

domain::Run RunOf(const std::string& plan_id, int trades) {
  domain::Run run;
  run.plan_id = plan_id;
  run.plan_json = "{}";
  run.plan_hash = "h";
  run.trade_count = trades;
  run.started_at = absl::FromUnixSeconds(1'800'000'000);
  return run;
}

TEST_F(StoreTest, ASecondRunOfAPlanIdIsNotInserted) {
  auto db = test::TestDatabase::Create();
  auto conn = db->Connect();
  domain::Run run = RunOf("plan-1", 1);
  ASSERT_TRUE(*InsertRunningRun(*conn, run));
  EXPECT_FALSE(*InsertRunningRun(*conn, run));
  auto got = GetRun(*conn, "plan-1");
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->status, domain::RunStatus::kRunning);
  EXPECT_EQ(got->started_at, run.started_at);
  EXPECT_THAT(GetRun(*conn, "nope"), StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(StoreTest, TheLiveJournalWritesOnlyOverTheStateItRead) {
  auto db = test::TestDatabase::Create();
  auto conn = db->Connect();
  ASSERT_TRUE(*InsertRunningRun(*conn, RunOf("live", 1)));
  domain::Order o;
  o.plan_id = "live";
  o.mode = domain::Mode::kLive;
  o.token_id = "123";
  o.outcome = "Yes";
  o.type = domain::OrderType::kLimit;
  o.tif = domain::TimeInForce::kGtc;
  o.limit_price = 500'000;
  o.size_shares = 10'000'000;
  o.maker_amount = 5'000'000;
  o.taker_amount = 10'000'000;
  o.status = domain::OrderStatus::kNew;
  o.live = {"intent-1", "ctf-v2", "77", "0xm", "0xs", 0, 1, 0, "0x00", "0x00"};
  std::vector<domain::Order> rows = {o};
  ASSERT_THAT(InsertOrders(*conn, rows), IsOk());

  domain::Order sending = rows[0];  // as read: new
  sending.status = domain::OrderStatus::kSubmitting;
  sending.live.order_hash = "0xhash";
  sending.live.signature = "0xsig";
  ASSERT_THAT(UpdateJournal(*conn, {sending}), IsOk());

  // A copy read before that write (still "new") must not overwrite it.
  domain::Order stale = rows[0];
  stale.status = domain::OrderStatus::kNotSent;
  stale.reason = "stale";
  EXPECT_THAT(UpdateJournal(*conn, {stale}),
              StatusIs(absl::StatusCode::kAborted, HasSubstr("changed (or vanished) meanwhile")));
  auto got = GetOrder(*conn, rows[0].id, /*for_update=*/false);
  ASSERT_THAT(got, IsOk());
  EXPECT_EQ(got->status, domain::OrderStatus::kSubmitting);
  EXPECT_EQ(got->live.stored_status, domain::OrderStatus::kSubmitting);
  EXPECT_EQ(got->live.order_hash, "0xhash");

  // Past `submitting`, the hash and signature are required by the schema.
  domain::Order unsigned_order = *got;
  unsigned_order.status = domain::OrderStatus::kOpen;
  unsigned_order.live.order_hash.clear();
  EXPECT_THAT(UpdateJournal(*conn, {unsigned_order}),
              StatusIs(absl::StatusCode::kFailedPrecondition, HasSubstr("orders_signed_check")));
}

TEST_F(StoreTest, OrdersAndFillsAreWrittenInBatches) {
  auto db = test::TestDatabase::Create();
  auto conn = db->Connect();
  ASSERT_TRUE(*InsertRunningRun(*conn, RunOf("p", 3)));
  std::vector<domain::Order> rows;
  for (int i = 0; i < 3; ++i) {
    domain::Order o;
    o.plan_id = "p";
    o.trade_index = i;
    o.mode = domain::Mode::kPaper;
    o.token_id = "tok\"with,odd{chars}";
    o.outcome = i == 1 ? std::string("NO \\ \"quoted\"") : "YES";
    o.side = domain::Side::kBuy;
    o.type = domain::OrderType::kLimit;
    o.tif = domain::TimeInForce::kGtc;
    o.limit_price = 500'000;
    o.size_shares = 10'000'000;
    o.maker_amount = 5'000'000;
    o.taker_amount = 10'000'000;
    o.status = domain::OrderStatus::kOpen;
    if (i == 2) o.expires_at = absl::FromUnixSeconds(1'893'456'000);  // 2030-01-01
    rows.push_back(o);
  }
  ASSERT_THAT(InsertOrders(*conn, rows), IsOk());
  for (const auto& o : rows) {
    EXPECT_GT(o.id, 0);
    EXPECT_GT(o.created_at, absl::Now() - absl::Hours(1));  // as stored, not left unset
  }
  domain::Book book;
  book.token_id = rows[0].token_id;
  book.hash = "hash1";
  book.raw_json = R"({"bids":[]})";
  ASSERT_THAT(InsertSnapshots(*conn, {&book}), IsOk());
  ASSERT_THAT(InsertSnapshots(*conn, {&book}), IsOk());  // stored once
  domain::Execution fill;
  fill.order_id = rows[0].id;
  fill.token_id = rows[0].token_id;
  fill.shares = 4'000'000;
  fill.price = 500'000;
  fill.notional = 2'000'000;
  fill.book_hash = "hash1";
  fill.executed_at = absl::FromUnixSeconds(1'800'000'000);
  ASSERT_THAT(InsertExecutions(*conn, {fill}), IsOk());
  OrderFilter filter;
  filter.plan_id = "p";
  filter.limit = 10;
  auto listed = ListOrders(*conn, filter);
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->size(), 3u);
  bool saw_quoted = false;
  for (const auto& o : *listed) {
    saw_quoted |= o.outcome == "NO \\ \"quoted\"";
    EXPECT_EQ(o.status, domain::OrderStatus::kOpen);
    EXPECT_EQ(o.expires_at.has_value(), o.trade_index == 2);
  }
  EXPECT_TRUE(saw_quoted);
  auto fills = ListExecutionsForOrders(*conn, {rows[0].id});
  ASSERT_THAT(fills, IsOk());
  ASSERT_EQ(fills->size(), 1u);
  EXPECT_EQ((*fills)[0].book_hash, "hash1");
  EXPECT_EQ((*fills)[0].executed_at, fill.executed_at);
  EXPECT_EQ(Count(*conn, "SELECT count(*) FROM book_snapshots"), 1);
  auto avail = SharesAvailable(*conn, domain::Mode::kPaper, {rows[0].token_id, "other"});
  ASSERT_THAT(avail, IsOk());
  EXPECT_EQ((*avail)[rows[0].token_id], 4'000'000);
  EXPECT_EQ((*avail)["other"], 0);
}

// Every enum value the domain has must be one its table's CHECK constraint names, or a write
// fails at run time.
template <typename E, size_t N>
void ExpectAccepted(Connection& conn, const std::array<E, N>& values, const std::string& table,
                    const std::string& column) {
  for (E v : values) {
    std::string text(SqlText(v));
    auto ok = conn.Exec("check",
                        "SELECT 1 FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid "
                        "WHERE t.relname = $1 AND c.contype = 'c' "
                        "AND pg_get_constraintdef(c.oid) LIKE '%' || $2 || '%' "
                        "AND strpos(pg_get_constraintdef(c.oid), quote_literal($3)) > 0",
                        Params().Add(table).Add(column).Add(text));
    ASSERT_THAT(ok, IsOk());
    EXPECT_GE(ok->rows(), 1) << "no CHECK constraint of " << table << "." << column << " allows '"
                             << text << "'";
  }
}

TEST_F(StoreTest, AResolutionIsRecordedOnceAndItsPayoutOnlyGoesFromUnknownToKnown) {
  auto db = test::TestDatabase::Create();
  auto conn = db->Connect();
  auto first = RecordResolutions(*conn, {{"1", "0xc", std::nullopt}, {"2", "0xc", 0}});
  ASSERT_THAT(first, IsOk());
  EXPECT_EQ(*first, (std::vector<std::string>{"1", "2"}));

  // Known now: the unknown payout is filled; a repeat inserts nothing new.
  auto second = RecordResolutions(*conn, {{"1", "0xc", 1'000'000}, {"3", "", std::nullopt}});
  ASSERT_THAT(second, IsOk());
  EXPECT_EQ(*second, std::vector<std::string>{"3"});
  // A known payout is never replaced, nor unset; an unknown condition is filled in.
  auto third = RecordResolutions(
      *conn, {{"1", "0xc", 0}, {"2", "0xc", std::nullopt}, {"3", "0xd", std::nullopt}});
  ASSERT_THAT(third, IsOk());
  EXPECT_TRUE(third->empty());

  auto listed = ListResolutions(*conn, {"1", "2", "3", "4"});
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->size(), 3u);
  EXPECT_EQ(listed->at("1").payout, 1'000'000);
  EXPECT_EQ(listed->at("1").condition_id, "0xc");
  EXPECT_EQ(listed->at("2").payout, 0);
  EXPECT_EQ(listed->at("3").payout, std::nullopt);
  EXPECT_EQ(listed->at("3").condition_id, "0xd");
  EXPECT_EQ(Count(*conn, "SELECT count(*) FROM market_resolutions"), 3);

  EXPECT_THAT(RecordResolutions(*conn, {{"5", "", 500'000}}),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(StoreTest, EveryDomainEnumValueIsOneTheTablesAccept) {
  auto db = test::TestDatabase::Create();
  auto conn = db->Connect();
  ExpectAccepted(*conn, domain::kAllModes, "orders", "mode");
  ExpectAccepted(*conn, domain::kAllModes, "execution_history", "mode");
  ExpectAccepted(*conn, domain::kAllModes, "executions", "mode");
  ExpectAccepted(*conn, domain::kAllSides, "orders", "side");
  ExpectAccepted(*conn, domain::kAllSides, "executions", "side");
  ExpectAccepted(*conn, domain::kAllOrderTypes, "orders", "order_type");
  ExpectAccepted(*conn, domain::kAllTimesInForce, "orders", "time_in_force");
  ExpectAccepted(*conn, domain::kAllOrderStatuses, "orders", "status");
  ExpectAccepted(*conn, domain::kAllRunStatuses, "execution_history", "status");
  ExpectAccepted(*conn, domain::kAllLiquidities, "executions", "liquidity");
  ExpectAccepted(*conn, domain::kAllModes, "triggers", "mode");
  ExpectAccepted(*conn, domain::kAllSides, "triggers", "side");
  ExpectAccepted(*conn, domain::kAllTriggerStatuses, "triggers", "status");
  ExpectAccepted(*conn,
                 std::array{domain::TriggerPrice::kBestBid, domain::TriggerPrice::kBestAsk,
                            domain::TriggerPrice::kMid},
                 "triggers", "price_source");
}

TEST_F(StoreTest, EveryOrderStatusIsWrittenAndReadBackAsItself) {
  auto db = test::TestDatabase::Create();
  auto conn = db->Connect();
  ASSERT_TRUE(*InsertRunningRun(*conn, RunOf("rt", 9)));
  std::vector<domain::Order> orders;
  for (domain::OrderStatus status : domain::kAllOrderStatuses) {
    domain::Order o;
    o.plan_id = "rt";
    o.trade_index = static_cast<int>(orders.size());
    o.token_id = "1";
    o.outcome = "YES";
    o.status = status;
    orders.push_back(o);
  }
  ASSERT_THAT(InsertOrders(*conn, orders), IsOk());
  OrderFilter filter;
  filter.plan_id = "rt";
  filter.oldest_first = true;
  auto listed = ListOrders(*conn, filter);
  ASSERT_THAT(listed, IsOk());
  ASSERT_EQ(listed->size(), domain::kAllOrderStatuses.size());
  for (const domain::Order& o : *listed) {
    EXPECT_EQ(o.status, domain::kAllOrderStatuses[o.trade_index]);
  }
}

TEST_F(StoreTest, AValueThatDoesNotParseIsAnErrorNotAZero) {
  auto db = test::TestDatabase::Create();
  auto conn = db->Connect();
  auto res = conn->Exec("odd", "SELECT 'twelve'::text AS n, NULL::text AS missing, 'x' AS b");
  ASSERT_THAT(res, IsOk());
  RowReader r = res->Row(0);
  EXPECT_EQ(r.Int("n"), 0);
  EXPECT_THAT(r.status(), StatusIs(absl::StatusCode::kInternal, HasSubstr("\"twelve\"")));
  RowReader nulls = res->Row(0);
  (void)nulls.Text("missing");
  EXPECT_THAT(nulls.status(), StatusIs(absl::StatusCode::kInternal, HasSubstr("missing")));
  RowReader absent = res->Row(0);
  (void)absent.Int("no_such_column");
  EXPECT_THAT(absent.status(), StatusIs(absl::StatusCode::kInternal, HasSubstr("no_such_column")));
  RowReader enums = res->Row(0);
  (void)enums.Enum("b", &ParseOrderStatusSql);
  EXPECT_THAT(enums.status(), StatusIs(absl::StatusCode::kInternal, HasSubstr("order status")));
}

TEST_F(StoreTest, AcquireWaitsNoLongerThanItsDeadline) {
  auto db = test::TestDatabase::Create();
  Pool pool(db->url(), 1);
  auto held = pool.Acquire();
  ASSERT_THAT(held, IsOk());
  absl::Time start = absl::Now();
  auto second = pool.Acquire(absl::Now() + absl::Milliseconds(200));
  EXPECT_THAT(second, StatusIs(absl::StatusCode::kDeadlineExceeded));
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(150));
  EXPECT_LT(absl::Now() - start, absl::Seconds(5));
}

TEST_F(StoreTest, AWaiterGetsTheConnectionAsSoonAsItIsReleased) {
  auto db = test::TestDatabase::Create();
  Pool pool(db->url(), 1);
  std::optional<absl::StatusOr<Pool::Lease>> held(pool.Acquire());
  ASSERT_THAT(*held, IsOk());
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    held.reset();
  });
  auto waited = pool.Acquire(absl::Now() + absl::Seconds(10));
  release.join();
  ASSERT_THAT(waited, IsOk());
  EXPECT_THAT(Ping(**waited), IsOk());
}

TEST_F(StoreTest, ARunawayStatementIsStoppedByTheStatementTimeout) {
  auto db = test::TestDatabase::Create();
  ConnectOptions options;
  options.statement_timeout = absl::Milliseconds(300);
  auto conn = Connection::Open(db->url(), options);
  ASSERT_THAT(conn, IsOk());
  auto slow = (*conn)->Exec("sleep", "SELECT pg_sleep(5)");
  EXPECT_THAT(slow, StatusIs(absl::StatusCode::kDeadlineExceeded, HasSubstr("statement timeout")));
}

}  // namespace
}  // namespace betteroms::store
