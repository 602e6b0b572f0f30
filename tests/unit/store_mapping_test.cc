#include <gtest/gtest.h>

#include "store/db.h"

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

}  // namespace
}  // namespace betteroms::store
