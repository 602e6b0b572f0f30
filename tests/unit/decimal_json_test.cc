#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/decimal.h"
#include "common/json.h"
#include "common/time.h"
#include "tests/support/status_matchers.h"

namespace betteroms {
namespace {

using ::betteroms::test::IsOk;
using ::betteroms::test::StatusIs;
using ::testing::HasSubstr;

TEST(Decimal, ParsesPlainDecimalsExactly) {
  EXPECT_EQ(*ParseMicros("0.55"), 550'000);
  EXPECT_EQ(*ParseMicros("181.818181"), 181'818'181);
  EXPECT_EQ(*ParseMicros("-3.25"), -3'250'000);
  EXPECT_EQ(*ParseMicros("10"), 10'000'000);
  EXPECT_EQ(*ParseMicros("0.1000000"), 100'000);  // trailing zeros are not precision
}

TEST(Decimal, RefusesTooManyDecimalsAndJunk) {
  EXPECT_FALSE(ParseMicros("0.1234567").ok());
  EXPECT_FALSE(ParseMicros("0.123", 2).ok());
  EXPECT_FALSE(ParseMicros("1e-2").ok());
  EXPECT_FALSE(ParseMicros("abc").ok());
  EXPECT_FALSE(ParseMicros(".5").ok());
  EXPECT_FALSE(ParseMicros("99999999999999").ok());
}

TEST(Decimal, JsonNumbersWithExponentsAreExact) {
  EXPECT_EQ(*ParseJsonNumberMicros("5e-1"), 500'000);
  EXPECT_EQ(*ParseJsonNumberMicros("1.5E2"), 150'000'000);
  EXPECT_FALSE(ParseJsonNumberMicros("1e-7").ok());
}

TEST(Decimal, FormatsShortestExactText) {
  EXPECT_EQ(FormatMicros(550'000), "0.55");
  EXPECT_EQ(FormatMicros(2'000'000), "2");
  EXPECT_EQ(FormatMicros(-1), "-0.000001");
  EXPECT_EQ(FormatMicrosFixed(1'234'567, 2), "1.23");
  EXPECT_EQ(MicroDecimals(1'230'000), 2);
}

TEST(Decimal, RoundsInTheRightDirection) {
  EXPECT_EQ(RoundDownMicros(1'239'999, 2), 1'230'000);
  EXPECT_EQ(RoundUpMicros(1'230'001, 2), 1'240'000);
  EXPECT_EQ(MulDivCeil(3, 1, 2), 2);
  EXPECT_EQ(MulDivFloor(3, 1, 2), 1);
}

TEST(Json, KeepsNumberTextAsWritten) {
  auto doc = ParseJson(R"({"a": 0.1, "b": 12345678901234567890123, "c": [1, "x", null, true]})");
  ASSERT_THAT(doc, IsOk());
  EXPECT_EQ(doc->Find("a")->text, "0.1");
  EXPECT_EQ(doc->Find("b")->text, "12345678901234567890123");
  ASSERT_EQ(doc->Find("c")->items.size(), 4u);
  EXPECT_TRUE(doc->Find("c")->items[2].is_null());
  EXPECT_EQ(DumpJson(*doc), R"({"a":0.1,"b":12345678901234567890123,"c":[1,"x",null,true]})");
}

TEST(Json, RefusesDuplicateKeysAndDeepNesting) {
  EXPECT_FALSE(ParseJson(R"({"a": 1, "a": 2})").ok());
  EXPECT_FALSE(ParseJson(std::string(100, '[') + std::string(100, ']')).ok());
  auto bad = ParseJson("{\"a\": ");
  EXPECT_THAT(bad, StatusIs(absl::StatusCode::kInvalidArgument, HasSubstr("invalid JSON")));
}

TEST(Time, ParsesPlanDurationsAndRfc3339) {
  EXPECT_EQ(*ParsePlanDuration("6h"), absl::Hours(6));
  EXPECT_EQ(*ParsePlanDuration("1h30m"), absl::Minutes(90));
  EXPECT_FALSE(ParsePlanDuration("6").ok());
  EXPECT_FALSE(ParsePlanDuration("0s").ok());
  EXPECT_FALSE(ParsePlanDuration("h").ok());
  auto t = ParseTime("2026-12-01T18:00:00Z");
  ASSERT_THAT(t, IsOk());
  EXPECT_EQ(FormatRfc3339(*t), "2026-12-01T18:00:00.000Z");
  EXPECT_FALSE(ParseTime("tomorrow").ok());
}

}  // namespace
}  // namespace betteroms
