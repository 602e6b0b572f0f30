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

TEST(Decimal, ReadsLongNumbersRoundedInTheAskedDirection) {
  auto down = ParseJsonNumberRounded("33.300000000000004", 2, Rounding::kTowardZero);
  ASSERT_TRUE(down.ok());
  EXPECT_EQ(down->micros, 33'300'000);
  EXPECT_FALSE(down->exact);
  auto up = ParseJsonNumberRounded("0.31654999999999994", 6, Rounding::kAwayFromZero);
  ASSERT_TRUE(up.ok());
  EXPECT_EQ(up->micros, 316'550);
  auto carry = ParseJsonNumberRounded("0.9999999", 6, Rounding::kAwayFromZero);
  ASSERT_TRUE(carry.ok());
  EXPECT_EQ(carry->micros, 1'000'000);  // the carry runs through every 9
  auto exact = ParseJsonNumberRounded("12.5e-1", 2, Rounding::kTowardZero);
  ASSERT_TRUE(exact.ok());
  EXPECT_EQ(exact->micros, 1'250'000);
  EXPECT_TRUE(exact->exact);
  EXPECT_FALSE(ParseJsonNumberRounded("1..2", 2, Rounding::kTowardZero).ok());
}

TEST(Decimal, ExponentsSmallerThanTheDigitsWrittenRoundWithoutFailing) {
  // Python writes 0.00005 as 5e-05: fewer digits than decimals to drop.
  for (const char* text : {"5e-05", "1e-05", "2.5e-4", "1e-9999", "1.5e-20", "5e-13", "1e-14"}) {
    auto down = ParseJsonNumberRounded(text, 2, Rounding::kTowardZero, 12);
    ASSERT_TRUE(down.ok()) << text;
    EXPECT_EQ(down->micros, 0) << text;
    EXPECT_FALSE(down->exact) << text;
    auto up = ParseJsonNumberRounded(text, 6, Rounding::kAwayFromZero, 12);
    ASSERT_TRUE(up.ok()) << text;
    EXPECT_GE(up->micros, 0) << text;
  }
  EXPECT_EQ(ParseJsonNumberRounded("5e-13", 6, Rounding::kAwayFromZero, 12)->micros, 1);
  EXPECT_EQ(ParseJsonNumberRounded("1e-14", 6, Rounding::kAwayFromZero, 12)->micros, 0);
  EXPECT_EQ(ParseJsonNumberRounded("2.5e-4", 6, Rounding::kTowardZero, 12)->micros, 250);
  EXPECT_TRUE(ParseJsonNumberRounded("0e-50", 2, Rounding::kTowardZero)->exact);
}

TEST(Decimal, ADoublesNoiseIsRoundedAwayBeforeTheDirection) {
  // Without the noise step, a SELL at 0.30000000000000004 would round up a whole micro-unit.
  auto noisy = ParseJsonNumberRounded("0.30000000000000004", 6, Rounding::kAwayFromZero, 12);
  ASSERT_TRUE(noisy.ok());
  EXPECT_EQ(noisy->micros, 300'000);
  EXPECT_FALSE(noisy->exact);
  auto below = ParseJsonNumberRounded("0.29999999999999999", 6, Rounding::kTowardZero, 12);
  ASSERT_TRUE(below.ok());
  EXPECT_EQ(below->micros, 300'000);  // half-up at the 12th decimal carries into 0.3
  auto real = ParseJsonNumberRounded("0.4000005", 6, Rounding::kTowardZero, 12);
  ASSERT_TRUE(real.ok());
  EXPECT_EQ(real->micros, 400'000);  // real digits, not noise: the direction decides
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
