#include <gtest/gtest.h>

#include "store/db.h"
#include "store/summary_json.h"

namespace betteroms::store {
namespace {

TEST(SqlState, MapsToStatusCodesAsTheStyleGuideSays) {
  EXPECT_EQ(CodeForSqlState("23505"), absl::StatusCode::kAlreadyExists);
  EXPECT_EQ(CodeForSqlState("23503"), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeForSqlState("23514"), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CodeForSqlState("40001"), absl::StatusCode::kAborted);
  EXPECT_EQ(CodeForSqlState("40P01"), absl::StatusCode::kAborted);
  EXPECT_EQ(CodeForSqlState("57014"), absl::StatusCode::kDeadlineExceeded);  // statement_timeout
  EXPECT_EQ(CodeForSqlState("55P03"), absl::StatusCode::kDeadlineExceeded);  // lock_timeout
  EXPECT_EQ(CodeForSqlState("08006"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("57P01"), absl::StatusCode::kUnavailable);
  EXPECT_EQ(CodeForSqlState("42P01"), absl::StatusCode::kInternal);
}

TEST(ArrayLiterals, QuoteWhatPostgresWouldMisread) {
  EXPECT_EQ(TextArray({"a", "b\"c", "d\\e", "{,}"}), R"({"a","b\"c","d\\e","{,}"})");
  EXPECT_EQ(IntArray({1, -2, 3}), "{1,-2,3}");
  EXPECT_EQ(NullableTextArray({std::string("x"), std::nullopt}), R"({"x",NULL})");
}

TEST(StoredSummary, KeepsTheTwinTotalsAndReadsSummariesStoredWithoutThem) {
  domain::RunSummary live;
  live.plan_id = "p";
  live.mode = domain::Mode::kLive;
  domain::TwinTotals twin;
  twin.orders = 2;
  twin.twin_filled_shares = 150'000'000;
  twin.twin_filled_notional = 76'000'000;
  twin.live_filled_shares = 150'000'000;
  twin.live_filled_notional = 77'500'000;
  twin.orders_compared = 1;
  twin.compared_notional = 76'000'000;
  twin.slippage_cost = -1'500'000;
  live.twin = twin;
  auto back = ParseRunSummaryJson(RunSummaryJson(live));
  ASSERT_TRUE(back.ok()) << back.status();
  ASSERT_TRUE(back->twin.has_value());
  EXPECT_EQ(back->twin->orders, 2);
  EXPECT_EQ(back->twin->twin_filled_notional, 76'000'000);
  EXPECT_EQ(back->twin->live_filled_notional, 77'500'000);
  EXPECT_EQ(back->twin->orders_compared, 1);
  EXPECT_EQ(back->twin->compared_notional, 76'000'000);
  EXPECT_EQ(back->twin->slippage_cost, -1'500'000);
  EXPECT_EQ(back->twin->SlippageCentibps(), -19'737);

  // A live run whose orders rest on both sides still has its (zero) totals.
  live.twin = domain::TwinTotals{};
  live.twin->orders = 1;
  auto resting = ParseRunSummaryJson(RunSummaryJson(live));
  ASSERT_TRUE(resting.ok()) << resting.status();
  ASSERT_TRUE(resting->twin.has_value());
  EXPECT_EQ(resting->twin->orders, 1);

  // Stored before twins were kept.
  auto old = ParseRunSummaryJson(
      R"({"planId":"p","mode":"live","status":"completed","ordersPlaced":1,"notionalBought":"5"})");
  ASSERT_TRUE(old.ok()) << old.status();
  EXPECT_FALSE(old->twin.has_value());
  EXPECT_EQ(old->notional_bought, 5'000'000);
}

}  // namespace
}  // namespace betteroms::store
